import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_limits_benchmark_prints_a_line_per_case_and_way_in():
    result = subprocess.run(
        [sys.executable, "benchmarks/import_limits.py", "--scale", "0.001"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    limits, header, *rows = result.stdout.strip().splitlines()
    assert limits.startswith("limits: IMPORT_MAX_FILE_MB ")
    assert header.split()[:4] == ["case", "file", "MiB", "rows"]
    assert len(rows) == 10
    assert [row.split()[-1] for row in rows] == ["errors"] * 10  # at a thousandth, below the limits: refused by errors
    assert {row.split("  ")[0] for row in rows} >= {"50 MB", "max rows, last wrong"}
