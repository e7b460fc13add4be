"""Password rules (等保 2.0 practice): 8 characters, 3 of 4 classes, not the username."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from jinguo.accounts.models import User
from jinguo.accounts.passwords import CharacterClassValidator, NotContainingUsernameValidator
from jinguo.accounts.services import user_create
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError


@pytest.mark.parametrize("password", ["abcdefgh", "abcdefg1", "ABCDEFG!", "12345678!"])
def test_passwords_with_fewer_than_three_character_classes_are_refused(password: str) -> None:
    with pytest.raises(ValidationError) as refused:
        CharacterClassValidator().validate(password)

    assert refused.value.error_list[0].code == "password_too_simple"


@pytest.mark.parametrize("password", ["abcdef1!", "Abcdefg1", "ABCDEF1!", "Abcdefg!", "抽象Ab12"])
def test_passwords_with_three_or_four_character_classes_pass(password: str) -> None:
    CharacterClassValidator().validate(password)


def test_a_password_containing_the_username_is_refused_in_any_case() -> None:
    user = User(username="WangFang")

    with pytest.raises(ValidationError) as refused:
        NotContainingUsernameValidator().validate("x-wangfang-2024!", user)

    assert refused.value.error_list[0].code == "password_contains_username"


def test_a_very_short_username_is_not_searched_for() -> None:
    NotContainingUsernameValidator().validate("Li-2024-secure!", User(username="li"))


def test_password_rules_have_help_texts() -> None:
    with translation.override("en"):
        assert "three" in CharacterClassValidator().get_help_text()
        assert "username" in NotContainingUsernameValidator().get_help_text()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "reason_en"),
    [
        ("Ab1!xyz", "at least 8 characters"),
        ("abcdefgh12", "at least three of"),
        ("Meili-2024", "must not contain the username"),
        ("Password1", "too common"),
    ],
    ids=["seven-characters", "two-classes", "contains-username", "common"],
)
def test_user_create_refuses_a_weak_password_and_writes_nothing(
    password: str, reason_en: str
) -> None:
    with pytest.raises(ApplicationError) as refused:
        user_create(actor=None, username="meili", password=password)

    error = refused.value.as_dict()
    assert error["code"] == "weak_password"
    assert error["field"] == "password"
    assert error["message_en"] is not None
    assert error["message_en"].startswith("The password is not accepted: ")
    assert reason_en in error["message_en"]
    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_weak_password_is_explained_in_chinese_and_in_english() -> None:
    """Django's own catalogue translates "too common"; each language gets its own reasons."""
    with pytest.raises(ApplicationError) as refused:
        user_create(actor=None, username="meili", password="Password1")

    error = refused.value.as_dict()
    assert error["message"] is not None
    assert "这个密码太常见了" in error["message"]
    assert error["message_en"] == "The password is not accepted: This password is too common."


@pytest.mark.django_db
def test_a_password_meeting_every_rule_is_accepted() -> None:
    user = user_create(actor=None, username="meili", password="Hua-2014-kai")

    assert user.check_password("Hua-2014-kai")
    assert user.password != "Hua-2014-kai"
