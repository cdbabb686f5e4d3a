import importlib

from django.apps import AppConfig

# The admin is not autodiscovered (see INSTALLED_APPS): these are the admin modules Convoy registers.
ADMIN_MODULES = [
    "django.contrib.auth.admin",
    "rest_framework.authtoken.admin",
    "conference.admin",
    "delegates.admin",
    "logistics.admin",
]


class ConvoyConfig(AppConfig):
    name = "convoy"
    verbose_name = "Convoy"

    def ready(self) -> None:
        for module in ADMIN_MODULES:
            importlib.import_module(module)
