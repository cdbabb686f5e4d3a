"""Small typed readers for settings that come from the environment."""

import os
import re
import secrets
from datetime import datetime
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    """A string from NAME, or from the file named by NAME_FILE (for container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number") from None


def env_moment(name: str) -> datetime | None:
    """An ISO 8601 moment with its offset from NAME, or None when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not an ISO 8601 time (e.g. 2026-12-07T12:00-05:00)") from None
    if moment.tzinfo is None:
        raise ValueError(f"{name}={raw!r} needs its offset (e.g. 2026-12-07T12:00-05:00)")
    return moment


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_rate(name: str, default: str | None) -> str | None:
    """A request rate as Django REST framework reads it, `N/period` (period: s, sec, second, m, min, minute, h,
    hour, d or day), or None for `off` (no limit)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    rate = raw.strip().lower()
    if rate == "off":
        return None
    match = re.fullmatch(r"(\d+)/(s|sec|second|m|min|minute|h|hour|d|day)", rate)
    if not match or int(match[1]) < 1:
        raise ValueError(f"{name}={raw!r} is not a rate; write e.g. 60/min (per second, min, hour or day) or off")
    return rate


def local_secret_key(path: Path) -> str:
    """A random key kept in a git-ignored file, so a fresh install is never left with a known key."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def email_settings(url: str, *, default_folder: Path) -> dict:
    """Django's e-mail settings from one URL: `smtp://user:password@host:587` (STARTTLS unless `?tls=false`),
    `smtps://user:password@host:465` (TLS from the start), `console://`, `file:///absolute/folder` (one file
    per message; `file://` alone: `default_folder`), `locmem://` or `dummy://`. User and password may be
    percent-encoded."""
    from urllib.parse import parse_qs, unquote, urlsplit

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in EMAIL_BACKENDS:
        known = ", ".join(f"{name}://" for name in EMAIL_BACKENDS)
        raise ValueError(f"EMAIL_URL={url!r}: the scheme must be one of {known}")
    found = {"EMAIL_BACKEND": EMAIL_BACKENDS[scheme]}
    if scheme == "file":
        found["EMAIL_FILE_PATH"] = str(Path(unquote(parts.path)) if parts.path not in ("", "/") else default_folder)
    if scheme in ("smtp", "smtps"):
        if not parts.hostname:
            raise ValueError(f"EMAIL_URL={url!r}: give the mail server, e.g. smtp://user:password@mail.example.org:587")
        options = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
        found |= {
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 587),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": scheme == "smtp" and options.get("tls", "true") not in FALSE_WORDS,
        }
    return found
