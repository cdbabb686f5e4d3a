"""The login lockout (django-axes, convoy/logins.py) on the desk's login page and the admin's: a user name and address
that failed too often are refused, the right password too, with a page that says for how long; other addresses and
other users are not affected; the lock ends after the cool-off, and a success clears the failures."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"  # the factories' password
HERE = "10.0.0.1"


@pytest.fixture(autouse=True)
def lockout(settings):
    """The lockout as configured (tests/conftest.py turns it off elsewhere), with the defaults of settings.py."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_COOLOFF_MINUTES = 15
    return settings


@pytest.fixture
def ana(db):
    return UserFactory(username="ana")


def log_in(client, password, *, username="ana", address=HERE, url=None, **headers):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(client, times, **kwargs):
    return [log_in(client, "wrong password", **kwargs) for _ in range(times)]


def logged_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def later(minutes: int) -> None:
    """The clock moves on: every recorded attempt is `minutes` older."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_failures_below_the_limit_only_say_the_login_is_wrong(client, ana):
    for response in fail(client, 4):
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    assert log_in(client, PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_failure_that_reaches_the_limit_locks_out_with_a_message_on_the_login_page(client, ana):
    *before, locking = fail(client, 5)
    assert {response.status_code for response in before} == {200}
    assert locking.status_code == 429
    page = locking.content.decode()
    assert "Too many failed attempts to log in. Try again in 15 minutes" in page
    assert '<form method="post">' in page and 'name="password"' in page  # the login page itself, not a bare 403
    assert 'value="ana"' in page  # the user name is kept, the password is not
    assert int(locking["Retry-After"]) == 15 * 60
    assert "no-cache" in locking["Cache-Control"]


def test_the_right_password_is_refused_while_locked_out(client, ana):
    fail(client, 5)
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert "Try again in 15 minutes" in response.content.decode()
    assert not logged_in(client)


def test_the_message_says_the_configured_cool_off(client, ana, lockout):
    lockout.AXES_FAILURE_LIMIT = 2
    lockout.LOGIN_COOLOFF_MINUTES = 1
    *_, locking = fail(client, 2)
    assert locking.status_code == 429
    assert "Try again in 1 minute;" in locking.content.decode()


def test_other_addresses_and_other_users_are_not_locked_out(client, ana):
    UserFactory(username="bruno")
    fail(client, 5)
    assert log_in(client, PASSWORD, address="10.0.0.2").status_code == 302  # ana, elsewhere
    client.logout()
    assert log_in(client, PASSWORD, username="bruno").status_code == 302  # someone else, here
    client.logout()
    assert log_in(client, PASSWORD).status_code == 429  # ana, here: still locked


def test_the_lock_ends_after_the_cool_off_and_an_attempt_while_locked_restarts_it(client, ana):
    fail(client, 5)
    later(14)
    assert log_in(client, PASSWORD).status_code == 429  # a minute early: refused, and the wait starts again
    later(14)
    assert log_in(client, PASSWORD).status_code == 429
    later(16)
    assert log_in(client, PASSWORD).status_code == 302
    assert logged_in(client)


def test_a_successful_login_clears_the_failures(client, ana):
    fail(client, 4)
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    assert {response.status_code for response in fail(client, 4)} == {200}
    assert log_in(client, PASSWORD).status_code == 302


def test_a_forwarded_for_header_does_not_change_the_address_without_a_proxy(client, ana):
    for n in range(5):
        response = log_in(client, "wrong password", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert response.status_code == 429
    assert log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_proxy_the_address_it_saw_counts(client, ana, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # what PROXY_COUNT=1 sets
    fail(client, 5, address="172.16.0.1", HTTP_X_FORWARDED_FOR="spoofed, 198.51.100.7")
    assert log_in(client, PASSWORD, address="172.16.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    response = log_in(client, PASSWORD, address="172.16.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert response.status_code == 302


def test_the_admin_login_locks_out_with_the_admin_page(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    *_, locking = fail(client, 5, username="root", url=url)
    assert locking.status_code == 429
    page = locking.content.decode()
    assert 'class="errornote"' in page and "Try again in 15 minutes" in page
    assert 'id="login-form"' in page
    assert log_in(client, PASSWORD, username="root", url=url).status_code == 429
    assert client.get(reverse("admin:index")).status_code == 302  # not logged in
    assert log_in(client, PASSWORD, username="root", url=url, address="10.0.0.2").status_code == 302


def test_the_lockout_page_keeps_a_safe_next_and_drops_another_site(client, ana):
    fail(client, 4)
    page = client.post(
        reverse("login"), {"username": "ana", "password": "x", "next": "/c/CASC/"}, REMOTE_ADDR=HERE
    ).content.decode()
    assert 'name="next" value="/c/CASC/"' in page
    page = client.post(
        reverse("login"), {"username": "ana", "password": "x", "next": "https://evil.example/"}, REMOTE_ADDR=HERE
    ).content.decode()
    assert "evil.example" not in page


def test_attempts_are_recorded_per_user_name_and_address_without_the_password(client, ana):
    fail(client, 2)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == ("ana", HERE, 2)
    assert "wrong password" not in attempt.post_data


def test_the_project_wires_axes_in_and_reads_its_numbers_from_the_environment():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.AUTHENTICATION_BACKENDS[0], s.MIDDLEWARE[-1], s.AXES_FAILURE_LIMIT, "
        "s.LOGIN_COOLOFF_MINUTES, s.AXES_LOCKOUT_PARAMETERS, s.AXES_RESET_ON_SUCCESS, s.AXES_HANDLER]))"
    )
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "convoy.settings", "SECRET_KEY": "x"}
    defaults = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    assert defaults.returncode == 0, defaults.stderr
    assert json.loads(defaults.stdout) == [
        "axes.backends.AxesStandaloneBackend",
        "axes.middleware.AxesMiddleware",
        5,
        15,
        [["username", "ip_address"]],
        True,
        "axes.handlers.database.AxesDatabaseHandler",
    ]
    env |= {"LOGIN_FAILURE_LIMIT": "3", "LOGIN_COOLOFF_MINUTES": "60"}
    changed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    assert json.loads(changed.stdout)[2:4] == [3, 60]
    env["LOGIN_COOLOFF_MINUTES"] = "0"
    refused = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    assert refused.returncode != 0 and "LOGIN_COOLOFF_MINUTES" in refused.stderr
