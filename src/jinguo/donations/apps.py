from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    name = "jinguo.donations"
    label = "donations"
    verbose_name = _("Donations and the charity cabin")

    def ready(self) -> None:
        from jinguo.core.crypto import register_encrypted_field
        from jinguo.donations.models import Donor

        register_encrypted_field(Donor, "phone")
