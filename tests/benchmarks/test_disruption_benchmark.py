"""The live-operations drills on panama-small (benchmarks/disruption.py, without the from-scratch comparison):
every drill of the issue runs, and none changes a frozen leg, breaks a rule, or moves more than 2 % of the
delegates it does not touch."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DRILLS = {
    "arrival flight 2 h late",
    "departure flight 3 h early",
    "session moved 60 min",
    "van out of service",
    "delegate added with sessions",
    "delegation cancels a day",
}


def test_every_drill_on_panama_small_keeps_the_collateral_under_two_percent(panama_small):
    result = subprocess.run(
        [sys.executable, "benchmarks/disruption.py", str(panama_small), "--no-scratch"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    published, *rows = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert published["published"]["violations"] == 0
    assert published["vip_continuity"]["median_vehicles"] == 1
    assert published["vip_continuity"]["with_dedicated_vehicle"] == [1]
    ran = {row["drill"]: row for row in rows if "skipped" not in row}
    assert set(ran) >= DRILLS
    for name, row in ran.items():
        assert row["collateral_percent"] <= 2, name
        assert row["frozen_changed"] == 0, name
        assert row["violations"] == 0, name
    assert ran["nothing changed"]["collateral"] == 0
    assert ran["nothing changed"]["released"] == {}
