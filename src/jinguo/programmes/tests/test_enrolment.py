"""The enrolment chain: applied → verified (township) → approved (county) → active →
completed / exited / rejected; who may take each step, and who may not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import OrgUnit
from jinguo.people.choices import Category, Relation
from jinguo.people.models import Person
from jinguo.people.services import household_create
from jinguo.programmes import selectors, services
from jinguo.programmes.choices import Beneficiary, CycleStatus, EnrolmentStatus, RuleKind
from jinguo.programmes.models import Enrolment, EnrolmentStep, Programme
from jinguo.programmes.tests.conftest import MakeProgramme
from jinguo.testing import Tree, make_user

pytestmark = pytest.mark.django_db
S = EnrolmentStatus
MARCH = dt.date(2014, 3, 1)


@pytest.fixture
def programme(make_programme: MakeProgramme) -> Programme:
    return make_programme()


@pytest.fixture
def applied(programme: Programme, woman: Person, village_director: User) -> Enrolment:
    return services.enrolment_apply(
        actor=village_director, programme=programme, person=woman, on=MARCH
    )


def advance(user: User | None, enrolment: Enrolment, to: str, **kwargs: Any) -> Enrolment:
    return services.enrolment_advance(actor=user, enrolment=enrolment, to=to, **kwargs)


def test_the_whole_chain_records_who_when_and_why(
    applied: Enrolment, township_chair: User, county_admin: User, village_director: User
) -> None:
    verified = advance(township_chair, applied, S.VERIFIED)
    approved = advance(county_admin, verified, S.APPROVED)
    active = advance(village_director, approved, S.ACTIVE)
    done = advance(village_director, active, S.COMPLETED, on=dt.date(2014, 12, 31))
    assert done.status == S.COMPLETED
    steps = list(done.steps.values_list("from_status", "to_status", "actor__username"))
    assert steps == [
        ("", S.APPLIED, "village-director"),
        (S.APPLIED, S.VERIFIED, "township-chair"),
        (S.VERIFIED, S.APPROVED, "county-admin"),
        (S.APPROVED, S.ACTIVE, "village-director"),
        (S.ACTIVE, S.COMPLETED, "village-director"),
    ]
    assert done.steps.last().on == dt.date(2014, 12, 31)  # type: ignore[union-attr]
    assert AuditEntry.objects.filter(action="enrolment.status", object_id=str(done.pk)).count() == 5


def test_a_village_director_may_not_verify_or_approve(
    applied: Enrolment, village_director: User, township_chair: User
) -> None:
    other_director = make_user("director-2", Role.VILLAGE_DIRECTOR, applied.unit)
    with pytest.raises(PermissionDenied):
        advance(other_director, applied, S.VERIFIED)
    verified = advance(township_chair, applied, S.VERIFIED)
    with pytest.raises(PermissionDenied):
        advance(other_director, verified, S.APPROVED)


def test_the_township_may_verify_but_not_approve(
    applied: Enrolment, township_chair: User, county_staff: User
) -> None:
    verified = advance(county_staff, applied, S.VERIFIED)
    with pytest.raises(PermissionDenied):
        advance(township_chair, verified, S.APPROVED)
    # County staff verify but do not approve either: approval is the county administrator's.
    with pytest.raises(PermissionDenied):
        advance(county_staff, verified, S.APPROVED)


def test_another_townships_chair_cannot_see_the_application(
    applied: Enrolment, other_chair: User
) -> None:
    with pytest.raises(Http404):
        advance(other_chair, applied, S.VERIFIED)
    assert not selectors.enrolment_list(other_chair).exists()
    assert not selectors.enrolment_queue(other_chair).exists()


def test_the_auditor_changes_nothing(applied: Enrolment, auditor: User) -> None:
    for to in (S.VERIFIED, S.REJECTED, S.EXITED):
        with pytest.raises(PermissionDenied):
            advance(auditor, applied, to, reason="x")


def test_whoever_took_a_step_may_not_take_the_next_decision(
    programme: Programme, woman: Person, county_admin: User, county_staff: User
) -> None:
    enrolment = services.enrolment_apply(
        actor=county_admin, programme=programme, person=woman, on=MARCH
    )
    with pytest.raises(ApplicationError) as caught:
        advance(county_admin, enrolment, S.VERIFIED)
    assert caught.value.code == "same_person"
    verified = advance(county_staff, enrolment, S.VERIFIED)
    assert advance(county_admin, verified, S.APPROVED).status == S.APPROVED


def test_steps_that_skip_or_go_back_are_refused(
    applied: Enrolment, county_admin: User, township_chair: User
) -> None:
    with pytest.raises(ApplicationError) as caught:
        advance(county_admin, applied, S.APPROVED)
    assert caught.value.code == "invalid_transition"
    rejected = advance(township_chair, applied, S.REJECTED, reason="不符合条件")
    with pytest.raises(ApplicationError):
        advance(county_admin, rejected, S.VERIFIED)


@pytest.mark.parametrize("to", [S.REJECTED, S.EXITED])
def test_rejecting_or_exiting_needs_a_reason(
    applied: Enrolment, township_chair: User, to: str
) -> None:
    with pytest.raises(ApplicationError) as caught:
        advance(township_chair, applied, to, reason="  ")
    assert caught.value.field == "reason"
    assert Enrolment.objects.get(pk=applied.pk).status == S.APPLIED


def test_rejecting_a_verified_application_is_the_countys_decision(
    applied: Enrolment, township_chair: User, county_admin: User
) -> None:
    verified = advance(township_chair, applied, S.VERIFIED)
    with pytest.raises(PermissionDenied):
        advance(township_chair, verified, S.REJECTED, reason="重新考虑")
    assert advance(county_admin, verified, S.REJECTED, reason="名额已满").status == S.REJECTED


def test_one_person_is_enrolled_once_per_cycle_but_may_reapply_after_rejection(
    applied: Enrolment,
    programme: Programme,
    woman: Person,
    village_director: User,
    township_chair: User,
) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.enrolment_apply(
            actor=village_director, programme=programme, person=woman, on=MARCH
        )
    assert caught.value.code == "already_enrolled"
    advance(township_chair, applied, S.REJECTED, reason="材料不全")
    again = services.enrolment_apply(
        actor=village_director, programme=programme, person=woman, on=MARCH
    )
    assert again.status == S.APPLIED


def test_the_database_also_refuses_a_second_enrolment(applied: Enrolment) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(
            programme=applied.programme,
            cycle=applied.cycle,
            person=applied.person,
            beneficiary_key=applied.beneficiary_key,
            unit=applied.unit,
            applied_on=MARCH,
        )


def test_an_ineligible_application_is_refused_naming_every_failed_rule(
    programme: Programme, woman: Person, village_director: User, county_admin: User
) -> None:
    services.rule_add(
        actor=county_admin,
        programme=programme,
        kind=RuleKind.CATEGORY,
        category=Category.SINGLE_MOTHER,
    )
    services.rule_add(actor=county_admin, programme=programme, kind=RuleKind.AGE, max_age=30)
    with pytest.raises(ApplicationError) as caught:
        services.enrolment_apply(
            actor=village_director, programme=programme, person=woman, on=MARCH
        )
    error = caught.value.as_dict()
    assert caught.value.code == "ineligible"
    assert "单亲母亲" in str(error["message"]) or "Single mother" in str(error["message_en"])
    assert "ages 0 to 30" in str(error["message_en"])
    assert "not registered as “Single mother”" in str(error["message_en"])
    assert not Enrolment.objects.exists()


def test_only_a_county_administrator_may_admit_despite_the_rules(
    programme: Programme,
    woman: Person,
    village_director: User,
    county_admin: User,
    township_chair: User,
) -> None:
    services.rule_add(actor=county_admin, programme=programme, kind=RuleKind.AGE, max_age=30)
    with pytest.raises(ApplicationError) as caught:
        services.enrolment_apply(
            actor=village_director,
            programme=programme,
            person=woman,
            on=MARCH,
            override_reason="特殊困难",
        )
    assert caught.value.code == "override_denied"
    enrolment = services.enrolment_apply(
        actor=county_admin,
        programme=programme,
        person=woman,
        on=MARCH,
        override_reason="丈夫病故，特殊困难",
    )
    assert (enrolment.eligible, enrolment.eligibility_override) == (False, "丈夫病故，特殊困难")
    assert enrolment.failed_rules[0]["kind"] == "age"
    # The override carries through the decisions: the township verifies without repeating it.
    assert advance(township_chair, enrolment, S.VERIFIED).status == S.VERIFIED


def test_rules_are_checked_again_at_each_decision(
    applied: Enrolment, programme: Programme, township_chair: User, county_admin: User
) -> None:
    services.rule_add(actor=county_admin, programme=programme, kind=RuleKind.AGE, max_age=30)
    with pytest.raises(ApplicationError) as caught:
        advance(township_chair, applied, S.VERIFIED)
    assert caught.value.code == "ineligible"
    with pytest.raises(ApplicationError):
        advance(township_chair, applied, S.VERIFIED, override_reason="乡镇不能例外")
    verified = advance(county_admin, applied, S.VERIFIED, override_reason="县里同意例外")
    assert verified.eligible is False
    assert verified.eligibility_override == "县里同意例外"


def test_eligible_and_compliant_are_separate(applied: Enrolment, village_director: User) -> None:
    with pytest.raises(ApplicationError):
        services.enrolment_set_compliance(
            actor=village_director, enrolment=applied, compliant=False, note=""
        )
    lapsed = services.enrolment_set_compliance(
        actor=village_director, enrolment=applied, compliant=False, note="未按约定参加培训"
    )
    assert (lapsed.eligible, lapsed.compliant) == (True, False)


def test_applications_outside_the_programmes_reach_or_scope_are_refused(
    tree: Tree,
    make_programme: MakeProgramme,
    make_person: Any,
    village_director: User,
    far_village: OrgUnit,
) -> None:
    township_programme = make_programme("镇里的项目", owner=tree.townships[1])
    woman = make_person("王芳", residence=tree.village(0, 0))
    with pytest.raises(ApplicationError) as caught:
        services.enrolment_apply(actor=None, programme=township_programme, person=woman, on=MARCH)
    assert caught.value.code == "outside_programme"
    stranger = make_person("李娟", residence=far_village)
    with pytest.raises(Http404):
        services.enrolment_apply(
            actor=village_director, programme=make_programme(), person=stranger, on=MARCH
        )


def test_cycles_decide_when_applications_are_taken(
    programme: Programme, woman: Person, village_director: User, county_admin: User
) -> None:
    with pytest.raises(ApplicationError) as caught:
        services.enrolment_apply(
            actor=village_director, programme=programme, person=woman, on=dt.date(2015, 1, 5)
        )
    assert caught.value.code == "no_cycle"
    cycle = programme.cycles.get()
    services.cycle_set_status(actor=county_admin, cycle=cycle, status=CycleStatus.APPROVED)
    with pytest.raises(ApplicationError) as caught:
        services.enrolment_apply(
            actor=village_director, programme=programme, person=woman, on=MARCH
        )
    assert caught.value.code == "cycle_closed"
    with pytest.raises(ApplicationError):
        services.cycle_set_status(actor=county_admin, cycle=cycle, status=CycleStatus.OPEN)


def test_a_household_programme_enrols_the_household_once(
    make_programme: MakeProgramme, make_person: Any, village: OrgUnit, village_director: User
) -> None:
    programme = make_programme("化肥", beneficiary=Beneficiary.HOUSEHOLD, kind="in_kind_aid")
    wife = make_person("王芳", residence=village)
    husband = make_person("李强", residence=village, sex="M")
    household = household_create(actor=None, head=husband, on=dt.date(2010, 1, 1))
    with pytest.raises(ApplicationError) as caught:
        services.enrolment_apply(actor=village_director, programme=programme, person=wife, on=MARCH)
    assert caught.value.code == "household_required"
    with pytest.raises(ApplicationError) as caught:
        services.enrolment_apply(
            actor=village_director, programme=programme, person=wife, household=household, on=MARCH
        )
    assert caught.value.code == "not_member"
    from jinguo.people.services import household_add_member

    household_add_member(
        actor=None,
        household=household,
        person=wife,
        relation=Relation.SPOUSE,
        on=dt.date(2010, 1, 1),
    )
    services.enrolment_apply(
        actor=village_director, programme=programme, person=wife, household=household, on=MARCH
    )
    with pytest.raises(ApplicationError) as caught:
        services.enrolment_apply(
            actor=village_director,
            programme=programme,
            person=husband,
            household=household,
            on=MARCH,
        )
    assert caught.value.code == "already_enrolled"


def test_the_queue_shows_each_level_what_waits_for_it(
    applied: Enrolment, village_director: User, township_chair: User, county_admin: User
) -> None:
    assert list(selectors.enrolment_queue(township_chair)) == [applied]
    assert (
        not selectors.enrolment_queue(county_admin)
        .filter(status=S.APPLIED)
        .exclude(pk=applied.pk)
        .exists()
    )
    # The director entered it: nothing waits for her until it is approved.
    assert not selectors.enrolment_queue(village_director).exists()
    verified = advance(township_chair, applied, S.VERIFIED)
    assert list(selectors.enrolment_queue(county_admin)) == [verified]
    assert not selectors.enrolment_queue(township_chair).exists()
    approved = advance(county_admin, verified, S.APPROVED)
    assert list(selectors.enrolment_queue(village_director)) == [approved]


def test_a_refused_step_writes_nothing(applied: Enrolment, village_director: User) -> None:
    before = (EnrolmentStep.objects.count(), AuditEntry.objects.count())
    with pytest.raises(PermissionDenied):
        advance(village_director, applied, S.VERIFIED)
    assert (EnrolmentStep.objects.count(), AuditEntry.objects.count()) == before


def test_a_stale_version_is_refused(applied: Enrolment, township_chair: User) -> None:
    with pytest.raises(ApplicationError) as caught:
        advance(township_chair, applied, S.VERIFIED, version=applied.version + 1)
    assert caught.value.code == "edit_conflict"


def test_partners_and_funders_change_with_the_programme(
    programme: Programme, county_admin: User
) -> None:
    union = services.organisation_get_or_create(actor=county_admin, name="旗总工会", kind="social")
    changed = services.programme_update(
        actor=county_admin, programme=programme, version=1, partners=[union]
    )
    assert list(changed.partners.all()) == [union]
    assert changed.version == 2
    entry = AuditEntry.objects.filter(action="programme.update").last()
    assert entry is not None
    assert entry.changes["partners"] == [[], ["旗总工会"]]


def test_the_auditor_creates_no_organisation(auditor: User) -> None:
    with pytest.raises(PermissionDenied):
        services.organisation_get_or_create(actor=auditor, name="某公司", kind="enterprise")


def test_from_below_a_programmes_set_up_is_forbidden_not_missing(
    programme: Programme, village_director: User, other_chair: User, tree: Tree, make_programme: Any
) -> None:
    with pytest.raises(PermissionDenied):
        services.cycle_create(actor=village_director, programme=programme, name="二期", start=MARCH)
    township_programme = make_programme("镇里的项目", owner=tree.townships[0])
    with pytest.raises(Http404):
        services.cycle_create(
            actor=other_chair, programme=township_programme, name="二期", start=MARCH
        )


def test_who_is_in_a_health_programme_is_seen_only_by_health_workers_and_deciders(
    make_programme: Any,
    woman: Person,
    village: OrgUnit,
    village_director: User,
    township_chair: User,
    county_admin: User,
) -> None:
    aid = make_programme("两癌救助", health=True)
    screening = make_programme("两癌筛查", kind="screening")
    assert screening.health is True
    nurse = make_user("nurse", Role.HEALTH_WORKER, village)
    with pytest.raises(PermissionDenied):
        services.enrolment_apply(actor=village_director, programme=aid, person=woman, on=MARCH)
    enrolment = services.enrolment_apply(actor=nurse, programme=aid, person=woman, on=MARCH)
    assert not selectors.enrolment_list(village_director).exists()
    assert list(selectors.enrolment_list(nurse)) == [enrolment]
    assert list(selectors.enrolment_queue(township_chair)) == [enrolment]
    verified = advance(township_chair, enrolment, S.VERIFIED)
    advance(county_admin, verified, S.APPROVED)
    assert list(selectors.enrolment_list(county_admin)) == [enrolment]
    assert selectors.programme_figures(village_director, aid).enrolled == 0
    assert selectors.programme_figures(county_admin, aid).enrolled == 1
