"""Benefit delivery: cash from a fund, goods, services; the rules a delivery may break, the
refusal that names them, the administrator's written override, and whole lists at once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile

from jinguo.accounts.models import User
from jinguo.audit.models import AuditEntry
from jinguo.audit.services import audit_verify
from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import OrgUnit
from jinguo.people.models import Person
from jinguo.programmes import finance, selectors, services
from jinguo.programmes.choices import CycleStatus, EnrolmentStatus, RuleKind
from jinguo.programmes.models import Benefit, Enrolment, Fund, FundEntry, Programme
from jinguo.programmes.services import Delivery
from jinguo.programmes.tests.conftest import MakeProgramme

pytestmark = pytest.mark.django_db
S = EnrolmentStatus
MARCH_8 = dt.date(2014, 3, 8)
YUAN = Decimal


@pytest.fixture
def programme(make_programme: MakeProgramme) -> Programme:
    return make_programme()


def enrol(
    programme: Programme, person: Person, *, to: str = S.APPROVED, household: Any = None
) -> Enrolment:
    enrolment = services.enrolment_apply(
        actor=None, programme=programme, person=person, household=household, on=dt.date(2014, 3, 1)
    )
    for step in (S.VERIFIED, S.APPROVED, S.ACTIVE):
        if enrolment.status == to:
            break
        enrolment = services.enrolment_advance(actor=None, enrolment=enrolment, to=step)
    return enrolment


def cash(person: Person, fund: Fund, amount: int = 1000, **kwargs: Any) -> Delivery:
    return Delivery(
        person=person, on=MARCH_8, kind="cash", amount=YUAN(amount), fund=fund, **kwargs
    )


def deliver(programme: Programme, delivery: Delivery, actor: Any = None) -> Benefit:
    return services.benefit_deliver(actor=actor, programme=programme, delivery=delivery)


def test_cash_draws_on_the_fund_and_starts_the_enrolment(
    programme: Programme, woman: Person, fund: Fund, village_director: User
) -> None:
    enrolment = enrol(programme, woman)
    benefit = deliver(programme, cash(woman, fund, delivered_by="旗妇联 王主席"), village_director)
    assert benefit.fund_entry is not None
    assert benefit.fund_entry.amount == YUAN(-1000)
    assert finance.fund_balance(fund) == YUAN(19000)
    assert Enrolment.objects.get(pk=enrolment.pk).status == S.ACTIVE
    assert (benefit.unit, benefit.recorded_by) == (woman.residence, village_director)
    assert AuditEntry.objects.filter(action="benefit.deliver", object_id=str(benefit.pk)).exists()


def test_goods_and_services_need_their_details(programme: Programme, woman: Person) -> None:
    enrol(programme, woman)
    for delivery, code in (
        (
            Delivery(
                person=woman, on=MARCH_8, kind="goods", item="化肥", quantity=YUAN(0), measure="袋"
            ),
            "goods_incomplete",
        ),
        (
            Delivery(person=woman, on=MARCH_8, kind="goods", item="化肥", quantity=YUAN(5)),
            "goods_incomplete",
        ),
        (Delivery(person=woman, on=MARCH_8, kind="service"), "service_incomplete"),
        (Delivery(person=woman, on=MARCH_8, kind="cash", amount=YUAN(100)), "cash_incomplete"),
    ):
        with pytest.raises(ApplicationError) as caught:
            deliver(programme, delivery)
        assert caught.value.code == code
    goods = deliver(
        programme,
        Delivery(
            person=woman,
            on=MARCH_8,
            kind="goods",
            item="化肥",
            quantity=YUAN(10),
            measure="袋",
            amount=YUAN(770),
        ),
    )
    assert (goods.item, goods.quantity, goods.measure, goods.fund) == ("化肥", YUAN(10), "袋", None)


def test_a_fund_never_goes_below_zero_on_any_day(
    programme: Programme, make_person: Any, fund: Fund, county_admin: User
) -> None:
    first, second = make_person("王芳"), make_person("李娟")
    enrol(programme, first)
    enrol(programme, second)
    # 20,000 in on 1 January; 15,000 out on 1 June is already recorded.
    finance.fund_spend(
        actor=county_admin,
        fund=fund,
        on=dt.date(2014, 6, 1),
        amount=YUAN(15000),
        description="其他支出",
    )
    # On 8 March 20,000 are there, but paying 6,000 then would leave -1,000 on 1 June.
    with pytest.raises(ApplicationError) as caught:
        deliver(programme, cash(first, fund, 6000))
    assert caught.value.code == "fund_short"
    assert "2014-06-01" in caught.value.render("en")
    assert not Benefit.objects.exists()
    assert fund.entries.count() == 2
    deliver(programme, cash(first, fund, 5000))
    assert finance.fund_balance(fund) == 0


def test_delivery_to_someone_not_enrolled_is_refused(
    programme: Programme, woman: Person, make_person: Any, fund: Fund, township_chair: User
) -> None:
    with pytest.raises(ApplicationError) as caught:
        deliver(programme, cash(woman, fund))
    assert caught.value.code == "not_enrolled"
    applied = services.enrolment_apply(
        actor=None, programme=programme, person=woman, on=dt.date(2014, 3, 1)
    )
    with pytest.raises(ApplicationError) as caught:
        deliver(programme, cash(woman, fund))
    assert caught.value.code == "not_enrolled"
    assert "Applied" in caught.value.render("en")
    assert Enrolment.objects.get(pk=applied.pk).status == S.APPLIED


def test_the_cycles_entitlement_caps_cash_and_goods(
    programme: Programme, woman: Person, fund: Fund
) -> None:
    cycle = programme.cycles.get()
    cycle.cash_cap, cycle.goods_cap = YUAN(1000), YUAN(4)
    cycle.save()
    enrol(programme, woman)
    deliver(programme, cash(woman, fund, 600))
    with pytest.raises(ApplicationError) as caught:
        deliver(programme, cash(woman, fund, 500))
    assert caught.value.code == "over_entitlement"
    assert "1100" in caught.value.render("en")
    assert "1000" in caught.value.render("en")
    deliver(programme, cash(woman, fund, 400))
    rice = Delivery(
        person=woman, on=MARCH_8, kind="goods", item="大米", quantity=YUAN(3), measure="袋"
    )
    deliver(programme, rice)
    with pytest.raises(ApplicationError):
        deliver(
            programme,
            Delivery(
                person=woman, on=MARCH_8, kind="goods", item="大米", quantity=YUAN(2), measure="袋"
            ),
        )


def test_a_second_once_in_a_lifetime_benefit_is_refused(
    make_programme: MakeProgramme, woman: Person, fund: Fund, county_admin: User
) -> None:
    programme = make_programme(end=None)
    services.rule_add(actor=county_admin, programme=programme, kind=RuleKind.ONCE)
    first = programme.cycles.get()
    first.end = dt.date(2014, 3, 31)
    first.save()
    second = services.cycle_create(
        actor=county_admin, programme=programme, name="第二轮", start=dt.date(2014, 4, 1)
    )
    enrol(programme, woman)
    deliver(programme, cash(woman, fund))
    # An enrolment in the second round was admitted by the county despite the rule …
    services.enrolment_apply(
        actor=county_admin,
        programme=programme,
        person=woman,
        cycle=second,
        on=dt.date(2014, 4, 2),
        override_reason="系统外已核实",
    )
    later = Delivery(
        person=woman,
        on=dt.date(2014, 4, 10),
        kind="cash",
        amount=YUAN(1000),
        fund=fund,
        cycle=second,
    )
    # … but each delivery checks the history again.
    with pytest.raises(ApplicationError) as caught:
        deliver(programme, later)
    assert "once-in-a-lifetime" in caught.value.render("en")


def test_an_administrator_may_override_with_a_written_reason_and_it_is_audited(
    programme: Programme, woman: Person, fund: Fund, county_admin: User, village_director: User
) -> None:
    with pytest.raises(ApplicationError) as caught:
        deliver(programme, cash(woman, fund, override_reason="急需救助"), village_director)
    assert caught.value.code == "override_denied"
    with pytest.raises(ApplicationError):
        deliver(programme, cash(woman, fund, override_reason="  "), county_admin)
    benefit = deliver(
        programme, cash(woman, fund, override_reason="房屋失火，急需救助"), county_admin
    )
    assert benefit.override_reason == "房屋失火，急需救助"
    # The override admitted her: an active enrolment that says why.
    enrolment = benefit.enrolment
    assert (enrolment.status, enrolment.eligible, enrolment.eligibility_override) == (
        S.ACTIVE,
        False,
        "房屋失火，急需救助",
    )
    entry = AuditEntry.objects.get(action="benefit.deliver", object_id=str(benefit.pk))
    assert entry.changes["override_reason"] == [None, "房屋失火，急需救助"]
    assert audit_verify().ok


def test_a_delivery_without_a_broken_rule_keeps_no_override_reason(
    programme: Programme, woman: Person, fund: Fund, county_admin: User
) -> None:
    enrol(programme, woman)
    benefit = deliver(programme, cash(woman, fund, override_reason="以防万一"), county_admin)
    assert benefit.override_reason == ""


def test_several_broken_rules_are_all_named(
    programme: Programme, woman: Person, fund: Fund, county_admin: User
) -> None:
    cycle = programme.cycles.get()
    cycle.cash_cap = YUAN(500)
    cycle.save()
    services.enrolment_apply(actor=None, programme=programme, person=woman, on=dt.date(2014, 3, 1))
    with pytest.raises(ApplicationError) as caught:
        deliver(programme, cash(woman, fund, 1000))
    text = caught.value.render("en")
    assert "not enrolled" in text
    assert "allows 500" in text


def test_a_frozen_cycle_takes_no_deliveries_even_with_an_override(
    programme: Programme, woman: Person, fund: Fund, county_admin: User
) -> None:
    enrol(programme, woman)
    services.cycle_set_status(
        actor=county_admin, cycle=programme.cycles.get(), status=CycleStatus.FROZEN
    )
    with pytest.raises(ApplicationError) as caught:
        deliver(programme, cash(woman, fund, override_reason="补发"), county_admin)
    assert caught.value.code == "cycle_closed"


def test_the_village_director_delivers_only_in_her_village(
    programme: Programme, make_person: Any, far_village: OrgUnit, fund: Fund, village_director: User
) -> None:
    from django.http import Http404

    stranger = make_person("李娟", residence=far_village)
    enrol(programme, stranger)
    with pytest.raises(Http404):
        deliver(programme, cash(stranger, fund), village_director)


def test_evidence_is_stored_with_the_benefit(
    programme: Programme, woman: Person, fund: Fund, settings: Any, tmp_path: Any
) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    enrol(programme, woman)
    receipt = ContentFile(b"%PDF-1.4 signed receipt", name="收条.pdf")
    benefit = deliver(programme, cash(woman, fund, evidence=receipt))
    assert benefit.evidence.name.startswith(f"evidence/{programme.pk}/")
    with benefit.evidence.open("rb") as stored:
        assert stored.read() == b"%PDF-1.4 signed receipt"


def test_a_whole_list_is_all_or_nothing(
    programme: Programme, make_person: Any, fund: Fund, village_director: User
) -> None:
    people = [make_person(name) for name in ("王芳", "李娟", "张丽")]
    for person in people[:2]:
        enrol(programme, person)
    deliveries = [cash(person, fund) for person in people]
    result = services.benefit_deliver_many(
        actor=village_director, programme=programme, deliveries=deliveries
    )
    assert result.benefits == []
    assert [(row, d.person.name, e.code) for row, d, e in result.errors] == [
        (3, "张丽", "not_enrolled")
    ]
    assert not Benefit.objects.exists()
    assert fund.entries.count() == 1
    assert not Enrolment.objects.filter(status=S.ACTIVE).exists()


def test_a_whole_list_may_deliver_the_valid_rows_only(
    programme: Programme, make_person: Any, fund: Fund
) -> None:
    people = [make_person(name) for name in ("王芳", "李娟", "张丽")]
    for person in people[:2]:
        enrol(programme, person)
    result = services.benefit_deliver_many(
        actor=None, programme=programme, deliveries=[cash(p, fund) for p in people], valid_only=True
    )
    assert len(result.benefits) == 2
    assert len(result.errors) == 1
    assert finance.fund_balance(fund) == YUAN(18000)


def test_the_programmes_figures(
    programme: Programme,
    make_person: Any,
    fund: Fund,
    county_admin: User,
    village_director: User,
    far_village: OrgUnit,
) -> None:
    programme.budget, programme.target = YUAN(20000), 20
    programme.save()
    here, there = make_person("王芳"), make_person("李娟", residence=far_village)
    pending = make_person("张丽")
    for person in (here, there):
        enrol(programme, person)
        deliver(programme, cash(person, fund))
    services.enrolment_apply(
        actor=None, programme=programme, person=pending, on=dt.date(2014, 3, 2)
    )
    deliver(
        programme,
        Delivery(
            person=here,
            on=MARCH_8,
            kind="goods",
            item="米",
            quantity=YUAN(50),
            measure="斤",
            amount=YUAN(150),
        ),
    )
    whole = selectors.programme_figures(county_admin, programme)
    assert (whole.applied, whole.enrolled, whole.served, whole.deliveries) == (1, 2, 2, 3)
    assert (whole.cash, whole.goods_value, whole.budget, whole.spent) == (
        YUAN(2000),
        YUAN(150),
        YUAN(20000),
        YUAN(2150),
    )
    assert [(g.item, g.measure, g.quantity) for g in whole.goods] == [("米", "斤", YUAN(50))]
    assert whole.attainment == 0.1
    mine = selectors.programme_figures(village_director, programme)
    assert (mine.applied, mine.enrolled, mine.served, mine.cash, mine.budget, mine.spent) == (
        1,
        1,
        1,
        YUAN(1000),
        None,
        None,
    )
    march = selectors.programme_figures(county_admin, programme, start=MARCH_8, end=MARCH_8)
    assert march.served == 2
    assert march.enrolled == 0


def test_the_auditor_cannot_deliver(
    programme: Programme, woman: Person, fund: Fund, auditor: User
) -> None:
    enrol(programme, woman)
    with pytest.raises(PermissionDenied):
        deliver(programme, cash(woman, fund), auditor)
    assert FundEntry.objects.count() == 1
