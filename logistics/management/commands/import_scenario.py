import json as json_module
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conference.models import Conference
from logistics.services.imports import scenario_folder_files, scenario_import


class Command(BaseCommand):
    help = (
        "Import a scenario folder of CSV files (conference.csv, venues.csv, delegations.csv, delegates.csv, "
        "sessions.csv, attendance.csv, vehicles.csv; any subset). All or nothing: any bad row imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument(
            "--conference",
            help="Code of an existing conference to import into (needed when the folder has no conference.csv).",
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument(
            "--no-recompute", action="store_true", help="Do not queue a schedule recompute after the import."
        )

    def handle(self, *args, folder: Path, conference: str | None, json: bool, no_recompute: bool, **options):
        try:
            files = scenario_folder_files(folder)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        target = None
        if conference:
            target = Conference.objects.filter(code=conference).first()
            if target is None:
                raise CommandError(f"There is no conference with code {conference!r}.")
        report = scenario_import(files=files, conference=target, recompute=False if no_recompute else None)
        self.stdout.write(_json_dumps(report.as_dict()) if json else report.as_text())
        if not report.ok:
            raise CommandError(f"Nothing was imported from {folder}: {len(report.errors)} problem(s).")


def _json_dumps(data) -> str:
    return json_module.dumps(data, indent=2, ensure_ascii=False)
