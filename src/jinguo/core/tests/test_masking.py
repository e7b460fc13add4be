"""Masking for display: what staff see of an ID number, a phone number, a name."""

from __future__ import annotations

import pytest

from jinguo.core.masking import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("150525198003081234", "150525********1234"),
        ("15052519800308123X", "150525********123X"),
        ("150525800308123", "150525******123"),
        ("E12345678", "******678"),
        ("123456", "******"),
        ("", ""),
        (None, ""),
    ],
    ids=["18-digit", "check-digit-x", "15-digit-legacy", "passport", "short", "empty", "none"],
)
def test_an_id_number_shows_its_area_and_last_digits_only(value, masked) -> None:
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("0475-1234567", "0475-***4567"),
        ("010-12345678", "010-****5678"),
        ("04751234567", "0475***4567"),
        ("02112345678", "021****5678"),
        ("12345678", "****5678"),
        ("12345", "*****"),
        ("", ""),
        (None, ""),
    ],
    ids=[
        "mobile",
        "landline-with-area-code",
        "beijing",
        "landline-without-dash",
        "shanghai-without-dash",
        "local-number",
        "short",
        "empty",
        "none",
    ],
)
def test_a_phone_number_shows_its_prefix_and_last_four_digits(value, masked) -> None:
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("芳", "*"),
        ("王芳", "王*"),
        ("王小芳", "王*芳"),
        ("欧阳小芳", "欧**芳"),
        ("乌云其其格", "乌***格"),
        ("阿拉坦·其其格", "阿*****格"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_name_shows_its_first_and_last_characters(value, masked) -> None:
    assert mask_name(value) == masked


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_name])
def test_masking_keeps_the_length(mask) -> None:
    for value in ["150525198003081234", "13812345678", "乌云其其格", "x" * 9]:
        assert len(mask(value)) == len(value)
