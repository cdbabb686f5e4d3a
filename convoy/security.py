"""Helpers for the security settings (see the security block of convoy/settings.py)."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def csp_source(url: str) -> str | None:
    """The Content-Security-Policy source that allows loading from `url`, a URL template such as Leaflet's
    tile URLs: `https://tile.openstreetmap.org/{z}/{x}/{y}.png` gives `https://tile.openstreetmap.org`, a
    subdomain placeholder `https://{s}.tile.example.org/...` gives `https://*.tile.example.org`. None for an
    empty or same-origin (relative) URL, which `'self'` already allows."""
    parts = urlsplit(url.strip())
    if not parts.netloc:
        return None
    host = parts.netloc.rpartition("@")[2]  # no user name or password in a source
    if host.startswith("{") and "}." in host:  # {s}.example.org: any one subdomain
        host = "*" + host[host.index("}.") + 1 :]
    if "{" in host or "}" in host or any(character in host for character in " ;,'\""):
        raise ImproperlyConfigured(
            f"{url!r}: a placeholder may only stand for the leftmost part of the host (as in "
            "https://{s}.tile.example.org/{z}/{x}/{y}.png); the Content-Security-Policy cannot name other hosts"
        )
    return f"{parts.scheme}://{host}" if parts.scheme else host
