from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "jinguo.metrics"
    verbose_name = _("Metrics")

    def ready(self) -> None:
        from jinguo.metrics import catalogue, triggers  # noqa: F401  (declarations, signal)
