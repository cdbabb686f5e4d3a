"""Readers for single CSV cells. Each returns a typed value or raises CellError with words for a coordinator."""

import functools
import re
import zoneinfo
from datetime import date, datetime, tzinfo
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy


class CellError(ValueError):
    """What is wrong with a cell. The words are made when the error is shown (`str`), from a message (a lazy
    translation) and its %-parameters, so a file of a million bad cells costs a counter, not a million sentences."""

    def __init__(self, message, params: dict | None = None):
        super().__init__(message)
        self.message, self.params = message, params

    def __str__(self) -> str:
        return str(self.message) if self.params is None else str(self.message) % self.params


# Characters no text cell may hold: the C0 and C1 controls (Unicode category Cc) but the tab, DEL, and the Unicode
# line and paragraph separators. A line break in a name breaks one-line formats (iCalendar, terminals, logs).
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def control_character(raw: str) -> CellError | None:
    """The error for a cell holding a control character (a tab is allowed), or None."""
    found = CONTROL_CHARACTER.search(raw)
    if found is None:
        return None
    return CellError(
        gettext_lazy(
            "has a line break or another control character (U+%(code)04X) at character %(position)s; remove it"
        ),
        {"code": ord(found.group()), "position": found.start() + 1},
    )


TRUE_WORDS = {"yes", "true", "1"}
FALSE_WORDS = {"no", "false", "0"}
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")
WHOLE_NUMBER_PATTERN = re.compile(r"^[+-]?[0-9]+$")
LANGUAGE_CODE_PATTERN = re.compile(r"^[a-z]{2,3}$")


def text(max_length: int):
    def read(raw: str) -> str:
        if len(raw) > max_length:
            raise CellError(
                gettext_lazy("is %(length)s characters long; at most %(limit)s fit"),
                {"length": len(raw), "limit": max_length},
            )
        return raw

    return read


def code(max_length: int = 32):
    def read(raw: str) -> str:
        if len(raw) > max_length:
            raise CellError(
                gettext_lazy("code `%(code)s` is longer than %(limit)s characters"), {"code": raw, "limit": max_length}
            )
        if not CODE_PATTERN.match(raw):
            raise CellError(
                gettext_lazy("code `%(code)s` may hold only letters, digits, '-', '_' and '.', with no spaces"),
                {"code": raw},
            )
        return raw

    return read


def choice(values: list[str]):
    def read(raw: str) -> str:
        word = raw.lower()
        if word not in values:
            raise CellError(
                gettext_lazy("`%(value)s` is not one of %(choices)s"), {"value": raw, "choices": ", ".join(values)}
            )
        return word

    return read


def boolean(raw: str) -> bool:
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(gettext_lazy("`%(value)s` is not yes or no (true/false and 1/0 work too)"), {"value": raw})


def decimal_between(low: int, high: int, places: int = 6):
    quantum = Decimal(1).scaleb(-places)

    def read(raw: str) -> Decimal:
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise CellError(gettext_lazy("`%(value)s` is not a number"), {"value": raw}) from None
        if not value.is_finite():
            raise CellError(gettext_lazy("`%(value)s` is not a number"), {"value": raw})
        if not low <= value <= high:
            raise CellError(
                gettext_lazy("%(value)s is outside %(low)s..%(high)s"), {"value": raw, "low": low, "high": high}
            )
        return value.quantize(quantum)

    return read


def positive_int(maximum: int):
    def read(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise CellError(gettext_lazy("`%(value)s` is not a whole number"), {"value": raw}) from None
        if not 0 < value <= maximum:
            raise CellError(gettext_lazy("%(value)s is outside 1..%(high)s"), {"value": raw, "high": maximum})
        return value

    return read


def whole_number_between(low: int, high: int):
    def read(raw: str) -> int:
        if not WHOLE_NUMBER_PATTERN.match(raw):
            raise CellError(gettext_lazy("`%(value)s` is not a whole number"), {"value": raw})
        value = int(raw)
        if not low <= value <= high:
            raise CellError(
                gettext_lazy("%(value)s is outside %(low)s..%(high)s"), {"value": raw, "low": low, "high": high}
            )
        return value

    return read


def country(raw: str) -> str:
    if not COUNTRY_PATTERN.match(raw.upper()):
        raise CellError(
            gettext_lazy("`%(value)s` is not a two-letter ISO 3166-1 country code (leave it empty for organisations)"),
            {"value": raw},
        )
    return raw.upper()


def email(raw: str) -> str:
    try:
        validate_email(raw)
    except ValidationError:
        raise CellError(gettext_lazy("`%(value)s` is not an e-mail address"), {"value": raw}) from None
    return raw


def languages(max_length: int):
    """Language codes separated by spaces (`es en`), each two or three lowercase letters; kept once each, in the
    order given, one space apart."""

    def read(raw: str) -> str:
        codes: list[str] = []
        for word in raw.split():
            if not LANGUAGE_CODE_PATTERN.match(word):
                raise CellError(
                    gettext_lazy(
                        "`%(value)s` is not a language code: write each as two or three lowercase letters, "
                        "separated by spaces (es en)"
                    ),
                    {"value": word},
                )
            if word not in codes:
                codes.append(word)
        joined = " ".join(codes)
        if len(joined) > max_length:
            raise CellError(
                gettext_lazy("is %(length)s characters long; at most %(limit)s fit"),
                {"length": len(joined), "limit": max_length},
            )
        return joined

    return read


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())  # reads the zone files: 20 ms a call


def timezone_name(raw: str) -> str:
    if raw not in _time_zones():
        raise CellError(
            gettext_lazy("`%(value)s` is not an IANA time zone (for example America/Panama)"), {"value": raw}
        )
    return raw


def day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CellError(gettext_lazy("`%(value)s` is not a date (write it as 2026-12-07)"), {"value": raw}) from None


def moment(raw: str, zone: tzinfo) -> datetime:
    """An ISO 8601 time; without an offset it is local time in the conference's zone."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise CellError(
            gettext_lazy("time `%(value)s` is not a date and time (write it as 2026-12-07T09:30)"), {"value": raw}
        ) from None
    if len(raw) <= 10:
        raise CellError(
            gettext_lazy("time `%(value)s` has a date but no time of day (write it as %(value)sT09:30)"), {"value": raw}
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value
