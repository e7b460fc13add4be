from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "jinguo.people"
    label = "people"
    verbose_name = _("People and households")

    def ready(self) -> None:
        from jinguo.core.crypto import register_encrypted_field
        from jinguo.people.models import LeftBehindDetail, Person

        for model, field in (
            (Person, "id_number"),
            (Person, "phone"),
            (LeftBehindDetail, "father_phone"),
            (LeftBehindDetail, "mother_phone"),
        ):
            register_encrypted_field(model, field)
