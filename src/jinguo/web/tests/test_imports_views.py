"""The import and export pages: template, upload, check, import, undo; export masked or revealed."""

from __future__ import annotations

import csv
import io

import pytest
import python_calamine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.audit.models import AuditEntry
from jinguo.imports.models import ImportBatch
from jinguo.people import idnumbers
from jinguo.people.models import Person
from jinguo.testing import OPENED, Tree, make_user

pytestmark = pytest.mark.django_db

ID_A = idnumbers.generate("150525", OPENED.replace(year=1980), "F", 1)
ID_B = idnumbers.generate("150525", OPENED.replace(year=1985), "F", 2)


def _csv(tree: Tree, *, bad: bool = True) -> bytes:
    village = tree.village(0, 0).code
    lines = [
        "姓名,身份证号,所在村,同意人",
        f"王芳,{ID_A},{village},本人",
        f"李娜,{ID_B},{village},本人",
    ]
    if bad:
        lines.append(f"赵敏,1.50525E+17,{village},本人")
    return ("\n".join(lines) + "\n").encode()


def _upload(client: Client, tree: Tree, data: bytes, name: str = "人员.csv") -> ImportBatch:
    response = client.post(
        reverse("import_index"),
        {
            "kind": "people",
            "unit": tree.village(0, 0).pk,
            "file": SimpleUploadedFile(name, data, content_type="text/csv"),
        },
    )
    assert response.status_code == 302, response.content[:500]
    batch = ImportBatch.objects.get(file_name=name)
    assert response["Location"] == reverse("import_batch", args=[batch.pk])
    return batch


def test_the_import_page_offers_types_units_and_the_template(
    client: Client, village_director: User, tree: Tree
) -> None:
    client.force_login(village_director)

    page = client.get(reverse("import_index")).content.decode()

    assert reverse("import_template", args=["people"]) in page
    assert f'value="{tree.village(0, 0).pk}" selected' in page
    assert tree.village(0, 1).name not in page  # a unit she may not enter into is not offered


def test_the_template_is_an_xlsx_with_the_headers(client: Client, village_director: User) -> None:
    client.force_login(village_director)

    response = client.get(reverse("import_template", args=["people"]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_index(0).to_python()
    cells = {str(cell) for row in rows[:6] for cell in row}
    assert any("姓名" in c or "Name" in c for c in cells)
    assert any("身份证" in c or "Citizen ID" in c for c in cells)


def test_an_unknown_type_has_no_template(client: Client, village_director: User) -> None:
    client.force_login(village_director)

    assert client.get(reverse("import_template", args=["nothing"])).status_code == 404


def test_a_file_of_another_kind_or_too_big_is_refused(
    client: Client, village_director: User, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(village_director)
    url = reverse("import_index")
    data = {"kind": "people", "unit": tree.village(0, 0).pk}

    response = client.post(url, {**data, "file": SimpleUploadedFile("a.pdf", b"%PDF")})
    assert response.status_code == 200
    assert ImportBatch.objects.count() == 0

    monkeypatch.setattr("jinguo.web.views.imports.MAX_UPLOAD_BYTES", 10)
    response = client.post(url, {**data, "file": SimpleUploadedFile("a.csv", _csv(tree))})
    assert response.status_code == 200
    assert "MB" in response.content.decode() or "KB" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_upload_check_import_valid_rows_then_undo(
    client: Client, village_director: User, tree: Tree
) -> None:
    client.force_login(village_director)
    people = Person.objects.count()

    batch = _upload(client, tree, _csv(tree))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.CHECKED
    assert batch.check_counts == {"rows": 3, "new": 2, "updated": 0, "unchanged": 0, "errors": 1}
    assert Person.objects.count() == people

    page = client.get(reverse("import_batch", args=[batch.pk])).content.decode()
    assert 'data-count="new">2<' in page
    assert 'data-count="errors">1<' in page
    assert 'id="import-errors"' in page
    assert 'id="mode-all" disabled' in page
    assert reverse("import_errors", args=[batch.pk]) in page

    errors = client.get(reverse("import_errors", args=[batch.pk]))
    assert errors.status_code == 200
    book = python_calamine.CalamineWorkbook.from_filelike(
        io.BytesIO(b"".join(errors.streaming_content))  # type: ignore[attr-defined]
    )
    sheet = book.get_sheet_by_index(0).to_python()
    assert any("赵敏" in [str(c) for c in row] for row in sheet)
    assert not any("王芳" in [str(c) for c in row] for row in sheet)

    # All-or-nothing is refused while rows have errors.
    client.post(reverse("import_commit", args=[batch.pk]), {"mode": "all"})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert Person.objects.count() == people

    response = client.post(reverse("import_commit", args=[batch.pk]), {"mode": "valid"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Person.objects.count() == people + 2
    page = client.get(reverse("import_batch", args=[batch.pk])).content.decode()
    assert 'data-status="committed"' in page
    assert reverse("import_undo", args=[batch.pk]) in page

    assert client.get(reverse("import_undo", args=[batch.pk])).status_code == 200
    client.post(reverse("import_undo", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE
    assert Person.objects.active().count() == people


def test_a_batch_polled_while_running_draws_the_bar_and_reloads_when_done(
    client: Client, village_director: User, tree: Tree
) -> None:
    client.force_login(village_director)
    batch = _upload(client, tree, _csv(tree))

    response = client.get(reverse("import_batch", args=[batch.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"


def test_another_villages_director_cannot_see_the_batch(
    client: Client, village_director: User, tree: Tree
) -> None:
    client.force_login(village_director)
    batch = _upload(client, tree, _csv(tree))
    client.force_login(make_user("neighbour", Role.VILLAGE_DIRECTOR, tree.village(0, 1)))

    for name in ("import_batch", "import_errors", "import_undo"):
        assert client.get(reverse(name, args=[batch.pk])).status_code == 404
    assert (
        client.post(reverse("import_commit", args=[batch.pk]), {"mode": "valid"}).status_code == 404
    )
    assert batch.file_name not in client.get(reverse("import_index")).content.decode()


def test_the_township_chair_sees_the_villages_imports(
    client: Client, village_director: User, township_chair: User, tree: Tree
) -> None:
    client.force_login(village_director)
    batch = _upload(client, tree, _csv(tree))
    client.force_login(township_chair)

    assert batch.file_name in client.get(reverse("import_index")).content.decode()
    assert client.get(reverse("import_batch", args=[batch.pk])).status_code == 200


# --- export ------------------------------------------------------------------------------------


def _import_people(client: Client, user: User, tree: Tree) -> None:
    client.force_login(user)
    batch = _upload(client, tree, _csv(tree, bad=False))
    client.post(reverse("import_commit", args=[batch.pk]), {"mode": "all"})


def _csv_rows(response: object) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body)))


def test_the_people_list_links_to_the_export_with_its_filters(
    client: Client, village_director: User
) -> None:
    client.force_login(village_director)

    page = client.get(reverse("person_index"), {"sex": "F"}).content.decode()

    assert f"{reverse('person_export')}?sex=F" in page


def test_export_streams_csv_with_masked_ids(
    client: Client, village_director: User, tree: Tree
) -> None:
    _import_people(client, village_director, tree)
    form = client.get(reverse("person_export")).content.decode()
    assert 'name="reveal"' not in form  # she may not reveal

    response = client.post(reverse("person_export"), {"fmt": "csv", "reveal": "on"})

    assert response.status_code == 200
    rows = _csv_rows(response)
    assert len(rows) == 3
    text = str(rows)
    assert ID_A not in text
    assert f"{ID_A[:6]}********{ID_A[-4:]}" in text
    assert not AuditEntry.objects.filter(action="export.reveal").exists()


def test_a_reveal_export_is_for_the_county_admin_and_audited(
    client: Client, village_director: User, county_admin: User, tree: Tree
) -> None:
    _import_people(client, village_director, tree)
    client.force_login(county_admin)
    assert 'name="reveal"' in client.get(reverse("person_export")).content.decode()

    response = client.post(reverse("person_export"), {"fmt": "csv", "reveal": "on"})

    assert ID_A in str(_csv_rows(response))
    entry = AuditEntry.objects.get(action="export.reveal")
    assert entry.actor_id == county_admin.pk
    assert ID_A not in str(entry.changes)


def test_a_password_export_runs_in_the_background_for_its_owner_only(
    client: Client, village_director: User, county_admin: User, tree: Tree
) -> None:
    _import_people(client, village_director, tree)
    client.force_login(county_admin)

    response = client.post(reverse("person_export"), {"fmt": "xlsx", "password": "secret-2024"})

    assert response.status_code == 302
    progress_url = response["Location"]
    page = client.get(progress_url).content.decode()
    assert 'id="export-download"' in page
    download = client.get(progress_url + "download/")
    assert download.status_code == 200
    assert ".zip" in download["Content-Disposition"]
    client.force_login(village_director)
    assert client.get(progress_url).status_code == 404
    assert client.get(progress_url + "download/").status_code == 404


def test_a_short_password_is_refused_on_the_form(client: Client, county_admin: User) -> None:
    client.force_login(county_admin)

    response = client.post(reverse("person_export"), {"fmt": "csv", "password": "short"})

    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
