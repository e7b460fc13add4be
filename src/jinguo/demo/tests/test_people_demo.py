"""The demo people: the figures of the 2014 work summary, loaded through the people services.

The demo is loaded once for the package (the `demo` fixture of conftest.py). Besides the
people of `jinguo.demo.people`, it holds the beneficiaries the programmes register
(`jinguo.demo.programmes`), which come after them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.db.models import Count, Q

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.demo import people as demo_people
from jinguo.demo import programmes as demo_programmes
from jinguo.demo.loader import LoadResult, demo_unit, load_demo
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.people import idnumbers
from jinguo.people.choices import (
    Category,
    ConsentGiver,
    ConsentPurpose,
    Guardianship,
    ParentsSituation,
    Relation,
)
from jinguo.people.models import (
    CategoryPeriod,
    Consent,
    Household,
    LeftBehindDetail,
    Membership,
    Person,
)
from jinguo.people.selectors import in_category_on, person_list

ON = dt.date(2014, 6, 30)


def _holders(admin: User, banner: OrgUnit, category: str, day: dt.date = ON) -> list[Person]:
    return list(in_category_on(admin, category, day, banner))


def test_the_load_reports_the_people(demo: LoadResult, banner: OrgUnit) -> None:
    assert demo.loaded
    assert demo.people == Person.objects.count() > 5000
    assert demo.households == Household.objects.count() > 1000
    assert AuditEntry.objects.filter(action="person.register").count() == demo.people
    assert AuditEntry.objects.filter(action="household.create").count() == demo.households


def test_1355_left_behind_children_in_the_banner_on_30_june_2014(
    admin: User, banner: OrgUnit
) -> None:
    children = _holders(admin, banner, Category.LEFT_BEHIND_CHILD)
    assert len(children) == demo_people.LEFT_BEHIND_CHILDREN == 1355
    for child in children:
        age = child.age_on(ON)
        assert age is not None
        assert age < 16, child.pk
    periods = CategoryPeriod.objects.filter(category=Category.LEFT_BEHIND_CHILD)
    assert periods.count() == 1355
    for period in periods.select_related("person"):
        assert dt.date(2013, 1, 1) <= period.start <= ON
        assert period.person.birth_date is not None
        assert period.start >= period.person.birth_date
        assert period.end is not None
        assert period.end > ON  # her 16th birthday


def test_more_children_in_the_big_townships(admin: User, banner: OrgUnit) -> None:
    by_township = Counter(
        child.residence.parent.name  # type: ignore[union-attr]
        for child in in_category_on(admin, Category.LEFT_BEHIND_CHILD, ON, banner).select_related(
            "residence__parent"
        )
    )
    assert by_township.most_common(1)[0][0] == "大沁他拉镇"
    assert by_township["大沁他拉镇"] > 3 * by_township["固日班花苏木"]
    assert len(by_township) == 16  # every open township-level unit has some
    villages = Person.objects.filter(categories__category=Category.LEFT_BEHIND_CHILD)
    assert villages.values("residence").distinct().count() > 250


def test_198_left_behind_pupils_at_the_fourth_primary_school(banner: OrgUnit) -> None:
    details = LeftBehindDetail.objects.filter(school_name=demo_people.FOURTH_SCHOOL)
    assert details.count() == 198
    assert OrgUnit.objects.filter(name=demo_people.FOURTH_SCHOOL, kind=Kind.SCHOOL).exists()
    seat = {"大沁他拉镇", "大沁他拉街道"}
    for detail in details.select_related("period__person__residence__parent"):
        assert detail.schooling == "primary"
        assert not detail.boarding  # its dormitory was still being built
        assert detail.period.person.residence.parent.name in seat  # type: ignore[union-attr]


def test_left_behind_details_are_typical(banner: OrgUnit) -> None:
    details = list(LeftBehindDetail.objects.all())
    parents = Counter(d.parents for d in details)
    assert parents[ParentsSituation.BOTH_AWAY] > 0.7 * len(details)
    assert parents[ParentsSituation.ONE_AWAY_OTHER_UNABLE] > 0.1 * len(details)
    guardianship = Counter(d.guardianship for d in details)
    assert guardianship[Guardianship.GRANDPARENTS] > 0.85 * len(details)
    assert Counter(d.schooling for d in details).most_common(1)[0][0] == "primary"
    cities = Counter(d.father_workplace.split("（")[0] for d in details if d.father_workplace)
    assert {"北京市", "天津市", "通辽市", "呼和浩特市"} <= set(cities)
    for detail in details:
        if detail.parents == ParentsSituation.BOTH_AWAY:
            assert detail.father_workplace
            assert detail.mother_workplace
            assert detail.father_phone
            assert detail.mother_phone
        assert detail.guardian_name
        assert detail.guardian_relation


def test_each_child_lives_with_grandparents_and_her_absent_parents(banner: OrgUnit) -> None:
    child_ids = CategoryPeriod.objects.filter(category=Category.LEFT_BEHIND_CHILD).values(
        "person_id"
    )
    memberships = Membership.objects.filter(person_id__in=child_ids, end__isnull=True)
    assert memberships.count() == 1355
    assert set(memberships.values_list("relation", flat=True)) == {Relation.GRANDCHILD}
    household_ids = sorted(set(memberships.values_list("household_id", flat=True)))
    assert len(household_ids) < 1355  # brothers and sisters share one
    for household in Household.objects.filter(pk__in=household_ids[::5]):
        members = list(household.memberships.select_related("person"))
        head = next(m for m in members if m.relation == Relation.HEAD)
        head_age = head.person.age_on(ON)
        assert head_age is not None
        assert head_age >= 45  # a grandparent
        relations = Counter(m.relation for m in members)
        # The father and the mother: one the head's child, the other the child-in-law.
        assert relations[Relation.CHILD_IN_LAW] == 1
        assert relations[Relation.CHILD] in (1, 2)
        assert all(m.person.residence_id == household.residence_id for m in members)


def test_every_household_has_exactly_one_head(banner: OrgUnit) -> None:
    heads = Household.objects.annotate(
        heads=Count("memberships", filter=Q(memberships__relation=Relation.HEAD))
    )
    assert Counter(heads.values_list("heads", flat=True)) == {1: Household.objects.count()}
    assert not Membership.objects.filter(end__isnull=False).exists()
    # Only the infants of the anaemia programme, registered from the health system's count,
    # and the volunteers, cadres and seminar members of the activities have no household.
    homeless = Person.objects.filter(memberships__isnull=True)
    infants = homeless.filter(enrolments__programme__name=demo_programmes.ANAEMIA)
    assert infants.count() == demo_programmes.INFANTS
    assert not homeless.exclude(pk__in=infants).filter(enrolments__isnull=False).exists()


def test_id_numbers_are_valid_unique_and_carry_the_right_area_code(banner: OrgUnit) -> None:
    people = list(Person.objects.all())
    numbers = [p.id_number for p in people]
    assert all(numbers)
    assert len(set(numbers)) == len(numbers)
    old_adults: Counter[str] = Counter()
    for person in people:
        assert person.id_number is not None
        parsed = idnumbers.parse(person.id_number, today=dt.date(2014, 12, 31))
        assert (parsed.birth_date, parsed.sex) == (person.birth_date, person.sex)
        if parsed.birth_date >= dt.date(1999, 10, 1):
            assert parsed.area_code == "150525"
        elif parsed.birth_date < dt.date(1996, 1, 1):
            old_adults[parsed.area_code] += 1
    assert old_adults.most_common(1)[0][0] == "152326"
    assert old_adults["152326"] > 0.75 * sum(old_adults.values())


def test_names_and_nationalities(banner: OrgUnit) -> None:
    ethnicity = Counter(Person.objects.values_list("ethnicity", flat=True))
    total = sum(ethnicity.values())
    assert ethnicity["02"] + ethnicity["01"] > 0.9 * total
    assert ethnicity["02"] > 0.3 * total
    assert ethnicity["01"] > 0.3 * total
    assert ethnicity["11"] > 0
    assert ethnicity["03"] > 0
    names = Counter(Person.objects.values_list("name", flat=True))
    assert len(names) > 1500  # varied, though common names repeat as they do
    assert all(2 <= len(name) <= 8 for name in names)
    assert not Person.objects.filter(name_pinyin="").exists()


def test_adults_have_phones_and_consent_for_themselves(banner: OrgUnit) -> None:
    adults = Person.objects.filter(birth_date__lt=dt.date(1990, 1, 1))
    with_phone = adults.exclude(phone_index="").count()
    assert with_phone > 0.8 * adults.count()
    self_given = Consent.objects.filter(
        purpose=ConsentPurpose.REGISTRY, given_by=ConsentGiver.SELF
    ).select_related("person")
    assert self_given.count() > 3000
    for consent in self_given[:500]:
        assert consent.giver_name == consent.person.name
        assert consent.person.age_on(consent.given_on) >= 14  # type: ignore[operator]


def test_children_consents_are_given_by_their_guardian(banner: OrgUnit) -> None:
    child_ids = CategoryPeriod.objects.filter(category=Category.LEFT_BEHIND_CHILD).values(
        "person_id"
    )
    consents = Consent.objects.filter(person_id__in=child_ids, withdrawn_on__isnull=True)
    assert Counter(consents.values_list("purpose", flat=True)) == {
        ConsentPurpose.REGISTRY: 1355,
        ConsentPurpose.CHILD_CARE: 1355,
    }
    assert set(consents.values_list("given_by", flat=True)) == {ConsentGiver.GUARDIAN}
    # The one who consented lives in the child's household (or is the school, for a boarder).
    sample = consents.filter(purpose=ConsentPurpose.CHILD_CARE).select_related("person")[:300]
    for consent in sample:
        household = Membership.objects.get(person=consent.person, end__isnull=True).household
        member_names = set(household.memberships.values_list("person__name", flat=True))
        assert consent.giver_name in member_names


def test_20_single_mothers(admin: User, banner: OrgUnit) -> None:
    mothers = _holders(admin, banner, Category.SINGLE_MOTHER)
    assert len(mothers) == 20
    assert _holders(admin, banner, Category.SINGLE_MOTHER, dt.date(2014, 3, 8)) == mothers
    assert {m.sex for m in mothers} == {"F"}
    assert {m.marital_status for m in mothers} <= {"divorced", "widowed", "single"}
    on_dibao = Person.objects.filter(
        pk__in=[m.pk for m in mothers], categories__category=Category.LOW_INCOME
    )
    assert on_dibao.count() == demo_people.SINGLE_MOTHERS_ON_DIBAO
    for mother in mothers:
        household = mother.memberships.get(end__isnull=True)
        assert household.relation == Relation.HEAD
        assert household.household.memberships.filter(relation=Relation.CHILD).exists()


def test_7_empty_nest_mothers_in_daqintala_subdistrict(admin: User, banner: OrgUnit) -> None:
    street = demo_unit(["大沁他拉街道"])
    mothers = _holders(admin, street, Category.EMPTY_NEST_ELDERLY)
    assert len(mothers) == 7
    assert _holders(admin, banner, Category.EMPTY_NEST_ELDERLY) == mothers
    for mother in mothers:
        assert mother.sex == "F"
        assert mother.residence.kind == Kind.COMMUNITY
        assert mother.age_on(ON) >= 60  # type: ignore[operator]


def test_centenarians_in_qinglongshan(admin: User, banner: OrgUnit) -> None:
    elders = _holders(admin, banner, Category.CENTENARIAN, dt.date(2014, 1, 30))
    assert len(elders) == 4
    assert {e.residence.name for e in elders} == {"下洼村", "西地村", "古庙子村"}
    for elder in elders:
        assert elder.age_on(dt.date(2014, 1, 30)) >= 100  # type: ignore[operator]
        assert elder.memberships.get(end__isnull=True).relation == Relation.PARENT


def test_13_poor_households_in_huanghuatong(admin: User, banner: OrgUnit) -> None:
    village = demo_unit(["黄花塔拉苏木", "黄花筒嘎查"])
    poor = _holders(admin, village, Category.REGISTERED_POOR)
    assert _holders(admin, banner, Category.REGISTERED_POOR) == poor
    households = Household.objects.filter(memberships__person__in=poor).distinct()
    assert households.count() == 13
    for household in households:
        members = household.memberships.values_list("person_id", flat=True)
        assert set(members) <= {p.pk for p in poor}  # everyone in the household


def test_scope_applies_to_demo_people(banner: OrgUnit) -> None:
    director = User.objects.get(username="director")  # 大沁他拉镇舍力虎村
    village = demo_unit(["大沁他拉镇", "舍力虎村"])
    seen = person_list(director)
    assert seen.exists()
    assert set(seen.values_list("residence_id", flat=True)) == {village.pk}
    chair = User.objects.get(username="chair")  # 大沁他拉镇
    assert person_list(chair).count() < Person.objects.count()


def test_the_plan_is_deterministic_and_is_what_was_loaded(
    demo: LoadResult, banner: OrgUnit
) -> None:
    first, second = demo_people.demo_households(), demo_people.demo_households()
    flat = [(p.name, p.id_number, p.phone) for h in first for p in h.members]
    assert flat == [(p.name, p.id_number, p.phone) for h in second for p in h.members]
    # The people come first; the programmes' beneficiaries, the activities' volunteers and the
    # charity cabin's households follow them.
    loaded = [p.name for p in Person.objects.order_by("pk")]
    assert loaded[: len(flat)] == [name for name, _, _ in flat]
    assert len(loaded) == demo.people > len(flat) + demo_programmes.demo_plan().people
    other = demo_people.demo_households(seed=7)
    assert [p.name for h in other for p in h.members][:50] != [n for n, _, _ in flat][:50]


def test_loading_again_changes_nothing(banner: OrgUnit) -> None:
    before = (Person.objects.count(), AuditEntry.objects.count())
    assert load_demo() == LoadResult(loaded=False)
    assert (Person.objects.count(), AuditEntry.objects.count()) == before


def test_a_tree_loaded_before_the_people_gets_the_people_and_the_programmes(
    banner: OrgUnit,
) -> None:
    # A database from before the people: three households of another seed stand for them (the
    # people are here, with ID numbers), and the programmes' load is counted, not run.
    units, people = OrgUnit.objects.count(), Person.objects.count()
    small = demo_people.demo_households(seed=7)[:3]
    given = demo_programmes.ProgrammesResult(
        programmes=8, enrolments=5, benefits=2, people=4, households=1, seconds=0.1
    )
    out = StringIO()
    with (
        mock.patch.object(demo_people, "people_loaded", return_value=False),
        mock.patch.object(demo_people, "demo_households", return_value=small),
        mock.patch.object(demo_programmes, "load_programmes", return_value=given) as programmes,
    ):
        call_command("demo", stdout=out)
    added = sum(len(h.members) for h in small)
    assert (
        f"added {added + 4} people in 4 households and 8 programmes with 5 enrolments and 2 "
        "benefits"
    ) in out.getvalue()
    programmes.assert_called_once_with()
    assert Person.objects.count() == people + added
    assert OrgUnit.objects.count() == units
