from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "jinguo.people"
    label = "people"
    verbose_name = _("People and households")

    def ready(self) -> None:
        from jinguo.core.crypto import register_blind_index, register_encrypted_field
        from jinguo.people import idnumbers
        from jinguo.people.models import LeftBehindDetail, Person

        for model, field in (
            (Person, "id_number"),
            (Person, "phone"),
            (LeftBehindDetail, "father_phone"),
            (LeftBehindDetail, "mother_phone"),
        ):
            register_encrypted_field(model, field)
        # Stored values are already normalised by the services, so the index hashes them as
        # they are; `jinguo keys reindex` then recomputes exactly what the services wrote.
        register_blind_index(
            Person,
            source_field="id_number",
            index_field="id_number_index",
            normalise=idnumbers.normalise,
        )
        register_blind_index(Person, source_field="phone", index_field="phone_index", normalise=str)
