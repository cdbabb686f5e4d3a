from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from desk.forms.imports import ScenarioImportForm
from logistics.services.imports import scenario_import


@permission_required("delegates.import_scenario")
def scenario_import_view(request: HttpRequest) -> HttpResponse:
    report = None
    if request.method == "POST":
        form = ScenarioImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = scenario_import(files=form.scenario_files(), conference=form.cleaned_data["conference"])
    else:
        form = ScenarioImportForm()
    status = 400 if report is not None and not report.ok else 200
    return render(request, "delegates/import.html", {"form": form, "report": report}, status=status)
