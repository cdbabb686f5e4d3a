"""Webhooks: a REST client registers a URL that receives the conference's events (see logistics.services.notifications
for what is sent, how it is signed and retried). A webhook bound to a delegation receives only what concerns that
delegation, so it may not take the events that carry other delegations' people or the whole fleet."""

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from conference.errors import Invalid
from conference.models import Conference
from delegates.models import Delegation
from logistics.models import Webhook, WebhookEvent
from logistics.services.notifications import NOT_FOR_DELEGATIONS

URL_MAX = 500  # Webhook.url
SECRET_MIN, SECRET_MAX = 16, 200  # Webhook.secret
SCHEMES = ("http", "https")


class _Unset:
    """Left out of an update: the webhook keeps what it has."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


def webhook_create(
    *,
    conference: Conference,
    url: str,
    events: list[str],
    secret: str | None = None,
    delegation: Delegation | str | None = None,
    user=None,
) -> tuple[Webhook, str]:
    """A new webhook of the conference that receives `events` at `url`, bound to `delegation` (a delegation of the
    conference, or its code) when given. Without a secret one is generated. Returns the webhook and its secret, to
    show once: nothing shows it again."""
    bound = _delegation(conference, delegation)
    hook = Webhook(
        conference=conference,
        url=_url(url),
        events=_events(events, bound),
        secret=_secret(secret),
        delegation=bound,
        created_by=user,
    )
    hook.save()
    return hook, hook.secret


def webhook_update(*, webhook: Webhook, url=UNSET, events=UNSET, active=UNSET, user=None) -> Webhook:
    """Change the webhook's URL, events or state; what is left out stays. Setting `active` to true on a webhook that
    was paused or disabled after a day of failures (the receiver is fixed) also forgets its failures
    (`failing_since`, `disabled_at`), so it gets a new day before it is disabled again. Returns the webhook as saved;
    only the fields given are written, so a delivery worker's concurrent note of a failure is not undone."""
    changes = {}
    if url is not UNSET:
        changes["url"] = _url(url)
    if events is not UNSET:
        changes["events"] = _events(events, webhook.delegation)
    if active is not UNSET:
        if not isinstance(active, bool):
            raise Invalid(_("Say whether the webhook is active with true or false."), field="active")
        changes["active"] = active
    with transaction.atomic():
        hook = (
            Webhook.objects.select_for_update(of=("self",))
            .select_related("conference", "delegation")
            .get(pk=webhook.pk)
        )
        if changes.get("active") is True and (not hook.active or hook.disabled_at is not None):
            changes.update(failing_since=None, disabled_at=None)
        for field, value in changes.items():
            setattr(hook, field, value)
        if changes:
            hook.save(update_fields=list(changes))
    return hook


def webhook_delete(*, webhook: Webhook) -> None:
    """Remove the webhook, and with it its deliveries (sent or waiting) and their log."""
    Webhook.objects.filter(pk=webhook.pk).delete()


def _url(url) -> str:
    if not isinstance(url, str) or not url.strip():
        raise Invalid(_("Give the URL that receives the events (http or https)."), field="url")
    url = url.strip()
    if len(url) > URL_MAX:
        raise Invalid(
            _("The URL has %(length)s characters; it may have at most %(max)s.") % {"length": len(url), "max": URL_MAX},
            field="url",
        )
    try:
        URLValidator(schemes=list(SCHEMES))(url)
    except ValidationError:
        raise Invalid(
            _("%(url)s is not an http or https URL, e.g. https://example.org/convoy/events.") % {"url": url},
            field="url",
        ) from None
    return url


def _events(events, delegation: Delegation | None) -> list[str]:
    valid = ", ".join(WebhookEvent.values)
    if isinstance(events, str) or not isinstance(events, list | tuple) or not events:
        raise Invalid(_("Choose at least one event, from: %(valid)s.") % {"valid": valid}, field="events")
    unknown = [event for event in events if not isinstance(event, str) or event not in WebhookEvent.values]
    if unknown:
        raise Invalid(
            _("%(unknown)s: no such event; the events are %(valid)s.")
            % {"unknown": ", ".join(str(event) for event in unknown), "valid": valid},
            field="events",
        )
    twice = sorted({event for event in events if events.count(event) > 1})
    if twice:
        raise Invalid(
            _("%(events)s listed more than once: name each event once.") % {"events": ", ".join(twice)},
            field="events",
        )
    if delegation is not None:
        refused = [event for event in events if event in NOT_FOR_DELEGATIONS]
        if refused:
            allowed = ", ".join(event for event in WebhookEvent.values if event not in NOT_FOR_DELEGATIONS)
            raise Invalid(
                _(
                    "A webhook of the delegation %(delegation)s may not take %(events)s: they carry other delegations' "
                    "people or the whole fleet. It may take %(allowed)s."
                )
                % {"delegation": delegation.code, "events": ", ".join(refused), "allowed": allowed},
                field="events",
            )
    return [str(event) for event in events]


def _secret(secret) -> str:
    if secret is None:
        return secrets.token_urlsafe(32)
    if not isinstance(secret, str):
        raise Invalid(_("The secret must be text."), field="secret")
    if len(secret) < SECRET_MIN:
        raise Invalid(
            _("The secret has %(length)s characters; it needs at least %(min)s. Leave it out to have one generated.")
            % {"length": len(secret), "min": SECRET_MIN},
            field="secret",
        )
    if len(secret) > SECRET_MAX:
        raise Invalid(
            _("The secret has %(length)s characters; it may have at most %(max)s.")
            % {"length": len(secret), "max": SECRET_MAX},
            field="secret",
        )
    return secret


def _delegation(conference: Conference, delegation: Delegation | str | None) -> Delegation | None:
    if delegation is None:
        return None
    if isinstance(delegation, Delegation):
        if delegation.conference_id != conference.pk:
            raise Invalid(
                _("The delegation %(delegation)s is not of %(conference)s.")
                % {"delegation": delegation.code, "conference": conference.code},
                field="delegation",
            )
        return delegation
    found = Delegation.objects.filter(conference=conference, code=delegation).first()
    if found is None:
        raise Invalid(
            _("%(conference)s has no delegation %(delegation)s.")
            % {"conference": conference.code, "delegation": delegation},
            field="delegation",
        )
    return found
