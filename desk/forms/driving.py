from django import forms

from logistics.models import BoardingStatus


class TripReportForm(forms.Form):
    event_id = forms.CharField(max_length=64)


class PassengerReportForm(forms.Form):
    event_id = forms.CharField(max_length=64)
    status = forms.ChoiceField(choices=BoardingStatus.choices)
