"""The activity pages do what they say: activities recorded and corrected on the form, the
sheet that names only the people in scope, QR check-in and its public page, volunteers and
their export, pairings and their cadence, village visits and needs.

Who may reach which page is tested in test_access_matrix; this file tests what they do there,
that a director of another village finds nothing of this village's by number, and that
refusals come back on the form in the page's language (Chinese by default).
"""

# The fixtures shared with the people tests are imported, then named as arguments.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from jinguo.accounts.models import User
from jinguo.accounts.roles import Role
from jinguo.activities import selectors, services
from jinguo.activities.choices import (
    ActivityKind,
    Headcount,
    NeedCategory,
    NeedStatus,
    PairingKind,
    TeamFocus,
)
from jinguo.activities.models import (
    Activity,
    ActivityFile,
    Attendance,
    CheckinCode,
    Need,
    Pairing,
    PairingContact,
    PendingCheckin,
    ServiceRecord,
    VillageVisit,
    Volunteer,
    VolunteerTeam,
)
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import EDIT_CONFLICT
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.orgunits.services import orgunit_create
from jinguo.people.models import Person
from jinguo.people.tests.conftest import (  # noqa: F401 - fixtures
    far_village,
    make_person,
    neighbour_village,
    village,
)
from jinguo.testing import OPENED, Tree, make_user
from jinguo.web.views.activities import CHECKIN_OUTCOMES

pytestmark = pytest.mark.django_db

PHONE = "13904751234"


def zh(message: Any, **params: Any) -> str:
    """A message as the pages show it by default: in Chinese (zh-hans)."""
    with translation.override("zh-hans"):
        text = str(message)
        return text % params if params else text


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def url(name: str, **kwargs: Any) -> str:
    return reverse(name, kwargs=kwargs)


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (176, 42, 62)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def county_staff(tree: Tree) -> User:
    return make_user("county-staff", Role.COUNTY_STAFF, tree.county)


@pytest.fixture
def stranger(neighbour_village: OrgUnit) -> User:
    """The director of the next village: sees nothing of the first village's."""
    return make_user("other-director", Role.VILLAGE_DIRECTOR, neighbour_village)


@pytest.fixture
def woman(make_person: Any) -> Person:
    person: Person = make_person("王芳", phone=PHONE, birth_date=dt.date(1980, 5, 1))
    return person


@pytest.fixture
def today_activity(village: OrgUnit) -> Activity:
    """A talk of the village today, names taken: the village director keeps its sheet."""
    today = timezone.localdate()
    return services.activity_record(
        actor=None,
        owner=village,
        kind=ActivityKind.TALK,
        title="家庭教育宣讲",
        start=at(today),
        end=at(today, 17),
        place=village,
        venue_kind="village",
    )


@pytest.fixture
def counted(tree: Tree, village: OrgUnit) -> Activity:
    return services.activity_record(
        actor=None,
        owner=tree.county,
        kind=ActivityKind.FREE_CLINIC,
        title="三八义诊",
        start=at(dt.date(2014, 3, 8)),
        place=village,
        headcount=Headcount.COUNTS,
        counts={"women": 156},
        materials=[("leaflet", 300, "健康知识")],
    )


@pytest.fixture
def team(village: OrgUnit) -> VolunteerTeam:
    unit = orgunit_create(
        actor=None, parent=village, name="巾帼宣讲团", kind=Kind.VOLUNTEER_TEAM, opened_on=OPENED
    )
    return services.team_profile_set(actor=None, unit=unit, focus=TeamFocus.SPEAKERS)


@pytest.fixture
def member(team: VolunteerTeam, woman: Person) -> Volunteer:
    return services.volunteer_add(actor=None, team=team, person=woman, start=dt.date(2014, 1, 1))


@pytest.fixture
def pairing(make_person: Any, woman: Person) -> Pairing:
    child = make_person("李小花", birth_date=dt.date(2008, 6, 1))
    return services.pairing_create(
        actor=None,
        kind=PairingKind.CARING_MOTHER,
        start=dt.date(2014, 1, 1),
        helper_person=woman,
        helped_person=child,
    )


@pytest.fixture
def need(village: OrgUnit) -> Need:
    visit = services.village_visit_record(
        actor=None, village=village, on=dt.date(2014, 4, 1), visitors="张主席、李部长"
    )
    return services.need_record(
        actor=None,
        village=village,
        visit=visit,
        title="村部缺少办公桌椅",
        category=NeedCategory.OFFICE,
        raised_on=visit.on,
        responsible="旗妇联",
        due_on=dt.date(2014, 6, 30),
    )


def streamed(response: Any) -> str:
    """The text of a streamed CSV download (UTF-8 with a byte-order mark)."""
    return b"".join(response.streaming_content).decode("utf-8-sig")


def photo_of(activity: Activity) -> ActivityFile:
    from jinguo.activities.services import activity_file_add

    return activity_file_add(
        actor=None,
        activity=activity,
        upload=SimpleUploadedFile("合影.png", png()),
        caption="合影",
        is_photo=True,
    )


# --- every page, for someone allowed --------------------------------------------------------------


def test_every_activity_page_renders_for_the_county_staff(
    tree: Tree,
    client: Client,
    county_staff: User,
    today_activity: Activity,
    counted: Activity,
    member: Volunteer,
    pairing: Pairing,
    need: Need,
    woman: Person,
) -> None:
    code = services.checkin_code_issue(actor=None, activity=today_activity)
    with_code_pending(code, "赵敏", "13800000000")
    pending = PendingCheckin.objects.get()
    photo = photo_of(today_activity)
    team = member.team
    client = signed_in(client, county_staff)

    pages = [
        url("activity_index"),
        url("activity_index") + "?kind=talk&month=2014-03",
        url("activity_calendar"),
        url("activity_calendar") + "?month=2014-03",
        url("activity_create"),
        url("activity_detail", activity_id=today_activity.pk),
        url("activity_detail", activity_id=counted.pk),
        url("activity_edit", activity_id=today_activity.pk),
        url("activity_live", activity_id=today_activity.pk),
        url("attendance_add", activity_id=today_activity.pk) + "?q=wf",
        url("pending_confirm", activity_id=today_activity.pk, pending_id=pending.pk),
        url("activity_file", activity_id=today_activity.pk, file_id=photo.pk),
        url("team_index"),
        url("team_detail", team_id=team.pk),
        url("volunteer_add", team_id=team.pk) + "?q=wf",
        url("volunteer_add", team_id=team.pk) + f"?person={woman.pk}",
        url("volunteer_export") + f"?team={team.pk}",
        url("pairing_index"),
        url("pairing_create"),
        url("pairing_create") + "?kind=caring_mother&q=wf",
        url("pairing_create") + f"?kind=caring_mother&helper={woman.pk}&q=li",
        url("pairing_create") + "?kind=post_village",
        url("pairing_detail", pairing_id=pairing.pk),
        url("village_board"),
        url("village_board") + "?status=open",
        url("visit_create"),
        url("need_detail", need_id=need.pk),
        url("person_detail", person_id=woman.pk),
        url("home"),
        url("work_area", key="organisation"),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page


def with_code_pending(code: CheckinCode, name: str, phone: str) -> str:
    from jinguo.core import context

    with context.bound(client_ip="10.0.0.1"):
        return services.checkin(token=code.token, name=name, phone=phone).outcome


def test_post_only_actions_refuse_a_get(
    client: Client,
    county_staff: User,
    today_activity: Activity,
    member: Volunteer,
    pairing: Pairing,
) -> None:
    client = signed_in(client, county_staff)
    attendance = services.attendance_add(actor=None, activity=today_activity, person=member.person)
    code = services.checkin_code_issue(actor=None, activity=today_activity)
    with_code_pending(code, "赵敏", "13800000000")
    pending = PendingCheckin.objects.get()
    a = today_activity.pk

    for page in (
        url("counts_set", activity_id=a),
        url("attendance_remove", activity_id=a, attendance_id=attendance.pk),
        url("code_issue", activity_id=a),
        url("pending_reject", activity_id=a, pending_id=pending.pk),
        url("activity_file_add", activity_id=a),
        url("service_add", team_id=member.team_id),
        url("volunteer_end", volunteer_id=member.pk),
        url("contact_add", pairing_id=pairing.pk),
        url("pairing_end", pairing_id=pairing.pk),
    ):
        assert client.get(page).status_code == 405, page
    assert client.post(url("activity_live", activity_id=a)).status_code == 405
    assert Attendance.objects.count() == 1
    assert PendingCheckin.objects.get().status == "pending"


# --- scope ----------------------------------------------------------------------------------------


def test_a_director_of_another_village_finds_nothing_of_this_village(
    client: Client,
    stranger: User,
    today_activity: Activity,
    member: Volunteer,
    pairing: Pairing,
    need: Need,
) -> None:
    code = services.checkin_code_issue(actor=None, activity=today_activity)
    with_code_pending(code, "赵敏", "13800000000")
    pending = PendingCheckin.objects.get()
    attendance = services.attendance_add(actor=None, activity=today_activity, person=member.person)
    photo = photo_of(today_activity)
    a = today_activity.pk
    client = signed_in(client, stranger)

    for page in (
        url("activity_detail", activity_id=a),
        url("activity_edit", activity_id=a),
        url("activity_live", activity_id=a),
        url("attendance_add", activity_id=a),
        url("pending_confirm", activity_id=a, pending_id=pending.pk),
        url("activity_file", activity_id=a, file_id=photo.pk),
        url("team_detail", team_id=member.team_id),
        url("volunteer_add", team_id=member.team_id),
        url("pairing_detail", pairing_id=pairing.pk),
        url("need_detail", need_id=need.pk),
    ):
        assert client.get(page).status_code == 404, page
    for page, data in (
        (url("code_issue", activity_id=a), {}),
        (url("counts_set", activity_id=a), {"women": "3"}),
        (url("attendance_remove", activity_id=a, attendance_id=attendance.pk), {}),
        (url("pending_reject", activity_id=a, pending_id=pending.pk), {}),
        (url("volunteer_end", volunteer_id=member.pk), {"on": "2014-06-01"}),
        (url("contact_add", pairing_id=pairing.pk), {"on": "2014-06-01", "kind": "call"}),
        (url("pairing_end", pairing_id=pairing.pk), {"on": "2014-06-01"}),
        (url("need_detail", need_id=need.pk), {"status": "dropped", "version": 1}),
    ):
        assert client.post(page, data).status_code == 404, page
    # The lists hold none of it either.
    assert "家庭教育宣讲" not in client.get(url("activity_index")).content.decode()
    assert "村部缺少办公桌椅" not in client.get(url("village_board")).content.decode()
    assert "李小花" not in client.get(url("pairing_index")).content.decode()
    assert Attendance.objects.count() == 1
    assert CheckinCode.objects.count() == 1


def test_the_auditor_sees_the_activity_but_may_not_keep_its_sheet(
    client: Client, auditor: User, today_activity: Activity, need: Need
) -> None:
    client = signed_in(client, auditor)
    a = today_activity.pk
    need_page = url("need_detail", need_id=need.pk)

    page = client.get(url("activity_detail", activity_id=a))

    assert page.status_code == 200
    assert 'id="checkin"' not in page.content.decode()
    assert client.get(url("activity_edit", activity_id=a)).status_code == 403
    assert client.get(url("attendance_add", activity_id=a)).status_code == 403
    assert client.post(url("code_issue", activity_id=a)).status_code == 403
    assert not CheckinCode.objects.exists()
    # She reads the need, and is not offered (nor allowed) to change it.
    assert client.get(need_page).context["form"] is None
    assert client.post(need_page, {"status": "dropped", "version": 1}).status_code == 403
    assert Need.objects.get().status == NeedStatus.OPEN


# --- recording an activity ------------------------------------------------------------------------


def test_recording_an_activity_on_the_form(
    client: Client, tree: Tree, county_staff: User, village: OrgUnit
) -> None:
    post = orgunit_create(
        actor=None,
        parent=tree.county,
        name="旗医院妇产科",
        kind=Kind.CIVILISED_POST,
        opened_on=OPENED,
    )
    client = signed_in(client, county_staff)

    response = client.post(
        url("activity_create"),
        {
            "owner": tree.county.pk,
            "kind": "publicity",
            "title": "维权周法律宣传",
            "start": "2014-03-10T09:00",
            "end": "2014-03-10T16:30",
            "place": village.pk,
            "address": "村委会广场",
            "organisers": [post.pk],
            "new_partners": "旗司法局、旗法院",
            "headcount": "counts",
            "count_women": "21",
            "count_other": "4",
            "material_kind_1": "leaflet",
            "material_count_1": "12000",
            "material_description_1": "法律宣传资料",
            "spending": "800",
            "in_kind_value": "0",
        },
    )

    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("activity_detail", activity_id=activity.pk)
    assert (activity.owner, activity.place, activity.headcount) == (tree.county, village, "counts")
    assert timezone.localtime(activity.end).strftime("%H:%M") == "16:30"
    assert list(activity.organisers.all()) == [post]
    assert sorted(o.name for o in activity.partners.all()) == ["旗司法局", "旗法院"]
    assert selectors.participation(activity).person_times == 25
    assert [(m.kind, m.count) for m in activity.materials.all()] == [("leaflet", 12000)]
    assert activity.spending == Decimal(800)
    page = client.get(response["Location"]).content.decode()
    assert "维权周法律宣传" in page
    assert 'id="figure-person-times">25<' in page


def test_a_training_keeps_its_details(
    client: Client, tree: Tree, county_staff: User, village: OrgUnit
) -> None:
    client = signed_in(client, county_staff)

    client.post(
        url("activity_create"),
        {
            "owner": tree.county.pk,
            "kind": "training",
            "title": "十字绣培训",
            "start": "2014-05-06T09:00",
            "place": village.pk,
            "headcount": "attendance",
            "trainer": "通辽市十字绣专家",
            "hours": "16",
            "certificates": "40",
            "certificate_issuer": "旗人社局",
            "new_buyers": "跃达飞手工艺坊",
            "spending": "0",
            "in_kind_value": "0",
        },
    )

    training = Activity.objects.get().training
    assert (training.trainer, training.hours, training.certificates) == (
        "通辽市十字绣专家",
        Decimal(16),
        40,
    )
    assert [o.name for o in training.buyers.all()] == ["跃达飞手工艺坊"]


def test_a_refused_activity_is_shown_on_its_field_and_leaves_nothing(
    client: Client, tree: Tree, county_staff: User
) -> None:
    client = signed_in(client, county_staff)

    response = client.post(
        url("activity_create"),
        {
            "owner": tree.county.pk,
            "kind": "meeting",
            "title": "座谈会",
            "start": "2014-05-06T09:00",
            "end": "2014-05-05T09:00",
            "new_partners": "新伙伴",
            "headcount": "attendance",
            "spending": "0",
            "in_kind_value": "0",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["end"] == [zh(services.DATES)]
    assert zh(services.DATES) in response.content.decode()
    assert not Activity.objects.exists()
    from jinguo.programmes.models import Organisation

    assert not Organisation.objects.filter(name="新伙伴").exists()


def test_correcting_an_activity_checks_its_version(
    client: Client, county_staff: User, village_director: User, today_activity: Activity
) -> None:
    page = url("activity_edit", activity_id=today_activity.pk)
    client = signed_in(client, village_director)
    form = client.get(page).context["form"]
    data = {
        **{k: v for k, v in form.initial.items() if v is not None and k != "organisers"},
        "title": "家庭教育宣讲（第二场）",
        "start": "2014-06-01T09:00",
        "end": "",
        "spending": "0",
        "in_kind_value": "0",
        "version": 1,
    }
    data.pop("partners", None)

    saved = client.post(page, data)
    stale = client.post(page, {**data, "title": "又改了"})

    assert saved.status_code == 302
    today_activity.refresh_from_db()
    assert (today_activity.title, today_activity.version) == ("家庭教育宣讲（第二场）", 2)
    assert stale.status_code == 200
    assert stale.context["form"].non_field_errors() == [zh(EDIT_CONFLICT, current=2, yours=1)]


def test_correcting_keeps_the_organisers_the_editor_does_not_see(
    client: Client, tree: Tree, village_director: User, village: OrgUnit
) -> None:
    bureau = orgunit_create(
        actor=None, parent=tree.county, name="旗司法局", kind=Kind.MEMBER_UNIT, opened_on=OPENED
    )
    activity = services.activity_record(
        actor=None,
        owner=village,
        kind=ActivityKind.PUBLICITY,
        title="法律进村",
        start=at(dt.date(2014, 3, 10)),
        place=village,
        organisers=[bureau],
    )
    page = url("activity_edit", activity_id=activity.pk)

    response = signed_in(client, village_director).post(
        page,
        {
            "title": "法律进村（改）",
            "start": "2014-03-10T09:00",
            "place": village.pk,
            "spending": "0",
            "in_kind_value": "0",
            "version": 1,
        },
    )

    assert response.status_code == 302
    assert list(Activity.objects.get().organisers.all()) == [bureau]


# --- the sheet ------------------------------------------------------------------------------------


def test_the_sheet_names_only_the_people_in_scope_and_counts_the_others(
    client: Client,
    tree: Tree,
    township_chair: User,
    make_person: Any,
    far_village: OrgUnit,
    village: OrgUnit,
) -> None:
    activity = services.activity_record(
        actor=None,
        owner=tree.county,
        kind=ActivityKind.TRAINING,
        title="女干部培训班",
        start=at(dt.date(2014, 7, 1)),
        end=at(dt.date(2014, 7, 2), 17),
        place=village,
    )
    near = make_person("王芳")
    far = make_person("赵丽", residence=far_village)
    for person in (near, far):
        services.attendance_add(actor=None, activity=activity, person=person)
    services.attendance_add(actor=None, activity=activity, person=near, day=dt.date(2014, 7, 2))

    response = signed_in(client, township_chair).get(
        url("activity_detail", activity_id=activity.pk)
    )

    html = response.content.decode()
    assert [row.person.name for row in response.context["page"]] == ["王芳", "王芳"]
    assert "赵丽" not in html
    assert response.context["not_shown"] == 1
    assert 'id="not-shown"' in html
    assert response.context["figures"].person_times == 3
    assert response.context["figures"].people == 2


def test_adding_and_removing_people_on_the_sheet(
    client: Client, village_director: User, today_activity: Activity, woman: Person
) -> None:
    page = url("attendance_add", activity_id=today_activity.pk)
    client = signed_in(client, village_director)

    found = client.get(page, {"q": "wf"})
    added = client.post(page, {"person": woman.pk, "q": "wf"})
    again = client.post(page, {"person": woman.pk, "q": "wf"}, follow=True)

    assert [row["person"] for row in found.context["found"]] == [woman]
    assert added.status_code == 302
    assert added["Location"] == f"{page}?q=wf"
    assert Attendance.objects.get().person == woman
    refusal = zh(services.ALREADY_PRESENT, name="王芳", day=timezone.localdate())
    assert refusal in [str(m) for m in again.context["messages"]]
    assert again.context["found"][0]["present"]

    attendance = Attendance.objects.get()
    removed = client.post(
        url("attendance_remove", activity_id=today_activity.pk, attendance_id=attendance.pk)
    )
    assert removed.status_code == 302
    assert not Attendance.objects.exists()


def test_counts_are_changed_on_the_activity_page(
    client: Client, county_staff: User, counted: Activity
) -> None:
    client = signed_in(client, county_staff)

    response = client.post(
        url("counts_set", activity_id=counted.pk), {"women": "150", "elderly": "6"}
    )
    refused = client.post(url("counts_set", activity_id=counted.pk), {"women": "-1"})

    assert response.status_code == 302
    assert selectors.participation(counted).by_group == {"women": 150, "elderly": 6}
    assert refused.status_code == 200
    assert refused.context["counts_form"].errors


# --- QR check-in, staff side ----------------------------------------------------------------------


def test_issuing_a_code_shows_a_qr_code_of_the_public_page(
    client: Client, village_director: User, today_activity: Activity
) -> None:
    client = signed_in(client, village_director)

    issued = client.post(url("code_issue", activity_id=today_activity.pk))
    page = client.get(url("activity_detail", activity_id=today_activity.pk))
    live = client.get(url("activity_live", activity_id=today_activity.pk))

    code = CheckinCode.objects.get()
    address = f"http://testserver/checkin/{code.token}/"
    assert issued.status_code == 302
    assert issued["Location"].endswith("#checkin")
    html = page.content.decode()
    assert f'data-checkin-url="{address}"' in html
    assert '<svg viewBox="0 0 ' in html
    assert 'class="qr"' in html
    assert 'hx-trigger="every 5s"' in live.content.decode()
    # A new code replaces it.
    client.post(url("code_issue", activity_id=today_activity.pk))
    assert CheckinCode.objects.filter(revoked=False).count() == 1


def test_the_page_stops_polling_when_the_code_has_expired(
    client: Client, village_director: User, today_activity: Activity
) -> None:
    code = services.checkin_code_issue(actor=None, activity=today_activity)
    CheckinCode.objects.filter(pk=code.pk).update(expires_at=timezone.now())

    live = signed_in(client, village_director).get(
        url("activity_live", activity_id=today_activity.pk)
    )

    assert "hx-trigger" not in live.content.decode()
    assert live.context["code"] is None


def test_a_code_for_a_day_the_activity_does_not_run_is_refused_in_chinese(
    client: Client, county_staff: User, make_person: Any, tree: Tree, village: OrgUnit
) -> None:
    past = services.activity_record(
        actor=None,
        owner=tree.county,
        kind=ActivityKind.TALK,
        title="往年宣讲",
        start=at(dt.date(2014, 5, 6)),
        place=village,
    )

    response = signed_in(client, county_staff).post(
        url("code_issue", activity_id=past.pk), follow=True
    )

    message = zh(
        services.NOT_ON_DAY,
        day=timezone.localdate(),
        start=dt.date(2014, 5, 6),
        end=dt.date(2014, 5, 6),
    )
    assert message in [str(m) for m in response.context["messages"]]
    assert not CheckinCode.objects.exists()


def test_an_unmatched_check_in_is_confirmed_or_rejected(
    client: Client, village_director: User, today_activity: Activity, make_person: Any
) -> None:
    code = services.checkin_code_issue(actor=None, activity=today_activity)
    with_code_pending(code, "赵敏", "13800000000")
    with_code_pending(code, "钱红", "13800000001")
    zhao = make_person("赵敏")
    first, second = PendingCheckin.objects.order_by("pk")
    client = signed_in(client, village_director)
    page = url("pending_confirm", activity_id=today_activity.pk, pending_id=first.pk)

    shown = client.get(page)
    confirmed = client.post(page, {"person": zhao.pk})
    rejected = client.post(
        url("pending_reject", activity_id=today_activity.pk, pending_id=second.pk)
    )

    assert [row["person"] for row in shown.context["found"]] == [zhao]  # searched by her name
    assert "138****0000" in shown.content.decode()
    assert "13800000000" not in shown.content.decode()
    assert confirmed.status_code == 302
    assert Attendance.objects.get().person == zhao
    assert rejected.status_code == 302
    assert PendingCheckin.objects.get(pk=second.pk).status == "rejected"
    # Reviewed check-ins are no longer offered.
    assert client.get(page).status_code == 404


# --- the public check-in page ---------------------------------------------------------------------


@pytest.fixture
def code(today_activity: Activity, woman: Person) -> CheckinCode:
    return services.checkin_code_issue(actor=None, activity=today_activity)


def checkin_url(code: CheckinCode) -> str:
    return url("checkin", token=code.token)


def test_the_check_in_page_shows_the_activity_and_asks_name_and_phone(
    client: Client, code: CheckinCode, today_activity: Activity
) -> None:
    response = client.get(checkin_url(code))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "家庭教育宣讲" in html
    assert 'id="checkin-form"' in html
    assert 'name="phone"' in html
    assert 'name="name"' in html
    assert "csrfmiddlewaretoken" in html


def test_a_registered_woman_checks_in_once(client: Client, code: CheckinCode) -> None:
    first = client.post(checkin_url(code), {"name": "王芳", "phone": "139 0475 1234"})
    second = client.post(checkin_url(code), {"name": "王芳", "phone": PHONE})

    assert first.context["outcome"] == "present"
    assert zh(CHECKIN_OUTCOMES["present"]) in first.content.decode()
    assert second.context["outcome"] == "repeat"
    assert zh(CHECKIN_OUTCOMES["repeat"]) in second.content.decode()
    assert Attendance.objects.get().source == "qr"


def test_someone_unknown_waits_for_confirmation(client: Client, code: CheckinCode) -> None:
    response = client.post(checkin_url(code), {"name": "赵敏", "phone": "13800000000"})

    assert response.context["outcome"] == "pending"
    assert zh(CHECKIN_OUTCOMES["pending"]) in response.content.decode()
    assert PendingCheckin.objects.get().name == "赵敏"
    assert not Attendance.objects.exists()


def test_bad_input_is_refused_on_the_phone_field_in_chinese(
    client: Client, code: CheckinCode
) -> None:
    response = client.post(checkin_url(code), {"name": "王芳", "phone": "12345"})

    assert response.context["form"].errors["phone"] == [zh(services.NAME_PHONE)]
    assert 'id="checkin-form"' in response.content.decode()


def test_an_expired_or_unknown_code_says_so_and_offers_no_form(
    client: Client, code: CheckinCode
) -> None:
    CheckinCode.objects.filter(pk=code.pk).update(expires_at=timezone.now())
    expired_at = timezone.localtime(CheckinCode.objects.get().expires_at).strftime("%H:%M")

    expired = client.get(checkin_url(code))
    posted = client.post(checkin_url(code), {"name": "王芳", "phone": PHONE})
    unknown = client.get(url("checkin", token="nonsense"))

    message = zh(services.CODE_EXPIRED, time=expired_at)
    for response in (expired, posted):
        html = response.content.decode()
        assert response.status_code == 200
        assert message in html
        assert 'id="checkin-form"' not in html
    assert unknown.status_code == 404
    assert zh(services.CODE_UNKNOWN) in unknown.content.decode()
    assert not Attendance.objects.exists()


def test_too_many_check_ins_from_one_phone_are_refused(client: Client, code: CheckinCode) -> None:
    for _ in range(services.CLIENT_LIMIT):
        client.post(checkin_url(code), {"name": "赵敏", "phone": "13800000000"})

    response = client.post(checkin_url(code), {"name": "王芳", "phone": PHONE})

    assert zh(services.TOO_MANY) in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_check_in_page_shows_no_names_or_counts(
    client: Client, code: CheckinCode, today_activity: Activity, make_person: Any
) -> None:
    other = make_person("李秀英")
    services.attendance_add(actor=None, activity=today_activity, person=other)

    for response in (
        client.get(checkin_url(code)),
        client.post(checkin_url(code), {"name": "王芳", "phone": PHONE}),
    ):
        html = response.content.decode()
        assert "李秀英" not in html
        assert "recorded by" not in html
        assert "figure" not in html
        assert "site-nav" not in html


def test_the_check_in_needs_the_csrf_token(code: CheckinCode) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(checkin_url(code), {"name": "王芳", "phone": PHONE})

    assert response.status_code == 403
    assert not Attendance.objects.exists()


# --- photos and files -----------------------------------------------------------------------------


def test_photos_and_documents_are_uploaded_and_served_through_scope(
    client: Client, village_director: User, stranger: User, today_activity: Activity
) -> None:
    add = url("activity_file_add", activity_id=today_activity.pk)
    client = signed_in(client, village_director)

    photo = client.post(add, {"file": SimpleUploadedFile("合影.png", png()), "caption": "合影"})
    sheet = client.post(add, {"file": SimpleUploadedFile("签到表.pdf", b"%PDF-1.4\n%%EOF\n")})
    fake = client.post(add, {"file": SimpleUploadedFile("假照片.jpg", b"MZ\x90\x00not a jpeg")})
    renamed = client.post(add, {"file": SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\nbroken")})

    assert (photo.status_code, sheet.status_code) == (302, 302)
    assert fake.status_code == renamed.status_code == 200
    assert fake.context["file_form"].errors["file"]
    assert renamed.context["file_form"].errors["file"]
    picture, document = ActivityFile.objects.order_by("pk")
    assert (picture.is_photo, document.is_photo) == (True, False)
    served = client.get(url("activity_file", activity_id=today_activity.pk, file_id=picture.pk))
    assert served["Content-Type"] == "image/png"
    assert served["Cache-Control"] == "private, no-store"
    assert AuditEntry.objects.filter(action="activity.file_add").count() == 2
    other = signed_in(Client(), stranger)
    assert (
        other.get(
            url("activity_file", activity_id=today_activity.pk, file_id=picture.pk)
        ).status_code
        == 404
    )


# --- volunteers -----------------------------------------------------------------------------------


def test_a_member_joins_serves_and_leaves(
    client: Client, village_director: User, team: VolunteerTeam, woman: Person
) -> None:
    client = signed_in(client, village_director)
    add = url("volunteer_add", team_id=team.pk)

    joined = client.post(add, {"person": woman.pk, "role": "leader", "start": "2014-01-01"})
    again = client.post(add, {"person": woman.pk, "role": "member", "start": "2014-02-01"})
    volunteer = Volunteer.objects.get()
    served = client.post(
        url("service_add", team_id=team.pk),
        {"volunteer": volunteer.pk, "on": "2014-03-05", "hours": "3.5", "description": "宣讲"},
    )
    too_long = client.post(
        url("service_add", team_id=team.pk),
        {"volunteer": volunteer.pk, "on": "2014-03-05", "hours": "21", "description": "值守"},
    )
    page = client.get(url("team_detail", team_id=team.pk), {"start": "2014-01-01"})
    left = client.post(url("volunteer_end", volunteer_id=volunteer.pk), {"on": "2014-12-31"})

    assert joined.status_code == 302
    assert again.status_code == 200
    assert again.context["form"].non_field_errors() == [
        zh(services.ALREADY_MEMBER, name="王芳", team="巾帼宣讲团")
    ]
    assert served.status_code == 302
    assert too_long.status_code == 200
    assert too_long.context["service_form"].errors["hours"] == [
        zh(services.HOURS, day=dt.date(2014, 3, 5), total=Decimal("24.5"))
    ]
    assert ServiceRecord.objects.get().hours == Decimal("3.5")
    assert page.context["total_hours"] == Decimal("3.5")
    assert left.status_code == 302
    assert Volunteer.objects.get().end == dt.date(2014, 12, 31)


def test_the_speakers_groups_talks_are_on_its_page(
    client: Client, county_staff: User, team: VolunteerTeam, village: OrgUnit
) -> None:
    talk = services.activity_record(
        actor=None,
        owner=village,
        kind=ActivityKind.TALK,
        title="巾帼宣讲进校园",
        start=at(dt.date(2014, 4, 2)),
        organisers=[team.unit],
        venue_kind="school",
    )

    response = signed_in(client, county_staff).get(url("team_detail", team_id=team.pk))

    assert list(response.context["talks"]) == [talk]
    assert "巾帼宣讲进校园" in response.content.decode()


def test_the_volunteer_export_reveals_only_to_whoever_may_and_is_audited(
    client: Client, county_admin: User, county_staff: User, member: Volunteer
) -> None:
    page = url("volunteer_export")
    team = member.team
    data = {"team": team.pk, "start": "2014-01-01", "end": "2014-12-31", "fmt": "csv"}

    staff = signed_in(client, county_staff)
    offered_to_staff = "reveal" in staff.get(page, {"team": team.pk}).context["form"].fields
    masked = staff.post(page, {**data, "reveal": "on"})
    masked_text = streamed(masked)
    admin = signed_in(Client(), county_admin)
    offered_to_admin = "reveal" in admin.get(page, {"team": team.pk}).context["form"].fields
    full = admin.post(page, {**data, "reveal": "on"})
    full_text = streamed(full)

    assert not offered_to_staff
    assert offered_to_admin
    assert "139****1234" in masked_text
    assert PHONE not in masked_text
    assert PHONE in full_text
    assert AuditEntry.objects.filter(action="volunteer.export").count() == 1


# --- pairings -------------------------------------------------------------------------------------


def test_a_caring_mother_is_paired_with_a_child_in_steps(
    client: Client, village_director: User, woman: Person, make_person: Any
) -> None:
    child = make_person("李小花", birth_date=dt.date(2008, 6, 1))
    page = url("pairing_create")
    client = signed_in(client, village_director)

    helper_step = client.get(page, {"kind": "caring_mother", "q": "wf"})
    helped_step = client.get(page, {"kind": "caring_mother", "helper": str(woman.pk), "q": "lxh"})
    searched = client.post(page, {"kind": "caring_mother", "helper": woman.pk, "q": "lxh"})
    created = client.post(
        page,
        {
            "kind": "caring_mother",
            "helper": woman.pk,
            "helped": child.pk,
            "start": "2014-04-01",
            "note": "每月通话",
        },
    )

    assert [row["person"] for row in helper_step.context["found"]] == [woman]
    assert [row["person"] for row in helped_step.context["found"]] == [child]
    assert searched["Location"] == f"{page}?kind=caring_mother&helper={woman.pk}&q=lxh"
    pairing = Pairing.objects.get()
    assert created["Location"] == url("pairing_detail", pairing_id=pairing.pk)
    assert (pairing.helper_person, pairing.helped_person, pairing.call_every_days) == (
        woman,
        child,
        31,
    )


def test_a_civilised_post_is_paired_with_a_village(
    client: Client, tree: Tree, county_staff: User, village: OrgUnit
) -> None:
    post = orgunit_create(
        actor=None,
        parent=tree.county,
        name="旗国税局服务大厅",
        kind=Kind.CIVILISED_POST,
        opened_on=OPENED,
    )
    client = signed_in(client, county_staff)

    response = client.post(
        url("pairing_create"),
        {
            "kind": "post_village",
            "helper_unit": post.pk,
            "helped_unit": village.pk,
            "start": "2014-04-01",
        },
    )

    pairing = Pairing.objects.get()
    assert response.status_code == 302
    assert (pairing.helper_unit, pairing.helped_unit, pairing.visit_every_days) == (
        post,
        village,
        92,
    )


def test_contacts_are_recorded_and_help_needs_its_kind(
    client: Client, village_director: User, pairing: Pairing
) -> None:
    client = signed_in(client, village_director)
    add = url("contact_add", pairing_id=pairing.pk)

    call = client.post(add, {"on": "2014-05-01", "kind": "call"})
    help_without_kind = client.post(add, {"on": "2014-05-02", "kind": "help", "value": "200"})
    help_given = client.post(
        add, {"on": "2014-05-02", "kind": "help", "help_kind": "school_costs", "value": "200"}
    )
    ended = client.post(url("pairing_end", pairing_id=pairing.pk), {"on": "2013-01-01"})

    assert call.status_code == 302
    assert help_without_kind.status_code == 200
    assert help_without_kind.context["contact_form"].errors["help_kind"] == [
        zh(services.HELP_KIND_NEEDED)
    ]
    assert help_given.status_code == 302
    assert PairingContact.objects.count() == 2
    assert ended.status_code == 200
    assert ended.context["end_form"].errors["on"] == [zh(services.DATES)]
    assert Pairing.objects.get().end is None


def test_the_board_puts_the_overdue_pairings_first(
    client: Client, village_director: User, pairing: Pairing, make_person: Any, woman: Person
) -> None:
    recent = services.pairing_create(
        actor=None,
        kind=PairingKind.EMPTY_NEST,
        start=timezone.localdate(),
        helper_person=woman,
        helped_person=make_person("张奶奶", birth_date=dt.date(1940, 1, 1)),
    )

    response = signed_in(client, village_director).get(url("pairing_index"))

    assert [late.pairing for late in response.context["overdue"]] == [pairing]
    assert {p.pk for p in response.context["page"]} == {pairing.pk, recent.pk}
    html = response.content.decode()
    assert html.index('id="overdue"') < html.index('id="pairings"')
    assert 'id="overdue-count">1<' in html


# --- village assistance ---------------------------------------------------------------------------


def test_a_visit_is_recorded_with_its_needs(
    client: Client, village_director: User, village: OrgUnit
) -> None:
    client = signed_in(client, village_director)

    response = client.post(
        url("visit_create"),
        {
            "village": village.pk,
            "on": "2014-04-01",
            "visitors": "张主席",
            "purpose": "了解妇女需求",
            "need_title_1": "村里路灯不亮",
            "need_category_1": "power",
            "need_responsible_1": "供电所",
            "need_due_on_1": "2014-05-01",
            "need_title_2": "缺少文化活动场地",
            "need_category_2": "culture",
        },
    )

    assert response.status_code == 302
    visit = VillageVisit.objects.get()
    assert sorted(need.title for need in visit.needs.all()) == ["村里路灯不亮", "缺少文化活动场地"]


def test_a_refused_need_leaves_no_visit(
    client: Client, village_director: User, village: OrgUnit
) -> None:
    response = signed_in(client, village_director).post(
        url("visit_create"),
        {
            "village": village.pk,
            "on": "2014-04-01",
            "visitors": "张主席",
            "need_title_1": "村里路灯不亮",
            "need_category_1": "power",
            "need_due_on_1": "2014-03-01",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["need_due_on_1"] == [zh(services.DATES)]
    assert not VillageVisit.objects.exists()
    assert not Need.objects.exists()


def test_a_need_is_resolved_with_its_resolution_and_version(
    client: Client, village_director: User, need: Need
) -> None:
    page = url("need_detail", need_id=need.pk)
    client = signed_in(client, village_director)
    base = {"status": "resolved", "decision": "旗妇联协调", "responsible": "旗妇联", "version": 1}

    without = client.post(page, base)
    resolved = client.post(
        page, {**base, "resolution": "已配备桌椅10套", "resolved_on": "2014-06-20"}
    )
    stale = client.post(page, {**base, "status": "dropped"})

    assert without.status_code == 200
    assert without.context["form"].errors["resolution"] == [zh(services.RESOLUTION_NEEDED)]
    assert resolved.status_code == 302
    need.refresh_from_db()
    assert (need.status, need.version) == (NeedStatus.RESOLVED, 2)
    assert stale.context["form"].non_field_errors() == [zh(EDIT_CONFLICT, current=2, yours=1)]


def test_the_board_lists_overdue_needs_first(
    client: Client, village_director: User, need: Need, village: OrgUnit
) -> None:
    later = services.need_record(
        actor=None,
        village=village,
        title="道路硬化",
        category=NeedCategory.ROADS,
        raised_on=timezone.localdate(),
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    undated = services.need_record(
        actor=None,
        village=village,
        title="饮水",
        category=NeedCategory.WATER,
        raised_on=timezone.localdate(),
    )

    response = signed_in(client, village_director).get(url("village_board"))

    assert list(response.context["overdue"]) == [need]
    assert list(response.context["page"]) == [need, later, undated]
    assert 'class="row-late"' in response.content.decode()


# --- the front page, her page, the calendar, navigation -------------------------------------------


def test_the_front_page_counts_what_is_late(
    client: Client, village_director: User, pairing: Pairing, need: Need
) -> None:
    html = signed_in(client, village_director).get(url("home")).content.decode()

    assert 'id="home-overdue-pairings"><a href="/pairings/#overdue">1<' in html
    assert 'id="home-overdue-needs"><a href="/villages/#overdue">1<' in html


def test_her_page_lists_her_activities_volunteering_and_pairings(
    client: Client,
    village_director: User,
    today_activity: Activity,
    member: Volunteer,
    pairing: Pairing,
) -> None:
    woman = member.person
    services.attendance_add(actor=None, activity=today_activity, person=woman)

    section = signed_in(client, village_director).get(url("person_detail", person_id=woman.pk))

    html = section.content.decode()
    assert "家庭教育宣讲" in html
    assert "巾帼宣讲团" in html
    assert "李小花" in html


def test_the_calendar_puts_each_activity_on_its_days(
    client: Client, county_staff: User, tree: Tree, village: OrgUnit
) -> None:
    services.activity_record(
        actor=None,
        owner=tree.county,
        kind=ActivityKind.TRAINING,
        title="十字绣培训",
        start=at(dt.date(2014, 5, 6)),
        end=at(dt.date(2014, 5, 8), 17),
        place=village,
    )

    response = signed_in(client, county_staff).get(url("activity_calendar"), {"month": "2014-05"})

    days = {
        cell["day"]: [a.title for a in cell["activities"]]
        for week in response.context["weeks"]
        for cell in week
    }
    assert days[dt.date(2014, 5, 5)] == []
    assert days[dt.date(2014, 5, 6)] == days[dt.date(2014, 5, 8)] == ["十字绣培训"]
    assert days[dt.date(2014, 5, 9)] == []
    assert response.context["previous"].startswith("month=2014-04")
    assert response.context["following"].startswith("month=2014-06")


def test_the_navigation_has_the_activity_pages(
    client: Client, county_staff: User, today_activity: Activity
) -> None:
    html = (
        signed_in(client, county_staff)
        .get(url("activity_detail", activity_id=today_activity.pk))
        .content.decode()
    )

    for link in ("/activities/", "/volunteers/", "/pairings/", "/villages/"):
        assert f'href="{link}"' in html
    assert 'href="/activities/" aria-current="page"' in html
