"""Forms of the pins: put a leg in a vehicle (and optionally fix its pickup time), and take a pin away."""

from django import forms
from django.utils.translation import gettext_lazy, ngettext

from desk.forms.requests import local_datetime_field


class PinForm(forms.Form):
    """The vehicles offered are those able to carry the movement; the service checks the choice again (it may have
    left service meanwhile) and says why it is refused."""

    movement = forms.CharField(max_length=80, widget=forms.HiddenInput)
    vehicle = forms.CharField(label=gettext_lazy("Vehicle"), max_length=32, widget=forms.Select)
    pickup_at = local_datetime_field(gettext_lazy("Pickup time"))
    day = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, vehicles, window=None, **kwargs):
        """`vehicles`: those to offer; `window`: the movement's pickup window (local), which the time picker offers."""
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].widget.choices = [(vehicle.callsign, _label(vehicle)) for vehicle in vehicles]
        self.fields["vehicle"].widget.attrs.pop("maxlength", None)  # not an attribute of a <select>
        pickup = self.fields["pickup_at"]
        pickup.required = False
        pickup.help_text = gettext_lazy("Optional. Empty: any time in the pickup window.")
        if window is not None:
            pickup.widget.attrs.update(min=f"{window[0]:%Y-%m-%dT%H:%M}", max=f"{window[1]:%Y-%m-%dT%H:%M}")


def _label(vehicle) -> str:
    seats = ngettext("%(count)s seat", "%(count)s seats", vehicle.seats) % {"count": vehicle.seats}
    return f"{vehicle.callsign} · {vehicle.get_kind_display()} · {seats} · {vehicle.get_status_display()}"


class PinRemoveForm(forms.Form):
    day = forms.DateField(required=False, widget=forms.HiddenInput)
