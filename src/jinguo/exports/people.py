"""The people registry as an export: its columns, and its rows read in bounded chunks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.accounts.roles import Perm
from jinguo.core.masking import mask_id_number, mask_phone
from jinguo.exports.registry import ExportColumn, ExportType, register
from jinguo.imports.columns import Column, Kind
from jinguo.orgunits import access
from jinguo.people import ethnicity
from jinguo.people.choices import SENSITIVE_CATEGORIES
from jinguo.people.models import CategoryPeriod, Membership, Person

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class PersonRow:
    """A person with what her row needs beyond her own fields, loaded per chunk."""

    person: Person
    categories: tuple[str, ...]  # labels of the categories held on the export's day
    household: str  # number of her current household, "" when she has none


def _ethnicity_name(row: PersonRow) -> str:
    found = ethnicity.by_code(row.person.ethnicity) if row.person.ethnicity else None
    return found.name(translation.get_language() or "zh-hans") if found else ""


def _joined(labels: tuple[str, ...]) -> str:
    language = translation.get_language() or "zh-hans"
    return ("、" if language.lower().startswith("zh") else ", ").join(labels)


PEOPLE_EXPORT: ExportType[PersonRow] = register(
    ExportType(
        key="people",
        title=_("People"),
        columns=(
            ExportColumn(
                Column("name", pgettext_lazy("person", "Name"), width=12), lambda r: r.person.name
            ),
            ExportColumn(
                Column("sex", _("Sex"), Kind.CHOICE, width=6), lambda r: r.person.get_sex_display()
            ),
            ExportColumn(
                Column("birth_date", _("Birth date"), Kind.DATE, width=12),
                lambda r: r.person.birth_date,
            ),
            ExportColumn(Column("ethnicity", _("Ethnicity"), width=10), _ethnicity_name),
            ExportColumn(
                Column(
                    "id_number",
                    _("Citizen ID number"),
                    Kind.ID_NUMBER,
                    width=22,
                    mask=mask_id_number,
                ),
                lambda r: r.person.id_number,
            ),
            ExportColumn(
                Column("phone", _("Phone"), Kind.PHONE, width=16, mask=mask_phone),
                lambda r: r.person.phone,
            ),
            ExportColumn(
                Column("residence", _("Residence"), width=16), lambda r: r.person.residence.name
            ),
            ExportColumn(
                Column("residence_code", _("Residence code"), Kind.UNIT_CODE, width=16),
                lambda r: r.person.residence.code,
            ),
            ExportColumn(
                Column("hukou", _("Household registration"), Kind.CHOICE, width=10),
                lambda r: r.person.get_hukou_display(),
            ),
            ExportColumn(
                Column("education", _("Education"), Kind.CHOICE, width=14),
                lambda r: r.person.get_education_display(),
            ),
            ExportColumn(
                Column("marital_status", _("Marital status"), Kind.CHOICE, width=10),
                lambda r: r.person.get_marital_status_display(),
            ),
            ExportColumn(
                Column("occupation", _("Occupation"), width=14), lambda r: r.person.occupation
            ),
            ExportColumn(
                Column("categories", _("Categories"), width=24), lambda r: _joined(r.categories)
            ),
            # A household number is all digits, like a unit code: kept as text for Excel.
            ExportColumn(
                Column("household", capfirst(_("household number")), Kind.UNIT_CODE, width=18),
                lambda r: r.household,
            ),
        ),
    )
)


def with_row_data(people: QuerySet[Person], *, on: dt.date) -> QuerySet[Person]:
    """`people` with what `person_rows` reads prefetched: one query per chunk for each.

    `QuerySet.iterator(chunk_size=…)` runs these prefetches once per chunk, so memory stays
    bounded by the chunk whatever the size of the export.
    """
    held = (
        CategoryPeriod.objects.filter(start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gt=on))
        .only("id", "person_id", "category", "start", "end")
        .order_by("category", "start")
    )
    current = Membership.objects.filter(end__isnull=True).select_related("household")
    return people.defer("notes").prefetch_related(
        Prefetch("categories", queryset=held, to_attr="export_categories"),
        Prefetch("memberships", queryset=current, to_attr="export_memberships"),
    )


def person_rows(
    actor: Any, people: QuerySet[Person], *, on: dt.date, chunk_size: int = CHUNK_SIZE
) -> Iterator[PersonRow]:
    """Rows for `people` (already scoped by `person_list`), streamed chunk by chunk.

    Children's and health categories are left out for people in units where the actor may
    neither edit nor see health details, as on the person's page.
    """
    sensitive_allowed: dict[int, bool] = {}
    for person in with_row_data(people, on=on).iterator(chunk_size=chunk_size):
        unit_id = person.residence_id
        if unit_id not in sensitive_allowed:
            held = access.perms_at(actor, person.residence)
            sensitive_allowed[unit_id] = Perm.EDIT in held or Perm.VIEW_HEALTH in held
        periods: list[CategoryPeriod] = getattr(person, "export_categories", [])
        labels = tuple(
            dict.fromkeys(
                period.get_category_display()
                for period in periods
                if sensitive_allowed[unit_id] or period.category not in SENSITIVE_CATEGORIES
            )
        )
        memberships: list[Membership] = getattr(person, "export_memberships", [])
        household = memberships[0].household.code if memberships else ""
        yield PersonRow(person=person, categories=labels, household=household)
