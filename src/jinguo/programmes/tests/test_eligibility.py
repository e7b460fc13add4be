"""Each kind of eligibility rule, passing and failing, and a result that names every failure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from jinguo.accounts.models import User
from jinguo.orgunits.models import OrgUnit
from jinguo.people.choices import Category, Hukou
from jinguo.people.models import Person
from jinguo.people.services import category_add
from jinguo.programmes import services
from jinguo.programmes.choices import RuleKind
from jinguo.programmes.eligibility import Candidate, evaluate
from jinguo.programmes.models import Fund, Programme
from jinguo.programmes.services import Delivery
from jinguo.programmes.tests.conftest import MakeProgramme
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

MARCH_8 = dt.date(2014, 3, 8)


def check(programme: Programme, person: Person, on: dt.date = MARCH_8) -> list[str]:
    """The kinds of the rules that failed."""
    result = evaluate(programme, Candidate(person, None, None), on)
    return [failure.kind for failure in result.failures]


def rule(admin: User, programme: Programme, kind: str, **params: Any) -> None:
    services.rule_add(actor=admin, programme=programme, kind=kind, **params)


def test_category_is_checked_on_the_date_of_application_or_the_rules_own_date(
    make_programme: MakeProgramme, woman: Person, county_admin: User
) -> None:
    programme = make_programme()
    rule(county_admin, programme, RuleKind.CATEGORY, category=Category.SINGLE_MOTHER)
    assert check(programme, woman) == ["category"]
    category_add(
        actor=None, person=woman, category=Category.SINGLE_MOTHER, start=dt.date(2014, 3, 1)
    )
    assert check(programme, woman) == []
    assert check(programme, woman, dt.date(2014, 2, 28)) == ["category"]
    fixed = make_programme("固定日期")
    rule(
        county_admin,
        fixed,
        RuleKind.CATEGORY,
        category=Category.SINGLE_MOTHER,
        on=dt.date(2014, 1, 1),
    )
    assert check(fixed, woman, dt.date(2014, 6, 1)) == ["category"]


def test_age_range_on_a_date(
    make_programme: MakeProgramme, woman: Person, county_admin: User
) -> None:
    programme = make_programme()
    rule(county_admin, programme, RuleKind.AGE, min_age=18, max_age=33)
    # Born 1980-05-01: 33 until 30 April 2014, 34 from 1 May.
    assert check(programme, woman, dt.date(2014, 4, 30)) == []
    assert check(programme, woman, dt.date(2014, 5, 1)) == ["age"]
    open_ended = make_programme("五十岁以上")
    rule(county_admin, open_ended, RuleKind.AGE, min_age=50)
    assert check(open_ended, woman) == ["age"]


def test_age_without_a_birth_date_fails_with_its_own_reason(
    make_programme: MakeProgramme, make_person: Any, county_admin: User
) -> None:
    programme = make_programme()
    rule(county_admin, programme, RuleKind.AGE, min_age=18)
    unknown = make_person("李娟")
    result = evaluate(programme, Candidate(unknown, None, None), MARCH_8)
    with translation.override("en"):
        assert "has no birth date" in str(result)


def test_birth_window_includes_both_ends(
    make_programme: MakeProgramme, make_person: Any, county_admin: User
) -> None:
    programme = make_programme("营养包", kind="in_kind_aid")
    rule(
        county_admin,
        programme,
        RuleKind.BIRTH_WINDOW,
        born_from=dt.date(2013, 8, 1),
        born_to=dt.date(2014, 2, 28),
    )
    for born, failed in (
        (dt.date(2013, 7, 31), ["birth_window"]),
        (dt.date(2013, 8, 1), []),
        (dt.date(2014, 2, 28), []),
        (dt.date(2014, 3, 1), ["birth_window"]),
    ):
        baby = make_person("宝宝", birth_date=born, sex="F")
        assert check(programme, baby) == failed, born


def test_hukou_sex_and_residence(
    make_programme: MakeProgramme,
    make_person: Any,
    county_admin: User,
    tree: Tree,
    village: OrgUnit,
    far_village: OrgUnit,
) -> None:
    programme = make_programme()
    rule(county_admin, programme, RuleKind.HUKOU, hukou=Hukou.RURAL)
    rule(county_admin, programme, RuleKind.SEX, sex="F")
    rule(county_admin, programme, RuleKind.RESIDENCE, unit=tree.townships[0])
    rural_woman = make_person("王芳", hukou=Hukou.RURAL, sex="F", residence=village)
    assert check(programme, rural_woman) == []
    urban_man = make_person("张伟", hukou=Hukou.URBAN, sex="M", residence=far_village)
    assert check(programme, urban_man) == ["hukou", "sex", "residence"]


def test_the_result_names_every_failed_rule_in_both_languages(
    make_programme: MakeProgramme,
    make_person: Any,
    county_admin: User,
    far_village: OrgUnit,
    tree: Tree,
) -> None:
    programme = make_programme()
    rule(county_admin, programme, RuleKind.SEX, sex="F")
    rule(county_admin, programme, RuleKind.RESIDENCE, unit=tree.townships[0])
    man = make_person("张伟", sex="M", residence=far_village)
    result = evaluate(programme, Candidate(man, None, None), MARCH_8)
    stored = result.as_json()
    assert [entry["kind"] for entry in stored] == ["sex", "residence"]
    assert "镇1" in str(stored[1]["message"])
    assert "张伟" in str(stored[1]["message"])
    assert "does not live within 镇1" in str(stored[1]["message_en"])


def _enrol_and_deliver(
    programme: Programme, person: Person, fund: Fund, on: dt.date, cycle: Any = None
) -> None:
    enrolment = services.enrolment_apply(
        actor=None, programme=programme, person=person, on=on, cycle=cycle
    )
    services.enrolment_advance(actor=None, enrolment=enrolment, to="verified")
    services.enrolment_advance(actor=None, enrolment=enrolment, to="approved")
    services.benefit_deliver(
        actor=None,
        programme=programme,
        delivery=Delivery(
            person=person, on=on, kind="cash", amount=Decimal(100), fund=fund, cycle=cycle
        ),
    )


def test_once_per_lifetime_counts_other_rounds_of_the_programme(
    make_programme: MakeProgramme, woman: Person, county_admin: User, fund: Fund
) -> None:
    programme = make_programme(end=None)
    rule(county_admin, programme, RuleKind.ONCE)
    first = programme.cycles.get()
    first.end = dt.date(2014, 6, 30)
    first.save()
    second = services.cycle_create(
        actor=county_admin, programme=programme, name="下半年", start=dt.date(2014, 7, 1)
    )
    assert check(programme, woman) == []
    _enrol_and_deliver(programme, woman, fund, MARCH_8, first)
    # Within the same round she is still the same enrolment; a later round is a second time.
    assert evaluate(programme, Candidate(woman, None, first.pk), MARCH_8).ok
    again = evaluate(programme, Candidate(woman, None, second.pk), dt.date(2014, 8, 1))
    assert [f.kind for f in again.failures] == ["once"]
    with translation.override("en"):
        assert "already received this once-in-a-lifetime benefit on 2014-03-08" in str(again)


def test_not_within_n_years_of_the_last_benefit(
    make_programme: MakeProgramme, woman: Person, county_admin: User, fund: Fund
) -> None:
    programme = make_programme(start=dt.date(2012, 1, 1), end=None)
    rule(county_admin, programme, RuleKind.GAP_YEARS, years=2)
    first = programme.cycles.get()
    first.end = dt.date(2012, 12, 31)
    first.save()
    later = services.cycle_create(
        actor=county_admin, programme=programme, name="2014", start=dt.date(2014, 1, 1)
    )
    _enrol_and_deliver(programme, woman, fund_from_2012(fund), dt.date(2012, 3, 8), first)
    assert [
        f.kind
        for f in evaluate(programme, Candidate(woman, None, later.pk), dt.date(2014, 3, 7)).failures
    ] == ["gap_years"]
    assert evaluate(programme, Candidate(woman, None, later.pk), dt.date(2014, 3, 8)).ok


def fund_from_2012(fund: Fund) -> Fund:
    fund.opened_on = dt.date(2012, 1, 1)
    fund.save()
    fund.entries.update(on=dt.date(2012, 1, 1))
    return fund


@pytest.mark.parametrize(
    ("kind", "params", "field"),
    [
        (RuleKind.CATEGORY, {}, "category"),
        (RuleKind.AGE, {}, "min_age"),
        (RuleKind.BIRTH_WINDOW, {}, "born_from"),
        (RuleKind.HUKOU, {}, "hukou"),
        (RuleKind.RESIDENCE, {}, "unit"),
        (RuleKind.SEX, {}, "sex"),
        (RuleKind.GAP_YEARS, {}, "years"),
        (RuleKind.AGE, {"min_age": 60, "max_age": 18}, "max_age"),
        (
            RuleKind.BIRTH_WINDOW,
            {"born_from": dt.date(2014, 2, 1), "born_to": dt.date(2014, 1, 1)},
            "born_to",
        ),
    ],
)
def test_an_incomplete_rule_is_refused_with_what_it_needs(
    make_programme: MakeProgramme, county_admin: User, kind: str, params: dict[str, Any], field: str
) -> None:
    from jinguo.core.errors import ApplicationError

    programme = make_programme()
    with pytest.raises(ApplicationError) as caught:
        services.rule_add(actor=county_admin, programme=programme, kind=kind, **params)
    assert caught.value.field == field
    assert not programme.rules.exists()


def test_fields_other_kinds_use_are_not_stored(
    make_programme: MakeProgramme, county_admin: User
) -> None:
    programme = make_programme()
    stored = services.rule_add(
        actor=county_admin, programme=programme, kind=RuleKind.SEX, sex="F", min_age=3, years=9
    )
    stored.refresh_from_db()
    assert (stored.sex, stored.min_age, stored.years) == ("F", None, None)


def test_only_who_may_set_up_the_programme_edits_its_rules(
    make_programme: MakeProgramme, township_chair: User, county_staff: User
) -> None:
    from django.core.exceptions import PermissionDenied

    programme = make_programme()
    for user in (township_chair, county_staff):
        with pytest.raises(PermissionDenied):
            services.rule_add(actor=user, programme=programme, kind=RuleKind.SEX, sex="F")
