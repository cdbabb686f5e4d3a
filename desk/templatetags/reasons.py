"""{% load reasons %}: reasons, triggers and run findings (codes with parameters) in the page's language and the
conference's time zone."""

from django import template

from conference.reasons import localized
from conference.reasons import reason_text as scheduler_reason_text
from logistics.models import ScheduleRun
from logistics.run_reasons import ENDINGS, THINGS, TRIGGERS
from scheduling.reasons import TEMPLATES

register = template.Library()


@register.filter
def reason_text(reason) -> str:
    """{{ movement.unserved|reason_text }}, {{ skipped_row|reason_text }}: why it is not served."""
    return scheduler_reason_text(reason)


@register.filter
def trigger_text(run: ScheduleRun) -> str:
    """{{ run|trigger_text }}: what asked for the run ("; " between the changes of a burst)."""
    return "; ".join(localized(TRIGGERS[given["code"]], given["params"], {"what": THINGS}) for given in run.triggers)


@register.filter
def error_text(run: ScheduleRun) -> str:
    """{{ run|error_text }}: why the run published nothing, a finding a line; an exception's text as it is."""
    if not run.findings:
        return run.error
    return "\n".join(localized({**TEMPLATES, **ENDINGS}[given["code"]], given["params"]) for given in run.findings)


@register.filter
def pin_problem_text(entry: dict) -> str:
    """{{ infeasible.entry|pin_problem_text }}: why the published schedule could not keep a pin (an entry of its
    metrics["pins"]["infeasible"]): the reason's template when its code is known, otherwise its `why` as given."""
    code, params = entry.get("code"), entry.get("params") or {}
    why = params.get("why")
    try:
        if code in TEMPLATES:
            return localized(TEMPLATES[code], params)
        if isinstance(why, dict) and why.get("code") in TEMPLATES:
            return scheduler_reason_text(why)
    except (KeyError, IndexError, TypeError, ValueError):  # params that do not fit the template: say what we have
        pass
    return str(why) if why and not isinstance(why, dict) else str(code or "")
