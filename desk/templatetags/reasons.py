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
