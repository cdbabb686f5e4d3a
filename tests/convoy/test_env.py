import subprocess
import sys
from pathlib import Path

import pytest

from convoy.env import env_bool, env_int, env_list, env_rate, env_str, local_secret_key

ROOT = Path(__file__).resolve().parents[2]


def test_env_bool_reads_common_words(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", default=True) is False
    monkeypatch.delenv("FLAG")
    assert env_bool("FLAG", default=True) is True
    monkeypatch.setenv("FLAG", "perhaps")
    with pytest.raises(ValueError, match="FLAG='perhaps' is not a boolean"):
        env_bool("FLAG")


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("COUNT", "7")
    assert env_int("COUNT", 1) == 7
    monkeypatch.setenv("COUNT", "seven")
    with pytest.raises(ValueError, match="not a whole number"):
        env_int("COUNT", 1)
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_env_rate_reads_a_rate_or_off(monkeypatch):
    assert env_rate("RATE", "60/min") == "60/min"
    monkeypatch.setenv("RATE", " 10/Hour ")
    assert env_rate("RATE", "60/min") == "10/hour"
    monkeypatch.setenv("RATE", "off")
    assert env_rate("RATE", "60/min") is None
    monkeypatch.setenv("RATE", "")
    assert env_rate("RATE", "60/min") == "60/min"
    for wrong in ("60", "0/min", "60/fortnight", "1.5/s"):
        monkeypatch.setenv("RATE", wrong)
        with pytest.raises(ValueError, match=r"is not a rate; write e.g. 60/min"):
            env_rate("RATE", "60/min")


def test_env_str_reads_secrets_from_files(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env_str("SECRET_KEY") == "s3cret"


def test_local_secret_key_is_random_once_then_kept(tmp_path):
    path = tmp_path / "var" / "secret_key"
    first = local_secret_key(path)
    assert len(first) > 40 and local_secret_key(path) == first
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_settings_refuse_to_start_without_a_secret_key_unless_debugging(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "convoy.settings", "DEBUG": "0"}
    load = [sys.executable, "-c", "import django; django.setup()"]
    refused = subprocess.run(load, env=env, capture_output=True, text=True, cwd=ROOT)
    assert refused.returncode != 0
    assert "Set SECRET_KEY (or SECRET_KEY_FILE)" in refused.stderr
    accepted = subprocess.run(load, env=env | {"SECRET_KEY": "given"}, capture_output=True, text=True, cwd=ROOT)
    assert accepted.returncode == 0, accepted.stderr
