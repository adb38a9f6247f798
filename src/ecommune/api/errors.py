"""The API's errors: always JSON, in French, ``{"detail": …}`` and, for bad query
parameters, ``{"detail": …, "errors": {"parameter": ["message", …]}}``."""

from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in French.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a bad query parameter: its name and the messages about it.",
    )


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}
        response.data = {
            "detail": _("Some parameters of the request are not valid."),
            "errors": {name: [str(m) for m in messages] for name, messages in errors.items()},
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response
