"""Who may reach every URL of the site and the API, generated from the URL conf.

Every URL pattern must be either PUBLIC or have an entry in one of the matrices below; a view
added without one fails `test_every_url_is_public_or_in_a_matrix`. The matrices say how to
build the URL for an object and which methods to send, and what each kind of user gets:

- UNIT_MATRIX: URLs of an object that belongs to a target unit (a village). They are tried by
  nobody signed in, a user with no grant, and users holding the route's role on a sibling
  village, on the target village itself and on the county above it; and, where some role lacks
  the permission, by a user holding that weaker role on the target.
- GLOBAL_MATRIX: URLs tied to no unit, with an explicit expectation for each role.
- OWNER_MATRIX: URLs of something one user owns (API tokens, job progress).
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.resolvers import RegexPattern
from PIL import Image

from jinguo.accounts.models import Grant, User
from jinguo.accounts.roles import Role
from jinguo.accounts.services import api_token_create
from jinguo.core.progress import progress_start
from jinguo.exports.services import EXPORT_LABEL, export_people_start
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_check, import_commit, import_upload
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.orgunits.services import orgunit_create
from jinguo.people import idnumbers
from jinguo.people.models import DuplicatePair, Person
from jinguo.people.selectors import PersonFilter
from jinguo.people.services import (
    ConsentInput,
    category_add,
    household_add_member,
    household_create,
    person_register,
)
from jinguo.programmes import finance
from jinguo.programmes import services as programme_services
from jinguo.programmes.models import Cycle, Enrolment, Fund, Milestone, Programme
from jinguo.testing import OPENED, build_tree, make_user

LOGIN = "login"  # expected outcome: a redirect to the sign-in page
ON = "2015-01-01"
Outcome = int | str


# --- the world every URL is tried in --------------------------------------------------------------


@dataclass(frozen=True)
class World:
    county: OrgUnit
    township: OrgUnit
    target: OrgUnit  # the village the objects belong to
    sibling: OrgUnit  # another village of the same township
    home: OrgUnit  # organisations inside the target village
    team: OrgUnit
    subject: User  # a user whose role lies on the target village
    subject_grant: Grant


def build_world() -> World:
    tree = build_tree(townships=1, villages_per_township=2)
    target = tree.village(0, 0)
    home = orgunit_create(
        actor=None, parent=target, name="妇女之家", kind=Kind.WOMENS_HOME, opened_on=OPENED
    )
    team = orgunit_create(
        actor=None, parent=target, name="巾帼志愿队", kind=Kind.VOLUNTEER_TEAM, opened_on=OPENED
    )
    subject = make_user("subject", Role.VILLAGE_DIRECTOR, target)
    return World(
        county=tree.county,
        township=tree.townships[0],
        target=target,
        sibling=tree.village(0, 1),
        home=home,
        team=team,
        subject=subject,
        subject_grant=subject.grants.get(),
    )


@pytest.fixture
def world(db: None) -> World:
    return build_world()


# --- people in the target village -----------------------------------------------------------------

MATRIX_ID = idnumbers.generate("152326", OPENED.replace(year=1980), "F", 7)
REGISTRY_CONSENT = ConsentInput(
    purpose="registry", scope="登记", given_by="self", giver_name="王芳", given_on=OPENED
)


def _resident(world: World, name: str = "王芳", **fields: Any) -> Person:
    fields.setdefault("sex", "F")
    return person_register(actor=None, name=name, residence=world.target, **fields)


def _person(world: World) -> dict[str, Any]:
    return {"person_id": _resident(world).pk}


def _person_with_id(world: World) -> dict[str, Any]:
    person = _resident(world, id_number=MATRIX_ID, phone="13812345678", consent=REGISTRY_CONSENT)
    return {"person_id": person.pk}


def _period(world: World) -> dict[str, Any]:
    person = _resident(world)
    period = category_add(actor=None, person=person, category="low_income", start=OPENED)
    return {"person_id": person.pk, "period_id": period.pk}


def _consent(world: World) -> dict[str, Any]:
    person = _resident(world, phone="13812345678", consent=REGISTRY_CONSENT)
    return {"person_id": person.pk, "consent_id": person.consents.get().pk}


def _household(world: World) -> dict[str, Any]:
    household = household_create(actor=None, head=_resident(world), on=OPENED)
    _resident(world, "李强", sex="M")
    return {"household_id": household.pk}


def _membership(world: World) -> dict[str, Any]:
    household = household_create(actor=None, head=_resident(world), on=OPENED)
    child = _resident(world, "王小芳")
    membership = household_add_member(
        actor=None, household=household, person=child, relation="child", on=OPENED
    )
    return {"household_id": household.pk, "membership_id": membership.pk}


def _joining(world: World) -> dict[str, Any]:
    return {"person": Person.objects.get(name="李强").pk}


def _pair(world: World, status: str = DuplicatePair.Status.OPEN) -> dict[str, Any]:
    a, b = _resident(world), _resident(world)
    pair = DuplicatePair.objects.create(
        person_a=a, person_b=b, score="0.9", reasons=["same_name"], status=status
    )
    return {"pair_id": pair.pk}


def _merge(world: World) -> dict[str, Any]:
    from jinguo.people.merging import duplicate_merge

    pair = DuplicatePair.objects.get(pk=_pair(world)["pair_id"])
    merge = duplicate_merge(actor=None, pair=pair, survivor=pair.person_a)
    return {"merge_id": merge.pk}


def _person_fields(world: World) -> dict[str, Any]:
    return {
        "name": "王芳",
        "sex": "F",
        "birth_date": "1980-01-01",
        "residence": world.target.pk,
        "occupation": "刺绣",
        "version": 1,
    }


def _edit(role: Role = Role.VILLAGE_DIRECTOR) -> dict[str, Any]:
    """Pages that change a person's records: the director may, the auditor only looks."""
    return {"role": role, "weak_role": Role.AUDITOR, "weak": 403}


# --- imports into the target village --------------------------------------------------------------


def _import_csv(world: World, *, bad_row: bool = False) -> bytes:
    lines = ["姓名,性别,所在村", f"王芳,女,{world.target.code}"]
    if bad_row:
        lines.append(f",女,{world.target.code}")
    return ("\n".join(lines) + "\n").encode()


def _import_upload(world: World) -> dict[str, Any]:
    return {
        "kind": "people",
        "unit": world.target.pk,
        "file": SimpleUploadedFile("人员.csv", _import_csv(world), content_type="text/csv"),
    }


def _batch(world: World, *, bad_row: bool = False, commit: bool = False) -> ImportBatch:
    batch = import_upload(
        actor=world.subject,
        kind="people",
        unit=world.target,
        file_name="人员.csv",
        data=_import_csv(world, bad_row=bad_row),
    )
    batch = import_check(actor=world.subject, batch=batch)
    if commit:
        batch = import_commit(actor=world.subject, batch=batch, mode=ImportBatch.Mode.VALID_ONLY)
    return batch


def _checked_batch(world: World) -> dict[str, Any]:
    return {"batch_id": _batch(world).pk}


def _committed_batch(world: World) -> dict[str, Any]:
    return {"batch_id": _batch(world, commit=True).pk}


def _batch_with_errors(world: World) -> dict[str, Any]:
    return {"batch_id": _batch(world, bad_row=True).pk}


def _import(**kwargs: Any) -> UnitRoute:
    """Import batches: seen by whoever may enter records in their unit; the auditor finds none."""
    return UnitRoute(role=Role.VILLAGE_DIRECTOR, weak_role=Role.AUDITOR, weak=404, **kwargs)


# --- programmes of the target village -------------------------------------------------------------
#
# Owned by the target village itself, so that the sibling village is out of their reach (a county
# programme reaches every village; test_programmes_views checks that). The role that sets them up
# is the county administrator's, held on the target or the county.

PROGRAMME_START = dt.date(2015, 1, 1)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (176, 42, 62)).save(buffer, format="PNG")
    return buffer.getvalue()


def _programme(world: World, kind: str = "cash_aid") -> Programme:
    return programme_services.programme_create(
        actor=None,
        owner=world.target,
        name=f"村级项目 {kind}",
        work_area="livelihood",
        kind=kind,
        start=PROGRAMME_START,
    )


def _enrolment(world: World, *, approved: bool = True, kind: str = "cash_aid") -> Enrolment:
    enrolment = programme_services.enrolment_apply(
        actor=None, programme=_programme(world, kind), person=_resident(world), on=PROGRAMME_START
    )
    if approved:
        for to in ("verified", "approved"):
            enrolment = programme_services.enrolment_advance(actor=None, enrolment=enrolment, to=to)
    return enrolment


def _village_fund(world: World) -> Fund:
    fund = finance.fund_create(
        actor=None,
        owner=world.target,
        name="村救助金",
        source="allocation",
        opened_on=PROGRAMME_START,
    )
    finance.fund_receive(
        actor=None, fund=fund, on=PROGRAMME_START, amount=Decimal(10000), description="下拨"
    )
    return fund


def _with_programme(world: World) -> dict[str, Any]:
    return {"programme_id": _programme(world).pk}


def _with_resident(world: World) -> dict[str, Any]:
    _resident(world)
    return _with_programme(world)


def _with_enrolled(world: World) -> dict[str, Any]:
    return {"programme_id": _enrolment(world).programme_id}


def _with_construction(world: World) -> dict[str, Any]:
    return {"programme_id": _programme(world, "construction").pk}


def _with_rule(world: World) -> dict[str, Any]:
    programme = _programme(world)
    rule = programme_services.rule_add(actor=None, programme=programme, kind="sex", sex="F")
    return {"programme_id": programme.pk, "rule_id": rule.pk}


def _with_cycle(world: World) -> dict[str, Any]:
    programme = _programme(world)
    return {"programme_id": programme.pk, "cycle_id": programme.cycles.get().pk}


def _applied(world: World) -> dict[str, Any]:
    return {"enrolment_id": _enrolment(world, approved=False).pk}


def _approved(world: World) -> dict[str, Any]:
    return {"enrolment_id": _enrolment(world).pk}


def _loan_applicant(world: World) -> dict[str, Any]:
    return {"enrolment_id": _enrolment(world, kind="loan").pk}


def _with_loan(world: World) -> dict[str, Any]:
    enrolment = _enrolment(world, kind="loan")
    _village_fund(world)
    bank = programme_services.organisation_get_or_create(actor=None, name="农商银行", kind="bank")
    finance.loan_record(
        actor=None,
        enrolment=enrolment,
        bank=bank,
        principal=Decimal(10000),
        interest_rate=Decimal(6),
        subsidy_rate=Decimal(100),
        term_months=12,
        disbursed_on=PROGRAMME_START,
    )
    return {"enrolment_id": enrolment.pk}


def _benefit(world: World) -> dict[str, Any]:
    enrolment = _enrolment(world)
    benefit = programme_services.benefit_deliver(
        actor=None,
        programme=enrolment.programme,
        delivery=programme_services.Delivery(
            person=enrolment.person,
            on=PROGRAMME_START,
            kind="service",
            item="法律咨询",
            evidence=SimpleUploadedFile("收据.png", _png()),
        ),
    )
    return {"benefit_id": benefit.pk}


def _fund(world: World) -> dict[str, Any]:
    return {"fund_id": _village_fund(world).pk}


def _project(world: World) -> dict[str, Any]:
    programme = _programme(world, "construction")
    project = finance.project_create(
        actor=None, programme=programme, name="儿童之家", site=world.target, budget=Decimal(5000)
    )
    finance.milestone_add(actor=None, project=project, name="开工", planned_on=PROGRAMME_START)
    return {"project_id": project.pk}


def _milestone(world: World) -> dict[str, Any]:
    kwargs = _project(world)
    return {**kwargs, "milestone_id": Milestone.objects.get(project_id=kwargs["project_id"]).pk}


def _photo(world: World) -> dict[str, Any]:
    kwargs = _project(world)
    project = Milestone.objects.get(project_id=kwargs["project_id"]).project
    photo = finance.project_photo_add(
        actor=None, project=project, image=SimpleUploadedFile("工地.png", _png())
    )
    return {**kwargs, "photo_id": photo.pk}


def _programme_fields(world: World) -> dict[str, Any]:
    return {
        "name": "村级救助",
        "work_area": "livelihood",
        "kind": "cash_aid",
        "start": ON,
        "status": "open",
        "version": 1,
    }


def _application(world: World) -> dict[str, Any]:
    return {"person": Person.objects.get().pk, "on": ON}


def _service_delivery(world: World) -> dict[str, Any]:
    return {"enrolment": Enrolment.objects.get().pk, "on": ON, "kind": "service", "item": "咨询"}


def _list_delivery(world: World) -> dict[str, Any]:
    return {
        "cycle": Cycle.objects.get().pk,
        "everyone": "on",
        "on": ON,
        "kind": "service",
        "item": "咨询",
        "mode": "all",
    }


def _loan_terms(world: World) -> dict[str, Any]:
    return {
        "new_bank": "农商银行",
        "principal": "10000",
        "interest_rate": "6",
        "subsidy_rate": "100",
        "term_months": "12",
        "method": "quarterly_interest",
        "disbursed_on": ON,
    }


def _subsidy(world: World) -> dict[str, Any]:
    return {"fund": Fund.objects.get().pk, "on": "2015-06-01", "amount": "50"}


def _money(world: World) -> dict[str, Any]:
    return {"on": ON, "amount": "100", "description": "捐款"}


def _reached(world: World) -> dict[str, Any]:
    return {f"m{Milestone.objects.get().pk}-on": ON}


def _photo_upload(world: World) -> dict[str, Any]:
    return {"image": SimpleUploadedFile("工地.png", _png()), "caption": "开工"}


def _photo_upload_as_file(world: World) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("合影.png", _png()), "caption": "合影"}


def _setup(**kwargs: Any) -> UnitRoute:
    """Setting programmes, funds and projects up: the county administrator's; the township
    chair sees the target village but may not."""
    return UnitRoute(role=Role.COUNTY_ADMIN, weak_role=Role.TOWNSHIP_CHAIR, weak=403, **kwargs)


def _entry(**kwargs: Any) -> UnitRoute:
    """Entering applications, deliveries, loans: whoever enters records; the auditor may not."""
    return UnitRoute(role=Role.VILLAGE_DIRECTOR, weak_role=Role.AUDITOR, weak=403, **kwargs)


def _reading(kwargs: Callable[[World], dict[str, Any]]) -> UnitRoute:
    return UnitRoute(kwargs=kwargs, calls=(Call("get", 200),), role=Role.COUNTY_STAFF)


# --- the API's programmes and activities in the target village ------------------------------------
#
# The programme set-ups above serve the API too; these add what only the API names by id (loans)
# and the activities, volunteers, pairings, visits and needs of the target village. Imports are
# local, so that this block stays apart from the rest of the file.


def _api_loan(world: World) -> dict[str, Any]:
    from jinguo.programmes.models import Loan

    enrolment_id = _with_loan(world)["enrolment_id"]
    return {"loan_id": Loan.objects.get(enrolment_id=enrolment_id).pk}


def _api_new_programme(world: World) -> dict[str, Any]:
    return {
        "owner_id": world.target.pk,
        "name": "村级救助",
        "work_area": "livelihood",
        "kind": "cash_aid",
        "start": ON,
    }


def _api_application(world: World) -> dict[str, Any]:
    return {"programme_id": _programme(world).pk, "person_id": _resident(world).pk, "on": ON}


def _api_delivery_row(enrolment: Enrolment) -> dict[str, Any]:
    return {"person_id": enrolment.person_id, "on": ON, "kind": "service", "item": "法律咨询"}


def _api_delivery(world: World) -> dict[str, Any]:
    enrolment = _enrolment(world)
    return {"programme_id": enrolment.programme_id, **_api_delivery_row(enrolment)}


def _api_deliveries(world: World) -> dict[str, Any]:
    enrolment = _enrolment(world)
    return {"programme_id": enrolment.programme_id, "deliveries": [_api_delivery_row(enrolment)]}


def _api_new_fund(world: World) -> dict[str, Any]:
    return {
        "owner_id": world.target.pk,
        "name": "村救助金",
        "source": "allocation",
        "opened_on": ON,
    }


def _api_new_loan(world: World) -> dict[str, Any]:
    bank = programme_services.organisation_get_or_create(actor=None, name="农商银行", kind="bank")
    return {
        "enrolment_id": _enrolment(world, kind="loan").pk,
        "bank_id": bank.pk,
        "principal": "10000",
        "interest_rate": "6",
        "subsidy_rate": "100",
        "term_months": 12,
        "disbursed_on": ON,
    }


def _api_new_project(world: World) -> dict[str, Any]:
    return {
        "programme_id": _programme(world, "construction").pk,
        "name": "儿童之家",
        "site_id": world.target.pk,
        "budget": "5000",
    }


def _api_activity(world: World, headcount: str = "attendance") -> dict[str, Any]:
    """A talk of three days (1-3 January 2015) recorded by the target village."""
    from django.utils import timezone

    from jinguo.activities.services import activity_record

    start = timezone.make_aware(dt.datetime.combine(PROGRAMME_START, dt.time(9)))
    activity = activity_record(
        actor=None,
        owner=world.target,
        kind="talk",
        title="家庭教育讲座",
        start=start,
        end=start + dt.timedelta(days=2, hours=8),
        headcount=headcount,
    )
    return {"activity_id": activity.pk}


def _api_counted_activity(world: World) -> dict[str, Any]:
    return _api_activity(world, headcount="counts")


def _api_attendance(world: World) -> dict[str, Any]:
    from jinguo.activities.models import Activity
    from jinguo.activities.services import attendance_add

    kwargs = _api_activity(world)
    activity = Activity.objects.get(pk=kwargs["activity_id"])
    attendance = attendance_add(actor=None, activity=activity, person=_resident(world))
    return {**kwargs, "attendance_id": attendance.pk}


def _api_pending(world: World) -> dict[str, Any]:
    """A check-in by someone the registry does not know, waiting for staff."""
    from jinguo.activities.models import Activity
    from jinguo.activities.services import checkin, checkin_code_issue
    from jinguo.core import context

    kwargs = _api_activity(world)
    activity = Activity.objects.get(pk=kwargs["activity_id"])
    code = checkin_code_issue(actor=None, activity=activity, day=PROGRAMME_START)
    with context.bound(client_ip="10.0.0.1"):
        checkin(token=code.token, name="赵敏", phone="13800000000")
    return {**kwargs, "pending_id": activity.pending.get().pk}


def _api_with_pending(world: World) -> dict[str, Any]:
    return {"activity_id": _api_pending(world)["activity_id"]}


def _api_team(world: World) -> dict[str, Any]:
    from jinguo.activities.services import team_profile_set

    return {"team_id": team_profile_set(actor=None, unit=world.team, focus="aid").pk}


def _api_new_volunteer(world: World) -> dict[str, Any]:
    return {**_api_team(world), "person_id": _resident(world).pk, "start": ON}


def _api_volunteer(world: World) -> dict[str, Any]:
    from jinguo.activities.models import VolunteerTeam
    from jinguo.activities.services import volunteer_add

    team = VolunteerTeam.objects.get(pk=_api_team(world)["team_id"])
    volunteer = volunteer_add(actor=None, team=team, person=_resident(world), start=PROGRAMME_START)
    return {"volunteer_id": volunteer.pk}


def _api_new_pairing(world: World) -> dict[str, Any]:
    return {
        "kind": "caring_mother",
        "start": ON,
        "helper_person_id": _resident(world).pk,
        "helped_person_id": _resident(world, "张小明", sex="M").pk,
    }


def _api_pairing(world: World) -> dict[str, Any]:
    from jinguo.activities.services import pairing_create

    pairing = pairing_create(
        actor=None,
        kind="caring_mother",
        start=PROGRAMME_START,
        helper_person=_resident(world),
        helped_person=_resident(world, "张小明", sex="M"),
    )
    return {"pairing_id": pairing.pk}


def _api_need(world: World) -> dict[str, Any]:
    from jinguo.activities.services import need_record

    need = need_record(
        actor=None,
        village=world.target,
        title="低压线路改造",
        category="power",
        raised_on=PROGRAMME_START,
    )
    return {"need_id": need.pk}


# --- the activity pages of the target village ----------------------------------------------------
#
# An activity of the target village held there today (so that a check-in code can be issued),
# its sheet, an unconfirmed check-in, a photo; the team's profile and a member; a pairing of two
# of its women; a visit and a need. Imports are local, so that this block stays apart.


def _web_activity(world: World, headcount: str = "attendance") -> dict[str, Any]:
    from django.utils import timezone

    from jinguo.activities.services import activity_record
    from jinguo.activities.tests.conftest import at

    today = timezone.localdate()
    activity = activity_record(
        actor=None,
        owner=world.target,
        kind="talk",
        title="家庭教育宣讲",
        start=at(today),
        end=at(today, 17),
        place=world.target,
        headcount=headcount,
    )
    return {"activity_id": activity.pk}


def _web_counted(world: World) -> dict[str, Any]:
    return _web_activity(world, headcount="counts")


def _web_sheet(world: World) -> dict[str, Any]:
    from jinguo.activities.models import Activity
    from jinguo.activities.services import attendance_add

    kwargs = _web_activity(world)
    activity = Activity.objects.get(pk=kwargs["activity_id"])
    attendance = attendance_add(actor=None, activity=activity, person=_resident(world))
    return {**kwargs, "attendance_id": attendance.pk}


def _web_pending(world: World) -> dict[str, Any]:
    from jinguo.activities.models import Activity
    from jinguo.activities.services import checkin, checkin_code_issue
    from jinguo.core import context

    kwargs = _web_activity(world)
    activity = Activity.objects.get(pk=kwargs["activity_id"])
    code = checkin_code_issue(actor=None, activity=activity)
    with context.bound(client_ip="10.0.0.1"):
        checkin(token=code.token, name="赵敏", phone="13800000000")
    return {**kwargs, "pending_id": activity.pending.get().pk}


def _web_confirmed(world: World) -> dict[str, Any]:
    return {"person": _resident(world, "赵敏").pk}


def _web_file(world: World) -> dict[str, Any]:
    from jinguo.activities.models import Activity
    from jinguo.activities.services import activity_file_add

    kwargs = _web_activity(world)
    record = activity_file_add(
        actor=None,
        activity=Activity.objects.get(pk=kwargs["activity_id"]),
        upload=SimpleUploadedFile("合影.png", _png()),
        caption="合影",
        is_photo=True,
    )
    return {**kwargs, "file_id": record.pk}


def _web_activity_fields(world: World) -> dict[str, Any]:
    return {
        "title": "家庭教育宣讲（改）",
        "start": "2015-01-01T09:00",
        "place": world.target.pk,
        "spending": "0",
        "in_kind_value": "0",
        "version": 1,
    }


def _web_team(world: World) -> dict[str, Any]:
    from jinguo.activities.services import team_profile_set

    return {"team_id": team_profile_set(actor=None, unit=world.team, focus="speakers").pk}


def _web_member(world: World) -> dict[str, Any]:
    from jinguo.activities.models import VolunteerTeam
    from jinguo.activities.services import volunteer_add

    team = VolunteerTeam.objects.get(pk=_web_team(world)["team_id"])
    volunteer = volunteer_add(actor=None, team=team, person=_resident(world), start=PROGRAMME_START)
    return {"volunteer_id": volunteer.pk}


def _web_team_with_member(world: World) -> dict[str, Any]:
    from jinguo.activities.models import Volunteer

    volunteer = Volunteer.objects.get(pk=_web_member(world)["volunteer_id"])
    return {"team_id": volunteer.team_id}


def _web_hours(world: World) -> dict[str, Any]:
    from jinguo.activities.models import Volunteer

    return {
        "volunteer": Volunteer.objects.get().pk,
        "on": ON,
        "hours": "2",
        "description": "宣讲",
    }


def _web_joining(world: World) -> dict[str, Any]:
    return {"person": _resident(world, "李娟").pk, "role": "member", "start": ON}


def _web_pairing(world: World) -> dict[str, Any]:
    from jinguo.activities.services import pairing_create

    pairing = pairing_create(
        actor=None,
        kind="caring_mother",
        start=PROGRAMME_START,
        helper_person=_resident(world),
        helped_person=_resident(world, "张小明", sex="M"),
    )
    return {"pairing_id": pairing.pk}


def _web_new_pairing(world: World) -> dict[str, Any]:
    return {
        "kind": "caring_mother",
        "helper": _resident(world).pk,
        "helped": _resident(world, "张小明", sex="M").pk,
        "start": ON,
    }


def _web_need(world: World) -> dict[str, Any]:
    from jinguo.activities.services import need_record, village_visit_record

    visit = village_visit_record(
        actor=None, village=world.target, on=PROGRAMME_START, visitors="张主席"
    )
    need = need_record(
        actor=None,
        village=world.target,
        visit=visit,
        title="低压线路改造",
        category="power",
        raised_on=PROGRAMME_START,
    )
    return {"need_id": need.pk}


def _web_activity_entry(**kwargs: Any) -> UnitRoute:
    """Keeping an activity's sheet and record: the village director who recorded it and held
    it; the auditor sees it but may not."""
    return UnitRoute(role=Role.VILLAGE_DIRECTOR, weak_role=Role.AUDITOR, weak=403, **kwargs)


# --- donations of the target village -------------------------------------------------------------
#
# A donor, a gift of rice into the stock of the village's Women's Home (opened as a charity
# place), a campaign and a hand-over with its scan, all of the target village. Imports are
# local, so that this block stays apart.

DONATION_PDF = b"%PDF-1.4\n%%EOF\n"


def _don_place(world: World) -> Any:
    from jinguo.donations.choices import GiftKind
    from jinguo.donations.services import Goods, donation_receive, place_open

    place = place_open(actor=None, unit=world.home, opened_on=PROGRAMME_START)
    donation_receive(
        actor=None,
        owner=world.home,
        received_on=PROGRAMME_START,
        kind=GiftKind.GOODS,
        goods=Goods("大米", "food", Decimal(100), "斤"),
        place=place,
        amount=Decimal(200),
    )
    return place


def _don_place_kwargs(world: World) -> dict[str, Any]:
    return {"place_id": _don_place(world).pk}


def _don_gift(world: World) -> dict[str, Any]:
    return {"donation_id": _don_place(world).donations.get().pk}


def _don_donor(world: World) -> dict[str, Any]:
    from jinguo.donations.services import donor_create

    donor = donor_create(actor=None, owner=world.target, kind="person", name="李先生")
    return {"donor_id": donor.pk}


def _don_campaign(world: World) -> dict[str, Any]:
    from jinguo.donations.services import campaign_create

    campaign = campaign_create(actor=None, owner=world.target, name="村募捐", start=PROGRAMME_START)
    return {"campaign_id": campaign.pk}


def _don_handover(world: World) -> dict[str, Any]:
    from jinguo.donations.services import handover_record

    handover = handover_record(
        actor=None,
        owner=world.target,
        on=PROGRAMME_START,
        description="衣物",
        handed_by="村妇联",
        received_by="妇女之家",
        document=SimpleUploadedFile("交接.pdf", DONATION_PDF),
    )
    return {"handover_id": handover.pk}


def _don_count(world: World) -> dict[str, Any]:
    return {
        "on": "2015-06-30",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        "lines-0-item": "大米",
        "lines-0-measure": "斤",
        "lines-0-counted": "100",
    }


def _don_cash(world: World) -> dict[str, Any]:
    """Ten yuan from the target village's fund, given by the target village."""
    return {
        "owner": world.target.pk,
        "on": ON,
        "kind": "cash",
        "amount": "10",
        "fund": _village_fund(world).pk,
    }


def _don_aid(world: World) -> dict[str, Any]:
    return {**_don_cash(world), "person": _resident(world).pk}


def _don_list(world: World) -> dict[str, Any]:
    resident = _resident(world).pk
    return {**_don_cash(world), "add": resident, "people": resident, "mode": "all"}


def _don_entry(*calls: Call) -> GlobalRoute:
    """Recording gifts, donors, campaigns, places, aid and hand-overs: whoever enters records
    somewhere, into a unit of her scope (here the target village); the auditor may not."""
    return GlobalRoute(
        calls=(Call("get", 200), *calls),
        expect={**PAGE_FOR_EVERYONE, "no_grant": 404, "auditor": 404},
    )


def _don_public(kwargs: Callable[[World], dict[str, Any]]) -> GlobalRoute:
    """The public page (公示) of a campaign or a place: the same for everyone, signed in or not."""
    return GlobalRoute(
        kwargs=kwargs, calls=(Call("get", 200),), expect=dict.fromkeys(GLOBAL_ROLES, "ok")
    )


# --- the API's donations in the target village ----------------------------------------------------
#
# For api/donations.py: a donor, a campaign and a hand-over of the target village, a gift of rice
# into the stock of its Women's Home (opened as a charity place) and ten yuan given to one of its
# residents. Imports are local, so that this block stays apart.


def _api_don_place(world: World) -> Any:
    from jinguo.donations.choices import GiftKind
    from jinguo.donations.services import Goods, donation_receive, place_open

    place = place_open(actor=None, unit=world.home, opened_on=PROGRAMME_START)
    donation_receive(
        actor=None,
        owner=world.target,
        received_on=PROGRAMME_START,
        kind=GiftKind.GOODS,
        goods=Goods("大米", "food", Decimal(100), "斤"),
        place=place,
        amount=Decimal(200),
    )
    return place


def _api_don_place_id(world: World) -> dict[str, Any]:
    return {"place_id": _api_don_place(world).pk}


def _api_don_donation(world: World) -> dict[str, Any]:
    return {"donation_id": _api_don_place(world).donations.get().pk}


def _api_don_donor(world: World) -> dict[str, Any]:
    from jinguo.donations.services import donor_create

    donor = donor_create(actor=None, owner=world.target, kind="person", name="李先生")
    return {"donor_id": donor.pk}


def _api_don_campaign(world: World) -> dict[str, Any]:
    from jinguo.donations.services import campaign_create

    campaign = campaign_create(actor=None, owner=world.target, name="村募捐", start=PROGRAMME_START)
    return {"campaign_id": campaign.pk}


def _api_don_gift(world: World) -> dict[str, Any]:
    """Ten yuan from the target village's fund to one of its residents."""
    return {
        "on": ON,
        "kind": "cash",
        "person_id": _resident(world).pk,
        "amount": "10",
        "fund_id": _village_fund(world).pk,
    }


def _api_don_disbursement(world: World) -> dict[str, Any]:
    from jinguo.donations.services import Gift, disburse

    fund = _village_fund(world)
    gift = Gift(
        on=PROGRAMME_START, kind="cash", person=_resident(world), amount=Decimal(10), fund=fund
    )
    return {"disbursement_id": disburse(actor=None, owner=world.target, gift=gift).pk}


def _api_don_cash(world: World) -> dict[str, Any]:
    return {
        "owner_id": world.target.pk,
        "received_on": ON,
        "kind": "cash",
        "amount": "10",
        "fund_id": _village_fund(world).pk,
    }


def _api_don_handover(world: World) -> dict[str, Any]:
    return {
        "owner_id": world.target.pk,
        "on": ON,
        "description": "现场募捐款",
        "amount": "100",
        "handed_by": "村妇联",
        "received_by": "妇女之家",
    }


# --- matrix entries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    method: str
    ok: Outcome  # what a user allowed to do this gets
    data: Callable[[World], dict[str, Any]] | None = None


@dataclass(frozen=True)
class UnitRoute:
    kwargs: Callable[[World], dict[str, Any]]
    calls: tuple[Call, ...]
    role: Role  # the role the users at sibling, own and ancestor units hold
    weak_role: Role | None = None  # a role that sees the object but lacks the permission
    weak: Outcome | None = None  # what the weak role gets, for every call


@dataclass(frozen=True)
class GlobalRoute:
    calls: tuple[Call, ...]
    expect: dict[str, Outcome]  # per role below; a call's `ok` is used where this says "ok"
    kwargs: Callable[[World], dict[str, Any]] = field(default=lambda world: {})


@dataclass(frozen=True)
class OwnerRoute:
    kwargs: Callable[[World, User], dict[str, Any]]  # builds an object owned by the user
    calls: tuple[Call, ...]


@dataclass(frozen=True)
class PublicRoute:
    method: str
    expect: int
    data: dict[str, Any] | None = None
    kwargs: dict[str, Any] | None = None


PUBLIC: dict[str, PublicRoute] = {
    "login": PublicRoute("get", 200),
    "set_language": PublicRoute("post", 302, {"language": "en", "next": "/"}),
    # The schema and its docs describe endpoints, not data (see api/tests/test_auth_and_schema).
    "api:openapi-json": PublicRoute("get", 200),
    "api:openapi-view": PublicRoute("get", 200),
    "api:api-root": PublicRoute("get", 404),
    # The check-in page behind an activity's QR code; an unknown code is not found.
    "checkin": PublicRoute("get", 404, kwargs={"token": "unknown"}),
    # The donations' public page (公示): totals only. A campaign's or a place's page is in
    # GLOBAL_MATRIX, where an object to show is built first.
    "public_index": PublicRoute("get", 200),
}

UNIT_MATRIX: dict[str, UnitRoute] = {
    "unit_detail": UnitRoute(
        kwargs=lambda w: {"unit_id": w.target.pk},
        calls=(Call("get", 200),),
        role=Role.COUNTY_STAFF,
    ),
    "unit_children": UnitRoute(
        kwargs=lambda w: {"unit_id": w.target.pk},
        calls=(Call("get", 200),),
        role=Role.COUNTY_STAFF,
    ),
    "unit_create": UnitRoute(
        kwargs=lambda w: {"unit_id": w.target.pk},
        calls=(
            Call("get", 200),
            Call(
                "post",
                302,
                lambda w: {"name": "新之家", "kind": Kind.WOMENS_HOME, "code": "", "opened_on": ON},
            ),
        ),
        role=Role.COUNTY_ADMIN,
        weak_role=Role.TOWNSHIP_CHAIR,
        weak=403,
    ),
    "unit_rename": UnitRoute(
        kwargs=lambda w: {"unit_id": w.target.pk},
        calls=(Call("get", 200), Call("post", 302, lambda w: {"name": "改名村", "on": ON})),
        role=Role.COUNTY_ADMIN,
        weak_role=Role.TOWNSHIP_CHAIR,
        weak=403,
    ),
    "unit_move": UnitRoute(
        kwargs=lambda w: {"unit_id": w.team.pk},
        calls=(
            Call("get", 200),
            Call("post", 302, lambda w: {"parent_code": w.home.code, "on": ON}),
        ),
        role=Role.COUNTY_ADMIN,
        weak_role=Role.TOWNSHIP_CHAIR,
        weak=403,
    ),
    "unit_close": UnitRoute(
        kwargs=lambda w: {"unit_id": w.team.pk},
        calls=(Call("get", 200), Call("post", 302, lambda w: {"on": ON})),
        role=Role.COUNTY_ADMIN,
        weak_role=Role.TOWNSHIP_CHAIR,
        weak=403,
    ),
    "unit_merge": UnitRoute(
        kwargs=lambda w: {"unit_id": w.team.pk},
        calls=(
            Call("get", 200),
            Call("post", 302, lambda w: {"target_code": w.home.code, "on": ON}),
        ),
        role=Role.COUNTY_ADMIN,
        weak_role=Role.TOWNSHIP_CHAIR,
        weak=403,
    ),
    "user_detail": UnitRoute(
        kwargs=lambda w: {"user_id": w.subject.pk},
        calls=(
            Call("get", 200),
            Call(
                "post",
                302,
                lambda w: {"grant-role": Role.MEMBER_REPORTER, "grant-unit_code": w.target.code},
            ),
        ),
        role=Role.TOWNSHIP_CHAIR,
        # Users are listed only to those who manage users or audit: others get "not found".
        weak_role=Role.VILLAGE_DIRECTOR,
        weak=404,
    ),
    "grant_revoke": UnitRoute(
        kwargs=lambda w: {"user_id": w.subject.pk, "grant_id": w.subject_grant.pk},
        calls=(Call("post", 302),),
        role=Role.TOWNSHIP_CHAIR,
        weak_role=Role.VILLAGE_DIRECTOR,
        weak=404,
    ),
    "api:get_unit": UnitRoute(
        kwargs=lambda w: {"unit_id": w.target.pk},
        calls=(Call("get", 200),),
        role=Role.COUNTY_STAFF,
    ),
    "api:list_children": UnitRoute(
        kwargs=lambda w: {"unit_id": w.target.pk},
        calls=(Call("get", 200),),
        role=Role.COUNTY_STAFF,
    ),
    "api:create_unit": UnitRoute(
        kwargs=lambda w: {},
        calls=(
            Call(
                "post",
                201,
                lambda w: {"parent_id": w.target.pk, "name": "新之家", "kind": "womens_home"},
            ),
        ),
        role=Role.COUNTY_ADMIN,
        weak_role=Role.TOWNSHIP_CHAIR,
        weak=403,
    ),
    "api:update_unit": UnitRoute(
        kwargs=lambda w: {"unit_id": w.target.pk},
        calls=(Call("patch", 200, lambda w: {"name": "改名村", "on": ON}),),
        role=Role.COUNTY_ADMIN,
        weak_role=Role.TOWNSHIP_CHAIR,
        weak=403,
    ),
    "api:close_unit": UnitRoute(
        kwargs=lambda w: {"unit_id": w.team.pk},
        calls=(Call("post", 200, lambda w: {"on": ON}),),
        role=Role.COUNTY_ADMIN,
        weak_role=Role.TOWNSHIP_CHAIR,
        weak=403,
    ),
    "api:merge_unit": UnitRoute(
        kwargs=lambda w: {"unit_id": w.team.pk},
        calls=(Call("post", 200, lambda w: {"target_id": w.home.pk, "on": ON}),),
        role=Role.COUNTY_ADMIN,
        weak_role=Role.TOWNSHIP_CHAIR,
        weak=403,
    ),
    "api:get_user": UnitRoute(
        kwargs=lambda w: {"user_id": w.subject.pk},
        calls=(Call("get", 200),),
        role=Role.TOWNSHIP_CHAIR,
        weak_role=Role.VILLAGE_DIRECTOR,
        weak=404,
    ),
    # The people registry: a person, her household, categories and consents in the target village.
    "person_detail": UnitRoute(kwargs=_person, calls=(Call("get", 200),), role=Role.COUNTY_STAFF),
    "person_edit": UnitRoute(
        kwargs=_person, calls=(Call("get", 200), Call("post", 302, _person_fields)), **_edit()
    ),
    "person_replace_id_number": UnitRoute(
        kwargs=lambda w: {"person_id": _consent(w)["person_id"]},
        calls=(
            Call("get", 200),
            Call("post", 302, lambda w: {"id_number": MATRIX_ID, "version": 1}),
        ),
        **_edit(),
    ),
    "person_replace_phone": UnitRoute(
        kwargs=_person_with_id,
        calls=(Call("get", 200), Call("post", 302, lambda w: {"phone": "", "version": 1})),
        **_edit(),
    ),
    # Only the county administrator may see a full ID number; her staff see it masked.
    "person_reveal": UnitRoute(
        kwargs=_person_with_id,
        calls=(
            Call("get", 200, lambda w: {"field": "id_number"}),
            Call("post", 200, lambda w: {"field": "id_number", "reason": "核对身份"}),
        ),
        role=Role.COUNTY_ADMIN,
        weak_role=Role.COUNTY_STAFF,
        weak=403,
    ),
    "category_add": UnitRoute(
        kwargs=_person,
        calls=(
            Call("get", 200),
            Call("post", 302, lambda w: {"category": "low_income", "start": ON}),
        ),
        **_edit(),
    ),
    "category_end": UnitRoute(
        kwargs=_period,
        calls=(Call("get", 200), Call("post", 302, lambda w: {"on": "2016-01-01"})),
        **_edit(),
    ),
    "consent_add": UnitRoute(
        kwargs=_person,
        calls=(
            Call("get", 200),
            Call(
                "post",
                302,
                lambda w: {"purpose": "health", "given_by": "self", "given_on": ON},
            ),
        ),
        **_edit(),
    ),
    "consent_withdraw": UnitRoute(
        kwargs=_consent,
        calls=(Call("get", 200), Call("post", 302, lambda w: {"on": ON})),
        **_edit(),
    ),
    "household_create": UnitRoute(
        kwargs=_person,
        calls=(Call("get", 200), Call("post", 302, lambda w: {"address": "", "on": ON})),
        **_edit(),
    ),
    "household_detail": UnitRoute(
        kwargs=_household,
        calls=(
            Call("get", 200),
            Call("post", 302, lambda w: {"q": "lq"}),
            Call("post", 200, lambda w: {"q": "13812345678"}),
        ),
        role=Role.COUNTY_STAFF,
    ),
    "household_add_member": UnitRoute(
        kwargs=_household,
        calls=(
            Call("get", 200, _joining),
            Call("post", 302, lambda w: {**_joining(w), "relation": "spouse", "on": ON}),
        ),
        **_edit(),
    ),
    "membership_end": UnitRoute(
        kwargs=_membership,
        calls=(Call("get", 200), Call("post", 302, lambda w: {"on": "2016-01-01"})),
        **_edit(),
    ),
    "duplicate_merge": UnitRoute(
        kwargs=_pair, calls=(Call("post", 302, lambda w: {"survivor": "a"}),), **_edit()
    ),
    "duplicate_distinct": UnitRoute(kwargs=_pair, calls=(Call("post", 302),), **_edit()),
    "duplicate_reopen": UnitRoute(
        kwargs=lambda w: _pair(w, DuplicatePair.Status.DISTINCT),
        calls=(Call("post", 302),),
        **_edit(),
    ),
    "merge_undo": UnitRoute(kwargs=_merge, calls=(Call("post", 302),), **_edit()),
    "api:get_person": UnitRoute(
        kwargs=_person_with_id, calls=(Call("get", 200),), role=Role.COUNTY_STAFF
    ),
    "api:create_person": UnitRoute(
        kwargs=lambda w: {},
        calls=(
            Call(
                "post",
                201,
                lambda w: {"name": "王芳", "sex": "F", "residence_id": w.target.pk},
            ),
        ),
        **_edit(),
    ),
    "api:update_person": UnitRoute(
        kwargs=_person,
        calls=(Call("patch", 200, lambda w: {"version": 1, "occupation": "刺绣"}),),
        **_edit(),
    ),
    "api:list_categories": UnitRoute(
        kwargs=_person, calls=(Call("get", 200),), role=Role.COUNTY_STAFF
    ),
    "api:add_category": UnitRoute(
        kwargs=_person,
        calls=(Call("post", 201, lambda w: {"category": "low_income", "start": ON}),),
        **_edit(),
    ),
    "api:end_category": UnitRoute(
        kwargs=_period, calls=(Call("post", 200, lambda w: {"end": "2016-01-01"}),), **_edit()
    ),
    "api:create_household": UnitRoute(
        kwargs=lambda w: {},
        calls=(Call("post", 201, lambda w: {"head_id": _resident(w).pk}),),
        **_edit(),
    ),
    "api:get_household": UnitRoute(
        kwargs=_household, calls=(Call("get", 200),), role=Role.COUNTY_STAFF
    ),
    "api:add_member": UnitRoute(
        kwargs=_household,
        calls=(
            Call(
                "post",
                201,
                lambda w: {"person_id": _joining(w)["person"], "relation": "spouse"},
            ),
        ),
        **_edit(),
    ),
    "api:end_membership": UnitRoute(
        kwargs=_membership, calls=(Call("post", 200, lambda w: {"on": "2016-01-01"}),), **_edit()
    ),
    # The API of programmes (api/programmes.py) run by the target village: set-up is the county
    # administrator's, entering records the village director's; everyone in scope reads.
    "api:get_programme": _reading(_with_programme),
    "api:get_programme_figures": _reading(_with_programme),
    "api:list_rules": _reading(_with_programme),
    "api:list_cycles": _reading(_with_programme),
    "api:create_programme": _setup(
        kwargs=lambda w: {}, calls=(Call("post", 201, _api_new_programme),)
    ),
    "api:update_programme": _setup(
        kwargs=_with_programme,
        calls=(Call("patch", 200, lambda w: {"version": 1, "name": "改名救助"}),),
    ),
    "api:add_rule": _setup(
        kwargs=_with_programme, calls=(Call("post", 201, lambda w: {"kind": "sex", "sex": "F"}),)
    ),
    "api:remove_rule": _setup(kwargs=_with_rule, calls=(Call("delete", 204),)),
    "api:add_cycle": _setup(
        kwargs=_with_programme,
        calls=(Call("post", 201, lambda w: {"name": "2016", "start": "2016-01-01"}),),
    ),
    "api:set_cycle_status": _setup(
        kwargs=_with_cycle, calls=(Call("post", 200, lambda w: {"status": "approved"}),)
    ),
    "api:get_enrolment": _reading(_approved),
    "api:apply_enrolment": _entry(
        kwargs=lambda w: {}, calls=(Call("post", 201, _api_application),)
    ),
    # Verifying is the township's: the village director sees the application but may not.
    "api:advance_enrolment": UnitRoute(
        kwargs=_applied,
        calls=(Call("post", 200, lambda w: {"to": "verified", "version": 1}),),
        role=Role.TOWNSHIP_CHAIR,
        weak_role=Role.VILLAGE_DIRECTOR,
        weak=403,
    ),
    "api:record_compliance": _entry(
        kwargs=_approved,
        calls=(Call("post", 200, lambda w: {"compliant": False, "note": "未参加培训"}),),
    ),
    "api:get_benefit": _reading(_benefit),
    "api:deliver_benefit": _entry(kwargs=lambda w: {}, calls=(Call("post", 201, _api_delivery),)),
    "api:deliver_benefits": _entry(
        kwargs=lambda w: {}, calls=(Call("post", 201, _api_deliveries),)
    ),
    "api:get_fund": _reading(_fund),
    "api:get_fund_ledger": _reading(_fund),
    "api:create_fund": _setup(kwargs=lambda w: {}, calls=(Call("post", 201, _api_new_fund),)),
    "api:receive_into_fund": _setup(kwargs=_fund, calls=(Call("post", 201, _money),)),
    "api:spend_from_fund": _setup(kwargs=_fund, calls=(Call("post", 201, _money),)),
    "api:get_loan": _reading(_api_loan),
    "api:record_loan": _entry(kwargs=lambda w: {}, calls=(Call("post", 201, _api_new_loan),)),
    "api:repay_loan": _entry(
        kwargs=_api_loan,
        calls=(Call("post", 201, lambda w: {"on": "2015-04-01", "amount": "100"}),),
    ),
    "api:get_project": _reading(_project),
    "api:create_project": _setup(kwargs=lambda w: {}, calls=(Call("post", 201, _api_new_project),)),
    "api:set_project_status": _setup(
        kwargs=_project, calls=(Call("post", 200, lambda w: {"status": "building", "version": 1}),)
    ),
    "api:add_milestone": _setup(
        kwargs=_project,
        calls=(Call("post", 201, lambda w: {"name": "封顶", "planned_on": "2015-09-01"}),),
    ),
    # Reaching a milestone is for whoever works on the site.
    "api:reach_milestone": _entry(
        kwargs=_milestone, calls=(Call("post", 200, lambda w: {"on": ON}),)
    ),
    # The API of activities (api/activities.py) of the target village: the village director
    # records and changes them, the auditor sees them but may not; everyone in scope reads.
    "api:get_activity": _reading(_api_activity),
    "api:get_attendance": _reading(_api_activity),
    "api:list_pending_checkins": _reading(_api_with_pending),
    "api:record_activity": _entry(
        kwargs=lambda w: {},
        calls=(
            Call(
                "post",
                201,
                lambda w: {
                    "owner_id": w.target.pk,
                    "kind": "talk",
                    "title": "家庭教育讲座",
                    "start": "2015-01-01T09:00:00",
                },
            ),
        ),
    ),
    "api:update_activity": _entry(
        kwargs=_api_activity, calls=(Call("patch", 200, lambda w: {"version": 1, "title": "改名"}),)
    ),
    "api:set_counts": _entry(
        kwargs=_api_counted_activity,
        calls=(Call("put", 200, lambda w: {"counts": {"women": 12, "children": 3}}),),
    ),
    "api:add_attendance": _entry(
        kwargs=_api_activity, calls=(Call("post", 201, lambda w: {"person_id": _resident(w).pk}),)
    ),
    "api:remove_attendance": _entry(kwargs=_api_attendance, calls=(Call("delete", 204),)),
    "api:issue_checkin_code": _entry(
        kwargs=_api_activity, calls=(Call("post", 201, lambda w: {"day": ON}),)
    ),
    "api:confirm_pending_checkin": _entry(
        kwargs=_api_pending,
        calls=(Call("post", 200, lambda w: {"person_id": _resident(w, "赵敏").pk}),),
    ),
    "api:reject_pending_checkin": _entry(kwargs=_api_pending, calls=(Call("post", 204),)),
    "api:get_team": _reading(_api_team),
    "api:set_team_profile": _entry(
        kwargs=lambda w: {},
        calls=(Call("post", 200, lambda w: {"unit_id": w.team.pk, "focus": "aid"}),),
    ),
    "api:get_volunteer": _reading(_api_volunteer),
    "api:add_volunteer": _entry(
        kwargs=lambda w: {}, calls=(Call("post", 201, _api_new_volunteer),)
    ),
    "api:end_volunteer": _entry(
        kwargs=_api_volunteer, calls=(Call("post", 200, lambda w: {"on": "2016-01-01"}),)
    ),
    "api:add_service": _entry(
        kwargs=_api_volunteer,
        calls=(
            Call("post", 201, lambda w: {"on": "2015-06-01", "hours": "2", "description": "咨询"}),
        ),
    ),
    "api:get_pairing": _reading(_api_pairing),
    "api:create_pairing": _entry(kwargs=lambda w: {}, calls=(Call("post", 201, _api_new_pairing),)),
    "api:end_pairing": _entry(
        kwargs=_api_pairing, calls=(Call("post", 200, lambda w: {"on": "2016-01-01"}),)
    ),
    "api:add_contact": _entry(
        kwargs=_api_pairing,
        calls=(Call("post", 201, lambda w: {"on": "2015-02-01", "kind": "call"}),),
    ),
    "api:record_visit": _entry(
        kwargs=lambda w: {},
        calls=(
            Call(
                "post", 201, lambda w: {"village_id": w.target.pk, "on": ON, "visitors": "旗妇联"}
            ),
        ),
    ),
    "api:get_need": _reading(_api_need),
    "api:record_need": _entry(
        kwargs=lambda w: {},
        calls=(
            Call(
                "post",
                201,
                lambda w: {
                    "village_id": w.target.pk,
                    "title": "路灯",
                    "category": "roads",
                    "raised_on": ON,
                },
            ),
        ),
    ),
    "api:update_need": _entry(
        kwargs=_api_need,
        calls=(Call("patch", 200, lambda w: {"version": 1, "decision": "协调电业局"}),),
    ),
    # Imports (导入): a batch uploaded into the target village.
    "import_batch": _import(kwargs=_checked_batch, calls=(Call("get", 200),)),
    "import_commit": _import(
        kwargs=_checked_batch, calls=(Call("post", 302, lambda w: {"mode": "valid"}),)
    ),
    "import_undo": _import(kwargs=_committed_batch, calls=(Call("get", 200), Call("post", 302))),
    "import_errors": _import(kwargs=_batch_with_errors, calls=(Call("get", 200),)),
    # Programmes (项目) run by the target village: set-up, applications, delivery, money, works.
    "programme_detail": _reading(_with_programme),
    "programme_rules": _reading(_with_programme),
    "programme_cycles": _reading(_with_programme),
    "programme_edit": _setup(
        kwargs=_with_programme, calls=(Call("get", 200), Call("post", 302, _programme_fields))
    ),
    "rule_add": _setup(
        kwargs=_with_programme, calls=(Call("post", 302, lambda w: {"kind": "sex", "sex": "F"}),)
    ),
    "rule_remove": _setup(kwargs=_with_rule, calls=(Call("post", 302),)),
    "cycle_add": _setup(
        kwargs=_with_programme,
        calls=(Call("post", 302, lambda w: {"name": "2016", "start": "2016-01-01"}),),
    ),
    "cycle_status": _setup(
        kwargs=_with_cycle, calls=(Call("post", 302, lambda w: {"status": "approved"}),)
    ),
    "project_create": _setup(
        kwargs=_with_construction,
        calls=(
            Call("get", 200),
            Call(
                "post",
                302,
                lambda w: {
                    "name": "妇女之家",
                    "site": w.target.pk,
                    "budget": "1000",
                    "status": "planned",
                },
            ),
        ),
    ),
    "enrolment_apply": _entry(
        kwargs=_with_resident, calls=(Call("get", 200), Call("post", 302, _application))
    ),
    "person_apply": _entry(kwargs=_person, calls=(Call("get", 200),)),
    "benefit_deliver": _entry(
        kwargs=_with_enrolled, calls=(Call("get", 200), Call("post", 302, _service_delivery))
    ),
    "benefit_deliver_list": _entry(
        kwargs=_with_enrolled, calls=(Call("get", 200), Call("post", 302, _list_delivery))
    ),
    "enrolment_detail": _reading(_approved),
    # Verifying is the township's: the village director sees the application but may not.
    "enrolment_step": UnitRoute(
        kwargs=_applied,
        calls=(Call("post", 302, lambda w: {"to": "verified", "version": 1}),),
        role=Role.TOWNSHIP_CHAIR,
        weak_role=Role.VILLAGE_DIRECTOR,
        weak=403,
    ),
    "enrolment_compliance": _entry(
        kwargs=_approved,
        calls=(Call("post", 302, lambda w: {"compliant": "no", "compliance_note": "未参加培训"}),),
    ),
    "loan_record": _entry(
        kwargs=_loan_applicant, calls=(Call("get", 200), Call("post", 302, _loan_terms))
    ),
    "loan_repay": _entry(
        kwargs=_with_loan,
        calls=(Call("post", 302, lambda w: {"on": "2015-04-01", "amount": "100"}),),
    ),
    "loan_subsidy": _entry(kwargs=_with_loan, calls=(Call("post", 302, _subsidy),)),
    "benefit_detail": _reading(_benefit),
    "benefit_evidence": _reading(_benefit),
    "fund_detail": _reading(_fund),
    "fund_receive": _setup(kwargs=_fund, calls=(Call("get", 200), Call("post", 302, _money))),
    "fund_spend": _setup(kwargs=_fund, calls=(Call("get", 200), Call("post", 302, _money))),
    "project_detail": _reading(_project),
    "project_photo": _reading(_photo),
    "project_status": _setup(
        kwargs=_project, calls=(Call("post", 302, lambda w: {"status": "building", "version": 1}),)
    ),
    "milestone_add": _setup(
        kwargs=_project,
        calls=(Call("post", 302, lambda w: {"name": "封顶", "planned_on": "2015-09-01"}),),
    ),
    # Reaching a milestone and adding photos are for whoever works on the site.
    "milestone_reach": _entry(kwargs=_milestone, calls=(Call("post", 302, _reached),)),
    "project_photo_add": _entry(kwargs=_project, calls=(Call("post", 302, _photo_upload),)),
    # Activities (活动) of the target village: the activity, its sheet, check-in and files.
    "activity_detail": _reading(_web_activity),
    "activity_live": _reading(_web_activity),
    "activity_file": _reading(_web_file),
    "activity_edit": _web_activity_entry(
        kwargs=_web_activity, calls=(Call("get", 200), Call("post", 302, _web_activity_fields))
    ),
    "counts_set": _web_activity_entry(
        kwargs=_web_counted, calls=(Call("post", 302, lambda w: {"women": "12"}),)
    ),
    "attendance_add": _web_activity_entry(
        kwargs=_web_activity,
        calls=(
            Call("get", 200, lambda w: {"q": "wf"}),
            Call("post", 302, lambda w: {"person": _resident(w).pk}),
        ),
    ),
    "attendance_remove": _web_activity_entry(kwargs=_web_sheet, calls=(Call("post", 302),)),
    "code_issue": _web_activity_entry(kwargs=_web_activity, calls=(Call("post", 302),)),
    "pending_confirm": _web_activity_entry(
        kwargs=_web_pending, calls=(Call("get", 200), Call("post", 302, _web_confirmed))
    ),
    "pending_reject": _web_activity_entry(kwargs=_web_pending, calls=(Call("post", 302),)),
    "activity_file_add": _web_activity_entry(
        kwargs=_web_activity, calls=(Call("post", 302, _photo_upload_as_file),)
    ),
    # Volunteers (志愿者) of the target village's team.
    "team_detail": _reading(_web_team),
    "volunteer_add": _web_activity_entry(
        kwargs=_web_team, calls=(Call("get", 200), Call("post", 302, _web_joining))
    ),
    "service_add": _web_activity_entry(
        kwargs=_web_team_with_member, calls=(Call("post", 302, _web_hours),)
    ),
    "volunteer_end": _web_activity_entry(
        kwargs=_web_member, calls=(Call("post", 302, lambda w: {"on": "2016-01-01"}),)
    ),
    # Pairings (结对) and needs (需求) of the target village.
    "pairing_detail": _reading(_web_pairing),
    "contact_add": _web_activity_entry(
        kwargs=_web_pairing, calls=(Call("post", 302, lambda w: {"on": ON, "kind": "call"}),)
    ),
    "pairing_end": _web_activity_entry(
        kwargs=_web_pairing, calls=(Call("post", 302, lambda w: {"on": "2016-01-01"}),)
    ),
    # Read by everyone who sees the village, changed by who enters there (the auditor's 403 on
    # the change is in test_activities_views).
    "need_detail": UnitRoute(
        kwargs=_web_need,
        calls=(
            Call("get", 200),
            Call("post", 302, lambda w: {"status": "in_progress", "version": 1}),
        ),
        role=Role.VILLAGE_DIRECTOR,
    ),
    # Donations (捐赠) of the target village: donors, gifts and receipts, campaigns, the stock of
    # its charity place and stock-takes, hand-overs and their scans.
    "donor_detail": _reading(_don_donor),
    "donation_receipt": _reading(_don_gift),
    "campaign_detail": _reading(_don_campaign),
    "place_stock": _reading(_don_place_kwargs),
    "stocktake_history": _reading(_don_place_kwargs),
    "handover_document": _reading(_don_handover),
    "stocktake_record": UnitRoute(
        kwargs=_don_place_kwargs,
        calls=(Call("get", 200), Call("post", 302, _don_count)),
        role=Role.VILLAGE_DIRECTOR,
        weak_role=Role.AUDITOR,
        weak=403,
    ),
    # The API of donations (api/donations.py) of the target village: the village director
    # records gifts, aid, places, stock-takes and hand-overs, the auditor sees them but may not;
    # everyone in scope reads.
    "api:get_donor": _reading(_api_don_donor),
    "api:create_donor": _entry(
        kwargs=lambda w: {},
        calls=(Call("post", 201, lambda w: {"owner_id": w.target.pk, "kind": "anonymous"}),),
    ),
    "api:get_campaign": _reading(_api_don_campaign),
    "api:create_campaign": _entry(
        kwargs=lambda w: {},
        calls=(
            Call("post", 201, lambda w: {"owner_id": w.target.pk, "name": "村募捐", "start": ON}),
        ),
    ),
    "api:get_donation": _reading(_api_don_donation),
    "api:receive_donation": _entry(kwargs=lambda w: {}, calls=(Call("post", 201, _api_don_cash),)),
    "api:get_place": _reading(_api_don_place_id),
    "api:open_place": _entry(
        kwargs=lambda w: {},
        calls=(Call("post", 201, lambda w: {"unit_id": w.home.pk, "opened_on": ON}),),
    ),
    "api:list_stocktakes": _reading(_api_don_place_id),
    "api:record_stocktake": _entry(
        kwargs=_api_don_place_id,
        calls=(
            Call(
                "post",
                201,
                lambda w: {
                    "on": "2015-06-30",
                    "counts": [{"item": "大米", "measure": "斤", "counted": "100"}],
                },
            ),
        ),
    ),
    "api:get_disbursement": _reading(_api_don_disbursement),
    "api:disburse": _entry(
        kwargs=lambda w: {},
        calls=(Call("post", 201, lambda w: {"owner_id": w.target.pk, **_api_don_gift(w)}),),
    ),
    "api:disburse_many": _entry(
        kwargs=lambda w: {},
        calls=(
            Call("post", 201, lambda w: {"owner_id": w.target.pk, "gifts": [_api_don_gift(w)]}),
        ),
    ),
    "api:record_handover": _entry(
        kwargs=lambda w: {}, calls=(Call("post", 201, _api_don_handover),)
    ),
    # The dashboard (统计看板) of the target village, the drill-down of a figure and its export,
    # and the figures over the API: anyone who sees the unit, given as a query parameter.
    # Targets are set by the county (APPROVE); the township chair sees them, may not set them.
    "dashboard": UnitRoute(
        kwargs=lambda w: {},
        calls=(Call("get", 200, lambda w: {"unit": w.target.pk, "period": "2015"}),),
        role=Role.COUNTY_STAFF,
    ),
    "figure": UnitRoute(
        kwargs=lambda w: {"key": "activities.count"},
        calls=(Call("get", 200, lambda w: {"unit": w.target.pk, "period": "2015"}),),
        role=Role.COUNTY_STAFF,
    ),
    "figure_export": UnitRoute(
        kwargs=lambda w: {"key": "activities.count"},
        calls=(Call("get", 200, lambda w: {"unit": w.target.pk, "period": "2015", "fmt": "csv"}),),
        role=Role.COUNTY_STAFF,
    ),
    "dashboard_targets": _setup(
        kwargs=lambda w: {},
        calls=(
            Call("get", 200, lambda w: {"unit": w.target.pk, "year": "2015"}),
            Call(
                "post",
                302,
                lambda w: {"unit": w.target.pk, "year": "2015", "activities.count": "12"},
            ),
        ),
    ),
    "api:get_metric_figures": UnitRoute(
        kwargs=lambda w: {},
        calls=(
            Call(
                "get",
                200,
                lambda w: {"keys": "activities.count", "unit": w.target.pk, "period": "2015"},
            ),
        ),
        role=Role.COUNTY_STAFF,
    ),
    # Statistical tables (统计报表) of the target village, on screen and as .xlsx: anyone who sees
    # the unit; the unit is a query parameter, checked through scope like a path.
    "table": UnitRoute(
        kwargs=lambda w: {"key": "organisation"},
        calls=(Call("get", 200, lambda w: {"unit": w.target.pk, "period": "2015"}),),
        role=Role.COUNTY_STAFF,
    ),
    "table_xlsx": UnitRoute(
        kwargs=lambda w: {"key": "activities"},
        calls=(Call("get", 200, lambda w: {"unit": w.target.pk, "period": "2015"}),),
        role=Role.COUNTY_STAFF,
    ),
}

# The roles of GLOBAL_MATRIX, and where each holds its grant.
GLOBAL_ROLES: dict[str, tuple[Role, Callable[[World], OrgUnit]] | None] = {
    "anonymous": None,
    "no_grant": None,
    "village_director": (Role.VILLAGE_DIRECTOR, lambda w: w.target),
    "township_chair": (Role.TOWNSHIP_CHAIR, lambda w: w.township),
    "county_admin": (Role.COUNTY_ADMIN, lambda w: w.county),
    "auditor": (Role.AUDITOR, lambda w: w.county),
}
SIGNED_IN = {role: "ok" for role in GLOBAL_ROLES if role != "anonymous"}
PAGE_FOR_EVERYONE: dict[str, Outcome] = {"anonymous": LOGIN, **SIGNED_IN}
API_FOR_EVERYONE: dict[str, Outcome] = {"anonymous": 401, **SIGNED_IN}

GLOBAL_MATRIX: dict[str, GlobalRoute] = {
    "home": GlobalRoute(calls=(Call("get", 200),), expect=PAGE_FOR_EVERYONE),
    # The catalogue of metrics describes figures, not data: for every signed-in script.
    "api:list_metrics": GlobalRoute(calls=(Call("get", 200),), expect=API_FOR_EVERYONE),
    # The list of statistical tables: for her own unit; empty without a grant.
    "tables": GlobalRoute(calls=(Call("get", 200),), expect=PAGE_FOR_EVERYONE),
    "work_area": GlobalRoute(
        kwargs=lambda w: {"key": "organisation"},
        calls=(Call("get", 200),),
        expect=PAGE_FOR_EVERYONE,
    ),
    "logout": GlobalRoute(calls=(Call("post", 302),), expect=dict.fromkeys(GLOBAL_ROLES, "ok")),
    "password_change": GlobalRoute(calls=(Call("get", 200),), expect=PAGE_FOR_EVERYONE),
    "token_index": GlobalRoute(
        calls=(Call("get", 200), Call("post", 200, lambda w: {"name": "脚本", "days": "30"})),
        expect=PAGE_FOR_EVERYONE,
    ),
    # With one subtree in scope the index goes straight to it; with none it shows an empty page.
    "unit_index": GlobalRoute(
        calls=(Call("get", 302),), expect={**PAGE_FOR_EVERYONE, "no_grant": 200}
    ),
    "user_index": GlobalRoute(
        calls=(Call("get", 200),),
        expect={
            "anonymous": LOGIN,
            "no_grant": 404,
            "village_director": 404,
            "township_chair": "ok",
            "county_admin": "ok",
            "auditor": "ok",
        },
    ),
    "user_create": GlobalRoute(
        calls=(Call("get", 200),),
        expect={
            "anonymous": LOGIN,
            "no_grant": 404,
            "village_director": 404,
            "township_chair": "ok",
            "county_admin": "ok",
            "auditor": 404,
        },
    ),
    "audit_index": GlobalRoute(
        calls=(Call("get", 200),),
        expect={**dict.fromkeys(SIGNED_IN, 404), "anonymous": LOGIN, "auditor": "ok"},
    ),
    "audit_verify": GlobalRoute(
        calls=(Call("post", 302),),
        expect={**dict.fromkeys(SIGNED_IN, 404), "anonymous": LOGIN, "auditor": "ok"},
    ),
    "api:list_units": GlobalRoute(calls=(Call("get", 200),), expect=API_FOR_EVERYONE),
    "api:me": GlobalRoute(calls=(Call("get", 200),), expect=API_FOR_EVERYONE),
    "api:list_users": GlobalRoute(calls=(Call("get", 200),), expect=API_FOR_EVERYONE),
    # The people registry: everyone may search (and finds only her scope); entering needs a role
    # that edits, and the background scan one that verifies.
    # A search for a number is answered in place; any other is redirected to an address.
    "person_index": GlobalRoute(
        calls=(
            Call("get", 200),
            Call("post", 302, lambda w: {"q": "wf"}),
            Call("post", 200, lambda w: {"q": MATRIX_ID}),
        ),
        expect=PAGE_FOR_EVERYONE,
    ),
    "person_register": GlobalRoute(
        calls=(
            Call("get", 200),
            Call("post", 302, lambda w: {"name": "王芳", "sex": "F", "residence": w.target.pk}),
        ),
        expect={**PAGE_FOR_EVERYONE, "no_grant": 404, "auditor": 404},
    ),
    "duplicate_index": GlobalRoute(
        calls=(Call("get", 200),), expect={**PAGE_FOR_EVERYONE, "no_grant": 404, "auditor": 404}
    ),
    "duplicate_scan": GlobalRoute(
        calls=(Call("post", 302),),
        expect={
            "anonymous": LOGIN,
            "no_grant": 404,
            "village_director": 404,
            "township_chair": "ok",
            "county_admin": "ok",
            "auditor": 404,
        },
    ),
    "api:list_people": GlobalRoute(calls=(Call("get", 200),), expect=API_FOR_EVERYONE),
    # The API's lists of programmes and activities: everyone signed in gets one, holding only
    # what reaches her scope (nothing without a grant). The volunteer export is such a list too.
    **{
        f"api:{name}": GlobalRoute(calls=(Call("get", 200),), expect=API_FOR_EVERYONE)
        for name in (
            "list_organisations",
            "list_programmes",
            "list_enrolments",
            "list_enrolment_queue",
            "list_benefits",
            "list_funds",
            "list_loans",
            "list_projects",
            "list_activities",
            "list_teams",
            "list_volunteers",
            "list_hours",
            "list_services",
            "export_volunteers",
            "list_pairings",
            "list_overdue_pairings",
            "list_visits",
            "list_needs",
            "list_overdue_needs",
        )
    },
    # Organisations belong to no unit: whoever enters records somewhere may add one (an existing
    # one comes back as it is, hence 200). The auditor, and a user without a grant, may not: both
    # get 403 (the API checks the role before any lookup), where pages answer 404 to the latter.
    "api:create_organisation": GlobalRoute(
        calls=(Call("post", 200, lambda w: {"name": "农商银行", "kind": "bank"}),),
        expect={**API_FOR_EVERYONE, "no_grant": 403, "auditor": 403},
    ),
    # Everyone may export what she sees (masked); the file holds only her scope.
    "person_export": GlobalRoute(
        calls=(Call("get", 200), Call("post", 200, lambda w: {"fmt": "csv"})),
        expect=PAGE_FOR_EVERYONE,
    ),
    # Imports need a role that enters records; the upload goes into the target village.
    "import_index": GlobalRoute(
        calls=(Call("get", 200), Call("post", 302, _import_upload)),
        expect={**PAGE_FOR_EVERYONE, "no_grant": 404, "auditor": 404},
    ),
    "import_template": GlobalRoute(
        kwargs=lambda w: {"kind": "people"},
        calls=(Call("get", 200),),
        expect={**PAGE_FOR_EVERYONE, "no_grant": 404, "auditor": 404},
    ),
    # Programmes: everyone sees those reaching her (and her queue, funds); setting up programmes
    # and opening funds is for who approves somewhere, here the county administrator.
    "programme_index": GlobalRoute(calls=(Call("get", 200),), expect=PAGE_FOR_EVERYONE),
    "enrolment_queue": GlobalRoute(calls=(Call("get", 200),), expect=PAGE_FOR_EVERYONE),
    "fund_index": GlobalRoute(calls=(Call("get", 200),), expect=PAGE_FOR_EVERYONE),
    "programme_create": GlobalRoute(
        calls=(
            Call("get", 200),
            Call(
                "post",
                302,
                lambda w: {
                    "name": "两癌筛查",
                    "owner": w.county.pk,
                    "work_area": "livelihood",
                    "kind": "screening",
                    "beneficiary": "person",
                    "start": ON,
                    "status": "open",
                },
            ),
        ),
        expect={**dict.fromkeys(SIGNED_IN, 404), "anonymous": LOGIN, "county_admin": "ok"},
    ),
    "fund_create": GlobalRoute(
        calls=(
            Call("get", 200),
            Call(
                "post",
                302,
                lambda w: {
                    "name": "救助金",
                    "owner": w.county.pk,
                    "source": "allocation",
                    "opened_on": ON,
                },
            ),
        ),
        expect={**dict.fromkeys(SIGNED_IN, 404), "anonymous": LOGIN, "county_admin": "ok"},
    ),
    # Activities, volunteers, pairings and village assistance: everyone sees her area's lists
    # (empty without a grant); recording needs a role that enters records.
    "activity_index": GlobalRoute(calls=(Call("get", 200),), expect=PAGE_FOR_EVERYONE),
    "activity_calendar": GlobalRoute(calls=(Call("get", 200),), expect=PAGE_FOR_EVERYONE),
    "team_index": GlobalRoute(calls=(Call("get", 200),), expect=PAGE_FOR_EVERYONE),
    "pairing_index": GlobalRoute(calls=(Call("get", 200),), expect=PAGE_FOR_EVERYONE),
    "village_board": GlobalRoute(calls=(Call("get", 200),), expect=PAGE_FOR_EVERYONE),
    # The file holds only the teams she sees, masked unless she may reveal.
    "volunteer_export": GlobalRoute(
        calls=(Call("get", 200), Call("post", 200, lambda w: {"fmt": "csv"})),
        expect=PAGE_FOR_EVERYONE,
    ),
    "activity_create": GlobalRoute(
        calls=(
            Call("get", 200),
            Call(
                "post",
                302,
                lambda w: {
                    "owner": w.target.pk,
                    "kind": "meeting",
                    "title": "妇女议事会",
                    "start": "2015-01-01T09:00",
                    "headcount": "attendance",
                    "spending": "0",
                    "in_kind_value": "0",
                },
            ),
        ),
        expect={**PAGE_FOR_EVERYONE, "no_grant": 404, "auditor": 404},
    ),
    "pairing_create": GlobalRoute(
        calls=(Call("get", 200), Call("post", 302, _web_new_pairing)),
        expect={**PAGE_FOR_EVERYONE, "no_grant": 404, "auditor": 404},
    ),
    "visit_create": GlobalRoute(
        calls=(
            Call("get", 200),
            Call(
                "post",
                302,
                lambda w: {"village": w.target.pk, "on": ON, "visitors": "张主席"},
            ),
        ),
        expect={**PAGE_FOR_EVERYONE, "no_grant": 404, "auditor": 404},
    ),
    # Donations (捐赠): everyone sees her area's lists (empty without a grant); recording is for
    # whoever enters records. The public pages of a campaign and a place need no sign-in.
    **{
        name: GlobalRoute(calls=(Call("get", 200),), expect=PAGE_FOR_EVERYONE)
        for name in (
            "donation_index",
            "donor_index",
            "campaign_index",
            "place_index",
            "disbursement_index",
            "handover_index",
        )
    },
    "donation_receive": _don_entry(Call("post", 302, _don_cash)),
    "donor_create": _don_entry(
        Call("post", 302, lambda w: {"owner": w.target.pk, "kind": "anonymous"})
    ),
    "campaign_create": _don_entry(
        Call("post", 302, lambda w: {"name": "村募捐", "owner": w.target.pk, "start": ON})
    ),
    "place_open": _don_entry(
        Call("post", 302, lambda w: {"unit": w.target.pk, "opened_on": ON, "public": "on"})
    ),
    "disburse": _don_entry(Call("post", 302, _don_aid)),
    "disburse_list": _don_entry(Call("post", 302, _don_list)),
    "handover_record": _don_entry(
        Call(
            "post",
            302,
            lambda w: {
                "owner": w.target.pk,
                "on": ON,
                "description": "现场募捐款",
                "amount": "100",
                "handed_by": "村妇联",
                "received_by": "妇女之家",
            },
        )
    ),
    "public_campaign": _don_public(_don_campaign),
    "public_place": _don_public(_don_place_kwargs),
    # The API's lists of donations: everyone signed in gets one, holding only her scope.
    **{
        f"api:{name}": GlobalRoute(calls=(Call("get", 200),), expect=API_FOR_EVERYONE)
        for name in (
            "list_donors",
            "list_campaigns",
            "list_donations",
            "list_places",
            "list_disbursements",
            "list_handovers",
        )
    },
}


def _own_token(world: World, owner: User) -> dict[str, Any]:
    token, _key = api_token_create(user=owner, name="owned")
    return {"token_id": token.pk}


def _own_progress(world: World, owner: User) -> dict[str, Any]:
    return {"progress_id": progress_start(owner_id=owner.pk, label="job").pk}


def _own_scan(world: World, owner: User) -> dict[str, Any]:
    return {"progress_id": progress_start(owner_id=owner.pk, label="duplicates scan").pk}


def _own_export(world: World, owner: User) -> dict[str, Any]:
    return {"progress_id": progress_start(owner_id=owner.pk, label=EXPORT_LABEL).pk}


def _own_finished_export(world: World, owner: User) -> dict[str, Any]:
    # The test settings run tasks at once: the export is finished when this returns.
    progress = export_people_start(actor=owner, filters=PersonFilter(), fmt="csv", reveal=False)
    return {"progress_id": progress.pk}


OWNER_MATRIX: dict[str, OwnerRoute] = {
    "export_progress": OwnerRoute(kwargs=_own_export, calls=(Call("get", 200),)),
    "export_download": OwnerRoute(kwargs=_own_finished_export, calls=(Call("get", 200),)),
    "token_revoke": OwnerRoute(kwargs=_own_token, calls=(Call("post", 302),)),
    "progress_detail": OwnerRoute(kwargs=_own_progress, calls=(Call("get", 200),)),
    "duplicate_scan_progress": OwnerRoute(kwargs=_own_scan, calls=(Call("get", 200),)),
}


# --- the annual work summary (工作总结) of the target village -------------------------------------
#
# Read by whoever views the village; stored (snapshot) by whoever enters records there; its
# paragraphs edited by whoever approves there (the county administrator), not the township
# chair, who sees the village. Imports are local, so that this block stays apart.


def _sum_unit(world: World) -> dict[str, Any]:
    return {"unit_id": world.target.pk, "period": "2015"}


def _sum_snapshot(world: World) -> dict[str, Any]:
    from jinguo.reports.summary import snapshot_create

    snapshot = snapshot_create(actor=None, unit=world.target, year=2015)
    return {"snapshot_id": snapshot.pk}


def _sum_paragraph(world: World) -> dict[str, Any]:
    return {"unit_id": world.target.pk, "key": "loans"}


def _sum_own_paragraph(world: World) -> dict[str, Any]:
    from jinguo.reports.services import paragraph_write

    paragraph_write(
        actor=None,
        unit=world.target,
        key="loans",
        section="prosperity",
        kind="item",
        order=20,
        heading="贷款",
        text="{loans.count}",
        active=True,
    )
    return _sum_paragraph(world)


def _sum_words(world: World) -> dict[str, Any]:
    from jinguo.reports.defaults import defaults_sync
    from jinguo.reports.models import Paragraph

    defaults_sync()
    base = Paragraph.objects.get(owner=None, key="loans")
    return {
        "heading": "贷款",
        "text": "本村{loans.count}笔。",
        "order": "20",
        "active": "on",
        "base_id": base.pk,
        "base_version": base.version,
    }


def _sum_approve(**kwargs: Any) -> UnitRoute:
    return UnitRoute(role=Role.COUNTY_ADMIN, weak_role=Role.TOWNSHIP_CHAIR, weak=403, **kwargs)


UNIT_MATRIX.update(
    {
        "summary_view": _reading(_sum_unit),
        "summary_download": _reading(_sum_unit),
        "snapshot_create": UnitRoute(
            kwargs=_sum_unit,
            calls=(Call("post", 302, lambda w: {"note": "初稿"}),),
            role=Role.VILLAGE_DIRECTOR,
            weak_role=Role.AUDITOR,
            weak=403,
        ),
        "snapshot_detail": _reading(_sum_snapshot),
        "snapshot_download": _reading(_sum_snapshot),
        "snapshot_changes": _reading(_sum_snapshot),
        "paragraph_index": _sum_approve(
            kwargs=lambda w: {"unit_id": w.target.pk}, calls=(Call("get", 200),)
        ),
        "paragraph_create": _sum_approve(
            kwargs=lambda w: {"unit_id": w.target.pk},
            calls=(
                Call("get", 200),
                Call(
                    "post",
                    302,
                    lambda w: {"section": "closing", "heading": "结语", "text": "", "order": "100"},
                ),
            ),
        ),
        "paragraph_edit": _sum_approve(
            kwargs=_sum_paragraph, calls=(Call("get", 200), Call("post", 302, _sum_words))
        ),
        "paragraph_reset": _sum_approve(kwargs=_sum_own_paragraph, calls=(Call("post", 302),)),
    }
)
GLOBAL_MATRIX["summary"] = GlobalRoute(calls=(Call("get", 200),), expect=PAGE_FOR_EVERYONE)

COVERED = {**PUBLIC, **UNIT_MATRIX, **GLOBAL_MATRIX, **OWNER_MATRIX}


# --- walking the URL conf -------------------------------------------------------------------------


def walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    """(name, route) of every URL pattern, with namespaces ("api:get_unit"), recursively."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, route, inner)
        else:
            name = pattern.name or f"<unnamed {route}>"
            yield (f"{namespace}:{name}" if namespace else name), route


def url_names(resolver: URLResolver | None = None) -> set[str]:
    return {name for name, _route in walk((resolver or get_resolver()).url_patterns)}


def uncovered(names: set[str]) -> set[str]:
    return names - set(COVERED)


def test_the_walker_finds_pages_api_operations_and_included_urls() -> None:
    names = url_names()

    assert {"home", "unit_detail", "grant_revoke", "login", "set_language"} <= names
    assert {"api:get_unit", "api:update_unit", "api:create_unit", "api:openapi-json"} <= names
    routes = dict(walk(get_resolver().url_patterns))
    assert routes["api:get_unit"] == "api/v1/orgunits/<unit_id>"
    assert routes["set_language"] == "i18n/setlang/"


def test_a_view_added_without_an_entry_is_caught() -> None:
    def new_view(request: Any) -> HttpResponse:
        return HttpResponse()

    patterns = [
        *get_resolver().url_patterns,
        path("reports/<int:unit_id>/", new_view, name="report_detail"),
        path("unnamed/", new_view),
    ]
    resolver = URLResolver(RegexPattern(r"^/"), patterns)

    assert uncovered(url_names(resolver)) == {"report_detail", "<unnamed unnamed/>"}


def test_every_url_is_public_or_in_a_matrix() -> None:
    assert uncovered(url_names()) == set()


def test_the_matrices_name_only_urls_that_exist() -> None:
    assert set(COVERED) - url_names() == set()
    assert not (set(PUBLIC) & set(UNIT_MATRIX) & set(GLOBAL_MATRIX) & set(OWNER_MATRIX))


def test_every_global_route_has_an_expectation_for_every_role() -> None:
    for name, route in GLOBAL_MATRIX.items():
        assert set(route.expect) == set(GLOBAL_ROLES), name


# --- making requests ------------------------------------------------------------------------------


def is_api(name: str) -> bool:
    return name.startswith("api:")


def request(
    client: Client, name: str, kwargs: dict[str, Any], call: Call, world: World, token: str | None
) -> Any:
    url = reverse(name, kwargs=kwargs)
    data = call.data(world) if call.data else {}
    method = getattr(client, call.method)
    if is_api(name):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if call.method == "get":
            return client.get(url, data, headers=headers)
        return method(url, json.dumps(data), content_type="application/json", headers=headers)
    return method(url, data)


def acting(client: Client, name: str, user: User | None) -> str | None:
    """Sign the user in the way the URL expects; returns the bearer token for the API."""
    if user is None:
        return None
    if is_api(name):
        return api_token_create(user=user, name="matrix")[1]
    client.force_login(user)
    return None


def assert_outcome(response: HttpResponse, expected: Outcome, what: str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, what
        assert response["Location"].startswith(f"{reverse('login')}?next="), what
    else:
        assert response.status_code == expected, f"{what}: {response.content[:300]!r}"


# --- URLs of objects in a unit --------------------------------------------------------------------

PERSPECTIVES = ["anonymous", "no_grant", "sibling", "own", "ancestor", "own_weak_role"]


def unit_cases() -> Iterator[Any]:
    for name, route in UNIT_MATRIX.items():
        for perspective in PERSPECTIVES:
            if perspective == "own_weak_role" and route.weak_role is None:
                continue
            yield pytest.param(name, perspective, id=f"{name}-{perspective}")


def unit_actor(world: World, route: UnitRoute, perspective: str) -> User | None:
    where = {"sibling": world.sibling, "own": world.target, "ancestor": world.county}
    if perspective == "anonymous":
        return None
    if perspective == "no_grant":
        return make_user("actor")
    if perspective == "own_weak_role":
        assert route.weak_role is not None
        return make_user("actor", route.weak_role, world.target)
    return make_user("actor", route.role, where[perspective])


def unit_expectation(name: str, route: UnitRoute, call: Call, perspective: str) -> Outcome:
    if perspective == "anonymous":
        return 401 if is_api(name) else LOGIN
    if perspective in {"no_grant", "sibling"}:
        return 404
    if perspective == "own_weak_role":
        assert route.weak is not None
        return route.weak
    return call.ok


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "perspective"), list(unit_cases()))
def test_unit_url_access(world: World, client: Client, name: str, perspective: str) -> None:
    route = UNIT_MATRIX[name]
    token = acting(client, name, unit_actor(world, route, perspective))
    kwargs = route.kwargs(world)

    for call in route.calls:
        response = request(client, name, kwargs, call, world, token)
        expected = unit_expectation(name, route, call, perspective)
        assert_outcome(response, expected, f"{call.method.upper()} {name} as {perspective}")


# --- URLs tied to no unit -------------------------------------------------------------------------


def global_actor(world: World, role_key: str) -> User | None:
    if role_key == "anonymous":
        return None
    grant = GLOBAL_ROLES[role_key]
    if grant is None:
        return make_user("actor")
    role, unit = grant
    return make_user("actor", role, unit(world))


@pytest.mark.django_db
@pytest.mark.parametrize("role_key", list(GLOBAL_ROLES))
@pytest.mark.parametrize("name", list(GLOBAL_MATRIX))
def test_global_url_access(world: World, client: Client, name: str, role_key: str) -> None:
    route = GLOBAL_MATRIX[name]
    token = acting(client, name, global_actor(world, role_key))

    for call in route.calls:
        response = request(client, name, route.kwargs(world), call, world, token)
        expected = route.expect[role_key]
        assert_outcome(
            response,
            call.ok if expected == "ok" else expected,
            f"{call.method.upper()} {name} as {role_key}",
        )


# --- URLs of something a user owns ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("perspective", ["anonymous", "owner", "someone_else"])
@pytest.mark.parametrize("name", list(OWNER_MATRIX))
def test_owned_url_access(world: World, client: Client, name: str, perspective: str) -> None:
    route = OWNER_MATRIX[name]
    owner = make_user("owner", Role.COUNTY_ADMIN, world.county)
    kwargs = route.kwargs(world, owner)
    # Someone else is as powerful as the owner: ownership, not rank, decides.
    actor = {
        "anonymous": None,
        "owner": owner,
        "someone_else": make_user("someone-else", Role.COUNTY_ADMIN, world.county),
    }[perspective]
    token = acting(client, name, actor)

    for call in route.calls:
        response = request(client, name, kwargs, call, world, token)
        expected = {"anonymous": LOGIN, "owner": call.ok, "someone_else": 404}[perspective]
        assert_outcome(response, expected, f"{call.method.upper()} {name} as {perspective}")


# --- public URLs ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_url_needs_no_sign_in(client: Client, name: str) -> None:
    route = PUBLIC[name]

    response = getattr(client, route.method)(reverse(name, kwargs=route.kwargs), route.data or {})

    assert response.status_code == route.expect
