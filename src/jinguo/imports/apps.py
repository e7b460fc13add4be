from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "jinguo.imports"
    label = "imports"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        import jinguo.imports.attendance  # noqa: F401 - registers the attendance import type
        from jinguo.imports import activities as _activities  # noqa: F401 - registers the activities import type
        from jinguo.imports import benefits as _benefits  # noqa: F401 - registers the benefits import type
        from jinguo.imports import categories as _categories  # noqa: F401 - registers the categories import type
        from jinguo.imports import donations as _donations  # noqa: F401 - registers the donations import type
        from jinguo.imports import enrolments as _enrolments  # noqa: F401 - registers the enrolments import type
        from jinguo.imports import households as _households  # noqa: F401 - registers the households import type
        from jinguo.imports import people  # noqa: F401 - registers the people import type
        from jinguo.imports import volunteers as _volunteers  # noqa: F401 - registers the volunteer roster and hours import types
