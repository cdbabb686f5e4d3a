"""One body for every API error: {"status", "code", "detail", "fields"}."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler

from api.throttling import throttled_anonymous
from conference.errors import Refused


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer."""

    status = serializers.IntegerField(help_text="The HTTP status, repeated.")
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. not_found, invalid, conflict.")
    detail = serializers.CharField(help_text="What went wrong, for a person.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid input: the messages per field (non_field_errors for the whole request).",
    )


def error_body(status: int, code: str, detail: str, fields: dict | None = None) -> dict:
    body = {"status": status, "code": code, "detail": detail}
    if fields:
        body["fields"] = fields
    return body


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for inner, messages in _flatten(value).items():
                    out[f"{key}.{inner}"] = messages
            else:
                out[key] = [str(m) for m in (value if isinstance(value, list) else [value])]
        return out
    return {"non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


def error_response(exc, context) -> Response | None:
    if isinstance(exc, Refused):
        fields = {exc.field: [exc.message]} if exc.field else None
        return Response(error_body(exc.status, exc.code, exc.message, fields), status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, exceptions.NotAuthenticated):  # no credentials: counts against the anonymous rate
        exc = throttled_anonymous(context["request"], context["view"]) or exc
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        first = next(iter(fields.values()))[0]
        response.data = error_body(response.status_code, "invalid", f"The request is invalid: {first}", fields)
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(response.status_code, codes if isinstance(codes, str) else "error", str(exc.detail))
    return response


@csrf_exempt  # a POST to an unknown API path is a 404 in the API's body, not the CSRF failure page (403, HTML)
def json_not_found(request, exception=None) -> JsonResponse:
    return JsonResponse(error_body(404, "not_found", f"There is no API endpoint at {request.path}."), status=404)


def json_error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(error_body(status, code, detail), status=status)
