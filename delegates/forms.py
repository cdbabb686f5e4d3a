from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from conference.models import Conference
from delegates.api import DelegateFilter
from delegates.importing.tables import FILE_ORDER

MAX_FILE_BYTES = 20 * 1024 * 1024  # a 1,000-delegate summit's largest file is well under 1 MB


class ScenarioImportForm(forms.Form):
    conference = forms.ModelChoiceField(
        label=gettext_lazy("Conference"),
        queryset=Conference.objects.all(),
        required=False,
        empty_label=gettext_lazy("The one named in conference.csv"),
        help_text=gettext_lazy(
            "Import into an existing conference; leave it to conference.csv to create or update one."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FILE_ORDER:
            self.fields[name] = forms.FileField(
                label=name, required=False, widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"})
            )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in FILE_ORDER):
            raise forms.ValidationError(gettext_lazy("Choose at least one CSV file to import."))
        for name in FILE_ORDER:
            upload = cleaned.get(name)
            if upload and upload.size > MAX_FILE_BYTES:
                size, limit = upload.size / 2**20, MAX_FILE_BYTES / 2**20
                self.add_error(
                    name,
                    gettext_lazy("%(name)s is %(size).1f MB; files up to %(limit).0f MB are accepted.")
                    % {"name": name, "size": size, "limit": limit},
                )
        return cleaned

    def scenario_files(self) -> dict[str, bytes]:
        return {name: upload.read() for name in FILE_ORDER if (upload := self.cleaned_data.get(name))}

    def file_fields(self):
        return [self[name] for name in FILE_ORDER]


YES_NO = [("", gettext_lazy("Any")), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


class DelegateFilterForm(forms.Form):
    """The delegate list's search and filters (GET), offering only the delegations the user may see."""

    search = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Start of a given or family name, or the external id."),
    )
    delegation = forms.ChoiceField(label=gettext_lazy("Delegation"), required=False)
    hotel = forms.ChoiceField(label=gettext_lazy("Hotel"), required=False)
    vip = forms.ChoiceField(label=gettext_lazy("VIP"), required=False, choices=YES_NO)
    arrival_day = forms.DateField(
        label=gettext_lazy("Arrival day"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, delegations: list[tuple[str, str]], hotels: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delegation"].choices = [("", gettext_lazy("All")), *delegations]
        self.fields["hotel"].choices = [("", gettext_lazy("All")), *hotels]

    def filter(self, queryset: QuerySet) -> QuerySet:
        """The delegates that match; none while a filter is invalid (its error is shown next to it)."""
        if not self.is_bound:
            return queryset
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        given = {name: data[name] for name in ("search", "delegation", "hotel") if data[name]}
        if data["arrival_day"]:
            given["arrival_day"] = data["arrival_day"].isoformat()
        queryset = DelegateFilter(given, queryset=queryset).qs  # the API's filters, the same meaning
        if data["vip"]:
            queryset = queryset.filter(vip=data["vip"] == "yes")
        return queryset
