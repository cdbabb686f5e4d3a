import json

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag

from conference.access import DELEGATION_DATA, FLEET
from conference.models import Conference
from desk.pages import conference_page
from logistics.selectors.pulse import desk_pulse


@conference_page(*(FLEET | DELEGATION_DATA))
def pulse(request: HttpRequest, conference: Conference) -> HttpResponse:
    """What the live pages poll: a small JSON with an ETag; 304 while nothing changed (static/logistics/live.js)."""
    found = desk_pulse(access=request.access, conference=conference)
    response = HttpResponse(json.dumps(found, default=str), content_type="application/json")
    response["Cache-Control"] = "private, no-cache"
    set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)
