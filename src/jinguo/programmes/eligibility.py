"""Eligibility: a programme's rules, evaluated against the registry for one beneficiary.

Rules are rows (`models.Rule`) a county administrator edits; each kind below reads the fields
it needs. The result names every rule that failed, in words a clerk can act on — never just
"not eligible".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jinguo.people.choices import Category, Hukou, Sex
from jinguo.people.models import CategoryPeriod, Household, Person
from jinguo.programmes.choices import EnrolmentStatus, RuleKind
from jinguo.programmes.models import Benefit, Enrolment, Programme, Rule

Message = tuple[Promise, dict[str, object]]


@dataclass(frozen=True)
class Failure:
    rule_id: int
    kind: str
    message: Promise
    params: dict[str, object]

    def __str__(self) -> str:
        return str(self.message) % {
            key: str(value) if isinstance(value, Promise) else value
            for key, value in self.params.items()
        }

    def as_json(self) -> dict[str, object]:
        texts = {}
        for key, language in (("message", "zh-hans"), ("message_en", "en")):
            with translation.override(language):
                texts[key] = str(self)
        return {"rule": self.rule_id, "kind": self.kind, **texts}


@dataclass(frozen=True)
class Eligibility:
    on: dt.date
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_json(self) -> list[dict[str, object]]:
        return [failure.as_json() for failure in self.failures]

    def __str__(self) -> str:
        """Every failure, in the active language: the parameter of a refusal."""
        return "；".join(str(failure) for failure in self.failures)


@dataclass(frozen=True)
class Candidate:
    """Who is being checked: the person, her household for household programmes, and the
    cycle applied for (earlier rounds of the same programme count against her)."""

    person: Person
    household: Household | None
    cycle_id: int | None

    @property
    def key(self) -> str:
        return beneficiary_key(self.person, self.household)


def beneficiary_key(person: Person, household: Household | None) -> str:
    return f"h:{household.pk}" if household is not None else f"p:{person.pk}"


def _date(rule: Rule, on: dt.date) -> dt.date:
    return rule.on or on


def _category(rule: Rule, who: Candidate, on: dt.date) -> Message | None:
    day = _date(rule, on)
    held = (
        CategoryPeriod.objects.filter(person=who.person, category=rule.category, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gt=day))
        .exists()
    )
    if held:
        return None
    return _("%(name)s is not registered as “%(category)s” on %(date)s."), {
        "name": who.person.name,
        "category": Category(rule.category).label,
        "date": day,
    }


def _age(rule: Rule, who: Candidate, on: dt.date) -> Message | None:
    day = _date(rule, on)
    age = who.person.age_on(day)
    if age is None:
        return _("%(name)s has no birth date, so her age cannot be checked."), {
            "name": who.person.name
        }
    low = rule.min_age if rule.min_age is not None else 0
    high = rule.max_age if rule.max_age is not None else 200
    if low <= age <= high:
        return None
    return _("%(name)s is %(age)s on %(date)s; the programme takes ages %(low)s to %(high)s."), {
        "name": who.person.name,
        "age": age,
        "date": day,
        "low": low,
        "high": "—" if rule.max_age is None else high,
    }


def _birth_window(rule: Rule, who: Candidate, on: dt.date) -> Message | None:
    born = who.person.birth_date
    start, end = rule.born_from or dt.date.min, rule.born_to or dt.date.max
    if born is not None and start <= born <= end:
        return None
    return _("%(name)s was born on %(born)s, outside %(start)s to %(end)s."), {
        "name": who.person.name,
        "born": born or "—",
        "start": rule.born_from or "…",
        "end": rule.born_to or "…",
    }


def _hukou(rule: Rule, who: Candidate, on: dt.date) -> Message | None:
    if who.person.hukou == rule.hukou:
        return None
    return _("%(name)s's household registration is not %(hukou)s."), {
        "name": who.person.name,
        "hukou": Hukou(rule.hukou).label,
    }


def _residence(rule: Rule, who: Candidate, on: dt.date) -> Message | None:
    unit = rule.unit
    assert unit is not None  # noqa: S101 - services refuse a residence rule without a unit
    if who.person.residence.path.startswith(unit.path):
        return None
    return _("%(name)s does not live within %(unit)s."), {
        "name": who.person.name,
        "unit": unit.name,
    }


def _sex(rule: Rule, who: Candidate, on: dt.date) -> Message | None:
    if who.person.sex == rule.sex:
        return None
    return _("The programme is for: %(sex)s."), {"sex": Sex(rule.sex).label}


def _earlier(rule: Rule, who: Candidate) -> tuple[Q, Q]:
    """Benefits and enrolments of this programme in other cycles for the same beneficiary."""
    benefits = Q(programme_id=rule.programme_id, beneficiary_key=who.key)
    enrolments = Q(programme_id=rule.programme_id, beneficiary_key=who.key) & ~Q(
        status=EnrolmentStatus.REJECTED
    )
    if who.cycle_id is not None:
        benefits &= ~Q(cycle_id=who.cycle_id)
        enrolments &= ~Q(cycle_id=who.cycle_id)
    return benefits, enrolments


def _once(rule: Rule, who: Candidate, on: dt.date) -> Message | None:
    benefits, enrolments = _earlier(rule, who)
    first = Benefit.objects.filter(benefits).order_by("on").values_list("on", flat=True).first()
    if first is None and not Enrolment.objects.filter(enrolments).exists():
        return None
    if first is None:
        return _(
            "%(name)s has already been enrolled in this programme, which is once a lifetime."
        ), {"name": who.person.name}
    return _("%(name)s already received this once-in-a-lifetime benefit on %(date)s."), {
        "name": who.person.name,
        "date": first,
    }


def _gap_years(rule: Rule, who: Candidate, on: dt.date) -> Message | None:
    years = rule.years or 0
    benefits, _enrolments = _earlier(rule, who)
    last = Benefit.objects.filter(benefits).order_by("-on").values_list("on", flat=True).first()
    if last is None:
        return None
    try:
        allowed = last.replace(year=last.year + years)
    except ValueError:  # 29 February
        allowed = dt.date(last.year + years, 3, 1)
    if on >= allowed:
        return None
    return _(
        "%(name)s last received this benefit on %(date)s; the next may come from %(allowed)s."
    ), {
        "name": who.person.name,
        "date": last,
        "allowed": allowed,
    }


CHECKS: dict[str, Callable[[Rule, Candidate, dt.date], Message | None]] = {
    RuleKind.CATEGORY: _category,
    RuleKind.AGE: _age,
    RuleKind.BIRTH_WINDOW: _birth_window,
    RuleKind.HUKOU: _hukou,
    RuleKind.RESIDENCE: _residence,
    RuleKind.SEX: _sex,
    RuleKind.ONCE: _once,
    RuleKind.GAP_YEARS: _gap_years,
}

# Rules about what the beneficiary has received before: delivery checks them again.
HISTORY_RULES = frozenset({RuleKind.ONCE, RuleKind.GAP_YEARS})


def evaluate(
    programme: Programme,
    who: Candidate,
    on: dt.date,
    *,
    kinds: frozenset[str] | None = None,
) -> Eligibility:
    """Check every rule of `programme` (or only those of `kinds`) for `who` on day `on`."""
    failures = []
    for rule in programme.rules.select_related("unit").order_by("pk"):
        if kinds is not None and rule.kind not in kinds:
            continue
        found = CHECKS[rule.kind](rule, who, on)
        if found is not None:
            failures.append(Failure(rule.pk, rule.kind, *found))
    return Eligibility(on, failures)
