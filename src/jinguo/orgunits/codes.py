"""Codes of org units: statistical division codes for areas, generated codes for organisations."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import AREA_LEVEL, CODE_DIGITS, Kind

# First two digits of GB/T 2260 codes: provinces, regions and municipalities.
PROVINCE_PREFIXES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "  # noqa: SIM905
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
# Organisation codes: the code of the area they hang under, a letter for the kind, a number.
ORG_CODE_LETTER: dict[str, str] = {
    Kind.FEDERATION: "F",
    Kind.WOMENS_HOME: "H",
    Kind.TWO_NEW_ORG: "N",
    Kind.ENTERPRISE: "E",
    Kind.SCHOOL: "S",
    Kind.KINDERGARTEN: "K",
    Kind.CLINIC: "C",
    Kind.MEMBER_UNIT: "M",
    Kind.SERVICE_STATION: "T",
    Kind.VOLUNTEER_TEAM: "V",
    Kind.CIVILISED_POST: "P",
}
_ORG_CODE = re.compile(r"^\d{6,12}[A-Z]\d{3,4}$")

INVALID_AREA_CODE = _(
    "Code “%(code)s” is not a valid division code for a %(kind)s: it needs %(digits)d digits "
    "and must start with the code of the unit above (%(parent)s)."
)
INVALID_PROVINCE = _("Code “%(code)s” does not start with a valid province code (GB/T 2260).")
INVALID_ORG_CODE = _("Code “%(code)s” is not a valid organisation code (e.g. 150525100201H001).")


def validate_area_code(code: str, kind: str, parent_code: str | None) -> None:
    level = AREA_LEVEL[kind]
    digits = CODE_DIGITS[level]
    params = {
        "code": code,
        "kind": Kind(kind).label,
        "digits": digits,
        "parent": parent_code or "—",
    }
    if not (len(code) == digits and code.isdigit()):
        raise ApplicationError(INVALID_AREA_CODE, code="invalid_code", field="code", params=params)
    if code[:2] not in PROVINCE_PREFIXES:
        raise ApplicationError(
            INVALID_PROVINCE, code="invalid_code", field="code", params={"code": code}
        )
    if parent_code and parent_code.isdigit() and not code.startswith(parent_code):
        raise ApplicationError(INVALID_AREA_CODE, code="invalid_code", field="code", params=params)


def validate_org_code(code: str) -> None:
    if not _ORG_CODE.match(code):
        raise ApplicationError(
            INVALID_ORG_CODE, code="invalid_code", field="code", params={"code": code}
        )


def org_code_prefix(area_code: str, kind: str) -> str:
    return f"{area_code}{ORG_CODE_LETTER[kind]}"
