"""Person categories (人员类别) as an import type: one row, one period in which a registered
person holds a category (留守儿童, 低保, 空巢老人 …), through `people.services.category_add`
(the same door and the same refusals as the category form: consent for sensitive categories,
overlapping periods, a centenarian's age).

- The person is named by her ID number, found by its blind index among the people the
  uploader sees; she must live inside the unit chosen at upload.
- A row is "the same" as a recorded period when person, category and start date agree: such
  a row is UNCHANGED and writes nothing, so importing the same sheet again changes nothing.
- Left-behind children and people with a disability are refused here: `category_add` needs
  details a sheet of four columns cannot give (the parents' situation and guardianship of a
  left-behind child; the type and grade of a disability). Record those on the person's page.
- The people services offer no way to remove a category period (only to end it), so an
  import of categories cannot be undone: the type declares why (`no_undo`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from jinguo.core.errors import refuse
from jinguo.imports.columns import Column, Kind
from jinguo.imports.lookups import id_number_column, person_by_id_number
from jinguo.imports.registry import Applied, ImportContext, ImportType, Outcome, register
from jinguo.people.choices import Category
from jinguo.people.models import CategoryPeriod
from jinguo.people.services import category_add

NO_PERMISSION = _("You may not record categories of %(name)s.")
NEEDS_DETAILS = _(
    "“%(category)s” needs details a sheet cannot give (a left-behind child's parents and "
    "guardian, a disability's type and grade): record it on the person's page."
)
NOT_UNDOABLE = _(
    "An import of categories cannot be undone: category periods can only be ended, on the "
    "person's page."
)

# Categories `category_add` refuses without details this sheet has no columns for.
NEED_DETAILS = frozenset({Category.LEFT_BEHIND_CHILD, Category.DISABLED})

# Where a refusal of the people services belongs in the sheet: their field names that are
# not column keys of this import type.
FIELD_TO_COLUMN = {"consent": "category", "parents": "category", "disability_grade": "category"}

COLUMNS: tuple[Column, ...] = (
    id_number_column("id_number", _("18 characters; format the column as text.")),
    Column(
        "category",
        _("Category"),
        Kind.CHOICE,
        required=True,
        choices=Category.choices,
        synonyms=("人员类别", "类别", "类型"),
        example="单亲母亲",
        width=16,
    ),
    Column(
        "start",
        _("Starts"),
        Kind.DATE,
        required=True,
        synonyms=("开始日期", "开始时间", "起始日期"),
        note=_("The first day in the category, e.g. 2014-03-08"),
        example="2014-03-08",
    ),
    Column(
        "end",
        _("Ends"),
        Kind.DATE,
        synonyms=("结束日期", "结束时间", "截止日期"),
        note=_("May stay empty; otherwise after the start date."),
    ),
)


def apply(ctx: ImportContext, values: dict[str, Any]) -> Applied:
    person = person_by_id_number(ctx, str(values["id_number"]), "id_number", in_unit=True)
    category = Category(str(values["category"]))
    start = values["start"]
    recorded = CategoryPeriod.objects.filter(person=person, category=category, start=start)
    found = recorded.order_by("pk").first()
    if found is not None:
        return Applied(Outcome.UNCHANGED, found)
    if category in NEED_DETAILS:
        raise refuse(NEEDS_DETAILS, "details_required", "category", category=category.label)
    try:
        period = category_add(
            actor=ctx.actor,
            person=person,
            category=category,
            start=start,
            end=values.get("end"),
        )
    except PermissionDenied:
        raise refuse(NO_PERMISSION, "permission_denied", "id_number", name=person.name) from None
    return Applied(Outcome.NEW, period)


CATEGORIES = register(
    ImportType(
        key="categories",
        label=_("Person categories"),
        columns=COLUMNS,
        apply=apply,
        no_undo=NOT_UNDOABLE,
        model=CategoryPeriod,
        service_fields=FIELD_TO_COLUMN,
    )
)
