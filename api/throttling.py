"""The API's rate limits: requests per user, requests per address without credentials, and failed token
authentications per address. Past a limit the answer is 429 with `Retry-After` (seconds), in the one error body.

DRF's throttles keep each caller's recent request times in a cache; these use the `throttle` cache (settings.py:
Redis when REDIS_URL is set, so that every web process counts together; otherwise each process counts its own).
The rates are read from the settings on every request (`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`). If the cache
cannot be reached, requests go through and a warning is logged: the limits are a guard, not a dependency.

The address is REMOTE_ADDR, or behind `NUM_PROXIES` proxies the address the outermost one saw (DRF's `get_ident`).
"""

import logging
import math

from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.utils.connection import ConnectionProxy
from redis.exceptions import RedisError
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

log = logging.getLogger(__name__)

CACHE = "throttle"


class ConvoyThrottle(SimpleRateThrottle):
    """DRF's sliding window, kept in the `throttle` cache, with the rate read live and an exact Retry-After."""

    cache = ConnectionProxy(caches, CACHE)

    def get_rate(self) -> str | None:
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError:
            raise ImproperlyConfigured(
                f"REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'] has no rate for {self.scope!r}"
            ) from None

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except RedisError:
            log.warning("the %s cache cannot be reached: the %s rate is not applied", CACHE, self.scope, exc_info=True)
            return True

    def wait(self) -> int:
        """Whole seconds until the request that keeps the caller at its limit leaves the window (at least 1)."""
        if len(self.history) < self.num_requests:
            return 1
        return max(1, math.ceil(self.history[self.num_requests - 1] + self.duration - self.now))


class UserThrottle(ConvoyThrottle, UserRateThrottle):
    """Requests of an authenticated user, token or session (the `user` rate)."""

    scope = "user"


class AnonThrottle(ConvoyThrottle, AnonRateThrottle):
    """Requests without credentials, per address (the `anon` rate)."""

    scope = "anon"


def throttled_anonymous(request, view) -> exceptions.Throttled | None:
    """DRF refuses a caller without credentials (401) before its throttles run; such a refusal counts against the
    `anon` rate all the same, and past it the answer is 429. None while under the rate."""
    throttle = AnonThrottle()
    if throttle.allow_request(request, view):
        return None
    return exceptions.Throttled(wait=throttle.wait())


class TokenFailureThrottle(ConvoyThrottle):
    """Failed token authentications per address (the `token_failure` rate). Only failures are counted."""

    scope = "token_failure"

    def get_cache_key(self, request, view=None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allows(self, request) -> bool:
        """Whether the address is still under its limit of failures. Reads without counting."""
        self.history = None
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request)
        try:
            history = self.cache.get(self.key, [])
        except RedisError:
            log.warning("the %s cache cannot be reached: failed tokens are not limited", CACHE, exc_info=True)
            return True
        self.now = self.timer()
        self.history = [moment for moment in history if moment > self.now - self.duration]
        return len(self.history) < self.num_requests

    def count_failure(self) -> None:
        """Counts a failure of the request `allows` just read for."""
        if self.history is None:
            return
        try:
            self.throttle_success()  # DRF's name for "record this request"
        except RedisError:
            log.warning("the %s cache cannot be reached: a failed token is not counted", CACHE, exc_info=True)


class TokenFailuresThrottled(exceptions.Throttled):
    default_detail = "Too many requests with an invalid API token from your address."


class LimitedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, with failures counted per address. Past the limit, every token from that address
    is answered 429 without being looked up, a valid one too, so that guessing tokens learns nothing; the address
    can try again once its oldest counted failure leaves the window (`Retry-After`)."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != self.keyword.lower().encode():
            return None  # no token: the other authentications, or anonymous
        failures = TokenFailureThrottle()
        if not failures.allows(request):
            raise TokenFailuresThrottled(wait=failures.wait())
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            failures.count_failure()
            raise
