from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from conference.models import Role
from delegates.models import Delegation
from logistics.models import Vehicle
from logistics.services.imports import scenario_folder_files, scenario_import
from logistics.services.schedule import schedule_run_wait
from logistics.services.users import api_token_for, user_with_role_create

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
        if report.recompute_run:  # the demo opens on a published schedule
            run = schedule_run_wait(run_id=report.recompute_run)
            self.stdout.write(f"Schedule run {run.pk}: {run.status}.")
        user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
        user.is_staff = user.is_superuser = True
        user.set_password(DEMO_PASSWORD)
        user.save()
        tokens = {DEMO_USERNAME: api_token_for(user=user), **self._api_users(report.conference)}
        self.stdout.write(
            self.style.SUCCESS(
                f"\nConvoy demo ready: open http://{address}/ and log in as "
                f"{DEMO_USERNAME} / {DEMO_PASSWORD} (an organizer with every right).\n"
            )
        )
        self.stdout.write(f"API docs: http://{address}/api/docs/ ; demo API tokens (Authorization: Token KEY):")
        for username, token in tokens.items():
            self.stdout.write(f"  {username:<16} {token}")

    def _api_users(self, conference_code: str) -> dict[str, str]:
        """A liaison of the first delegation and the driver of the first vehicle, to try the API's roles."""
        delegation = Delegation.objects.filter(conference__code=conference_code).order_by("code").first()
        vehicle = Vehicle.objects.filter(conference__code=conference_code).order_by("callsign").first()
        users = {
            f"liaison-{delegation.code}".lower(): {"role": Role.LIAISON, "delegation_code": delegation.code},
            f"driver-{vehicle.callsign}".lower(): {"role": Role.DRIVER, "vehicle_callsign": vehicle.callsign},
        }
        tokens = {}
        for username, binding in users.items():
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                user = user_with_role_create(
                    username=username, password=DEMO_PASSWORD, conference_code=conference_code, **binding
                )
            tokens[username] = api_token_for(user=user)
        return tokens
