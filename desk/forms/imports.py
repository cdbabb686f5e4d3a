import math

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy

from conference.models import Conference
from logistics.services.imports.tables import FILE_ORDER


def max_file_bytes() -> int:
    """The largest file the import takes (IMPORT_MAX_FILE_MB); a 5,000-delegate summit's largest is 1.2 MB."""
    return settings.IMPORT_MAX_FILE_MB * 2**20


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

    def __init__(self, *args, can_prune: bool = False, **kwargs):
        """`can_prune`: the user may remove delegates that delegates.csv does not have (organizers)."""
        super().__init__(*args, **kwargs)
        for name in FILE_ORDER:
            self.fields[name] = forms.FileField(
                label=name, required=False, widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"})
            )
        if can_prune:
            self.fields["prune"] = forms.BooleanField(
                label=gettext_lazy("Remove delegates that are not in delegates.csv"),
                required=False,
                help_text=gettext_lazy(
                    "The conference's delegates that delegates.csv does not list are removed, with their attendance "
                    "and movements. Without this they are kept and listed after the import."
                ),
            )

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in FILE_ORDER):
            raise forms.ValidationError(gettext_lazy("Choose at least one CSV file to import."))
        limit = max_file_bytes()
        for name in FILE_ORDER:
            upload = cleaned.get(name)
            if upload and upload.size > limit:
                size = math.ceil(upload.size * 10 / 2**20) / 10  # rounded up: just over the limit is not the limit
                self.add_error(
                    name,
                    gettext_lazy("%(name)s is %(size).1f MB; files up to %(limit).0f MB are accepted.")
                    % {"name": name, "size": size, "limit": limit / 2**20},
                )
        return cleaned

    def scenario_files(self) -> dict[str, UploadedFile]:
        """The uploaded files by name, as they are: the import reads them a line at a time."""
        return {name: upload for name in FILE_ORDER if (upload := self.cleaned_data.get(name))}

    @property
    def wants_prune(self) -> bool:
        return bool(self.cleaned_data.get("prune"))

    def file_fields(self):
        return [self[name] for name in FILE_ORDER]
