"""The import contracts of `make lint` (pyproject.toml) hold, and they do fail on an upward import."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["convoy", "desk", "api", "logistics", "delegates", "conference", "scheduling"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="lint-imports is not installed (make install)")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the code, to break on purpose."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(module: Path, line: str) -> None:
    module.write_text(f"{line}  # noqa\n{module.read_text()}")


def test_the_code_keeps_every_contract(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


BREAKS = [
    ("an upward import", "conference/models.py", "import desk.pages", "conference is not allowed to import desk"),
    ("the pages importing the API", "desk/pages.py", "import api.base", "desk is not allowed to import api"),
    (
        "a selector importing a service",
        "logistics/selectors/board.py",
        "import logistics.services.fleet",
        "logistics.selectors is not allowed to import logistics.services",
    ),
    (
        "Django in the scheduler",
        "scheduling/planner.py",
        "import django.db",
        "scheduling is not allowed to import django",
    ),
    ("a cycle", "logistics/models.py", "import logistics.services.fleet", "No cycles are allowed in logistics"),
    (
        "the benchmark reader in the app",
        "logistics/services/schedule.py",
        "import scheduling.darp",
        "logistics is not allowed to import scheduling.darp",
    ),
]


@pytest.mark.parametrize(("module", "line", "message"), [b[1:] for b in BREAKS], ids=[b[0] for b in BREAKS])
def test_a_forbidden_import_breaks_a_contract(tree, module, line, message):
    add_import(tree / module, line)
    result = lint_imports(tree)
    assert result.returncode == 1
    assert message in result.stdout
