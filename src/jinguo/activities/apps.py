from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "jinguo.activities"
    label = "activities"
    verbose_name = _("Activities, volunteers and pairings")

    def ready(self) -> None:
        from jinguo.activities.models import PendingCheckin
        from jinguo.core.crypto import register_blind_index, register_encrypted_field

        register_encrypted_field(PendingCheckin, "phone")
        # Services compute the stored index through this object, so writes and
        # `jinguo keys reindex` agree.
        PendingCheckin.phone_blind_index = register_blind_index(
            PendingCheckin, source_field="phone", index_field="phone_index", normalise=str
        )
