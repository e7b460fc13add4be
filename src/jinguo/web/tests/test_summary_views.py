"""The work summary pages do what they say: choose a unit and a year, read the summary with
each figure linked to its records, download the .docx, store a snapshot and see what changed
since; edit the paragraphs (only who approves at the unit), with placeholders checked.

Who may reach which page is tested in test_access_matrix; this file tests what they do there.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse

from jinguo.accounts.models import User
from jinguo.orgunits.models import Kind
from jinguo.orgunits.services import orgunit_create
from jinguo.reports import summary as reports
from jinguo.reports.defaults import defaults_sync
from jinguo.reports.models import Paragraph, Snapshot
from jinguo.testing import Tree

pytestmark = pytest.mark.django_db

YEAR = "2014"


def _signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def _words(response: Any) -> str:
    """The page's text without its tags (figures are links inside the sentences)."""
    return re.sub(r"<[^>]+>", "", response.content.decode())


def _view(tree: Tree, year: str = YEAR) -> str:
    return reverse("summary_view", args=[tree.county.pk, year])


def test_the_index_offers_the_units_in_scope_and_goes_to_the_summary(
    client: Client, tree: Tree, county_admin: User
) -> None:
    _signed_in(client, county_admin)

    page = client.get(reverse("summary"))
    assert page.status_code == 200
    content = page.content.decode()
    assert tree.county.name in content
    assert tree.townships[1].name in content
    assert 'id="nav-summary"' in content

    chosen = client.get(reverse("summary"), {"unit": str(tree.townships[0].pk), "year": "2014"})
    assert chosen.status_code == 302
    assert chosen["Location"] == reverse("summary_view", args=[tree.townships[0].pk, "2014"])


def test_the_summary_page_links_every_figure(
    client: Client, tree: Tree, county_admin: User
) -> None:
    page = _signed_in(client, county_admin).get(_view(tree))

    assert page.status_code == 200
    content = page.content.decode()
    assert f"2014年{tree.county.name}妇联工作总结" in content
    assert "一、" in content
    assert "四、" in content
    assert f"/figures/units.villages/?unit={tree.county.pk}&amp;period=2014" in content
    assert 'id="summary-docx"' in content
    assert 'id="summary-paragraphs"' in content  # she approves at the county
    assert 'id="snapshot-store"' in content


def test_a_township_chair_reads_her_township_and_edits_nothing(
    client: Client, tree: Tree, township_chair: User
) -> None:
    _signed_in(client, township_chair)

    own = client.get(reverse("summary_view", args=[tree.townships[0].pk, YEAR]))
    other = client.get(reverse("summary_view", args=[tree.townships[1].pk, YEAR]))

    assert own.status_code == 200
    assert 'id="summary-paragraphs"' not in own.content.decode()
    assert other.status_code == 404
    assert client.get(reverse("paragraph_index", args=[tree.townships[0].pk])).status_code == 403


def test_an_unknown_period_is_not_found(client: Client, tree: Tree, county_admin: User) -> None:
    response = _signed_in(client, county_admin).get(_view(tree, "someday"))

    assert response.status_code == 404


def test_the_docx_downloads_and_opens(client: Client, tree: Tree, county_admin: User) -> None:
    response = _signed_in(client, county_admin).get(
        reverse("summary_download", args=[tree.county.pk, YEAR])
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert ".docx" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == f"2014年{tree.county.name}妇联工作总结"
    assert len(document.tables[0].rows) > 1


def test_pdf_without_libreoffice_says_so(
    client: Client, tree: Tree, county_admin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    _signed_in(client, county_admin)

    response = client.get(
        reverse("summary_download", args=[tree.county.pk, YEAR]), {"format": "pdf"}, follow=True
    )

    assert response.redirect_chain[-1][0] == _view(tree)
    assert "LibreOffice" in response.content.decode()


def _break_a_paragraph(tree: Tree) -> None:
    defaults_sync()
    Paragraph.objects.create(
        owner=tree.county, key="broken", section="closing", heading="结语", text="共{no.such}户。"
    )


def test_a_broken_paragraph_is_shown_and_blocks_the_download(
    client: Client, tree: Tree, county_admin: User
) -> None:
    _break_a_paragraph(tree)
    _signed_in(client, county_admin)

    page = client.get(_view(tree))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'id="summary-problems"' in content
    assert "{no.such}" in content
    assert "【{no.such}？】" in content

    download = client.get(reverse("summary_download", args=[tree.county.pk, YEAR]))
    assert download.status_code == 302


def test_a_snapshot_is_stored_and_what_changed_since_is_shown(
    client: Client, tree: Tree, county_admin: User
) -> None:
    _signed_in(client, county_admin)

    stored = client.post(
        reverse("snapshot_create", args=[tree.county.pk, YEAR]), {"note": "送审稿"}
    )
    snapshot = Snapshot.objects.get()
    assert stored["Location"] == reverse("snapshot_detail", args=[snapshot.pk])
    assert (snapshot.note, snapshot.created_by) == ("送审稿", county_admin)
    detail = client.get(stored["Location"])
    assert detail.status_code == 200
    assert "送审稿" in detail.content.decode()

    same = client.get(reverse("snapshot_changes", args=[snapshot.pk]))
    assert 'id="no-changes"' in same.content.decode()

    orgunit_create(
        actor=None,
        parent=tree.townships[0],
        name="新村",
        kind=Kind.VILLAGE,
        code=f"{tree.townships[0].code}209",
        opened_on=dt.date(2014, 5, 1),
    )
    changed = client.get(reverse("snapshot_changes", args=[snapshot.pk]))
    content = changed.content.decode()
    assert 'id="figure-changes"' in content
    assert 'class="figure-changed"' in content

    download = client.get(reverse("snapshot_download", args=[snapshot.pk]))
    assert download.status_code == 200
    assert docx.Document(io.BytesIO(download.content)).paragraphs[0].text == snapshot.title


def test_two_snapshots_compare_and_only_of_the_same_summary(
    client: Client, tree: Tree, county_admin: User
) -> None:
    first = reports.snapshot_create(actor=None, unit=tree.county, year=2014)
    second = reports.snapshot_create(actor=None, unit=tree.county, year=2014)
    other_year = reports.snapshot_create(actor=None, unit=tree.county, year=2013)
    _signed_in(client, county_admin)

    same = client.get(reverse("snapshot_changes", args=[first.pk]), {"to": second.pk})
    mixed = client.get(reverse("snapshot_changes", args=[first.pk]), {"to": other_year.pk})

    assert 'id="no-changes"' in same.content.decode()
    assert mixed.status_code == 404


def _edit(client: Client, tree: Tree, **data: Any) -> Any:
    defaults_sync()
    base = Paragraph.objects.get(owner=None, key="loans")
    fields = {
        "heading": "贷款",
        "text": "全旗{loans.count}笔。",
        "order": "20",
        "active": "on",
        "base_id": base.pk,
        "base_version": base.version,
        **data,
    }
    return client.post(reverse("paragraph_edit", args=[tree.county.pk, "loans"]), fields)


def test_a_paragraph_is_edited_and_the_summary_reads_it(
    client: Client, tree: Tree, county_admin: User
) -> None:
    _signed_in(client, county_admin)
    form = client.get(reverse("paragraph_edit", args=[tree.county.pk, "loans"]), {"year": YEAR})
    assert form.status_code == 200
    assert 'id="metric-keys"' in form.content.decode()

    saved = _edit(client, tree, year=YEAR)

    assert saved.status_code == 302
    copy = Paragraph.objects.get(owner=tree.county, key="loans")
    assert copy.text == "全旗{loans.count}笔。"
    assert copy.updated_by == county_admin
    assert "2.贷款。全旗0笔。" in _words(client.get(_view(tree)))
    listing = client.get(reverse("paragraph_index", args=[tree.county.pk])).content.decode()
    assert 'id="paragraph-loans"' in listing


def test_an_unknown_placeholder_is_refused_on_the_form(
    client: Client, tree: Tree, county_admin: User
) -> None:
    _signed_in(client, county_admin)

    refused = _edit(client, tree, text="全旗{loans.cuont}笔。")

    assert refused.status_code == 200
    assert "{loans.cuont}" in refused.content.decode()
    assert not Paragraph.objects.filter(owner=tree.county).exists()


def test_a_new_paragraph_and_back_to_the_inherited_words(
    client: Client, tree: Tree, county_admin: User
) -> None:
    _signed_in(client, county_admin)

    added = client.post(
        reverse("paragraph_create", args=[tree.county.pk]),
        {
            "section": "closing",
            "heading": "下一步工作打算",
            "text": "继续做好各项工作。",
            "order": "10",
        },
    )
    assert added.status_code == 302
    assert "下一步工作打算。继续做好各项工作。" in _words(client.get(_view(tree)))

    _edit(client, tree)
    reset = client.post(reverse("paragraph_reset", args=[tree.county.pk, "loans"]))
    assert reset.status_code == 302
    assert not Paragraph.objects.filter(owner=tree.county, key="loans").exists()


def test_a_village_director_sees_her_village_summary(
    client: Client, tree: Tree, village_director: User
) -> None:
    _signed_in(client, village_director)

    page = client.get(reverse("summary"))

    assert tree.village(0, 0).name in page.content.decode()
    assert client.get(_view(tree)).status_code == 404
