from django.apps import AppConfig


class ConvoyConfig(AppConfig):
    name = "convoy"
    verbose_name = "Convoy"

    def ready(self) -> None:
        # The admin is not autodiscovered (see INSTALLED_APPS): importing a module registers its admin classes.
        import axes.admin  # noqa: F401  (login attempts and lockouts: delete one to unlock)
        import django.contrib.auth.admin  # noqa: F401
        import rest_framework.authtoken.admin  # noqa: F401

        import conference.admin  # noqa: F401
        import delegates.admin  # noqa: F401
        import logistics.admin  # noqa: F401
