"""The one error type that services raise for a rule the caller broke.

Messages are lazy translations: pages show them in the user's language, the API returns
both Chinese and English so that scripts and people can read them.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    def __init__(
        self,
        message: Promise | str,
        *,
        code: str,
        field: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        self.message = message
        self.code = code
        self.field = field
        self.params = params or {}
        super().__init__(self.render("en"))

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled whole (an import's reading process sends its errors to the importing one).
        return (_rebuild, (self.message, self.code, self.field, self.params))

    def render(self, language: str) -> str:
        # Interpolate inside the override: lazy parameters (labels, reasons) render in
        # `language` too, not in whatever language happens to be active.
        with translation.override(language):
            text = str(self.message)
            return text % self.params if self.params else text

    def as_dict(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "field": self.field,
            "message": self.render("zh-hans"),
            "message_en": self.render("en"),
        }

    def __str__(self) -> str:
        return self.render(translation.get_language() or "zh-hans")


def _rebuild(
    message: Promise | str, code: str, field: str | None, params: dict[str, Any]
) -> ApplicationError:
    return ApplicationError(message, code=code, field=field, params=params)


def refuse(
    message: Promise | str, code: str, field: str | None = None, /, **params: Any
) -> ApplicationError:
    """`raise refuse(MESSAGE, "code", "field", name=…)`: the error with its parameters as
    keywords, the short form services use for every rule they check."""
    return ApplicationError(message, code=code, field=field, params=params)


EDIT_CONFLICT = _(
    "Someone else changed this record after you opened it (now version %(current)d, yours "
    "%(yours)d). Reload the page, check the changes and enter yours again."
)


def stale(current: int, yours: int) -> ApplicationError:
    """The refusal of an update based on an old version of the record (optimistic locking)."""
    return refuse(EDIT_CONFLICT, "edit_conflict", None, current=current, yours=yours)
