"""What the tests that cover "every page" or "every form" walk: the project's URL names and its
form classes, found by introspection so that a new URL or form is covered (or fails) by itself."""

from __future__ import annotations

import importlib
import pkgutil

from django import forms
from django.urls import URLPattern, URLResolver, get_resolver

PROJECT_PACKAGES = ("portal", "units", "campaigns", "awards", "reports")


def url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    """Every named URL pattern, with its namespaces ("campaigns:oversight:budget-list")."""
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= url_names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def _import_project_modules() -> None:
    for name in PROJECT_PACKAGES:
        package = importlib.import_module(name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{name}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            importlib.import_module(info.name)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def project_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class the project defines (formset-made subclasses live in Django's modules
    and are left out), sorted by dotted name."""
    _import_project_modules()
    return sorted(
        (
            cls
            for cls in _subclasses(forms.BaseForm)
            if cls.__module__.split(".")[0] in PROJECT_PACKAGES
        ),
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )
