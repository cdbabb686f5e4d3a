import json

from django.core.management.base import BaseCommand, CommandError

from conference.models import Conference
from logistics.selectors.schedule import schedule_export


class Command(BaseCommand):
    help = "Print the published schedule of a conference as the export JSON of the data contract."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The conference code, e.g. CASC26.")

    def handle(self, *args, code: str, **options):
        conference = Conference.objects.filter(code=code).first()
        if conference is None:
            raise CommandError(f"There is no conference with code {code!r}.")
        export = schedule_export(conference=conference)
        if export is None:
            raise CommandError(f"{code} has no published schedule yet; run recompute_schedule {code} first.")
        self.stdout.write(json.dumps(export, indent=2, ensure_ascii=False))
