from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from delegates.importing.service import scenario_folder_files, scenario_import

DEMO_FOLDER = Path(settings.BASE_DIR) / "demo" / "scenario"
DEMO_USERNAME = "organizer"
DEMO_PASSWORD = "convoy-demo"


class Command(BaseCommand):
    help = "Load the demo conference shipped in demo/scenario and a demo organizer login (for trying Convoy out)."

    def add_arguments(self, parser):
        parser.add_argument("--address", default="127.0.0.1:8000", help="Where the demo server will listen.")

    def handle(self, *args, address: str, **options):
        report = scenario_import(files=scenario_folder_files(DEMO_FOLDER))
        if not report.ok:
            raise CommandError(report.as_text())
        self.stdout.write(report.as_text())
        user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"\nConvoy demo ready: open http://{address}/ and log in as "
                f"{DEMO_USERNAME} / {DEMO_PASSWORD} (an organizer with every right).\n"
            )
        )
