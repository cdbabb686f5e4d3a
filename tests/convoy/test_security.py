"""The security settings (the security block of convoy/settings.py, convoy/security.py): HTTPS and HSTS where HTTPS
is expected, the health check exempt from the redirect, the proxy's header, and the Content-Security-Policy on
every answer. The defaults are read in a fresh interpreter per environment, as a deployment starts."""

import json
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from convoy.security import csp_source

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "convoy.example.org"}
SHOWN = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_REFERRER_POLICY",
]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "convoy.settings"}
    return subprocess.run([sys.executable, *args], env=base | env, capture_output=True, text=True, cwd=ROOT)


def _settings(env: dict[str, str]) -> dict:
    """The security settings a process started with `env` has (and its policy's img-src)."""
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"shown = {{name: getattr(s, name) for name in {SHOWN!r}}}; "
        "shown['img-src'] = s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']; print(json.dumps(shown))"
    )
    done = _run(["-c", script], env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_deploy_reports_nothing_in_production():
    for env in (PRODUCTION, PRODUCTION | {"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https"}):
        done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "System check identified no issues" in done.stdout, done.stdout


def test_production_expects_https():
    shown = _settings(PRODUCTION)
    assert shown == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "img-src": ["'self'", "data:", "https://tile.openstreetmap.org"],
    }


@pytest.mark.parametrize(
    "env",
    [
        {"DEBUG": "1"},  # make demo
        {"DEBUG": "0", "SECRET_KEY": "x"},  # the test suite: localhost among the default hosts
        {"DEBUG": "0", "SECRET_KEY": "x", "ALLOWED_HOSTS": "localhost,127.0.0.1"},  # docker compose's default
    ],
    ids=["demo", "tests", "compose-on-localhost"],
)
def test_plain_http_where_https_is_not_expected(env):
    shown = _settings(env)
    assert shown["SECURE_SSL_REDIRECT"] is False and shown["SECURE_HSTS_SECONDS"] == 0
    assert shown["SESSION_COOKIE_SECURE"] is False


def test_every_default_can_be_set():
    shown = _settings(
        PRODUCTION
        | {
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "3600",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "no",
            "SECURE_HSTS_PRELOAD": "yes",
            "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO, https",
            "SECURE_COOKIES": "0",
            "SECURE_REFERRER_POLICY": "strict-origin",
            "MAP_TILES_URL": "https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png",
        }
    )
    assert shown == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_REFERRER_POLICY": "strict-origin",
        "img-src": ["'self'", "data:", "https://*.tiles.example.org:8443"],
    }


def test_a_malformed_proxy_header_is_refused():
    done = _run(["-c", "import django; django.setup()"], PRODUCTION | {"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"})
    assert done.returncode != 0 and "e.g. HTTP_X_FORWARDED_PROTO,https" in done.stderr


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}{r}.png", "https://*.tile.example.org"),
        ("http://tiles.local:8080/{z}/{x}/{y}.png", "http://tiles.local:8080"),
        ("//tiles.example.org/{z}/{x}/{y}.png", "tiles.example.org"),
        ("/tiles/{z}/{x}/{y}.png", None),  # the site's own: 'self'
        ("", None),
    ],
)
def test_csp_source_of_a_tile_url(url, source):
    assert csp_source(url) == source


def test_csp_source_refuses_what_a_source_cannot_say():
    with pytest.raises(ImproperlyConfigured, match="leftmost part of the host"):
        csp_source("https://tiles-{s}.example.org/{z}/{x}/{y}.png")


# answers (in this process: DEBUG off, plain HTTP, localhost among the hosts)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/login/", "/api/v1/me", "/api/schema/", "/healthz", "/api/v1/nowhere"])
def test_every_answer_carries_the_policy(path):
    response = Client().get(path)
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"  # a nonce only where a page asked for one
    assert policy["img-src"] == "'self' data: https://tile.openstreetmap.org"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff" and response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_redirect_to_https_spares_the_health_check(settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    response = client.get("/login/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/login/"
    assert client.get("/healthz").status_code == 200  # the orchestrator's probes, over plain HTTP
    assert client.get("/readyz").status_code != 301  # 200 or 503 by the broker, never a redirect


@pytest.mark.django_db
def test_behind_a_proxy_its_header_makes_the_request_secure(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()
    response = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.get("/login/", HTTP_X_FORWARDED_PROTO="http").status_code == 301


def test_templates_have_no_inline_script_style_attribute_or_event_handler():
    """What the policy refuses stays out of the templates: scripts come from static files (data for them in
    json_script blocks or data- attributes), styles from static files or a nonce'd <style> block."""
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)
    refused = re.compile(r"\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE)
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        found += [f"{template.relative_to(ROOT)}: {match.group(0)}" for match in inline_script.finditer(text)]
        found += [f"{template.relative_to(ROOT)}: {match.group(0)}" for match in refused.finditer(text)]
        if "<style" in text and 'nonce="{{ request.csp_nonce }}"' not in text:
            found.append(f"{template.relative_to(ROOT)}: <style> without the nonce")
    assert found == []
