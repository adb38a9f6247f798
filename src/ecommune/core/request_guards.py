"""Requests no view should see, refused before any of them runs.

- A NUL byte (``%00``) in the address or in a form's fields: no page, search or form of the
  kit has a use for it, PostgreSQL refuses it in any text and SQLite's full-text search
  chokes on it; a view that passed it to a query answered a server error. Django's form
  fields already refuse it; this covers the values views read directly
  (``request.GET.get("q")``, a path parameter). The visitor gets a 400 page in the
  commune's theme.
- An object id in the address that cannot be an id of the view's model (letters for a
  number): Wagtail's choosers and inspect views pass it to the database as it is, which
  raised ``ValueError``; it names no object, so the answer is the 404 page.
"""

from django.apps import apps
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404
from django.shortcuts import render

NUL = "\x00"


def _has_nul(query) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in query.lists())


def has_nul_byte(request) -> bool:
    """In the path, the query string or the fields of a posted form (not in files)."""
    if NUL in request.path or _has_nul(request.GET):
        return True
    form = ("application/x-www-form-urlencoded", "multipart/form-data")
    return request.method == "POST" and request.content_type in form and _has_nul(request.POST)


def view_model(view_func):
    """The model a class-based view works on (set on the class or given to ``as_view``)."""
    model = getattr(view_func, "view_initkwargs", {}).get("model") or getattr(
        getattr(view_func, "view_class", None), "model", None
    )
    if isinstance(model, str):
        model = apps.get_model(model)
    # A view may compute its model per request (a property on the class): nothing to check.
    return model if isinstance(model, type) and issubclass(model, Model) else None


class RequestGuardMiddleware:
    """Goes after ``CurrentCommuneMiddleware``, so that refusals wear the commune's theme."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul_byte(request):
            return render(request, "400.html", status=400)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        pk = view_kwargs.get("pk")
        model = view_model(view_func) if pk is not None else None
        if model is None:
            return None
        try:
            model._meta.pk.to_python(unquote(str(pk)))
        except ValidationError:
            raise Http404 from None
        return None
