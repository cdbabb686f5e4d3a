import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_benchmark_prints_figures_for_the_demo_on_sqlite():
    result = subprocess.run(
        [sys.executable, "benchmarks/import_scenario.py", "demo/scenario", "--database", "sqlite"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.strip().splitlines()
    assert header.split()[:3] == ["database", "first", "import"]
    cells = row.split()
    assert cells[0] == "sqlite" and cells[3:5] == ["48", "325"]
