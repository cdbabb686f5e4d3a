"""Pins from the board (organizers): put a leg in a vehicle, or an unserved movement by hand, optionally at a fixed
pickup time; take a pin away. Each goes back to the board with a message."""

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from conference.errors import Refused
from conference.models import Conference, Role
from conference.selectors.conferences import conference_day
from desk.forms.pins import PinForm, PinRemoveForm
from desk.pages import conference_page
from logistics.models import Movement, Pin
from logistics.selectors.pins import conference_pins, published_movement, vehicles_able_to_carry
from logistics.selectors.schedule import legs_of
from logistics.services.pins import pin_create, pin_delete


def _board(conference: Conference, day: date | None, anchor: str = "") -> str:
    url = reverse("board", args=[conference.code])
    if day is not None:
        url += f"?day={day:%Y-%m-%d}"
    return url + (f"#{anchor}" if anchor else "")


def _day(conference: Conference, given, movement: Movement | None) -> date | None:
    """The board's day to go back to: the one given, or the movement's (local), within the conference."""
    if given:
        return conference_day(conference=conference, given=str(given))
    if movement is not None:
        return conference_day(conference=conference, given=f"{conference.local(movement.earliest_pickup):%Y-%m-%d}")
    return None


@conference_page(Role.ORGANIZER)
def pin_leg(request: HttpRequest, conference: Conference) -> HttpResponse:
    """GET ?movement=CODE: the movement of the published schedule, how it is served, its pin if it has one, and the
    form to pin it to a vehicle able to carry it. POST: pin it (replacing its pin), then back to the board."""
    posted = request.method == "POST"
    code = (request.POST if posted else request.GET).get("movement", "")
    movement = published_movement(conference=conference, code=code) if code else None
    if movement is None and not posted:
        raise Http404(_("No such movement in the published schedule."))
    vehicles = list(vehicles_able_to_carry(conference=conference, movement=movement)) if movement else []
    pin = conference_pins(access=request.access, conference=conference).filter(movement=code).first()
    window = (
        (conference.local(movement.earliest_pickup), conference.local(movement.latest_pickup)) if movement else None
    )
    day = _day(conference, request.GET.get("day"), movement)
    initial = {"movement": code, "day": day}
    if pin is not None:
        initial |= {"vehicle": pin.vehicle.callsign, "pickup_at": pin.pickup_at}
    form = PinForm(request.POST if posted else None, vehicles=vehicles, window=window, initial=initial)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            pinned = pin_create(
                conference=conference,
                movement=data["movement"],
                vehicle=data["vehicle"],
                pickup_at=data["pickup_at"],
                user=request.user,
            )
        except Refused as error:  # Invalid is a Refused too
            form.add_error(error.field if error.field in ("vehicle", "pickup_at") else None, error.message)
        else:
            messages.success(
                request,
                _("%(movement)s is pinned to %(vehicle)s; the next run plans it there.")
                % {"movement": pinned.movement, "vehicle": pinned.vehicle.callsign},
            )
            back = _day(conference, data["day"], movement)
            return redirect(_board(conference, back, f"vehicle-{pinned.vehicle.callsign}"))
    leg = legs_of(Movement.objects.filter(pk=movement.pk))[0] if movement else None
    context = {
        "conference": conference,
        "movement": movement,
        "leg": leg,
        "pin": pin,
        "form": form,
        "window": window,
        "board_url": _board(conference, day),
        "day": day,
    }
    return render(request, "logistics/pin.html", context, status=400 if posted else 200)


@require_POST
@conference_page(Role.ORGANIZER)
def pin_remove(request: HttpRequest, conference: Conference, pk: int) -> HttpResponse:
    """Take a pin away: the next run plans its movement freely. Then back to the board."""
    pin = conference_pins(access=request.access, conference=conference).filter(pk=pk).first()
    if pin is None:
        raise Http404(_("No such pin."))
    form = PinRemoveForm(request.POST)
    day = _day(conference, form.cleaned_data["day"] if form.is_valid() else None, None)
    try:
        pin_delete(conference=conference, pin_id=pin.pk, user=request.user)
    except Pin.DoesNotExist:  # removed by someone else meanwhile
        messages.info(request, _("The pin of %(movement)s was already removed.") % {"movement": pin.movement})
    else:
        messages.success(
            request,
            _("The pin of %(movement)s to %(vehicle)s is removed; the next run plans it freely.")
            % {"movement": pin.movement, "vehicle": pin.vehicle.callsign},
        )
    return redirect(_board(conference, day))
