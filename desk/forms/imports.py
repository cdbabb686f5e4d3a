from django import forms
from django.utils.translation import gettext_lazy

from conference.models import Conference
from logistics.services.imports.tables import FILE_ORDER

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
