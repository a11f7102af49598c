"""Test-only URLconf: the portal's URLs plus two views over villages, one that loads each
village's commune on its own (an N+1) and one that joins it."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns
from units.models import Unit, UnitKind


def _villages_n_plus_one(request):
    villages = Unit.objects.filter(kind=UnitKind.VILLAGE).order_by("name")
    return HttpResponse(", ".join(v.parent.name for v in villages))


def _villages_joined(request):
    villages = Unit.objects.filter(kind=UnitKind.VILLAGE).select_related("parent").order_by("name")
    return HttpResponse(", ".join(v.parent.name for v in villages))


urlpatterns = [
    *portal_urlpatterns,
    path("__n-cong-1__/", _villages_n_plus_one),
    path("__mot-truy-van__/", _villages_joined),
]
