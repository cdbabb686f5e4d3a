"""The login lockout (django-axes, configured in the login block of settings.py): the client's address as Convoy
reads it, and the page a locked-out user sees."""

import math
from datetime import timedelta

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind PROXY_COUNT proxies the address the outermost one saw (read from the right of
    X-Forwarded-For), exactly as the API's rate limits read it, so a client cannot pick its address by sending
    the header itself."""
    return BaseThrottle().get_ident(request)


class LockedOutForm(AuthenticationForm):
    """The login form again, empty but for the user name, with the lockout as its one error."""

    def __init__(self, request: HttpRequest, *, message: str, username: str):
        super().__init__(request, initial={"username": username})
        self.message = message

    def non_field_errors(self):
        return self.error_class([self.message], error_class="nonfield", renderer=self.renderer)


def lockout_message(request: HttpRequest) -> str:
    minutes = max(1, math.ceil(get_cool_off(request).total_seconds() / 60))
    return ngettext(
        "Too many failed attempts to log in. Try again in %(minutes)s minute; trying sooner starts the wait again.",
        "Too many failed attempts to log in. Try again in %(minutes)s minutes; trying sooner starts the wait again.",
        minutes,
    ) % {"minutes": minutes}


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page the attempt came from (the desk's or the admin's), status 429, the form
    empty but for the user name and the lockout as its error. No password is checked while locked out, the right
    one included; each attempt starts the cool-off again."""
    username = request.POST.get("username", "")
    form = LockedOutForm(request, message=lockout_message(request), username=username)
    next_url = request.POST.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    match = getattr(request, "resolver_match", None)
    if match is not None and "admin" in match.namespaces:
        template = "admin/login.html"
        context = {
            **admin.site.each_context(request),
            "title": gettext("Log in"),
            "subtitle": None,
            "app_path": request.get_full_path(),
            REDIRECT_FIELD_NAME: next_url or reverse("admin:index"),
        }
    else:
        template = "registration/login.html"
        context = {REDIRECT_FIELD_NAME: next_url}
    response = render(request, template, {**context, "form": form}, status=429)
    response["Retry-After"] = str(math.ceil(get_cool_off(request).total_seconds()))
    add_never_cache_headers(response)
    return response


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """AXES_COOLOFF_TIME: LOGIN_COOLOFF_MINUTES."""
    return timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
