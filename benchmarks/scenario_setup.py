"""What the benchmarks that serve a scenario over HTTP share: Django set up in a child process, the scenario
imported into the database that DATABASE_URL names (migrated first), a free port, a server waited for."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(base: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Until the server started at `base` answers /healthz; exits with its log if it stops or stays silent."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    server.terminate()
    sys.exit(f"the server did not answer within {seconds:.0f} s:\n{log.read_text()}")
