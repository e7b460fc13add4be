"""No plaintext ID number or phone in the database file, the logs or the error pages.

The database holds ID numbers and phones only as AES-GCM tokens and keyed blind indexes;
logs of SQL show those, not the numbers; an error page or an API error body never repeats
them; the audit log records that they changed, never what they are.

Every number is checked in each form someone might type or a bug might store: the normalised
18 characters, a lower-case x, the first 17 digits (shared by both), the 15-digit original
and full-width digits.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path

from jinguo.accounts.models import User
from jinguo.api.urls import api
from jinguo.audit.models import AuditEntry
from jinguo.config import urls as project_urls
from jinguo.core.crypto import generate_key
from jinguo.core.errors import ApplicationError
from jinguo.orgunits.models import OrgUnit
from jinguo.people import selectors, services
from jinguo.people.choices import Category, ConsentGiver, ParentsSituation, Relation
from jinguo.people.selectors import PersonFilter, person_list
from jinguo.people.services import (
    category_add,
    consent_withdraw,
    household_add_member,
    household_create,
    person_register,
    person_reveal,
    person_update,
)
from jinguo.people.tests.conftest import MakePerson, consent

pytestmark = pytest.mark.django_db

WANG_FANG_ID = "15052519800308008X"
LI_NA_ID = "110105198507150243"
LEGACY_ID = "152326750601006"  # stored as its upgrade:
LEGACY_UPGRADED = "15232619750601006X"
CHILD_ID = "150525201505100241"
PHONE = "13912345678"
NEW_PHONE = "13800003333"
LI_NA_PHONE = "13600001111"
FATHER_PHONE = "13500004444"
ALL_IDS = (WANG_FANG_ID, LI_NA_ID, LEGACY_UPGRADED, CHILD_ID)
ALL_PHONES = (PHONE, NEW_PHONE, LI_NA_PHONE, FATHER_PHONE)

_FULL_WIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


def full_width(text: str) -> str:
    return text.translate(_FULL_WIDTH)


def forms(*numbers: str) -> list[str]:
    """Every way each number could show up as text."""
    found: list[str] = []
    for number in numbers:
        variants = {number, number.lower(), full_width(number)}
        if len(number) == 18:
            variants |= {number[:17], full_width(number[:17])}
        found.extend(sorted(variants))
    return [*found, LEGACY_ID, full_width(LEGACY_ID)]


SECRETS = forms(*ALL_IDS, *ALL_PHONES)


def leaked(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_the_secrets_are_recognised_in_every_form() -> None:
    # The checks below are only as good as this list: make sure it catches what it should.
    assert leaked(f"id={WANG_FANG_ID.lower()}") == [WANG_FANG_ID[:17], WANG_FANG_ID.lower()]
    assert leaked(full_width(PHONE)) == [full_width(PHONE)]
    assert leaked(f"old number {LEGACY_ID}") == [LEGACY_ID]
    assert leaked("v1:k1:AbC 5678 150525********008X 139****5678") == []


# --- (a) the SQLite database file -----------------------------------------------------------------

SCENARIO = """
import datetime as dt
import json
import logging
import os
import shutil

from django.db import connection

from jinguo.accounts.roles import Role
from jinguo.people.choices import Category, ConsentGiver, ParentsSituation
from jinguo.people.models import Person
from jinguo.people.selectors import PersonFilter, person_list
from jinguo.people.services import (
    ConsentInput, category_add, consent_withdraw, person_register, person_reveal, person_update,
)
from jinguo.testing import build_tree, make_user

logging.getLogger("django.db.backends").setLevel(logging.DEBUG)
given = json.loads(os.environ["SCENARIO"])
tree = build_tree()
admin = make_user("county-admin", Role.COUNTY_ADMIN, tree.county)
village = tree.village(0, 0)

def agreed(by="self"):
    return ConsentInput("registry", "登记", by, "本人", dt.date(2025, 1, 1))

people = [
    person_register(
        actor=admin, name=f"王芳{i}", residence=village, id_number=number, phone=phone,
        consent=agreed(),
    )
    for i, (number, phone) in enumerate(given["register"])
]
person_update(actor=admin, person=people[0], version=1, phone=given["new_phone"])
for text in given["searches"]:
    assert len(person_list(admin, PersonFilter(search=text))) == 1, text
assert person_reveal(actor=admin, person=people[0], field="id_number", reason="核对")
consent_withdraw(actor=admin, consent=people[1].consents.get())
child = person_register(
    actor=admin, name="王小花", residence=village, id_number=given["child"],
    consent=agreed("guardian"),
)
category_add(
    actor=admin, person=child, category=Category.LEFT_BEHIND_CHILD, start=dt.date(2024, 1, 1),
    left_behind={"parents": ParentsSituation.BOTH_AWAY, "father_phone": given["father_phone"]},
)
wal = f"{connection.settings_dict['NAME']}-wal"
if os.path.exists(wal):
    shutil.copyfile(wal, given["wal_copy"])
with connection.cursor() as cursor:
    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    checkpoint = cursor.fetchone()
print(json.dumps({"people": Person.objects.count(), "checkpoint": list(checkpoint)}))
"""


def run_jinguo(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [sys.executable, "-m", "jinguo.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_the_sqlite_file_holds_no_plaintext_id_number_or_phone(tmp_path: Path) -> None:
    database = tmp_path / "jinguo.sqlite3"
    wal_copy = tmp_path / "wal-before-checkpoint"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jinguo.config.settings.local",
        "DATABASE_URL": f"sqlite:///{database}",
        "JINGUO_VAR_DIR": str(tmp_path),
        "JINGUO_DATA_KEY": generate_key(),
        # Debug on and every SQL statement logged with its parameters: the harshest logs.
        "JINGUO_DEBUG": "1",
        "JINGUO_LOG_LEVEL": "DEBUG",
        "SCENARIO": json.dumps(
            {
                "register": [
                    [WANG_FANG_ID.lower(), "139 1234 5678"],
                    [full_width(LI_NA_ID), full_width(LI_NA_PHONE)],
                    [LEGACY_ID, None],
                ],
                "new_phone": f"+86 {NEW_PHONE}",
                "searches": [WANG_FANG_ID, full_width(LEGACY_ID), NEW_PHONE],
                "child": CHILD_ID,
                "father_phone": FATHER_PHONE,
                "wal_copy": str(wal_copy),
            }
        ),
    }

    migrated = run_jinguo(["migrate", "--no-input", "-v", "0"], env)
    done = run_jinguo(["shell", "-c", SCENARIO], env)

    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["people"] == 4
    assert result["checkpoint"][0] == 0  # not busy: everything is in the main file now
    stored = b"".join(file.read_bytes() for file in [*tmp_path.glob("jinguo.sqlite3*"), wal_copy])
    assert len(stored) > 100_000
    assert "王芳0".encode() in stored  # names are stored as they are: the bytes are readable
    assert b"v1:" in stored  # and the numbers as tokens
    for secret in SECRETS:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(encoding) not in stored, (secret, encoding)
    logs = migrated.stdout + migrated.stderr + done.stdout + done.stderr
    assert "INSERT INTO" in logs  # SQL was logged with its parameters
    assert leaked(logs) == []


# --- (b) logs -------------------------------------------------------------------------------------


@pytest.fixture
def sql_log(caplog: pytest.LogCaptureFixture) -> Iterator[tuple[pytest.LogCaptureFixture, Any]]:
    """Every SQL statement with its parameters, as the django.db.backends logger writes it."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    with CaptureQueriesContext(connection) as queries:
        yield caplog, queries


def test_sql_logs_show_tokens_not_numbers(
    sql_log: tuple[pytest.LogCaptureFixture, Any],
    village: OrgUnit,
    county_admin: User,
) -> None:
    caplog, queries = sql_log

    wang_fang = person_register(
        actor=county_admin,
        name="王芳",
        residence=village,
        id_number=full_width(WANG_FANG_ID.lower()),
        phone="139 1234 5678",
        consent=consent(),
    )
    person_register(
        actor=county_admin,
        name="张桂兰",
        residence=village,
        id_number=LEGACY_ID,
        phone=LI_NA_PHONE,
        consent=consent(),
    )
    for text in (WANG_FANG_ID, LEGACY_ID, PHONE, full_width(LI_NA_PHONE)):
        assert len(person_list(county_admin, PersonFilter(search=text))) == 1
    revealed = person_reveal(actor=county_admin, person=wang_fang, field="phone", reason="回访核实")
    person_update(actor=county_admin, person=wang_fang, version=1, phone=NEW_PHONE)
    with pytest.raises(ApplicationError):
        person_register(
            actor=county_admin,
            name="王芳",
            residence=village,
            id_number=WANG_FANG_ID,
            consent=consent(),
        )

    assert revealed == PHONE
    assert "INSERT INTO" in caplog.text  # the SQL log is on, with parameters
    logged = caplog.text + " ".join(query["sql"] for query in queries.captured_queries)
    assert "v1:" in logged
    assert leaked(logged) == []


# --- (c) error bodies and pages -------------------------------------------------------------------


def api_error_body(exc: ApplicationError) -> str:
    """What the API answers when a service refuses (its real exception handler)."""
    response = api.on_exception(RequestFactory().post("/api/v1/people"), exc)
    assert response.status_code == 400
    return response.content.decode()


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        pytest.param({"birth_date": "1980-08-03"}, "id_birth_date_conflict", id="birth date"),
        pytest.param({"sex": "M"}, "id_sex_conflict", id="sex"),
        pytest.param({}, "duplicate_id", id="duplicate"),
        pytest.param({"phone": "139123456789012"}, "invalid_phone", id="invalid phone"),
    ],
)
def test_a_refused_registration_does_not_repeat_the_id_number(
    make_person: MakePerson, village: OrgUnit, typed: dict[str, str], code: str
) -> None:
    make_person("王芳", id_number=WANG_FANG_ID, phone=PHONE)
    birth = typed.get("birth_date")

    with pytest.raises(ApplicationError) as refused:
        person_register(
            actor=None,
            name="王芳芳",
            residence=village,
            id_number=full_width(WANG_FANG_ID.lower()),
            sex=typed.get("sex"),
            birth_date=dt.date.fromisoformat(birth) if birth else None,
            phone=typed.get("phone"),
            consent=consent(),
        )

    assert refused.value.code == code
    body = api_error_body(refused.value)
    assert code in body
    assert leaked(body + str(refused.value) + refused.value.render("en")) == []


def _register_view(request: HttpRequest) -> HttpResponse:
    person = person_register(
        actor=None,
        name=request.POST["name"],
        residence=OrgUnit.objects.get(pk=request.POST["residence"]),
        id_number=request.POST["id_number"],
        phone=request.POST["phone"],
        consent=consent(),
    )
    return HttpResponse(person.name)


def _search_view(request: HttpRequest) -> HttpResponse:
    found = person_list(None, PersonFilter(search=request.GET["q"]))
    return HttpResponse(", ".join(p.name for p in found))


urlpatterns = [
    path("test/register/", _register_view),
    path("test/search/", _search_view),
    *project_urls.urlpatterns,
]


@pytest.fixture
def failing_client(settings: Any) -> Client:
    """A client of the real project (middleware, 500 page) plus two views that take numbers."""
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    return Client(raise_request_exception=False)


def _boom(*args: object, **kwargs: object) -> str:
    raise RuntimeError("the pinyin dictionary is missing")


def test_a_server_error_while_registering_shows_no_id_number(
    failing_client: Client,
    village: OrgUnit,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Fails after the ID number was parsed and checked, with it in the request and in locals.
    monkeypatch.setattr(services, "name_pinyin", _boom)

    response = failing_client.post(
        "/test/register/",
        {
            "name": "王芳",
            "residence": village.pk,
            "id_number": full_width(WANG_FANG_ID.lower()),
            "phone": PHONE,
        },
    )

    assert response.status_code == 500
    body = response.content.decode()
    assert "Server error" in body
    assert leaked(body) == []
    assert "Internal Server Error" in caplog.text
    assert "the pinyin dictionary is missing" in caplog.text
    assert leaked(caplog.text) == []


def test_a_server_error_while_searching_by_id_number_logs_no_id_number(
    failing_client: Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(selectors, "id_index", _boom)

    response = failing_client.get("/test/search/", {"q": WANG_FANG_ID})

    assert response.status_code == 500
    assert leaked(response.content.decode()) == []
    assert "Internal Server Error: /test/search/" in caplog.text
    assert leaked(caplog.text) == []


# --- the audit log --------------------------------------------------------------------------------


def test_the_audit_log_never_holds_an_id_number_or_phone(
    make_person: MakePerson, county_admin: User
) -> None:
    wang_fang = make_person("王芳", id_number=WANG_FANG_ID.lower(), phone=PHONE, actor=county_admin)
    li_na = make_person("李娜", id_number=full_width(LI_NA_ID), actor=county_admin)
    make_person("张桂兰", id_number=LEGACY_ID, actor=county_admin)
    child = make_person(
        "王小花",
        id_number=CHILD_ID,
        consent=consent(given_by=ConsentGiver.GUARDIAN, giver_name="王大山"),
    )
    person_update(actor=county_admin, person=wang_fang, version=1, phone=NEW_PHONE)
    person_update(actor=county_admin, person=li_na, version=1, phone=LI_NA_PHONE)
    person_reveal(actor=county_admin, person=wang_fang, field="id_number", reason="核对")
    category_add(
        actor=county_admin,
        person=child,
        category=Category.LEFT_BEHIND_CHILD,
        start=dt.date(2024, 1, 1),
        left_behind={"parents": ParentsSituation.BOTH_AWAY, "father_phone": FATHER_PHONE},
    )
    home = household_create(actor=county_admin, head=wang_fang)
    household_add_member(actor=county_admin, household=home, person=child, relation=Relation.CHILD)
    consent_withdraw(actor=county_admin, consent=li_na.consents.get())

    entries = list(AuditEntry.objects.order_by("id"))
    actions = {entry.action for entry in entries}
    assert {"person.register", "person.update", "person.reveal", "consent.withdraw"} <= actions
    logged = json.dumps(
        [[e.action, e.object_repr, e.object_id, e.unit_path, e.changes] for e in entries],
        ensure_ascii=False,
    )
    assert "***" in logged
    assert leaked(logged) == []
    assert leaked(json.dumps([e.changes for e in entries])) == []  # \\u-escaped too
