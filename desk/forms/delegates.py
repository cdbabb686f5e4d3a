from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from delegates.filters import DelegateFilter

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
