from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = "Logistics"

    def ready(self) -> None:
        from logistics import signals

        signals.connect()
