"""Time the import of a scenario folder into a fresh database, then its re-import.

    python benchmarks/import_scenario.py ../shared/scenarios/panama-summit \
        --database sqlite --database postgres://postgres@127.0.0.1:5432/convoy

Each database gets a fresh copy (a temporary SQLite file; for PostgreSQL a database named
<name>_bench, dropped and created again). Prints one line per database.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--database", action="append", default=[], help="'sqlite' or a postgres:// URL (repeatable)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.folder.resolve())))
        return
    if not args.folder.is_dir():
        sys.exit(f"{args.folder} is not a folder (the shared scenarios live in ../shared/scenarios)")
    columns = ("first import", "re-import", "delegates", "attendance", "peak MiB")
    print(f"{'database':<12} " + " ".join(f"{name:>{max(len(name), 10)}}" for name in columns))
    for database in args.database or ["sqlite"]:
        with tempfile.TemporaryDirectory() as scratch:
            url = f"sqlite:///{scratch}/bench.sqlite3" if database == "sqlite" else fresh_postgres(database)
            child = subprocess.run(
                [sys.executable, __file__, str(args.folder), "--child", url],
                capture_output=True,
                text=True,
                cwd=ROOT,
                env=os.environ | {"DATABASE_URL": url, "REDIS_URL": "", "LOG_LEVEL": "WARNING"},
            )
        if child.returncode != 0:
            sys.exit(f"{database}: the import failed\n{child.stdout}{child.stderr}")
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"{urlparse(url).scheme:<12} {figures['first']:>11.2f}s {figures['again']:>9.2f}s "
            f"{figures['delegates']:>10} {figures['attendance']:>10} {figures['peak_mib']:>10.0f}"
        )


def fresh_postgres(url: str) -> str:
    import psycopg2

    parts = urlparse(url)
    name = f"{parts.path.lstrip('/') or 'convoy'}_bench"
    admin = psycopg2.connect(parts._replace(path="/postgres").geturl())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return parts._replace(path=f"/{name}").geturl()


def measure(url: str, folder: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convoy.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from logistics.services.imports import scenario_folder_files, scenario_import

    call_command("migrate", verbosity=0)
    files = scenario_folder_files(folder)
    figures = {}
    for label in ("first", "again"):
        started = time.perf_counter()
        report = scenario_import(files=files, recompute=False)
        figures[label] = time.perf_counter() - started
        if not report.ok:
            raise SystemExit(report.as_text())
    figures["delegates"] = sum(report.counts["delegates.csv"].__dict__.values())
    figures["attendance"] = sum(report.counts["attendance.csv"].__dict__.values())
    figures["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


if __name__ == "__main__":
    main()
