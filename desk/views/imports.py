import io

from django.contrib.auth.decorators import permission_required
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from conference.access import access_of
from conference.models import Role
from desk.forms.imports import ScenarioImportForm, max_file_bytes
from logistics.services.imports import scenario_import


class SizeCappedUploadHandler(FileUploadHandler):
    """Passes each uploaded file on to Django's own handlers up to `limit` bytes; past it, counts the rest without
    keeping it and hands the form an empty file that knows its real size. A 50 MB upload then costs the worker no
    more than the limit, and the form can say how big the file is next to its field."""

    def __init__(self, request: HttpRequest, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        return raw_data if self.received <= self.limit else None  # None: the handlers after this one get nothing

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received <= self.limit:
            return None  # the next handler holds all of it
        for handler in self.request.upload_handlers:  # the part they kept before the limit
            if handler is not self and getattr(handler, "file", None) is not None:
                handler.file.close()
        return UploadedFile(io.BytesIO(), self.file_name, self.content_type, self.received, self.charset)


@csrf_exempt  # the upload handler must be in place before the CSRF check reads the form; the page checks it
@permission_required("delegates.import_scenario")
def scenario_import_view(request: HttpRequest) -> HttpResponse:
    request.upload_handlers.insert(0, SizeCappedUploadHandler(request, limit=max_file_bytes()))
    return _import_page(request)


@csrf_protect
def _import_page(request: HttpRequest) -> HttpResponse:
    # The page needs the import permission; removing delegates also needs the organizer role (superusers have it).
    can_prune = access_of(request.user).role == Role.ORGANIZER
    report = None
    if request.method == "POST":
        form = ScenarioImportForm(request.POST, request.FILES, can_prune=can_prune)
        if form.is_valid():
            report = scenario_import(
                files=form.scenario_files(), conference=form.cleaned_data["conference"], prune=form.wants_prune
            )
            if report.ok:  # a fresh form: the removal is not ticked again by accident
                form = ScenarioImportForm(initial={"conference": form.cleaned_data["conference"]}, can_prune=can_prune)
    else:
        form = ScenarioImportForm(can_prune=can_prune)
    status = 400 if report is not None and not report.ok else 200
    return render(request, "delegates/import.html", {"form": form, "report": report}, status=status)
