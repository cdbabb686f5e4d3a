from django import forms

from logistics.models import VehicleStatus


class StatusForm(forms.Form):
    event_id = forms.CharField(max_length=64)
    status = forms.ChoiceField(choices=VehicleStatus.choices)
    latitude = forms.DecimalField(required=False, min_value=-90, max_value=90, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(required=False, min_value=-180, max_value=180, max_digits=9, decimal_places=6)
    accuracy = forms.DecimalField(required=False, min_value=0, max_digits=8, decimal_places=1)
    filter = forms.ChoiceField(choices=[("", ""), *VehicleStatus.choices], required=False)
