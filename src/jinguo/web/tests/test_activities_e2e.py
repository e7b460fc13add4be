"""End to end, on a phone: a county staff member records a talk for today, issues its QR check-in
code, and a registered woman checks herself in on her own phone; the talk's page counts her
without being reloaded.

Debian's Chromium, driven by Playwright, against the live server; the set-up is the one of
test_e2e and test_people_e2e. Screenshots of the activity page with its QR code, the check-in
page, the pairings board, the village board and the calendar are taken at 390 and 1280 pixels
wide into /tmp/shots. Assertions use element ids and the data, not the wording.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from jinguo.accounts.roles import Role
from jinguo.activities import services
from jinguo.activities.choices import NeedCategory, PairingKind, TeamFocus
from jinguo.activities.models import Activity, Attendance
from jinguo.orgunits.models import Kind
from jinguo.orgunits.services import orgunit_create
from jinguo.people.services import ConsentInput, person_register
from jinguo.testing import OPENED, build_tree, make_user
from jinguo.web.tests import test_e2e as shell
from jinguo.web.tests.test_people_e2e import DESKTOP, PHONE, no_horizontal_scroll, open_page

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots")  # noqa: S108 - looked at by hand after a run
WANG_PHONE = "13904751234"
# The page polls every few seconds; allow two rounds and some.
POLLED = 15_000


@pytest.fixture
def pages(browser: Browser) -> Iterator[dict[str, Page]]:
    """The staff member on her phone and at her desk; the participant's phone, signed in to
    nothing."""
    opened = {
        "staff": open_page(browser, PHONE),
        "desk": open_page(browser, DESKTOP),
        "participant": open_page(browser, PHONE),
    }
    yield {name: page for name, (page, _problems) in opened.items()}
    for page, problems in opened.values():
        page.context.close()
        assert problems == []


def shot(page: Page, name: str) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"act-{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0


def at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_record_a_talk_issue_a_code_and_count_a_check_in(site: str, pages: dict[str, Page]) -> None:
    tree = build_tree()
    village = tree.village(0, 0)
    make_user("county-staff", Role.COUNTY_STAFF, tree.county)
    today = timezone.localdate()
    consent = ConsentInput(
        purpose="registry", scope="姓名、电话", given_by="self", giver_name="王芳", given_on=today
    )
    wang = person_register(
        actor=None,
        name="王芳",
        sex="F",
        birth_date=dt.date(1980, 5, 1),
        residence=village,
        phone=WANG_PHONE,
        consent=consent,
    )
    child = person_register(
        actor=None, name="李小花", sex="F", birth_date=dt.date(2008, 6, 1), residence=village
    )
    # Something for the boards: a pairing whose calls lapsed, a need past its date.
    pairing = services.pairing_create(
        actor=None,
        kind=PairingKind.CARING_MOTHER,
        start=today - dt.timedelta(days=120),
        helper_person=wang,
        helped_person=child,
    )
    visit = services.village_visit_record(
        actor=None,
        village=village,
        on=today - dt.timedelta(days=60),
        visitors="张主席、李部长",
        purpose="了解留守妇女需求",
    )
    services.contact_record(
        actor=None, pairing=pairing, on=today - dt.timedelta(days=100), kind="visit"
    )
    team_unit = orgunit_create(
        actor=None,
        parent=tree.county,
        name="巾帼宣讲团",
        kind=Kind.VOLUNTEER_TEAM,
        opened_on=OPENED,
    )
    team = services.team_profile_set(actor=None, unit=team_unit, focus=TeamFocus.SPEAKERS)
    volunteer = services.volunteer_add(
        actor=None, team=team, person=wang, start=today.replace(month=1, day=1), role="leader"
    )
    services.service_record(
        actor=None, volunteer=volunteer, on=today, hours=Decimal(3), description="家庭教育宣讲"
    )
    needs = []
    for title, category, due in (
        ("村部缺少办公桌椅", NeedCategory.OFFICE, today - dt.timedelta(days=10)),
        ("低压线路老化", NeedCategory.POWER, today + dt.timedelta(days=20)),
    ):
        needs.append(
            services.need_record(
                actor=None,
                village=village,
                visit=visit,
                title=title,
                category=category,
                raised_on=visit.on,
                responsible="旗妇联",
                due_on=due,
            )
        )
    services.activity_record(
        actor=None,
        owner=tree.county,
        kind="training",
        title="十字绣培训",
        start=at(today.replace(day=1), 9),
        end=at(today.replace(day=1) + dt.timedelta(days=2), 17),
        place=village,
    )

    # On her phone, the county staff member records today's talk.
    staff = pages["staff"]
    shell.sign_in(staff, site, "county-staff")
    expect(staff).to_have_url(f"{site}/")
    staff.locator(".nav-toggle-label").click()
    staff.locator('nav.site-nav a[href="/activities/"]').click()
    staff.locator("#activity-create").click()
    expect(staff).to_have_url(f"{site}/activities/new/")
    no_horizontal_scroll(staff)
    staff.locator("#id_kind").select_option("talk")
    staff.fill("#id_title", "家庭教育宣讲")
    staff.locator("#id_place").select_option(str(village.pk))
    staff.fill("#id_address", "村委会会议室")
    staff.locator("#id_venue_kind").select_option("village")
    staff.fill("#id_topics", "家庭教育、防范电信诈骗")
    staff.locator(f'#id_organisers input[value="{team_unit.pk}"]').check()
    expect(staff.locator("#training")).to_be_hidden()
    expect(staff.locator("#counts-set")).to_be_hidden()
    shot(staff, "form")
    staff.locator("#activity-submit").click()
    expect(staff).to_have_url(re.compile(r"/activities/\d+/$"))
    activity = Activity.objects.get(title="家庭教育宣讲")
    assert (activity.headcount, activity.place) == ("attendance", village)
    assert list(activity.organisers.all()) == [team_unit]
    expect(staff.locator("#figure-person-times")).to_have_text("0")

    # She issues the QR code: it shows, with the address of the public page under it.
    staff.locator("#code-issue").click()
    expect(staff).to_have_url(re.compile(rf"/activities/{activity.pk}/#checkin$"))
    qr = staff.locator("#qr")
    expect(qr.locator("svg")).to_be_visible()
    checkin_url = qr.get_attribute("data-checkin-url")
    assert checkin_url is not None
    assert re.fullmatch(rf"{re.escape(site)}/checkin/[\w-]+/", checkin_url)
    expect(staff.locator("#checkin-link")).to_have_text(checkin_url)
    expect(staff.locator("#live")).to_have_attribute("data-polling", "1")
    no_horizontal_scroll(staff)
    shot(staff, "activity-qr")

    # On her own phone, signed in to nothing, 王芳 opens the address and checks in.
    participant = pages["participant"]
    participant.goto(checkin_url)
    expect(participant.locator("#checkin-title")).to_have_text("家庭教育宣讲")
    expect(participant.locator("body")).not_to_contain_text("county-staff")
    no_horizontal_scroll(participant)
    shot(participant, "checkin")
    participant.fill("#id_name", "王芳")
    participant.fill("#id_phone", WANG_PHONE)
    participant.locator("#checkin-submit").click()
    expect(participant.locator("#checkin-result")).to_have_attribute("data-outcome", "present")
    shot(participant, "checkin-done")
    assert Attendance.objects.get().person == wang

    # Back on the staff member's phone, the count rises by itself.
    expect(staff.locator("#figure-person-times")).to_have_text("1", timeout=POLLED)
    expect(staff.locator("#figure-people")).to_have_text("1")
    staff.reload()
    expect(staff.locator("#sheet-list")).to_contain_text("王芳")

    # The same pages at a desk.
    desk = pages["desk"]
    shell.sign_in(desk, site, "county-staff")
    desk.goto(f"{site}/activities/{activity.pk}/")
    expect(desk.locator("#qr svg")).to_be_visible()
    shot(desk, "activity-qr")
    desk.goto(checkin_url)
    shot(desk, "checkin")

    # The boards and the calendar, on both.
    for page in (staff, desk):
        page.goto(f"{site}/pairings/")
        expect(page.locator("#overdue-count")).to_have_text("1")
        expect(page.locator("#overdue-list")).to_contain_text("李小花")
        shot(page, "pairings")
        page.goto(f"{site}/villages/")
        expect(page.locator("#overdue-count")).to_have_text("1")
        expect(page.locator("#need-list tbody tr").first).to_contain_text("村部缺少办公桌椅")
        shot(page, "villages")
        page.goto(f"{site}/activities/")
        expect(page.locator("#activity-list")).to_contain_text("家庭教育宣讲")
        shot(page, "list")
        page.goto(f"{site}/activities/calendar/")
        expect(page.locator(f'[data-day="{today:%Y-%m-%d}"]')).to_contain_text("家庭教育宣讲")
        shot(page, "calendar")
        page.goto(f"{site}/")
        expect(page.locator("#home-overdue-needs")).to_have_text("1")
        shot(page, "home")
        page.goto(f"{site}/pairings/{pairing.pk}/")
        expect(page.locator("#pairing-late")).to_be_visible()
        shot(page, "pairing")
        page.goto(f"{site}/villages/needs/{needs[0].pk}/")
        expect(page.locator("#need-late")).to_be_visible()
        shot(page, "need")
        page.goto(f"{site}/villages/visits/new/")
        shot(page, "visit-form")
        page.goto(f"{site}/volunteers/teams/{team.pk}/")
        expect(page.locator("#members")).to_contain_text("王芳")
        expect(page.locator("#talks")).to_contain_text("家庭教育宣讲")
        shot(page, "team")
        page.goto(f"{site}/pairings/new/?kind=caring_mother&q=wf")
        expect(page.locator("#found li")).to_have_count(1)
        shot(page, "pairing-new")
        if page is staff:
            no_horizontal_scroll(page)
