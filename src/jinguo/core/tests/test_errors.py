"""ApplicationError: one error type, rendered in the reader's language, both for the API."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy

from jinguo.core.errors import ApplicationError

# A message Django itself translates, so the test does not wait for our own catalogue.
REQUIRED = gettext_lazy("This field is required.")


def test_as_dict_gives_code_field_and_both_languages() -> None:
    error = ApplicationError(REQUIRED, code="required", field="name")

    assert error.as_dict() == {
        "code": "required",
        "field": "name",
        "message": "这个字段是必填项。",
        "message_en": "This field is required.",
    }


def test_parameters_are_filled_into_both_renderings() -> None:
    message = gettext_lazy("Code “%(code)s” is not valid.")
    error = ApplicationError(message, code="invalid_code", field="code", params={"code": "1505"})

    assert error.as_dict()["message_en"] == "Code “1505” is not valid."
    with translation.override("zh-hans"):
        assert error.as_dict()["message"] == str(message) % {"code": "1505"}


@pytest.mark.parametrize("active", ["en", "zh-hans"])
def test_lazy_parameters_render_in_the_language_asked_for(active: str) -> None:
    """Labels passed as parameters follow the message's language, not the active one."""
    error = ApplicationError("Missing: %(what)s", code="missing", params={"what": REQUIRED})

    with translation.override(active):
        rendered = error.as_dict()

    assert rendered["message"] == "Missing: 这个字段是必填项。"
    assert rendered["message_en"] == "Missing: This field is required."


def test_str_follows_the_active_language() -> None:
    error = ApplicationError(REQUIRED, code="required")

    with translation.override("en"):
        assert str(error) == "This field is required."
    with translation.override("zh-hans"):
        assert str(error) == "这个字段是必填项。"


def test_exception_args_are_english_for_logs() -> None:
    assert ApplicationError(REQUIRED, code="required").args == ("This field is required.",)


def test_a_message_without_parameters_may_contain_a_percent_sign() -> None:
    error = ApplicationError("100% done", code="x")

    assert error.render("en") == "100% done"
