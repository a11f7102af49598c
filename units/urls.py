from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("", views.unit_list_view, name="unit-list"),
    path("them/", views.unit_create_view, name="unit-create"),
    path("xuat-excel/", views.unit_export_view, name="unit-export"),
    path("<int:pk>/", views.unit_detail_view, name="unit-detail"),
    path("<int:pk>/sua/", views.unit_edit_view, name="unit-edit"),
    path("ca-nhan/", views.person_list_view, name="person-list"),
    path("ca-nhan/them/", views.person_create_view, name="person-create"),
    path("ca-nhan/<int:pk>/", views.person_detail_view, name="person-detail"),
    path("ca-nhan/<int:pk>/sua/", views.person_edit_view, name="person-edit"),
    path("co-quan-ban-hanh/", views.authority_list_view, name="authority-list"),
    path("co-quan-ban-hanh/them/", views.authority_create_view, name="authority-create"),
    path("co-quan-ban-hanh/<int:pk>/sua/", views.authority_edit_view, name="authority-edit"),
    path("khoi-cum/", views.cluster_list_view, name="cluster-list"),
    path("khoi-cum/them/", views.cluster_create_view, name="cluster-create"),
    path("khoi-cum/<int:pk>/", views.cluster_detail_view, name="cluster-detail"),
    path("khoi-cum/<int:pk>/sua/", views.cluster_edit_view, name="cluster-edit"),
]
