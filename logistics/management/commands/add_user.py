from django.core.management.base import BaseCommand, CommandError

from conference.errors import Invalid
from conference.models import Role
from logistics.services.users import api_token_for, user_with_role_create


class Command(BaseCommand):
    help = "Create a user with a Convoy role, and print an API token with --token."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--delegation", help="A liaison's delegation code.")
        parser.add_argument("--vehicle", help="A driver's vehicle callsign.")
        parser.add_argument("--conference", help="Conference code, when the delegation or vehicle code is ambiguous.")
        parser.add_argument("--password", help="A login password; without one the user has only an API token.")
        parser.add_argument("--token", action="store_true", help="Create an API token and print it.")

    def handle(self, *args, username, role, delegation, vehicle, conference, password, token, **options):
        if not password and not token:
            raise CommandError("Give --password, --token or both: otherwise the user could not sign in at all.")
        try:
            user = user_with_role_create(
                username=username,
                role=role,
                password=password,
                conference_code=conference,
                delegation_code=delegation,
                vehicle_callsign=vehicle,
            )
        except Invalid as error:
            raise CommandError(error.message) from error
        bound = f", delegation {delegation}" if delegation else f", vehicle {vehicle}" if vehicle else ""
        self.stdout.write(self.style.SUCCESS(f"Created {username} ({Role(role).label}{bound})."))
        if token:
            self.stdout.write(api_token_for(user=user))
