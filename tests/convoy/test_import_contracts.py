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


def test_an_upward_import_breaks_the_layers(tree):
    add_import(tree / "conference" / "models.py", "import desk.pages")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "conference is not allowed to import desk" in result.stdout


def test_the_pages_may_not_import_the_api(tree):
    add_import(tree / "desk" / "pages.py", "import api.base")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "desk is not allowed to import api" in result.stdout


def test_a_selector_may_not_import_a_service(tree):
    add_import(tree / "logistics" / "selectors" / "board.py", "import logistics.services.fleet")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "logistics.selectors is not allowed to import logistics.services" in result.stdout


def test_the_scheduler_may_not_import_django(tree):
    add_import(tree / "scheduling" / "planner.py", "import django.db")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "scheduling is not allowed to import django" in result.stdout


def test_a_cycle_between_siblings_is_found(tree):
    add_import(tree / "logistics" / "models.py", "import logistics.services.fleet")
    result = lint_imports(tree)
    assert result.returncode == 1
    assert "No cycles are allowed in logistics" in result.stdout
