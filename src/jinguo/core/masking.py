"""Masking sensitive personal information for display (PIPL): pure functions, no Django.

Inputs are expected normalised by the caller (half-width digits, upper-case X). Every function
returns "" for None or "", and never reveals more of a value it does not recognise: unknown
formats keep at most their last few characters.
"""

from __future__ import annotations

STAR = "*"


def _keep(value: str, head: int, tail: int) -> str:
    """Keep `head` leading and `tail` trailing characters, star the rest (all if too short)."""
    if len(value) <= head + tail:
        return STAR * len(value)
    return value[:head] + STAR * (len(value) - head - tail) + value[len(value) - tail :]


def mask_id_number(value: str | None) -> str:
    """``150525198003081234`` → ``150525********1234``; 15-digit numbers keep 6 and 3.

    The first six digits are the issuing area (public knowledge for a county's own residents);
    the birth date and sequence are hidden. Other documents (passports, permits) keep only
    their last three characters.
    """
    if not value:
        return ""
    if len(value) == 18:
        return _keep(value, 6, 4)
    if len(value) == 15:
        return _keep(value, 6, 3)
    return _keep(value, 0, 3) if len(value) > 6 else STAR * len(value)


def _mask_landline_number(number: str) -> str:
    return _keep(number, 0, 4) if len(number) > 4 else STAR * len(number)


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678``; landlines keep the area code and the last 4 digits.

    ``0475-1234567`` → ``0475-***4567``; ``04751234567`` → ``0475***4567`` (area codes 010 and
    02x have three digits, the others four); anything else keeps its last 4 characters.
    """
    if not value:
        return ""
    if len(value) == 11 and value.startswith("1") and value.isdigit():
        return _keep(value, 3, 4)
    area, separator, number = value.partition("-")
    if separator and area.startswith("0") and area.isdigit():
        return f"{area}-{_mask_landline_number(number)}"
    if value.startswith("0") and value.isdigit() and len(value) >= 10:
        area_length = 3 if value[1] in "12" else 4
        return value[:area_length] + _mask_landline_number(value[area_length:])
    return _keep(value, 0, 4) if len(value) > 6 else STAR * len(value)


def mask_name(value: str | None) -> str:
    """``王芳`` → ``王*``, ``王小芳`` → ``王*芳``, ``乌云其其格`` → ``乌***格``; ``芳`` → ``*``."""
    if not value:
        return ""
    if len(value) == 2:
        return value[0] + STAR
    return _keep(value, 1, 1)
