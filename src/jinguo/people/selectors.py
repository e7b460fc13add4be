"""Reads of the people registry, always through the reader's scope (her residence unit)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404
from django.utils import timezone

from jinguo.accounts.roles import Perm
from jinguo.core.errors import ApplicationError
from jinguo.orgunits import access
from jinguo.orgunits.models import OrgUnit
from jinguo.people import idnumbers
from jinguo.people.choices import SENSITIVE_CATEGORIES
from jinguo.people.models import (
    CategoryPeriod,
    Consent,
    DuplicatePair,
    Household,
    Membership,
    Person,
    PersonMerge,
    holds_category,
)
from jinguo.people.services import id_index, name_pinyin, normalise_phone, phone_index

_ID_LIKE = re.compile(r"^[0-9]{15}$|^[0-9]{17}[0-9Xx]$")
_PINYIN = re.compile(r"^[a-z]+$")


def _scoped_people(actor: Any) -> QuerySet[Person]:
    return access.scoped(actor, Person.objects.active(), path_field="residence__path")


def person_get(actor: Any, person_id: Any) -> Person:
    """A person within the reader's scope; missing and out of scope are both 404."""
    try:
        return _scoped_people(actor).select_related("residence").get(pk=int(person_id))
    except (Person.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _birth_window(age_min: int | None, age_max: int | None, at: dt.date) -> Q:
    """People whose age on `at` lies in [age_min, age_max], as a birth-date range."""
    q = Q()
    if age_min is not None:
        q &= Q(birth_date__lte=_years_before(at, age_min))
    if age_max is not None:
        q &= Q(birth_date__gt=_years_before(at, age_max + 1))
    return q


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def search_q(text: str) -> Q:
    """What a search box means: an ID number, a phone tail, pinyin, or characters of a name.

    ID numbers go through the blind index (exact), four digits match the end of the phone,
    lower-case letters are a prefix of the full pinyin or of the initials, anything else a
    prefix of the name. Every branch is an index lookup.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return Q()
    compact = text.replace(" ", "")
    if _ID_LIKE.match(compact):
        try:
            number = idnumbers.parse(compact).number
        except ApplicationError:
            return Q(pk__in=[])
        return Q(id_number_index=id_index(number))
    if compact.isdigit():
        if len(compact) == 4:
            return Q(phone_tail=compact)
        if len(compact) < 7:
            return Q(pk__in=[])
        try:
            return Q(phone_index=phone_index(normalise_phone(compact)))
        except ApplicationError:
            return Q(pk__in=[])
    lowered = compact.lower()
    if _PINYIN.match(lowered):
        return Q(name_pinyin__prefix=lowered) | Q(name_initials__prefix=lowered)
    return Q(name__prefix=text)


@dataclass(frozen=True)
class PersonFilter:
    search: str = ""
    within: OrgUnit | None = None
    category: str = ""
    on: dt.date | None = None
    age_min: int | None = None
    age_max: int | None = None
    sex: str = ""


def person_list(actor: Any, filters: PersonFilter | None = None) -> QuerySet[Person]:
    filters = filters or PersonFilter()
    people = _scoped_people(actor)
    if filters.within is not None:
        access.require(actor, Perm.VIEW, filters.within)
        people = people.filter(residence__path__within=filters.within.path)
    day = filters.on or timezone.localdate()
    if filters.category:
        people = people.filter(holds_category(filters.category, day))
    if filters.age_min is not None or filters.age_max is not None:
        people = people.filter(_birth_window(filters.age_min, filters.age_max, day))
    if filters.sex:
        people = people.filter(sex=filters.sex)
    if filters.search:
        people = people.filter(search_q(filters.search))
        counties = _county_codes(actor, filters.within)
        if counties:
            people = people.filter(county_code__in=counties)
        # Ordering by an expression no index provides makes PostgreSQL find the matches
        # through the prefix indexes and then sort them, instead of walking the whole
        # name_pinyin index in order hoping to meet 30 matches early (docs/performance.md).
        return people.select_related("residence").order_by(Lower("name_pinyin"), "pk")
    return people.select_related("residence").order_by("name_pinyin", "pk")


def _county_codes(actor: Any, within: OrgUnit | None) -> list[str]:
    """The counties the search can be narrowed to, or [] when the scope spans more than
    counties can say (a city or province root has no county code)."""
    roots = [within] if within is not None else access.home_units(actor)
    codes = {unit.county_code for unit in roots}
    return [] if "" in codes else sorted(codes)


def in_category_on(actor: Any, category: str, day: dt.date, unit: OrgUnit) -> QuerySet[Person]:
    """Who held `category` on `day` among the people living in `unit` and below: one query."""
    return person_list(actor, PersonFilter(within=unit, category=category, on=day))


def household_get(actor: Any, household_id: Any) -> Household:
    try:
        households = access.scoped(actor, Household.objects.all(), path_field="residence__path")
        return households.select_related("residence").get(pk=int(household_id))
    except (Household.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def household_members(household: Household, *, include_past: bool = False) -> QuerySet[Membership]:
    members = household.memberships.select_related("person")
    if not include_past:
        members = members.filter(end__isnull=True)
    # Current members (no end) first on every database: SQLite puts NULLs first, PostgreSQL last.
    return members.order_by(F("end").asc(nulls_first=True), "start", "pk")


@dataclass(frozen=True)
class TimelineEntry:
    day: dt.date
    kind: str
    item: Any


def person_timeline(actor: Any, person: Person) -> list[TimelineEntry]:
    """Everything about a person in time order, each part only if the reader may see it."""
    access.require(actor, Perm.VIEW, person.residence)
    entries: list[TimelineEntry] = []
    categories = CategoryPeriod.objects.filter(person=person).select_related("left_behind")
    may_see_sensitive = access.can(actor, Perm.EDIT, person.residence) or access.can(
        actor, Perm.VIEW_HEALTH, person.residence
    )
    for period in categories:
        if period.category in SENSITIVE_CATEGORIES and not may_see_sensitive:
            continue
        entries.append(TimelineEntry(period.start, "category", period))
    for membership in Membership.objects.filter(person=person).select_related("household"):
        entries.append(TimelineEntry(membership.start, "household", membership))
    for consent in Consent.objects.filter(person=person):
        entries.append(TimelineEntry(consent.given_on, "consent", consent))
    return sorted(entries, key=lambda e: e.day, reverse=True)


def duplicate_list(
    actor: Any, *, status: str = DuplicatePair.Status.OPEN
) -> QuerySet[DuplicatePair]:
    """Pairs where the reader may see both people."""
    visible = _scoped_people(actor).values("pk")
    return (
        DuplicatePair.objects.filter(status=status, person_a__in=visible, person_b__in=visible)
        .select_related("person_a__residence", "person_b__residence")
        .order_by("-score", "pk")
    )


def person_possible_matches(
    actor: Any,
    *,
    name: str,
    birth_date: dt.date | None = None,
    residence: OrgUnit | None = None,
    exclude: Person | None = None,
    limit: int = 5,
) -> list[Person]:
    """People in scope who may be the one being registered: same name (or same pinyin) and
    the same birth date or village. Shown as a warning before a new record is saved."""
    full, _initials = name_pinyin(unicodedata.normalize("NFKC", name).strip())
    if not full:
        return []
    same_name = Q(name=name.strip()) | Q(name_pinyin=full)
    near = Q()
    if birth_date is not None:
        near |= Q(birth_date=birth_date)
    if residence is not None:
        near |= Q(residence=residence)
    if not near:
        return []
    people = _scoped_people(actor).filter(same_name).filter(near).select_related("residence")
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return list(people.order_by("pk")[:limit])


def merge_list(actor: Any) -> QuerySet[PersonMerge]:
    """Merges not undone whose surviving record the reader may see, latest first."""
    merges = PersonMerge.objects.filter(undone_at__isnull=True)
    return (
        access.scoped(actor, merges, path_field="survivor__residence__path")
        .select_related("survivor__residence", "merged__residence", "merged_by")
        .order_by("-merged_at", "-pk")
    )
