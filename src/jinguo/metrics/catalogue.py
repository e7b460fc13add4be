"""The metrics Jinguo ships: every figure of a county's annual summary the registries hold.

Each is a declaration (see `jinguo.metrics.registry`); the engine writes the queries. Keys
are ``<records>.<what>``; labels and definitions are shown on the dashboard, in tables, in the
summary's appendix and on every drill-down page.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jinguo.activities.choices import ActivityKind, ContactKind, MaterialKind, PairingKind
from jinguo.activities.models import (
    Activity,
    Attendance,
    Material,
    Pairing,
    PairingContact,
    ParticipantCount,
    VillageVisit,
    Volunteer,
)
from jinguo.donations.choices import GiftKind
from jinguo.donations.models import Disbursement, Donation, HandOver
from jinguo.metrics.registry import Area, Column, Count, Metric, Rate, Source, metric, source
from jinguo.orgunits.models import Kind, OrgUnit
from jinguo.people.choices import Category
from jinguo.people.models import CategoryPeriod
from jinguo.programmes.choices import BenefitKind, EnrolmentStatus
from jinguo.programmes.models import Benefit, Enrolment, Loan, Programme, Project
from jinguo.programmes.selectors import records_q

PEOPLE = pgettext_lazy("measure", "people")
HOUSEHOLDS = pgettext_lazy("measure", "households")
PERSON_TIMES = pgettext_lazy("measure", "person-times")
YUAN = pgettext_lazy("measure", "yuan")
TIMES = pgettext_lazy("measure", "times")
PIECES = pgettext_lazy("measure", "pieces")
JIN = pgettext_lazy("measure", "jin")
UNITS = pgettext_lazy("measure", "units")
TOWNSHIP_KINDS = (Kind.TOWN, Kind.TOWNSHIP, Kind.SUMU, Kind.SUBDISTRICT, Kind.FARM)
ENROLLED = (EnrolmentStatus.APPROVED, EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)

UNIT = Column(_("unit"), "unit__name")
IN_TEAM = "volunteering__team__unit"  # a person's teams, by their org unit

# --- sources --------------------------------------------------------------------------------

source(
    Source(
        key="units",
        label=_("org units"),
        model=OrgUnit,
        unit=("self",),
        start="opened_on",
        end="closed_on",
        columns=(
            Column(_("code"), "code"),
            Column(_("name"), "name"),
            Column(_("kind"), "kind"),
            Column(_("opened on"), "opened_on"),
        ),
        order=("path",),
    )
)
source(
    Source(
        key="categories",
        label=_("category records of people"),
        model=CategoryPeriod,
        unit=("person__residence",),
        start="start",
        end="end",
        columns=(
            Column(_("name"), "person__name"),
            Column(_("village or community"), "person__residence__name"),
            Column(_("category"), "category"),
            Column(_("from"), "start"),
            Column(_("until"), "end"),
        ),
        order=("person__residence__path", "person__name"),
    )
)
source(
    Source(
        key="enrolments",
        label=_("enrolments in programmes"),
        model=Enrolment,
        unit=("unit",),
        date="applied_on",
        depends=(Programme,),
        visible=lambda user: records_q(user, path_field="unit__path"),
        about={"programme": "programme"},
        columns=(
            Column(_("programme"), "programme__name"),
            Column(_("person"), "person__name"),
            Column(_("household"), "household__code"),
            UNIT,
            Column(_("applied on"), "applied_on"),
            Column(_("status"), "status"),
        ),
        order=("-applied_on", "-pk"),
    )
)
source(
    Source(
        key="benefits",
        label=_("benefits delivered"),
        model=Benefit,
        unit=("unit",),
        date="on",
        depends=(Programme,),
        visible=lambda user: records_q(user, path_field="unit__path"),
        about={"programme": "programme"},
        columns=(
            Column(_("date"), "on"),
            Column(_("programme"), "programme__name"),
            Column(_("person"), "person__name"),
            Column(_("household"), "household__code"),
            UNIT,
            Column(_("kind"), "kind"),
            Column(_("amount or value (yuan)"), "amount"),
            Column(_("item or service"), "item"),
            Column(_("quantity"), "quantity"),
            Column(_("measure"), "measure"),
        ),
        order=("-on", "-pk"),
    )
)
source(
    Source(
        key="loans",
        label=_("loans"),
        model=Loan,
        unit=("enrolment__unit",),
        date="disbursed_on",
        about={"programme": "enrolment__programme"},
        columns=(
            Column(_("disbursed on"), "disbursed_on"),
            Column(_("programme"), "enrolment__programme__name"),
            Column(_("person"), "enrolment__person__name"),
            Column(_("household"), "enrolment__household__code"),
            Column(_("unit"), "enrolment__unit__name"),
            Column(_("principal (yuan)"), "principal"),
            Column(_("term (months)"), "term_months"),
        ),
        order=("-disbursed_on", "-pk"),
    )
)
source(
    Source(
        key="projects",
        label=_("construction projects"),
        model=Project,
        unit=("site",),
        start="programme__start",
        depends=(Programme,),
        about={"programme": "programme", "project": "pk"},
        columns=(
            Column(_("project"), "name"),
            Column(_("programme"), "programme__name"),
            Column(_("site"), "site__name"),
            Column(_("budget (yuan)"), "budget"),
            Column(_("floor area (m²)"), "floor_area"),
            Column(_("rooms"), "rooms"),
            Column(_("status"), "status"),
        ),
        order=("programme__start", "name"),
    )
)
ACTIVITY_COLUMNS = (
    Column(_("date"), "activity__start"),
    Column(_("activity"), "activity__title"),
    Column(pgettext_lazy("activity", "place"), "activity__place__name"),
    Column(_("recorded by"), "activity__owner__name"),
)
source(
    Source(
        key="activities",
        label=_("activities"),
        model=Activity,
        unit=("place", "owner"),
        date="start",
        about={"programme": "programme", "activity": "pk"},
        columns=(
            Column(_("date"), "start"),
            Column(_("title"), "title"),
            Column(_("kind"), "kind"),
            Column(pgettext_lazy("activity", "place"), "place__name"),
            Column(_("recorded by"), "owner__name"),
            Column(_("spending (yuan)"), "spending"),
            Column(_("value of goods given (yuan)"), "in_kind_value"),
        ),
        order=("-start", "-pk"),
    )
)
source(
    Source(
        key="attendance",
        label=_("attendance by name"),
        model=Attendance,
        unit=("activity__place", "activity__owner"),
        date="day",
        about={"programme": "activity__programme", "activity": "activity"},
        columns=(Column(_("day"), "day"), Column(_("name"), "person__name"), *ACTIVITY_COLUMNS[1:]),
        order=("-day", "person__name"),
    )
)
source(
    Source(
        key="headcounts",
        label=_("participants counted by group"),
        model=ParticipantCount,
        unit=("activity__place", "activity__owner"),
        date="activity__start",
        about={"programme": "activity__programme", "activity": "activity"},
        columns=(*ACTIVITY_COLUMNS, Column(_("group"), "group"), Column(_("number"), "count")),
        order=("-activity__start", "-pk"),
    )
)
source(
    Source(
        key="materials",
        label=_("materials handed out"),
        model=Material,
        unit=("activity__place", "activity__owner"),
        date="activity__start",
        about={"programme": "activity__programme", "activity": "activity"},
        columns=(*ACTIVITY_COLUMNS, Column(_("kind"), "kind"), Column(_("number"), "count")),
        order=("-activity__start", "-pk"),
    )
)
source(
    Source(
        key="volunteers",
        label=_("volunteers in teams"),
        model=Volunteer,
        unit=("team__unit",),
        start="start",
        about={"team": "team__unit"},
        end="end",
        columns=(
            Column(_("name"), "person__name"),
            Column(_("team"), "team__unit__name"),
            Column(_("role"), "role"),
            Column(_("from"), "start"),
        ),
        order=("team__unit__path", "person__name"),
    )
)
source(
    Source(
        key="pairings",
        label=_("pairings"),
        model=Pairing,
        unit=("unit",),
        start="start",
        about={"team": f"helper_person__{IN_TEAM}"},
        end="end",
        columns=(
            Column(_("kind"), "kind"),
            Column(_("helper"), "helper_person__name"),
            Column(_("helping unit"), "helper_unit__name"),
            Column(_("helped"), "helped_person__name"),
            Column(_("helped unit"), "helped_unit__name"),
            UNIT,
            Column(_("from"), "start"),
        ),
        order=("unit__path", "start"),
    )
)
source(
    Source(
        key="pairing_contacts",
        label=_("contacts of pairings"),
        model=PairingContact,
        unit=("pairing__unit",),
        date="on",
        about={"team": f"pairing__helper_person__{IN_TEAM}"},
        columns=(
            Column(_("date"), "on"),
            Column(_("kind"), "kind"),
            Column(_("help"), "help_kind"),
            Column(_("helper"), "pairing__helper_person__name"),
            Column(_("helped"), "pairing__helped_person__name"),
            Column(_("value (yuan)"), "value"),
        ),
        order=("-on", "-pk"),
    )
)
source(
    Source(
        key="village_visits",
        label=_("visits to assisted villages"),
        model=VillageVisit,
        unit=("village",),
        date="on",
        columns=(
            Column(_("date"), "on"),
            Column(_("village"), "village__name"),
            Column(_("visitors"), "visitors"),
            Column(_("purpose"), "purpose"),
        ),
        order=("-on",),
    )
)
PLACE = ("place", "campaign__place")
source(
    Source(
        key="handovers",
        label=_("hand-overs of donations"),
        model=HandOver,
        unit=("owner",),
        date="on",
        about={"campaign": "campaign", "place": "campaign__place"},
        columns=(
            Column(_("date"), "on"),
            Column(_("campaign"), "campaign__name"),
            Column(_("what was handed over"), "description"),
            Column(_("amount (yuan)"), "amount"),
            Column(_("handed over by"), "handed_by"),
            Column(_("received by"), "received_by"),
            Column(_("notary"), "notary"),
        ),
        order=("-on", "-pk"),
    )
)
source(
    Source(
        key="donations",
        label=_("donations received"),
        model=Donation,
        unit=("owner",),
        date="received_on",
        about={"campaign": "campaign", "place": PLACE},
        columns=(
            Column(_("received on"), "received_on"),
            Column(_("receipt number"), "receipt_number"),
            Column(_("donor"), "donor__name"),
            Column(_("campaign"), "campaign__name"),
            Column(_("kind"), "kind"),
            Column(_("amount or value (yuan)"), "amount"),
            Column(_("item"), "item"),
            Column(_("quantity"), "quantity"),
            Column(_("measure"), "measure"),
        ),
        order=("-received_on", "-pk"),
    )
)
source(
    Source(
        key="disbursements",
        label=_("aid given from donations"),
        model=Disbursement,
        unit=("unit",),
        date="on",
        about={"campaign": "campaign", "place": PLACE},
        columns=(
            Column(_("date"), "on"),
            Column(_("person"), "person__name"),
            Column(_("household"), "household__code"),
            Column(_("unit"), "recipient_unit__name"),
            Column(_("kind"), "kind"),
            Column(_("amount or value (yuan)"), "amount"),
            Column(_("item"), "item"),
            Column(_("quantity"), "quantity"),
            Column(_("measure"), "measure"),
        ),
        order=("-on", "-pk"),
    )
)

# --- prosperity ----------------------------------------------------------------------------

PROSPER, LIVE, DEVELOP, ORGANISE = (
    Area.PROSPERITY,
    Area.LIVELIHOOD,
    Area.DEVELOPMENT,
    Area.ORGANISATION,
)
TRAINING = Q(kind=ActivityKind.TRAINING)
OF_TRAINING = Q(activity__kind=ActivityKind.TRAINING)

metric(
    Metric(
        "loans.count",
        _("Subsidised loans"),
        PROSPER,
        "loans",
        Count.RECORDS,
        pgettext_lazy("measure", "loans"),
        _("Loans disbursed to women and their households."),
        headline=True,
    )
)
metric(
    Metric(
        "loans.principal",
        _("Loan principal"),
        PROSPER,
        "loans",
        Count.SUM,
        YUAN,
        _("Principal of the loans disbursed."),
        field="principal",
        headline=True,
    )
)
metric(
    Metric(
        "trainings.count",
        _("Trainings held"),
        PROSPER,
        "activities",
        Count.RECORDS,
        TIMES,
        _("Activities of the kind training."),
        filter=TRAINING,
        headline=True,
    )
)
metric(
    Metric(
        "trainings.attendance",
        _("Training attendance by name"),
        PROSPER,
        "attendance",
        Count.PERSON_TIMES,
        PERSON_TIMES,
        _("Days attended, one for each person and day on a training's sheet."),
        filter=OF_TRAINING,
    )
)
metric(
    Metric(
        "trainings.trainees",
        _("Trainees by name"),
        PROSPER,
        "attendance",
        Count.PEOPLE,
        PEOPLE,
        _("People on the attendance sheet of at least one training."),
        field="person",
        filter=OF_TRAINING,
        headline=True,
    )
)
metric(
    Metric(
        "trainings.counted",
        _("Trainees counted"),
        PROSPER,
        "headcounts",
        Count.PERSON_TIMES,
        PERSON_TIMES,
        _("Participants of trainings where names were not taken, as counted by group."),
        field="count",
        filter=OF_TRAINING,
    )
)

# --- livelihood ----------------------------------------------------------------------------

metric(
    Metric(
        "left_behind.children",
        _("Left-behind children"),
        LIVE,
        "categories",
        Count.PEOPLE,
        PEOPLE,
        _("Children recorded as left behind."),
        field="person",
        filter=Q(category=Category.LEFT_BEHIND_CHILD),
        headline=True,
    )
)
metric(
    Metric(
        "single_mothers.count",
        _("Single mothers"),
        LIVE,
        "categories",
        Count.PEOPLE,
        PEOPLE,
        _("Women recorded as single mothers."),
        field="person",
        filter=Q(category=Category.SINGLE_MOTHER),
    )
)
metric(
    Metric(
        "enrolments.people",
        _("People enrolled"),
        LIVE,
        "enrolments",
        Count.RECORDS,
        PEOPLE,
        _("Applications admitted (approved, active or completed) to programmes serving people."),
        filter=Q(status__in=ENROLLED, person__isnull=False),
    )
)
metric(
    Metric(
        "enrolments.households",
        _("Households enrolled"),
        LIVE,
        "enrolments",
        Count.RECORDS,
        HOUSEHOLDS,
        _("Applications admitted to programmes serving households."),
        filter=Q(status__in=ENROLLED, household__isnull=False),
    )
)
metric(
    Metric(
        "benefits.people",
        _("People served"),
        LIVE,
        "benefits",
        Count.PEOPLE,
        PEOPLE,
        _("People who received at least one benefit."),
        field="person",
        headline=True,
    )
)
metric(
    Metric(
        "benefits.households",
        _("Households served"),
        LIVE,
        "benefits",
        Count.HOUSEHOLDS,
        HOUSEHOLDS,
        _("Households that received at least one benefit."),
        field="household",
    )
)
metric(
    Metric(
        "benefits.count",
        _("Benefits delivered"),
        LIVE,
        "benefits",
        Count.RECORDS,
        TIMES,
        _("Deliveries of cash, goods or services."),
    )
)
metric(
    Metric(
        "benefits.cash",
        _("Cash delivered"),
        LIVE,
        "benefits",
        Count.SUM,
        YUAN,
        _("Cash paid to beneficiaries."),
        field="amount",
        filter=Q(kind=BenefitKind.CASH),
        headline=True,
    )
)
metric(
    Metric(
        "benefits.goods_value",
        _("Value of goods delivered"),
        LIVE,
        "benefits",
        Count.SUM,
        YUAN,
        _("Estimated value of goods given to beneficiaries."),
        field="amount",
        filter=Q(kind=BenefitKind.GOODS),
    )
)
metric(
    Metric(
        "benefits.amount",
        _("Cash and goods delivered"),
        LIVE,
        "benefits",
        Count.SUM,
        YUAN,
        _("Cash paid plus the value of goods given."),
        field="amount",
    )
)
metric(
    Metric(
        "donations.cash",
        _("Cash donated"),
        LIVE,
        "donations",
        Count.SUM,
        YUAN,
        _("Gifts of money received."),
        field="amount",
        filter=Q(kind=GiftKind.CASH),
        headline=True,
    )
)
metric(
    Metric(
        "donations.goods_value",
        _("Value of goods donated"),
        LIVE,
        "donations",
        Count.SUM,
        YUAN,
        _("Estimated value of the goods received."),
        field="amount",
        filter=Q(kind=GiftKind.GOODS),
    )
)
metric(
    Metric(
        "handovers.amount",
        _("Money handed over"),
        LIVE,
        "handovers",
        Count.SUM,
        YUAN,
        _("Money of a campaign handed over to those who use it, before witnesses or a notary."),
        field="amount",
    )
)
metric(
    Metric(
        "donations.pieces",
        _("Goods donated, in pieces"),
        LIVE,
        "donations",
        Count.SUM,
        PIECES,
        _("Goods received that are counted in pieces (件)."),
        field="quantity",
        filter=Q(kind=GiftKind.GOODS, measure="件"),
    )
)
metric(
    Metric(
        "donations.jin",
        _("Grain and oil donated, in jin"),
        LIVE,
        "donations",
        Count.SUM,
        JIN,
        _("Goods received that are weighed in jin (斤)."),
        field="quantity",
        filter=Q(kind=GiftKind.GOODS, measure="斤"),
    )
)
metric(
    Metric(
        "aid.households",
        _("Households aided from donations"),
        LIVE,
        "disbursements",
        Count.HOUSEHOLDS,
        HOUSEHOLDS,
        _("Households that were given cash or goods from donations."),
        field="household",
    )
)
metric(
    Metric(
        "aid.people",
        _("People aided from donations"),
        LIVE,
        "disbursements",
        Count.PEOPLE,
        PEOPLE,
        _("People who were given cash or goods from donations."),
        field="person",
    )
)
metric(
    Metric(
        "aid.person_times",
        _("Aid from donations, person-times"),
        LIVE,
        "disbursements",
        Count.RECORDS,
        PERSON_TIMES,
        _("Gifts from donations to a person or a household."),
        filter=Q(person__isnull=False) | Q(household__isnull=False),
        headline=True,
    )
)
metric(
    Metric(
        "aid.cash",
        _("Cash given from donations"),
        LIVE,
        "disbursements",
        Count.SUM,
        YUAN,
        _("Money given from donations."),
        field="amount",
        filter=Q(kind=GiftKind.CASH),
    )
)
metric(
    Metric(
        "caring_mothers.count",
        _("Caring mothers"),
        LIVE,
        "pairings",
        Count.PEOPLE,
        PEOPLE,
        _("Volunteers paired with a child as caring mothers."),
        field="helper_person",
        filter=Q(kind=PairingKind.CARING_MOTHER),
        headline=True,
    )
)
metric(
    Metric(
        "caring_mothers.children",
        _("Children helped by caring mothers"),
        LIVE,
        "pairings",
        Count.PEOPLE,
        PEOPLE,
        _("Children paired with a caring mother."),
        field="helped_person",
        filter=Q(kind=PairingKind.CARING_MOTHER),
        headline=True,
    )
)
metric(
    Metric(
        "caring_mothers.help",
        _("Help given by caring mothers"),
        LIVE,
        "pairing_contacts",
        Count.RECORDS,
        TIMES,
        _("Tutoring, school costs, daily care and goods caring mothers gave their children."),
        filter=Q(kind=ContactKind.HELP, pairing__kind=PairingKind.CARING_MOTHER),
    )
)
metric(
    Metric(
        "pairings.contacts",
        _("Help given in pairings"),
        LIVE,
        "pairing_contacts",
        Count.RECORDS,
        TIMES,
        _("Calls, visits and help recorded on pairings."),
    )
)
metric(
    Metric(
        "post_village.pairs",
        _("Civilised post–village pairs"),
        ORGANISE,
        "pairings",
        Count.RECORDS,
        pgettext_lazy("measure", "pairs"),
        _("Pairings of a civilised post with a village."),
        filter=Q(kind=PairingKind.POST_VILLAGE),
    )
)
metric(
    Metric(
        "empty_nest.mothers",
        _("Empty-nest mothers paired"),
        DEVELOP,
        "pairings",
        Count.PEOPLE,
        PEOPLE,
        _("Empty-nest mothers paired with a volunteer."),
        field="helped_person",
        filter=Q(kind=PairingKind.EMPTY_NEST),
    )
)

metric(
    Metric(
        "projects.count",
        _("Construction projects"),
        LIVE,
        "projects",
        Count.RECORDS,
        UNITS,
        _("Buildings put up or under way in the programmes (dormitories, service halls)."),
    )
)
metric(
    Metric(
        "projects.budget",
        _("Investment in construction projects"),
        LIVE,
        "projects",
        Count.SUM,
        YUAN,
        _("Budgets of the construction projects."),
        field="budget",
    )
)
metric(
    Metric(
        "projects.floor_area",
        _("Floor area of construction projects"),
        LIVE,
        "projects",
        Count.SUM,
        pgettext_lazy("measure", "m²"),
        _("Floor area of the buildings, in square metres."),
        field="floor_area",
    )
)
metric(
    Metric(
        "projects.rooms",
        _("Rooms of construction projects"),
        LIVE,
        "projects",
        Count.SUM,
        pgettext_lazy("measure", "rooms"),
        _("Rooms of the buildings."),
        field="rooms",
    )
)

# --- development ------------------------------------------------------------------------------

metric(
    Metric(
        "activities.count",
        _("Activities held"),
        DEVELOP,
        "activities",
        Count.RECORDS,
        TIMES,
        _("Activities of every kind."),
        headline=True,
    )
)
metric(
    Metric(
        "activities.spending",
        _("Spent on activities"),
        DEVELOP,
        "activities",
        Count.SUM,
        YUAN,
        _("Money spent on activities."),
        field="spending",
    )
)
metric(
    Metric(
        "activities.in_kind",
        _("Goods given at activities"),
        DEVELOP,
        "activities",
        Count.SUM,
        YUAN,
        _("Value of the goods given at activities."),
        field="in_kind_value",
    )
)
metric(
    Metric(
        "activities.attendance",
        _("Attendance by name"),
        DEVELOP,
        "attendance",
        Count.PERSON_TIMES,
        PERSON_TIMES,
        _("Days attended, one for each person and day on an attendance sheet."),
    )
)
metric(
    Metric(
        "activities.participants",
        _("Participants by name"),
        DEVELOP,
        "attendance",
        Count.PEOPLE,
        PEOPLE,
        _("People on the attendance sheet of at least one activity."),
        field="person",
    )
)
metric(
    Metric(
        "activities.counted",
        _("Participants counted"),
        DEVELOP,
        "headcounts",
        Count.PERSON_TIMES,
        PERSON_TIMES,
        _("Participants of activities where names were not taken, as counted by group."),
        field="count",
        headline=True,
    )
)
metric(
    Metric(
        "materials.leaflets",
        _("Leaflets handed out"),
        DEVELOP,
        "materials",
        Count.SUM,
        PIECES,
        _("Leaflets and brochures handed out at activities."),
        field="count",
        filter=Q(kind=MaterialKind.LEAFLET),
    )
)
metric(
    Metric(
        "materials.letters",
        _("Proposal letters handed out"),
        DEVELOP,
        "materials",
        Count.SUM,
        PIECES,
        _("Proposal letters handed out at activities."),
        field="count",
        filter=Q(kind=MaterialKind.LETTER),
    )
)
metric(
    Metric(
        "volunteers.people",
        _("Volunteers"),
        DEVELOP,
        "volunteers",
        Count.PEOPLE,
        PEOPLE,
        _("People who are members of a volunteer team."),
        field="person",
        headline=True,
    )
)

# --- organisation ---------------------------------------------------------------------------

metric(
    Metric(
        "units.villages",
        _("Gacha and villages"),
        ORGANISE,
        "units",
        Count.RECORDS,
        UNITS,
        _("Gacha and administrative villages."),
        filter=Q(kind__in=[Kind.GACHA, Kind.VILLAGE]),
    )
)
metric(
    Metric(
        "units.communities",
        _("Communities"),
        ORGANISE,
        "units",
        Count.RECORDS,
        UNITS,
        _("Residents' committees (communities)."),
        filter=Q(kind=Kind.COMMUNITY),
    )
)
metric(
    Metric(
        "units.two_new",
        _("Two-new organisations"),
        ORGANISE,
        "units",
        Count.RECORDS,
        UNITS,
        _("Non-public enterprises and intermediary organisations with a women's organisation."),
        filter=Q(kind=Kind.TWO_NEW_ORG),
    )
)
metric(
    Metric(
        "units.womens_homes",
        _("Women's Homes"),
        ORGANISE,
        "units",
        Count.RECORDS,
        UNITS,
        _("Women's Homes of villages, communities and two-new organisations."),
        filter=Q(kind=Kind.WOMENS_HOME),
        headline=True,
    )
)
metric(
    Metric(
        "units.volunteer_teams",
        _("Volunteer teams"),
        DEVELOP,
        "units",
        Count.RECORDS,
        UNITS,
        _("Women's volunteer service teams."),
        filter=Q(kind=Kind.VOLUNTEER_TEAM),
        headline=True,
    )
)
metric(
    Metric(
        "units.service_stations",
        _("Domestic-service centre and stations"),
        PROSPER,
        "units",
        Count.RECORDS,
        UNITS,
        _("The domestic-service centre and its stations."),
        filter=Q(kind=Kind.SERVICE_STATION),
    )
)
metric(
    Metric(
        "units.service_workstations",
        _("Domestic-service workstations"),
        PROSPER,
        "units",
        Count.RECORDS,
        UNITS,
        _("Domestic-service workstations of the townships (the county's centre not counted)."),
        filter=Q(kind=Kind.SERVICE_STATION, parent__kind__in=TOWNSHIP_KINDS),
    )
)
metric(
    Metric(
        "units.with_home",
        _("Villages and communities with a Women's Home"),
        ORGANISE,
        "units",
        Count.RECORDS,
        UNITS,
        _("Gacha, villages and communities that have a Women's Home."),
        filter=Q(
            kind__in=[Kind.GACHA, Kind.VILLAGE, Kind.COMMUNITY], children__kind=Kind.WOMENS_HOME
        ),
    )
)
metric(
    Metric(
        "units.areas_village_level",
        _("Gacha, villages and communities"),
        ORGANISE,
        "units",
        Count.RECORDS,
        UNITS,
        _("Gacha, villages and communities."),
        filter=Q(kind__in=[Kind.GACHA, Kind.VILLAGE, Kind.COMMUNITY]),
    )
)
metric(
    Rate(
        "units.home_coverage",
        _("Women's Home coverage"),
        ORGANISE,
        "units.with_home",
        "units.areas_village_level",
        _("Share of gacha, villages and communities with a Women's Home."),
        headline=True,
    )
)
metric(
    Metric(
        "village_visits.count",
        _("Visits to assisted villages"),
        ORGANISE,
        "village_visits",
        Count.RECORDS,
        TIMES,
        _("Visits of the federation's work team to the villages it assists."),
    )
)
