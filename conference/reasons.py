"""Reasons in the reader's language: codes with parameters (the scheduler's unserved reasons and validator
findings, a run's triggers and endings) shown through the translation catalogue, with every time in the active
time zone (a conference's pages render in the conference's zone).

The English templates live beside the codes (`scheduling.reasons`, `logistics.run_reasons`); makemessages finds
them there, so one catalogue entry per template translates it wherever it is shown.
"""

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext

from scheduling.reasons import TEMPLATES, rendered_params


def reason_text(reason) -> str:
    """A scheduler reason (a `Reason`, or {code, params} as stored) in the active language."""
    if not reason:
        return ""
    code, params = (reason.code, reason.params) if hasattr(reason, "code") else (reason["code"], reason["params"])
    return localized(TEMPLATES[code], params)


def localized(template: str, params: dict, words: dict[str, dict[str, str]] | None = None) -> str:
    """The template in the active language, filled with the params shown for a reader: times in the active time
    zone, words (vehicle needs, windows, `words` for other keys) translated. A translation that names a field
    the params do not have falls back to the English template, so a bad catalogue entry never breaks a page."""
    shown = rendered_params(params, clock=local_clock, translate=gettext, words=words)
    try:
        return gettext(template).format(**shown)
    except (KeyError, IndexError, ValueError):
        return template.format(**shown)


def local_clock(moment: datetime) -> str:
    """A moment as a reader sees it: weekday, day, month and time in the active language and time zone."""
    return formats.date_format(timezone.localtime(moment), "D d M H:i")
