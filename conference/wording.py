"""The scheduler's stored English words, in the reader's language when a page shows them.

The scheduler (`scheduling`, no Django there) gives its reasons in English, and the services store
them, the recompute triggers and the run errors in English (the API and the command line show them as they
are). These functions recognise every known English pattern and translate it with the active language;
anything else is returned unchanged, and with English active every text comes back byte for byte.
"""

import re
from collections.abc import Callable

from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.translation import gettext_lazy as _

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# the scheduler's clocks: "%a %d %b %H:%M" (rules) and "%d %b %H:%M" (validate)
CLOCK = re.compile(rf"\b(?:({'|'.join(WEEKDAYS)}) )?(\d\d) ({'|'.join(MONTHS)}) (\d\d:\d\d)\b")


def clock_text(text: str) -> str:
    """English day and month abbreviations of the scheduler's clocks, in the active language."""
    if str(WEEKDAYS_ABBR[0]) == "Mon":  # English: as it is
        return text

    def localised(match: re.Match) -> str:
        weekday, day, month, time = match.groups()
        words = [str(WEEKDAYS_ABBR[WEEKDAYS.index(weekday)])] if weekday else []
        return " ".join([*words, day, str(MONTHS_3[MONTHS.index(month) + 1]), time])

    return CLOCK.sub(localised, text)


class Wording:
    """English patterns (matched whole) and the translatable templates they become.

    Each captured group fills the placeholder of the same name, through `convert[name]` when there is one
    (another Wording for a nested text, a table of words), else through `clock_text`.
    """

    def __init__(self, patterns: list[tuple[str, object]], convert: dict[str, Callable[[str], str]] | None = None):
        self.patterns = [(re.compile(pattern), template) for pattern, template in patterns]
        self.convert = convert or {}

    def __call__(self, text: str) -> str:
        for pattern, template in self.patterns:
            match = pattern.fullmatch(text)
            if match:
                values = {name: self.convert.get(name, clock_text)(value) for name, value in match.groupdict().items()}
                return str(template) % values
        return text


def _words(table: dict[str, object]) -> Callable[[str], str]:
    return lambda word: str(table[word]) if word in table else word


# What the validator says about one movement (scheduling/validate.py), after "who: "
violation_text = Wording(
    [
        (r"boards at (?P<place>\S+), not at (?P<origin>\S+)", _("boards at %(place)s, not at %(origin)s")),
        (
            r"alights at (?P<place>\S+), not at (?P<destination>\S+)",
            _("alights at %(place)s, not at %(destination)s"),
        ),
        (
            r"picked up (?P<start>[^-]+)-(?P<end>[^,]+), outside (?P<earliest>[^-]+)-(?P<latest>.+)",
            _("picked up %(start)s-%(end)s, outside %(earliest)s-%(latest)s"),
        ),
        (
            r"dropped off (?P<at>[^,]+), outside (?P<earliest>[^-]+)-(?P<latest>.+)",
            _("dropped off %(at)s, outside %(earliest)s-%(latest)s"),
        ),
        (
            r"rides (?P<ride>\d+) min, more than the (?P<limit>\d+) min allowed",
            _("rides %(ride)s min, more than the %(limit)s min allowed"),
        ),
        (
            r"(?P<seats>\d+) passengers on board, the vehicle has (?P<capacity>\d+) seats",
            _("%(seats)s passengers on board, the vehicle has %(capacity)s seats"),
        ),
        (r"VIP (?P<who>\S+) in a vehicle that is not armoured", _("VIP %(who)s in a vehicle that is not armoured")),
        (r"(?P<who>\S+) needs an accessible vehicle", _("%(who)s needs an accessible vehicle")),
        (
            r"(?P<who>\S+) \((?P<rule>VIP|separate transport), (?P<delegation>[^)]+)\) "
            r"rides with another delegation \((?P<others>.+)\)",
            _("%(who)s (%(rule)s, %(delegation)s) rides with another delegation (%(others)s)"),
        ),
        (
            r"in two places at once, (?P<first>\S+) until (?P<until>.+) and (?P<second>\S+) from (?P<since>.+)",
            _("in two places at once, %(first)s until %(until)s and %(second)s from %(since)s"),
        ),
    ],
    convert={"rule": _words({"VIP": _("VIP"), "separate transport": _("separate transport")})},
)

# Why a delegate cannot attend a session (scheduling/rules.py, AttendanceProblem.detail)
attendance_detail_text = Wording(
    [
        (r"overlaps (?P<session>\S+)", _("overlaps %(session)s")),
        (
            r"lands (?P<landed>.+) and cannot be at (?P<place>\S+) before (?P<earliest>.+); "
            r"the session needs them there by (?P<latest>.+)",
            _(
                "lands %(landed)s and cannot be at %(place)s before %(earliest)s; "
                "the session needs them there by %(latest)s"
            ),
        ),
        (
            r"ends (?P<ends>.+) but the delegate must be at (?P<place>\S+) by (?P<latest>.+) "
            r"for their flight at (?P<flight>.+)",
            _("ends %(ends)s but the delegate must be at %(place)s by %(latest)s for their flight at %(flight)s"),
        ),
    ]
)

_NEEDS = r"(?:armoured )?(?:accessible )?vehicle"

# Why a movement or a session is not served: movements.py, planner.py (_fleet_reason, _busy_reason), services.py
reason_text = Wording(
    [
        (r"the requested window is shorter than the drive", _("the requested window is shorter than the drive")),
        (
            r"cannot get from (?P<origin>\S+) to (?P<destination>\S+) in time",
            _("cannot get from %(origin)s to %(destination)s in time"),
        ),
        (r"conflict: (?P<detail>.+)", _("conflict: %(detail)s")),
        (r"skipped: (?P<detail>.+)", _("skipped: %(detail)s")),
        (
            r"no vehicle with (?P<seats>\d+) seats in the fleet that day",
            _("no vehicle with %(seats)s seats in the fleet that day"),
        ),
        (
            r"no armoured vehicle with (?P<seats>\d+) seats in the fleet that day",
            _("no armoured vehicle with %(seats)s seats in the fleet that day"),
        ),
        (
            r"no accessible vehicle with (?P<seats>\d+) seats in the fleet that day",
            _("no accessible vehicle with %(seats)s seats in the fleet that day"),
        ),
        (
            r"no armoured accessible vehicle with (?P<seats>\d+) seats in the fleet that day",
            _("no armoured accessible vehicle with %(seats)s seats in the fleet that day"),
        ),
        (r"no vehicle free in time", _("no vehicle free in time")),
        (r"no armoured vehicle free in time", _("no armoured vehicle free in time")),
        (r"no accessible vehicle free in time", _("no accessible vehicle free in time")),
        (r"no armoured accessible vehicle free in time", _("no armoured accessible vehicle free in time")),
        (
            r"could not be fitted within the rules \((?P<violation>.*)\)",
            _("could not be fitted within the rules (%(violation)s)"),
        ),
    ],
    convert={"detail": attendance_detail_text, "violation": violation_text},
)

_MODELS = {
    "conference": _("conference %(object)s"),
    "venue": _("venue %(object)s"),
    "session": _("session %(object)s"),
    "delegation": _("delegation %(object)s"),
    "delegate": _("delegate %(object)s"),
    "attendance": _("attendance %(object)s"),
    "vehicle": _("vehicle %(object)s"),
    "resource request": _("resource request %(object)s"),
}


_MODEL_OBJECT = re.compile(rf"({'|'.join(_MODELS)}) (.+)", re.DOTALL)


def _thing(text: str) -> str:
    """The model's name translated ("venue HOTEL-A (Hotel A)"), the object as it is."""
    model, obj = _MODEL_OBJECT.fullmatch(text).groups()
    return str(_MODELS[model]) % {"object": obj}


# One reason a recompute was asked for (services.py, signals.py, status_updates.py, resource_requests.py,
# api/views.py, the import and the recompute_schedule command)
_trigger_part = Wording(
    [
        # Translators: a recompute trigger, what asked for a schedule recompute (the importer)
        (r"import", _("import")),
        # Translators: a recompute trigger, what asked for a schedule recompute (a worker with no queued run)
        (r"recompute", _("recompute")),
        (r"recompute_schedule command", _("recompute_schedule command")),
        (r"inputs changed during a run", _("inputs changed during a run")),
        (r"asked for by (?P<user>.+)", _("asked for by %(user)s")),
        (r"request (?P<id>\d+) approved", _("request %(id)s approved")),
        (r"request (?P<id>\d+) rejected", _("request %(id)s rejected")),
        (r"request (?P<id>\d+) cancelled", _("request %(id)s cancelled")),
        (r"request (?P<id>\d+) fulfilled", _("request %(id)s fulfilled")),
        (r"request (?P<id>\d+) submitted", _("request %(id)s submitted")),
        (r"vehicle (?P<callsign>\S+) out of service", _("vehicle %(callsign)s out of service")),
        (r"vehicle (?P<callsign>\S+) back in service", _("vehicle %(callsign)s back in service")),
        (rf"(?P<thing>(?:{'|'.join(_MODELS)}) .+) added", _("%(thing)s added")),
        (rf"(?P<thing>(?:{'|'.join(_MODELS)}) .+) changed", _("%(thing)s changed")),
        (rf"(?P<thing>(?:{'|'.join(_MODELS)}) .+) deleted", _("%(thing)s deleted")),
    ],
    convert={"thing": lambda text: _thing(text), "user": str},
)


def trigger_text(trigger: str) -> str:
    """Why a recompute was asked for: reasons joined with "; " (a burst of changes shares one run), each
    translated; a part cut short by the length limit stays as it is."""
    return "; ".join(_trigger_part(part) for part in trigger.split("; "))


# A run's first error line (services.py); the validator's lines that follow are "where: what"
_error_line = Wording(
    [
        (r"the inputs changed while the run was computing", _("the inputs changed while the run was computing")),
        (r"a newer run already published its schedule", _("a newer run already published its schedule")),
        (r"covered by run (?P<run>\d+)", _("covered by run %(run)s")),
        (
            r"the validator rejected the schedule: (?P<count>\d+) violation\(s\)",
            _("the validator rejected the schedule: %(count)s violation(s)"),
        ),
        (r"\.\.\. and (?P<count>\d+) more", _("... and %(count)s more")),
    ]
)


def _error_line_text(line: str) -> str:
    translated = _error_line(line)
    if translated != line:
        return translated
    where, colon, what = line.partition(": ")
    return f"{where}{colon}{violation_text(what)}" if colon else line


def error_text(error: str) -> str:
    """Why a run failed or was superseded, line by line; exception messages and tracebacks stay as they are."""
    return "\n".join(_error_line_text(line) for line in error.split("\n"))
