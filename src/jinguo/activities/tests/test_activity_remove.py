"""Removing an activity recorded by mistake: with its details and counts, audited, only by its
recording unit, and never once attendance, check-ins, files or hours are recorded for it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from jinguo.accounts.models import User
from jinguo.activities import services
from jinguo.activities.choices import Group, Headcount, MaterialKind
from jinguo.activities.models import Activity, Material, ParticipantCount, Training
from jinguo.activities.tests.conftest import MakeActivity
from jinguo.audit.models import AuditEntry
from jinguo.core.errors import ApplicationError
from jinguo.people.tests.conftest import MakePerson

pytestmark = pytest.mark.django_db


def test_an_activity_goes_with_its_details_counts_and_materials(
    make_activity: MakeActivity, county_admin: User
) -> None:
    activity = make_activity(
        headcount=Headcount.COUNTS,
        counts={Group.WOMEN: 30, Group.CHILDREN: 5},
        materials=[(MaterialKind.LEAFLET, 300, "政策宣传")],
    )
    assert Training.objects.filter(activity=activity).exists()

    services.activity_remove(actor=county_admin, activity=activity)

    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert not Training.objects.exists()
    assert not ParticipantCount.objects.exists()
    assert not Material.objects.exists()
    entry = AuditEntry.objects.get(action="activity.remove")
    assert entry.object_id == str(activity.pk)
    assert entry.changes["title"] == ["十字绣培训", None]
    assert entry.changes["counts"] == [{"women": 30, "children": 5}, None]


def test_an_activity_with_attendance_or_files_is_refused(
    make_activity: MakeActivity,
    make_person: MakePerson,
    county_admin: User,
) -> None:
    present = make_activity()
    services.attendance_add(actor=county_admin, activity=present, person=make_person("王芳"))
    filed = make_activity("宣讲会")
    services.activity_file_add(
        actor=county_admin,
        activity=filed,
        upload=SimpleUploadedFile("通知.txt", "通知".encode()),
        caption="通知",
        is_photo=False,
    )

    for activity in (present, filed):
        with pytest.raises(ApplicationError) as refused:
            services.activity_remove(actor=county_admin, activity=activity)
        assert refused.value.code == "in_use"
        assert activity.title in str(refused.value)
        assert Activity.objects.filter(pk=activity.pk).exists()
    assert not AuditEntry.objects.filter(action="activity.remove").exists()


def test_only_the_recording_unit_removes_it(
    make_activity: MakeActivity, village_director: User
) -> None:
    activity = make_activity()  # recorded by the county, held in her village

    with pytest.raises(PermissionDenied):
        services.activity_remove(actor=village_director, activity=activity)

    assert Activity.objects.filter(pk=activity.pk).exists()
