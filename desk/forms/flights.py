"""The flights page's form: a flight's expected time, or clearing it."""

from django import forms
from django.utils.translation import gettext_lazy

from delegates.models import FlightKind
from desk.forms.requests import local_datetime_field


class FlightExpectedForm(forms.Form):
    """One flight's row: which flight (hidden) and its expected local time; empty, or `clear`, clears it."""

    number = forms.CharField(max_length=32, widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=FlightKind.choices, widget=forms.HiddenInput)
    expected_at = local_datetime_field(gettext_lazy("Expected"))
    clear = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_at"].required = False

    def clean(self):
        data = super().clean()
        if data.get("clear"):
            data["expected_at"] = None
        return data
