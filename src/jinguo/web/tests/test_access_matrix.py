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

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.urls.resolvers import RegexPattern

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
