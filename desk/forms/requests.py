"""Forms of the resource request pages (choice labels come from the models, translated there)."""

from django import forms
from django.utils.translation import gettext_lazy

from conference.models import Venue
from delegates.models import Delegation
from logistics.models import RequestKind

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends (read in the active, the conference's, zone)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=LOCAL_MINUTE)


def local_datetime_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, widget=LocalDateTimeInput(), input_formats=[LOCAL_MINUTE, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
    )


class ResourceRequestForm(forms.Form):
    """A new request. Organizers pick the delegation; a liaison's form has no such field (its own is used)."""

    delegation = forms.ModelChoiceField(label=gettext_lazy("Delegation"), queryset=Delegation.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RequestKind.choices)
    from_venue = forms.ModelChoiceField(
        label=gettext_lazy("From"),
        queryset=Venue.objects.none(),
        required=False,
        help_text=gettext_lazy("Needed for a vehicle."),
    )
    to_venue = forms.ModelChoiceField(
        label=gettext_lazy("To"),
        queryset=Venue.objects.none(),
        required=False,
        help_text=gettext_lazy("Needed for a vehicle."),
    )
    window_start = local_datetime_field(gettext_lazy("From (time)"))
    window_end = local_datetime_field(gettext_lazy("Until (time)"))
    seats = forms.IntegerField(label=gettext_lazy("Seats"), required=False, min_value=1, max_value=100)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, delegations, venues, **kwargs):
        """`delegations`: those the user may ask for, or None for a liaison (no field); `venues`: the conference's."""
        super().__init__(*args, **kwargs)
        if delegations is None:
            del self.fields["delegation"]
        else:
            self.fields["delegation"].queryset = delegations
        venue_choices = [("", "—"), *((venue.pk, f"{venue.code} · {venue.name}") for venue in venues)]
        for name in ("from_venue", "to_venue"):  # one query for both lists
            self.fields[name].queryset = venues
            self.fields[name].choices = venue_choices


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Reason")}),
    )
