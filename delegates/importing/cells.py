"""Readers for single CSV cells. Each returns a typed value or raises CellError with words for a coordinator."""

import re
import zoneinfo
from datetime import date, datetime, tzinfo
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email


class CellError(ValueError):
    pass


TRUE_WORDS = {"yes", "true", "1"}
FALSE_WORDS = {"no", "false", "0"}
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
COUNTRY_PATTERN = re.compile(r"^[A-Z]{2}$")


def text(max_length: int):
    def read(raw: str) -> str:
        if len(raw) > max_length:
            raise CellError(f"is {len(raw)} characters long; at most {max_length} fit")
        return raw

    return read


def code(max_length: int = 32):
    def read(raw: str) -> str:
        if len(raw) > max_length:
            raise CellError(f"code `{raw}` is longer than {max_length} characters")
        if not CODE_PATTERN.match(raw):
            raise CellError(f"code `{raw}` may hold only letters, digits, '-', '_' and '.', with no spaces")
        return raw

    return read


def choice(values: list[str]):
    def read(raw: str) -> str:
        word = raw.lower()
        if word not in values:
            raise CellError(f"`{raw}` is not one of {', '.join(values)}")
        return word

    return read


def boolean(raw: str) -> bool:
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(f"`{raw}` is not yes or no (true/false and 1/0 work too)")


def decimal_between(low: int, high: int, places: int = 6):
    quantum = Decimal(1).scaleb(-places)

    def read(raw: str) -> Decimal:
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise CellError(f"`{raw}` is not a number") from None
        if not value.is_finite():
            raise CellError(f"`{raw}` is not a number")
        if not low <= value <= high:
            raise CellError(f"{raw} is outside {low}..{high}")
        return value.quantize(quantum)

    return read


def positive_int(maximum: int):
    def read(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise CellError(f"`{raw}` is not a whole number") from None
        if not 0 < value <= maximum:
            raise CellError(f"{raw} is outside 1..{maximum}")
        return value

    return read


def country(raw: str) -> str:
    if not COUNTRY_PATTERN.match(raw.upper()):
        raise CellError(f"`{raw}` is not a two-letter ISO 3166-1 country code (leave it empty for organisations)")
    return raw.upper()


def email(raw: str) -> str:
    try:
        validate_email(raw)
    except ValidationError:
        raise CellError(f"`{raw}` is not an e-mail address") from None
    return raw


def timezone_name(raw: str) -> str:
    if raw not in zoneinfo.available_timezones():
        raise CellError(f"`{raw}` is not an IANA time zone (for example America/Panama)")
    return raw


def day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CellError(f"`{raw}` is not a date (write it as 2026-12-07)") from None


def moment(raw: str, zone: tzinfo) -> datetime:
    """An ISO 8601 time; without an offset it is local time in the conference's zone."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise CellError(f"time `{raw}` is not a date and time (write it as 2026-12-07T09:30)") from None
    if len(raw) <= 10:
        raise CellError(f"time `{raw}` has a date but no time of day (write it as {raw}T09:30)")
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value
