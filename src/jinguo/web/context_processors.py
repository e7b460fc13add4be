from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jinguo.accounts.roles import Perm
from jinguo.orgunits import access
from jinguo.web.navigation import (
    ACTIVITY_PAGES,
    DASHBOARD_PAGES,
    DONATION_PAGES,
    IMPORT_PAGES,
    PAIRING_PAGES,
    PEOPLE_PAGES,
    PROGRAMME_PAGES,
    SUMMARY_PAGES,
    VILLAGE_PAGES,
    VOLUNTEER_PAGES,
    WORK_AREAS,
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    if not user.is_authenticated:
        return {}
    return {
        "work_areas": WORK_AREAS,
        "dashboard_pages": DASHBOARD_PAGES,
        "summary_pages": SUMMARY_PAGES,
        "people_pages": PEOPLE_PAGES,
        "import_pages": IMPORT_PAGES,
        "programme_pages": PROGRAMME_PAGES,
        "activity_pages": ACTIVITY_PAGES,
        "volunteer_pages": VOLUNTEER_PAGES,
        "pairing_pages": PAIRING_PAGES,
        "village_pages": VILLAGE_PAGES,
        "donation_pages": DONATION_PAGES,
        "nav_can_import": bool(access.scope_paths(user, Perm.EDIT)),
        # Applications wait for whoever enters, verifies or approves them: all hold EDIT.
        "nav_has_queue": bool(access.scope_paths(user, Perm.EDIT)),
        "nav_can_manage_users": bool(access.scope_paths(user, Perm.MANAGE_USERS)),
        "nav_can_audit": bool(access.scope_paths(user, Perm.VIEW_AUDIT)),
    }
