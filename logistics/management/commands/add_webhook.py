from django.core.management.base import BaseCommand, CommandError

from conference.errors import Invalid
from conference.models import Conference
from logistics.models import WebhookEvent
from logistics.services.webhooks import webhook_create


class Command(BaseCommand):
    help = "Register a webhook: a URL that receives the conference's events, signed. Prints its id and its secret."

    def add_arguments(self, parser):
        parser.add_argument("url", help="An http or https URL that receives the events (a JSON POST each).")
        parser.add_argument("--conference", help="The conference's code; needed when there are several conferences.")
        parser.add_argument(
            "--events",
            nargs="+",
            required=True,
            metavar="EVENT",
            help=f"The events it receives: {', '.join(WebhookEvent.values)}.",
        )
        parser.add_argument("--secret", help="At least 16 characters; without one a secret is generated.")
        parser.add_argument(
            "--delegation",
            help="A delegation's code: the webhook receives only that delegation's news (not trip.changed or "
            "vehicle.status).",
        )

    def handle(self, *args, url, conference, events, secret, delegation, **options):
        found = self._conference(conference)
        try:
            hook, secret = webhook_create(
                conference=found, url=url, events=events, secret=secret, delegation=delegation
            )
        except Invalid as error:
            raise CommandError(error.message) from error
        bound = f", delegation {hook.delegation.code}" if hook.delegation else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Created webhook {hook.pk} of {found.code}{bound}: {hook.url} ({', '.join(hook.events)})."
            )
        )
        self.stdout.write("Its secret signs every delivery (Convoy-Signature); it is not shown again:")
        self.stdout.write(secret)

    @staticmethod
    def _conference(code: str | None) -> Conference:
        if code:
            found = Conference.objects.filter(code=code).first()
            if found is None:
                raise CommandError(f"There is no conference {code}.")
            return found
        conferences = list(Conference.objects.order_by("code")[:2])
        if not conferences:
            raise CommandError("There is no conference yet: import one first.")
        if len(conferences) > 1:
            codes = ", ".join(Conference.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"There are several conferences ({codes}): name one with --conference CODE.")
        return conferences[0]
