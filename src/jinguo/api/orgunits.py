from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from jinguo.accounts.roles import Perm
from jinguo.orgunits import access, selectors, services
from jinguo.orgunits.models import Kind, OrgUnit

router = Router(tags=["org units"])


class OrgUnitOut(Schema):
    id: int
    code: str
    division_code: str
    name: str
    kind: Kind
    parent_id: int | None
    depth: int
    county_code: str
    opened_on: dt.date
    closed_on: dt.date | None


class OrgUnitCreate(Schema):
    parent_id: int
    name: str = Field(..., min_length=1, max_length=100)
    kind: Kind
    code: str | None = Field(None, max_length=24)
    opened_on: dt.date | None = None
    address: str = ""


class OrgUnitUpdate(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    parent_id: int | None = None
    on: dt.date | None = None


class CloseIn(Schema):
    on: dt.date | None = None


@router.get("/", response=list[OrgUnitOut])
@paginate(LimitOffsetPagination)
def list_units(
    request: HttpRequest, search: str = "", kind: str = "", include_closed: bool = False
) -> list[OrgUnit]:
    return selectors.unit_list(
        request.user,
        search=search,
        kind=kind,  # type: ignore[return-value]
        include_closed=include_closed,
    )


@router.get("/{unit_id}", response=OrgUnitOut)
def get_unit(request: HttpRequest, unit_id: int) -> OrgUnit:
    return access.unit_get(request.user, unit_id)


@router.get("/{unit_id}/children", response=list[OrgUnitOut])
def list_children(
    request: HttpRequest, unit_id: int, include_closed: bool = False
) -> list[OrgUnit]:
    unit = access.unit_get(request.user, unit_id)
    return list(selectors.unit_children(request.user, unit, include_closed=include_closed))


@router.post("/", response={201: OrgUnitOut})
def create_unit(request: HttpRequest, payload: OrgUnitCreate) -> Status[OrgUnit]:
    parent = access.unit_get(request.user, payload.parent_id)
    unit = services.orgunit_create(
        actor=request.user,
        parent=parent,
        name=payload.name,
        kind=payload.kind,
        code=payload.code,
        opened_on=payload.opened_on,
        address=payload.address,
    )
    return Status(201, unit)


@router.patch("/{unit_id}", response=OrgUnitOut)
def update_unit(request: HttpRequest, unit_id: int, payload: OrgUnitUpdate) -> OrgUnit:
    """Rename and/or move a unit; each change is kept in the unit's history."""
    unit = access.unit_get(request.user, unit_id, Perm.MANAGE_UNITS)
    # Both changes or neither: a refused rename must not leave the move done.
    with transaction.atomic():
        if payload.parent_id is not None and payload.parent_id != unit.parent_id:
            new_parent = access.unit_get(request.user, payload.parent_id)
            unit = services.orgunit_move(
                actor=request.user, unit=unit, new_parent=new_parent, on=payload.on
            )
        if payload.name is not None and payload.name != unit.name:
            unit = services.orgunit_rename(
                actor=request.user, unit=unit, name=payload.name, on=payload.on
            )
    return unit


@router.post("/{unit_id}/close", response=OrgUnitOut)
def close_unit(request: HttpRequest, unit_id: int, payload: CloseIn) -> OrgUnit:
    unit = access.unit_get(request.user, unit_id, Perm.MANAGE_UNITS)
    return services.orgunit_close(actor=request.user, unit=unit, on=payload.on)


class MergeIn(Schema):
    target_id: int
    on: dt.date | None = None


@router.post("/{unit_id}/merge", response=OrgUnitOut)
def merge_unit(request: HttpRequest, unit_id: int, payload: MergeIn) -> OrgUnit:
    """Merge the unit into another: its open units move there and it closes. Returns the target."""
    unit = access.unit_get(request.user, unit_id, Perm.MANAGE_UNITS)
    target = access.unit_get(request.user, payload.target_id)
    return services.orgunit_merge(actor=request.user, sources=[unit], target=target, on=payload.on)
