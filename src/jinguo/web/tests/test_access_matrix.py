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


def _setup(**kwargs: Any) -> UnitRoute:
    """Setting programmes, funds and projects up: the county administrator's; the township
    chair sees the target village but may not."""
    return UnitRoute(role=Role.COUNTY_ADMIN, weak_role=Role.TOWNSHIP_CHAIR, weak=403, **kwargs)


def _entry(**kwargs: Any) -> UnitRoute:
    """Entering applications, deliveries, loans: whoever enters records; the auditor may not."""
    return UnitRoute(role=Role.VILLAGE_DIRECTOR, weak_role=Role.AUDITOR, weak=403, **kwargs)


def _reading(kwargs: Callable[[World], dict[str, Any]]) -> UnitRoute:
    return UnitRoute(kwargs=kwargs, calls=(Call("get", 200),), role=Role.COUNTY_STAFF)


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


PUBLIC: dict[str, PublicRoute] = {
    "login": PublicRoute("get", 200),
    "set_language": PublicRoute("post", 302, {"language": "en", "next": "/"}),
    # The schema and its docs describe endpoints, not data (see api/tests/test_auth_and_schema).
    "api:openapi-json": PublicRoute("get", 200),
    "api:openapi-view": PublicRoute("get", 200),
    "api:api-root": PublicRoute("get", 404),
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
            return client.get(url, headers=headers)
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

    response = getattr(client, route.method)(reverse(name), route.data or {})

    assert response.status_code == route.expect
