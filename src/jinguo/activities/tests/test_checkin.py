"""QR check-in: a valid code puts her on the sheet, an expired or revoked one does not, a
second scan changes nothing, strangers wait for staff, and floods are cut off."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jinguo.accounts.models import User
from jinguo.activities import selectors, services
from jinguo.activities.choices import PendingStatus
from jinguo.activities.models import Activity, Attendance, CheckinAttempt, PendingCheckin
from jinguo.activities.tests.conftest import MakeActivity, at
from jinguo.core import context
from jinguo.core.errors import ApplicationError

pytestmark = pytest.mark.django_db
TODAY = dt.date(2014, 5, 6)
PHONE = "13904751234"


@pytest.fixture
def activity(make_activity: MakeActivity) -> Activity:
    today = timezone.localdate()
    return make_activity(start=at(today), end=at(today, 17))


@pytest.fixture
def woman(make_person: Any) -> Any:
    return make_person("王芳", phone=PHONE)


def scan(token: str, name: str = "王芳", phone: str = PHONE, ip: str = "10.0.0.1") -> str:
    with context.bound(client_ip=ip):
        return services.checkin(token=token, name=name, phone=phone).outcome


def test_a_registered_woman_checks_herself_in_once_a_day(
    activity: Activity, woman: Any, county_admin: User
) -> None:
    code = services.checkin_code_issue(actor=county_admin, activity=activity)
    assert scan(code.token, phone="139 0475 1234") == "present"
    assert scan(code.token) == "repeat"
    assert Attendance.objects.filter(activity=activity, person=woman).count() == 1
    assert selectors.participation(activity).person_times == 1


def test_someone_not_in_the_registry_waits_for_staff(
    activity: Activity, make_person: Any, county_admin: User
) -> None:
    code = services.checkin_code_issue(actor=county_admin, activity=activity)
    assert scan(code.token, name="赵敏", phone="13800000000") == "pending"
    assert scan(code.token, name="赵敏", phone="13800000000") == "repeat"
    pending = selectors.pending_list(activity).get()
    assert pending.phone == "13800000000"
    assert not Attendance.objects.exists()
    registered = make_person("赵敏")
    services.pending_confirm(actor=county_admin, pending=pending, person=registered)
    assert PendingCheckin.objects.get().status == PendingStatus.CONFIRMED
    assert Attendance.objects.get().person == registered


def test_a_name_that_does_not_match_the_phone_is_not_attached_to_her(
    activity: Activity, woman: Any, county_admin: User
) -> None:
    code = services.checkin_code_issue(actor=county_admin, activity=activity)
    assert scan(code.token, name="李娟") == "pending"
    assert not Attendance.objects.exists()


def test_expired_revoked_and_unknown_codes_are_refused(
    activity: Activity, woman: Any, county_admin: User
) -> None:
    old = services.checkin_code_issue(actor=county_admin, activity=activity)
    new = services.checkin_code_issue(actor=county_admin, activity=activity)
    for token, code in ((old.token, "code_unknown"), ("nonsense", "code_unknown")):
        with pytest.raises(ApplicationError) as caught:
            scan(token)
        assert caught.value.code == code
    new.expires_at = timezone.now() - dt.timedelta(seconds=1)
    new.save()
    with pytest.raises(ApplicationError) as caught:
        scan(new.token)
    assert caught.value.code == "code_expired"
    assert not Attendance.objects.exists()


def test_bad_input_is_refused_and_counted(activity: Activity, county_admin: User) -> None:
    code = services.checkin_code_issue(actor=county_admin, activity=activity)
    for name, phone in (("", PHONE), ("王芳", "12345"), ("王芳", "not a phone")):
        with pytest.raises(ApplicationError) as caught:
            scan(code.token, name=name, phone=phone)
        assert caught.value.code == "name_phone"
    assert CheckinAttempt.objects.filter(outcome="invalid").count() == 3


def test_repeats_from_one_phone_are_limited_but_others_go_on(
    activity: Activity, woman: Any, county_admin: User
) -> None:
    code = services.checkin_code_issue(actor=county_admin, activity=activity)
    for _ in range(services.CLIENT_LIMIT):
        scan(code.token, ip="10.0.0.9")
    with pytest.raises(ApplicationError) as caught:
        scan(code.token, ip="10.0.0.9")
    assert caught.value.code == "too_many"
    assert scan(code.token, name="赵敏", phone="13800000000", ip="10.0.0.10") == "pending"


def test_a_code_is_only_for_a_day_of_the_activity(
    make_activity: MakeActivity, county_admin: User
) -> None:
    past = make_activity()  # May 2014
    with pytest.raises(ApplicationError) as caught:
        services.checkin_code_issue(actor=county_admin, activity=past)
    assert caught.value.code == "not_on_day"
    code = services.checkin_code_issue(actor=county_admin, activity=past, day=TODAY)
    assert code.day == TODAY
