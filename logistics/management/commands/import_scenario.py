import argparse
import json as json_module
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from conference.models import Conference
from logistics.services.imports import scenario_folder_files, scenario_import
from logistics.services.schedule import schedule_run_wait


def _at_least_one(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not 1 or more")
    return value


class Command(BaseCommand):
    help = (
        "Import a scenario folder of CSV files (conference.csv, venues.csv, delegations.csv, delegates.csv, "
        "sessions.csv, attendance.csv, vehicles.csv, drivers.csv; any subset). All or nothing: any bad row imports "
        "nothing."
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
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Remove the conference's delegates that delegates.csv does not have, with their attendance and "
            "movements (without it they are kept and listed). Needs delegates.csv in the folder.",
        )
        parser.add_argument(
            "--wait",
            action="store_true",
            help="Wait for the recompute the import queues (with the embedded broker this command computes it).",
        )
        parser.add_argument(
            "--max-file-mb",
            type=_at_least_one,
            help=f"Refuse files larger than this many MB (default: IMPORT_MAX_FILE_MB, {settings.IMPORT_MAX_FILE_MB}).",
        )
        parser.add_argument(
            "--max-rows",
            type=_at_least_one,
            help="Refuse files with more rows than this below the header "
            f"(default: IMPORT_MAX_ROWS, {settings.IMPORT_MAX_ROWS}).",
        )

    def handle(
        self,
        *args,
        folder: Path,
        conference: str | None,
        json: bool,
        no_recompute: bool,
        prune: bool,
        max_file_mb: int | None,
        max_rows: int | None,
        wait: bool,
        **options,
    ):
        try:
            files = scenario_folder_files(folder)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        if prune and "delegates.csv" not in files:
            raise CommandError(f"--prune removes delegates that delegates.csv does not have, and {folder} has none.")
        target = None
        if conference:
            target = Conference.objects.filter(code=conference).first()
            if target is None:
                raise CommandError(f"There is no conference with code {conference!r}.")
        report = scenario_import(
            files=files,
            conference=target,
            recompute=False if no_recompute else None,
            prune=prune,
            max_file_bytes=max_file_mb * 2**20 if max_file_mb else None,
            max_rows=max_rows,
        )
        self.stdout.write(_json_dumps(report.as_dict()) if json else report.as_text())
        if not report.ok:
            raise CommandError(f"Nothing was imported from {folder}: {report.error_count:,} problem(s).")
        if wait and report.recompute_run:
            run = schedule_run_wait(run_id=report.recompute_run)
            self.stderr.write(f"Schedule run {run.pk}: {run.status}." + (f"\n{run.error}" if run.error else ""))


def _json_dumps(data) -> str:
    return json_module.dumps(data, indent=2, ensure_ascii=False)
