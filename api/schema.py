"""The OpenAPI description: every operation also documents the errors it can answer, in the common body."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from api.errors import ErrorSerializer

ERRORS = {
    "400": "Invalid input: the fields and what is wrong with each.",
    "401": "No valid credentials: send `Authorization: Token <key>` or log in.",
    "403": "The caller's role may not use this endpoint.",
    "404": "No such object within what the caller may see.",
    "409": "Refused in the current state (illegal transition, event id reused with other content).",
    "429": (
        "Too many requests (the caller's rate, or too many invalid tokens from its address): wait the seconds in "
        "`Retry-After`."
    ),
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}


PATH_PARAMETERS = {
    "code": "code",
    "callsign": "callsign",
    "external_id": "id in the accreditation system (external_id)",
    "id": "id",
}


class ConvoyAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403"]
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view() or self._has_path_parameters():
            codes.append("400")
        if self._has_path_parameters() or self._is_list_view():
            codes.append("404")  # a detail outside the caller's scope, or a page past the end
        if self.method == "POST" and self._has_path_parameters():
            codes.append("409")
        codes.append("429")  # every operation is rate limited (api/throttling.py)
        for code in codes:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERRORS[code]
                if code == "429":
                    response["headers"] = RETRY_AFTER
                responses[code] = response
        return responses

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._has_path_parameters() and getattr(self.view, "conference_code_field", None):
            parameters.append(
                OpenApiParameter(
                    "conference",
                    OpenApiTypes.STR,
                    description="Conference code; needed when the code in the path exists in several conferences.",
                )
            )
        return parameters

    def _get_parameters(self):
        # An empty query parameter (`?kind=`) is the same as leaving it out, as django-filter and the paginator
        # read it; the schema says so, so that clients and schema-driven tests know that "" is accepted.
        parameters = []
        for parameter in super()._get_parameters():
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter = {**parameter, "allowEmptyValue": True}
            if parameter["in"] == "path" and not parameter.get("description"):
                what = PATH_PARAMETERS.get(parameter["name"], parameter["name"])
                parameter = {**parameter, "description": f"The {getattr(self.view, 'noun', 'object')}'s {what}."}
            parameters.append(parameter)
        return parameters

    def _has_path_parameters(self) -> bool:
        return "{" in self.path
