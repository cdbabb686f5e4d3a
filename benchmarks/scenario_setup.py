"""What the benchmarks that serve a scenario over HTTP share: Django set up in a child process, the scenario
imported into the database that DATABASE_URL names (migrated first)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_conference(folder: Path):
    """Set Django up, migrate, import the scenario without recomputing; the imported Conference."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command

    from conference.models import Conference
    from logistics.services.imports import scenario_folder_files, scenario_import

    call_command("migrate", verbosity=0)
    report = scenario_import(files=scenario_folder_files(folder), recompute=False)
    if not report.ok:
        raise SystemExit(report.as_text())
    return Conference.objects.get(code=report.conference)
