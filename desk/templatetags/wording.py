"""{% load wording %}: the scheduler's stored English reasons, triggers and run errors in the page's language."""

from django import template

from conference import wording

register = template.Library()


@register.filter
def reason_text(reason) -> str:
    """{{ movement.unserved_reason|reason_text }}"""
    return wording.reason_text(str(reason)) if reason else reason


@register.filter
def trigger_text(trigger) -> str:
    """{{ run.trigger|trigger_text }}"""
    return wording.trigger_text(str(trigger)) if trigger else trigger


@register.filter
def error_text(error) -> str:
    """{{ run.error|error_text }}"""
    return wording.error_text(str(error)) if error else error
