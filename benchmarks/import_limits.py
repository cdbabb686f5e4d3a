"""How long an oversized or overlong scenario file takes to be refused, and how much memory it costs.

    python benchmarks/import_limits.py               # the cases below, with the limits of the settings
    python benchmarks/import_limits.py --scale 0.01  # the same cases, a hundredth of the size (a quick check)

Writes the files into a temporary folder, then, for each case, imports the file in a fresh process twice:
through the import service (`scenario_import` on the file's path, as the command does) and as an upload of the
import page through Django's test client (the multipart body is streamed from disk, so the client itself holds
nothing). Prints the seconds until the answer, the growth of the process's peak resident memory over what it held
before (getrusage), and, in a third process, tracemalloc's peak of Python allocations.

Cases: a 50 MB file; 3,000,000 rows in under the size limit (6 MB); the probe's 3,000,000 invalid rows in 11.4 MiB;
and, within both limits, the costliest files the limits still let through: IMPORT_MAX_ROWS delegates that are all
wrong (four errors a row), and IMPORT_MAX_ROWS attendance rows of which only the last is wrong (every row is read
and kept; imported alone into no conference, every one also names an unknown delegate and session).
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DELEGATES_HEADER = (
    "external_id,given_name,family_name,delegation,role,vip,hotel,arrival_at,arrival_venue,arrival_flight,"
    "departure_at,departure_venue,departure_flight,email,phone,accessible_vehicle\n"
)


def cases(scale: float, max_rows: int) -> dict[str, tuple[str, str, int, str]]:
    """name -> (file name, header, rows, the row written `rows` times, {n} numbering it)."""
    rows = int(max_rows * scale)
    return {
        "50 MB": ("attendance.csv", "delegate,session\n", int(50 * 2**20 * scale) // 18, "D{n:07},S-PLEN-1\n"),
        "3 M rows, 6 MB": ("attendance.csv", "delegate,session\n", int(3_000_000 * scale), "x\n"),
        "3 M bad rows, 11.4 MiB": ("attendance.csv", "delegate,session\n", int(3_000_000 * scale), "!,!\n"),
        "max rows, all wrong": ("delegates.csv", DELEGATES_HEADER, rows, "x\n"),
        "max rows, last wrong": ("attendance.csv", "delegate,session\n", rows, "D{n:07},S-PLEN-1\n"),
    }


def write_case(folder: Path, file_name: str, header: str, rows: int, row: str, bad_last: bool) -> Path:
    folder.mkdir(parents=True)
    path = folder / file_name
    numbered = "{n" in row
    rows -= bad_last
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(header)
        batch = 100_000
        for start in range(0, rows, batch):
            count = min(batch, rows - start)
            if numbered:
                out.write("".join(row.format(n=n) for n in range(start, start + count)))
            else:
                out.write(row * count)
        if bad_last:
            out.write("!,!\n")  # in place of the last row
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every file's size (default 1)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)  # how, file, database, tracemalloc
    args = parser.parse_args()
    if args.child:
        how, file_path, database, traced = args.child
        print(json.dumps(measure(how, Path(file_path), database, traced == "1")))
        return

    environment = os.environ | {"REDIS_URL": "", "LOG_LEVEL": "WARNING", "SCHEDULE_AUTO_RECOMPUTE": "0"}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        template = scratch / "template.sqlite3"
        limits = _run([sys.executable, __file__, "--child", "migrate", "-", str(template), "0"], environment)
        print(
            f"limits: IMPORT_MAX_FILE_MB {limits['max_file_mb']}, IMPORT_MAX_ROWS {limits['max_rows']:,}; "
            f"scale {args.scale:g}"
        )
        header = ("case", "file", "MiB", "rows", "via", "status", "seconds", "RSS +MiB", "traced MiB", "refused by")
        widths = (22, 14, 6, 10, 7, 11, 7, 8, 10, 0)
        print("  ".join(f"{name:<{width}}" for name, width in zip(header, widths, strict=True)))
        for number, (name, (file_name, head, rows, row)) in enumerate(cases(args.scale, limits["max_rows"]).items()):
            path = write_case(scratch / f"case{number}", file_name, head, rows, row, bad_last="last wrong" in name)
            size = path.stat().st_size / 2**20
            for how in ("service", "upload"):
                figures = {}
                for traced in ("0", "1"):
                    database = scratch / f"case{number}-{how}-{traced}.sqlite3"
                    shutil.copy(template, database)
                    command = [sys.executable, __file__, "--child", how, str(path), str(database), traced]
                    figures |= {
                        f"{key}_traced" if traced == "1" else key: value
                        for key, value in _run(command, environment).items()
                    }
                    database.unlink()
                cells = (
                    name,
                    file_name,
                    f"{size:.1f}",
                    f"{rows:,}",
                    how,
                    str(figures["status"]),
                    f"{figures['seconds']:.2f}",
                    f"{figures['rss_growth_mib']:.0f}",
                    f"{figures['traced_peak_mib_traced']:.1f}",
                    figures["refused_by"],
                )
                print("  ".join(f"{cell:<{width}}" for cell, width in zip(cells, widths, strict=True)))
            shutil.rmtree(path.parent)


def _run(command: list[str], environment: dict) -> dict:
    child = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=environment)
    if child.returncode != 0:
        sys.exit(f"{' '.join(command)} failed\n{child.stdout}{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def _resident_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: the peak so far


def measure(how: str, path: Path, database: Path, traced: bool) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convoy.settings")
    import django

    django.setup()
    from django.conf import settings

    if how == "migrate":
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return {"max_file_mb": settings.IMPORT_MAX_FILE_MB, "max_rows": settings.IMPORT_MAX_ROWS}

    import tracemalloc

    from django.test import Client
    from django.test.client import BOUNDARY, MULTIPART_CONTENT
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import reverse

    from tests.factories import UserFactory

    client = None
    if how == "upload":
        setup_test_environment()  # the test client's host name allowed
        plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}).enable()  # no manifest needed
        user = UserFactory(username="bench", permissions=["delegates.import_scenario"])
        client = Client()
        client.force_login(user)
        client.get(reverse("import"))  # the page's code loaded and warm before measuring
        body = path.with_suffix(".multipart")
        with body.open("wb") as out, path.open("rb") as data:
            out.write(
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{path.name}"; filename="{path.name}"\r\n'
                "Content-Type: text/csv\r\n\r\n".encode()
            )
            shutil.copyfileobj(data, out)
            out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
    else:
        from logistics.services.imports import scenario_import  # loaded before measuring

    if traced:
        tracemalloc.start()
    before = _resident_mib()
    started = time.perf_counter()
    if how == "upload":
        with body.open("rb") as stream:
            response = client.request(
                REQUEST_METHOD="POST",
                PATH_INFO=reverse("import"),
                CONTENT_TYPE=MULTIPART_CONTENT,
                CONTENT_LENGTH=str(body.stat().st_size),
                **{"wsgi.input": stream},
            )
        status, page = response.status_code, response.content.decode()
        refused_by = (
            "size"
            if "MB are accepted" in page
            else "rows"
            if "rows below the header" in page
            else "errors"
            if "Nothing was imported" in page
            else "?"
        )
    else:
        report = scenario_import(files={path.name: path}, conference=None, recompute=False)
        status = "ok" if report.ok else f"{report.error_count:,} err"
        messages = " ".join(error.message for error in report.errors)
        refused_by = (
            "size" if "MB; files up to" in messages else "rows" if "rows below the header" in messages else "errors"
        )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {"seconds": seconds, "rss_growth_mib": max(peak - before, 0), "status": status, "refused_by": refused_by}
    if traced:
        figures["traced_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return figures


if __name__ == "__main__":
    main()
