"""The site's navigation: the four work areas of a federation's year, then the tools.

Each work area lists the kinds of organisation that carry its work; later modules (programmes,
activities, donations …) add their pages to the area they serve.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jinguo.orgunits.models import Kind


@dataclass(frozen=True)
class WorkArea:
    key: str
    label: Promise
    summary: Promise
    unit_kinds: tuple[str, ...]
    # The record pages that carry the area's work, as (URL name, label).
    pages: tuple[tuple[str, Promise], ...] = ()


WORK_AREAS: tuple[WorkArea, ...] = (
    WorkArea(
        "prosperity",
        _("Prosperity and achievement"),
        _("Skills training, micro-loans, domestic service, volunteer teams and civilised posts."),
        (Kind.SERVICE_STATION, Kind.VOLUNTEER_TEAM, Kind.CIVILISED_POST, Kind.ENTERPRISE),
        (
            ("activity_index", _("Activities")),
            ("team_index", _("Volunteers")),
            ("pairing_index", _("Pairings")),
        ),
    ),
    WorkArea(
        "livelihood",
        _("Livelihood of women and children"),
        _(
            "Parent schools, care for left-behind children, aid, two-cancers screening and "
            "rights protection."
        ),
        (Kind.SCHOOL, Kind.KINDERGARTEN, Kind.CLINIC, Kind.MEMBER_UNIT),
        (
            ("activity_index", _("Activities")),
            ("pairing_index", _("Pairings")),
            ("donation_index", _("Donations")),
        ),
    ),
    WorkArea(
        "development",
        _("Women's development"),
        _("Most beautiful families, the speakers' group, volunteer services and female cadres."),
        (Kind.VOLUNTEER_TEAM, Kind.FEDERATION),
        (("activity_index", _("Activities")), ("team_index", _("Volunteers"))),
    ),
    WorkArea(
        "organisation",
        _("Organisation building"),
        _("Women's Homes, two-new organisations and village assistance."),
        (Kind.WOMENS_HOME, Kind.TWO_NEW_ORG, Kind.FEDERATION),
        (("village_board", _("Village assistance")), ("activity_index", _("Activities"))),
    ),
)
WORK_AREAS_BY_KEY = {area.key: area for area in WORK_AREAS}

# The pages under "Dashboard" (统计看板): the key figures, their targets and each figure's
# drill-down.
DASHBOARD_PAGES = frozenset({"dashboard", "dashboard_targets", "figure"})

# The pages under "Work summary" (工作总结): the summary, its snapshots and its paragraphs.
SUMMARY_PAGES = frozenset(
    {
        "summary",
        "summary_view",
        "snapshot_detail",
        "snapshot_changes",
        "paragraph_index",
        "paragraph_edit",
        "paragraph_create",
    }
)

# The pages under "People" (人员) in the navigation: the registry and what hangs off a person.
PEOPLE_PAGES = frozenset(
    {
        "person_index",
        "person_register",
        "person_detail",
        "person_edit",
        "person_replace_id_number",
        "person_replace_phone",
        "person_reveal",
        "category_add",
        "category_end",
        "consent_add",
        "consent_withdraw",
        "household_create",
        "household_detail",
        "household_add_member",
        "membership_end",
        "duplicate_index",
        "duplicate_scan_progress",
        "person_export",
        "export_progress",
    }
)

# The pages under "Import" (导入) in the administration section.
IMPORT_PAGES = frozenset(
    {"import_index", "import_template", "import_batch", "import_commit", "import_undo"}
)

# The pages under "Programmes" (项目): programmes, what hangs off them, funds and projects. The
# queue (待我处理) has an entry of its own.
PROGRAMME_PAGES = frozenset(
    {
        "programme_index",
        "programme_create",
        "programme_detail",
        "programme_edit",
        "programme_rules",
        "programme_cycles",
        "enrolment_apply",
        "person_apply",
        "enrolment_detail",
        "loan_record",
        "benefit_deliver",
        "benefit_deliver_list",
        "benefit_detail",
        "fund_index",
        "fund_create",
        "fund_detail",
        "fund_receive",
        "fund_spend",
        "project_create",
        "project_detail",
    }
)

# The pages of the activities registry, one set per entry of the navigation: activities (活动)
# with their sheets and check-in, volunteers (志愿者), pairings (结对), village assistance (包联村).
ACTIVITY_PAGES = frozenset(
    {
        "activity_index",
        "activity_calendar",
        "activity_create",
        "activity_detail",
        "activity_edit",
        "attendance_add",
        "pending_confirm",
        "counts_set",
        "activity_file_add",
    }
)
VOLUNTEER_PAGES = frozenset(
    {"team_index", "team_detail", "volunteer_add", "service_add", "volunteer_export"}
)
PAIRING_PAGES = frozenset(
    {"pairing_index", "pairing_create", "pairing_detail", "contact_add", "pairing_end"}
)
VILLAGE_PAGES = frozenset({"village_board", "visit_create", "need_detail"})

# The pages under "Donations" (捐赠), in the livelihood work area: gifts and receipts, donors,
# campaigns, charity places and their stock, aid out and hand-overs. The public page (公示) is
# outside the signed-in navigation.
DONATION_PAGES = frozenset(
    {
        "donation_index",
        "donation_receive",
        "donation_receipt",
        "donor_index",
        "donor_create",
        "donor_detail",
        "campaign_index",
        "campaign_create",
        "campaign_detail",
        "place_index",
        "place_open",
        "place_stock",
        "stocktake_record",
        "stocktake_history",
        "disbursement_index",
        "disburse",
        "disburse_list",
        "handover_index",
        "handover_record",
    }
)
