"""Helpers the import-type tests share: the file a test uploads, the upload and its check (the
dry run), the commit, the errors by row, and the people and volunteer teams some rows name."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Protocol

from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from jinguo.accounts.models import User
from jinguo.activities import services
from jinguo.activities.choices import TeamFocus
from jinguo.activities.models import VolunteerTeam
from jinguo.imports.models import ImportBatch
from jinguo.imports.services import import_check, import_commit, import_upload
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.orgunits.services import orgunit_create
from jinguo.people import idnumbers
from jinguo.testing import OPENED

TEAM = "巾帼志愿服务队"


def csv_bytes(rows: Sequence[Sequence[object]], *, header: Sequence[str]) -> bytes:
    """A UTF-8 CSV file: the header, then the rows. A test file binds its own header with
    `functools.partial(csv_bytes, header=HEADER)`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


class Upload(Protocol):
    def __call__(self, user: User, unit: OrgUnit, data: bytes, name: str = ...) -> ImportBatch: ...


def uploader(kind: str, file_name: str) -> Upload:
    """`upload(user, unit, data, name=file_name)` for the import type `kind`: the file uploaded
    for the unit and checked (the dry run)."""

    def upload(user: User, unit: OrgUnit, data: bytes, name: str = file_name) -> ImportBatch:
        batch = import_upload(actor=user, kind=kind, unit=unit, file_name=name, data=data)
        return import_check(actor=user, batch=batch)

    return upload


def commit(
    user: User, batch: ImportBatch, mode: str = ImportBatch.Mode.ALL_OR_NOTHING
) -> ImportBatch:
    return import_commit(actor=user, batch=batch, mode=mode)


def template_header(client: Client, kind: str) -> list[object]:
    """The first row of the import type's template, after checking that the import page links
    the template and that it downloads."""
    index = client.get(reverse("import_index"))
    assert index.status_code == 200
    assert reverse("import_template", args=[kind]) in index.content.decode()
    response = client.get(reverse("import_template", args=[kind]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return list(
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[0]
    )


def errors_by_row(batch: ImportBatch) -> dict[int, tuple[str, str]]:
    return {e["row"]: (e["column"], e["message"]) for e in batch.first_errors}


def number(seq: int) -> str:
    """A woman's ID number of the banner (150525), born on 1 January 1980, with the sequence
    number `seq`."""
    return idnumbers.generate("150525", OPENED.replace(year=1980), "F", seq)


def make_team(parent: OrgUnit, name: str) -> VolunteerTeam:
    unit = orgunit_create(
        actor=None, parent=parent, name=name, kind=Kind.VOLUNTEER_TEAM, opened_on=OPENED
    )
    return services.team_profile_set(actor=None, unit=unit, focus=TeamFocus.LEGAL_RIGHTS)
