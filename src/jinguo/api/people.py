"""The people registry over HTTP: the same services and scope rules as the pages.

ID numbers and phones go in, but only ever come out masked: there is no endpoint that reveals
them. Revealing is a deliberate act of a person, with a reason, on the person's page.
"""

# No `from __future__ import annotations` here: django-ninja's @paginate wraps the view, and the
# wrapper could not resolve a query schema named in a string annotation.
import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from jinguo.accounts.roles import Perm
from jinguo.core.masking import mask_id_number, mask_phone
from jinguo.orgunits import access
from jinguo.people import selectors, services
from jinguo.people.choices import (
    Category,
    ConsentGiver,
    ConsentPurpose,
    DisabilityType,
    Education,
    Guardianship,
    Hukou,
    Marital,
    ParentsSituation,
    Relation,
    Schooling,
    Sex,
)
from jinguo.people.models import CategoryPeriod, Household, Membership, Person
from jinguo.people.selectors import PersonFilter

router = Router(tags=["people"])
households_router = Router(tags=["households"])

Blank = Literal[""]


# --- people ---------------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str
    name_pinyin: str
    sex: Sex
    birth_date: dt.date | None
    age: int | None = Field(None, description="Age today, from the birth date.")
    ethnicity: str = Field(description="GB/T 3304 code, such as 01 (Han) or 02 (Mongol).")
    id_number_masked: str = Field(
        "", description="The ID number with the birth date and order code hidden."
    )
    phone_masked: str = ""
    residence_id: int
    residence_name: str = ""
    hukou: str
    education: str
    marital_status: str
    occupation: str
    notes: str
    version: int = Field(description="Send it back with a PATCH: a stale version gives 409.")

    @staticmethod
    def resolve_age(person: Person) -> int | None:
        return person.age_on(timezone.localdate())

    @staticmethod
    def resolve_id_number_masked(person: Person) -> str:
        return mask_id_number(person.id_number)

    @staticmethod
    def resolve_phone_masked(person: Person) -> str:
        return mask_phone(person.phone)

    @staticmethod
    def resolve_residence_name(person: Person) -> str:
        return person.residence.name


class PersonFilterIn(Schema):
    search: str = Field(
        "", description="Name, pinyin or initials, ID number, or the last 4 digits of a phone."
    )
    unit_id: int | None = Field(None, description="Only people living in this unit or below.")
    category: Category | Blank = ""
    on: dt.date | None = Field(None, description="Day for category and age (default today).")
    age_min: int | None = Field(None, ge=0, le=150)
    age_max: int | None = Field(None, ge=0, le=150)
    sex: Sex | Blank = ""


class ConsentIn(Schema):
    purpose: ConsentPurpose = ConsentPurpose.REGISTRY
    scope: str = Field(..., min_length=1, max_length=200)
    given_by: ConsentGiver
    giver_name: str = Field(..., min_length=1, max_length=50)
    given_on: dt.date

    def as_input(self) -> services.ConsentInput:
        return services.ConsentInput(
            purpose=self.purpose,
            scope=self.scope,
            given_by=self.given_by,
            giver_name=self.giver_name,
            given_on=self.given_on,
        )


class PersonCreate(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    residence_id: int
    sex: Sex | None = None
    birth_date: dt.date | None = None
    id_number: str | None = Field(None, max_length=40)
    phone: str | None = Field(None, max_length=30)
    ethnicity: str = Field("", max_length=2)
    hukou: Hukou | Blank = ""
    education: Education | Blank = ""
    marital_status: Marital | Blank = ""
    occupation: str = Field("", max_length=60)
    notes: str = ""
    consent: ConsentIn | None = Field(
        None, description="Required with an ID number or a phone: the registry consent."
    )


class PersonUpdate(Schema):
    """The fields to change, and the version they were read at; absent fields stay as they are."""

    version: int
    name: str | None = Field(None, min_length=1, max_length=50)
    sex: Sex | None = None
    birth_date: dt.date | None = None
    id_number: str | None = Field(None, max_length=40, description="null or '' removes it.")
    phone: str | None = Field(None, max_length=30, description="null or '' removes it.")
    ethnicity: str | None = Field(None, max_length=2)
    residence_id: int | None = None
    hukou: Hukou | Blank | None = None
    education: Education | Blank | None = None
    marital_status: Marital | Blank | None = None
    occupation: str | None = Field(None, max_length=60)
    notes: str | None = None


# Fields that cannot be emptied (null means "leave as it is") and fields where null means "".
_REQUIRED_ON_UPDATE = ("name", "sex", "residence_id")
_TEXT_ON_UPDATE = ("ethnicity", "hukou", "education", "marital_status", "occupation", "notes")


@router.get("/", response=list[PersonOut])
@paginate(LimitOffsetPagination)
def list_people(request: HttpRequest, filters: Query[PersonFilterIn]) -> Any:
    """People in scope, searched and filtered as on the people page, by pinyin order."""
    within = access.unit_get(request.user, filters.unit_id) if filters.unit_id else None
    return selectors.person_list(
        request.user,
        PersonFilter(
            search=filters.search,
            within=within,
            category=filters.category,
            on=filters.on,
            age_min=filters.age_min,
            age_max=filters.age_max,
            sex=filters.sex,
        ),
    )


@router.get("/{person_id}", response=PersonOut)
def get_person(request: HttpRequest, person_id: int) -> Person:
    return selectors.person_get(request.user, person_id)


@router.post("/", response={201: PersonOut})
def create_person(request: HttpRequest, payload: PersonCreate) -> Status[Person]:
    residence = access.unit_get(request.user, payload.residence_id)
    person = services.person_register(
        actor=request.user,
        name=payload.name,
        residence=residence,
        sex=payload.sex,
        birth_date=payload.birth_date,
        id_number=payload.id_number,
        phone=payload.phone,
        ethnicity=payload.ethnicity,
        hukou=payload.hukou,
        education=payload.education,
        marital_status=payload.marital_status,
        occupation=payload.occupation,
        notes=payload.notes,
        consent=payload.consent.as_input() if payload.consent else None,
    )
    return Status(201, person)


@router.patch("/{person_id}", response=PersonOut)
def update_person(request: HttpRequest, person_id: int, payload: PersonUpdate) -> Person:
    """Change the fields sent. A `version` other than the current one is refused with 409
    (edit_conflict): read the record again and apply the change to what is there now."""
    person = selectors.person_get(request.user, person_id)
    changes: dict[str, Any] = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    for name in _REQUIRED_ON_UPDATE:
        if changes.get(name, "") is None:
            del changes[name]
    for name in _TEXT_ON_UPDATE:
        if name in changes and changes[name] is None:
            changes[name] = ""
    for name in ("id_number", "phone"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    if "residence_id" in changes:
        changes["residence"] = access.unit_get(request.user, changes.pop("residence_id"))
    return services.person_update(actor=request.user, person=person, version=version, **changes)


# --- categories -----------------------------------------------------------------------------------


class LeftBehindIn(Schema):
    parents: ParentsSituation
    schooling: Schooling | Blank = ""
    school_name: str = Field("", max_length=100)
    boarding: bool = False
    health: str = Field("", max_length=100)
    father_workplace: str = Field("", max_length=100)
    father_phone: str | None = Field(None, max_length=30)
    mother_workplace: str = Field("", max_length=100)
    mother_phone: str | None = Field(None, max_length=30)
    guardian_name: str = Field("", max_length=50)
    guardian_relation: str = Field("", max_length=30)
    guardianship: Guardianship | Blank = ""
    income_sources: str = Field("", max_length=200)
    aid_received: str = Field("", max_length=200)


class LeftBehindOut(Schema):
    parents: str
    schooling: str
    school_name: str
    boarding: bool
    health: str
    father_workplace: str
    father_phone_masked: str = ""
    mother_workplace: str
    mother_phone_masked: str = ""
    guardian_name: str
    guardian_relation: str
    guardianship: str
    income_sources: str
    aid_received: str

    @staticmethod
    def resolve_father_phone_masked(details: Any) -> str:
        return mask_phone(details.father_phone)

    @staticmethod
    def resolve_mother_phone_masked(details: Any) -> str:
        return mask_phone(details.mother_phone)


class CategoryOut(Schema):
    id: int
    category: Category
    start: dt.date
    end: dt.date | None = Field(description="Exclusive: the first day she no longer holds it.")
    disability_type: str
    disability_grade: int | None
    note: str
    left_behind: LeftBehindOut | None = None

    @staticmethod
    def resolve_left_behind(period: CategoryPeriod) -> Any:
        return getattr(period, "left_behind", None)


class CategoryIn(Schema):
    category: Category
    start: dt.date
    end: dt.date | None = None
    disability_type: DisabilityType | Blank = ""
    disability_grade: int | None = Field(None, ge=1, le=4)
    note: str = Field("", max_length=200)
    left_behind: LeftBehindIn | None = Field(
        None, description="Required for a left-behind child: the registration details."
    )


class EndIn(Schema):
    end: dt.date = Field(description="The first day she no longer holds it.")


def _person_for_edit(request: HttpRequest, person_id: int) -> Person:
    person = selectors.person_get(request.user, person_id)
    access.require(request.user, Perm.EDIT, person.residence)
    return person


@router.get("/{person_id}/categories", response=list[CategoryOut])
def list_categories(request: HttpRequest, person_id: int) -> list[CategoryPeriod]:
    """Her categories, latest first; sensitive ones only for those who may see them."""
    person = selectors.person_get(request.user, person_id)
    timeline = selectors.person_timeline(request.user, person)
    return [entry.item for entry in timeline if entry.kind == "category"]


@router.post("/{person_id}/categories", response={201: CategoryOut})
def add_category(
    request: HttpRequest, person_id: int, payload: CategoryIn
) -> Status[CategoryPeriod]:
    person = _person_for_edit(request, person_id)
    left_behind = None
    if payload.left_behind is not None and payload.category == Category.LEFT_BEHIND_CHILD:
        left_behind = payload.left_behind.dict()
    period = services.category_add(
        actor=request.user,
        person=person,
        category=payload.category,
        start=payload.start,
        end=payload.end,
        disability_type=payload.disability_type,
        disability_grade=payload.disability_grade,
        left_behind=left_behind,
        note=payload.note,
    )
    return Status(201, period)


@router.post("/{person_id}/categories/{period_id}/end", response=CategoryOut)
def end_category(
    request: HttpRequest, person_id: int, period_id: int, payload: EndIn
) -> CategoryPeriod:
    person = _person_for_edit(request, person_id)
    period = person.categories.select_related("left_behind").filter(pk=period_id).first()
    if period is None:
        raise Http404
    return services.category_end(actor=request.user, period=period, end=payload.end)


# --- households -----------------------------------------------------------------------------------


class MembershipOut(Schema):
    id: int
    person_id: int
    person_name: str = ""
    relation: Relation
    start: dt.date
    end: dt.date | None

    @staticmethod
    def resolve_person_name(membership: Membership) -> str:
        return membership.person.name


class HouseholdOut(Schema):
    id: int
    code: str
    residence_id: int
    address: str
    members: list[MembershipOut] = Field([], description="Current members first, then former ones.")

    @staticmethod
    def resolve_members(household: Household) -> list[Membership]:
        return list(selectors.household_members(household, include_past=True))


class HouseholdCreate(Schema):
    head_id: int
    address: str = Field("", max_length=200)
    on: dt.date | None = None


class MemberIn(Schema):
    person_id: int
    relation: Relation
    on: dt.date | None = None


class OnIn(Schema):
    on: dt.date | None = None


@households_router.post("/", response={201: HouseholdOut})
def create_household(request: HttpRequest, payload: HouseholdCreate) -> Status[Household]:
    """A new household in the head's village, with her as its head."""
    head = selectors.person_get(request.user, payload.head_id)
    household = services.household_create(
        actor=request.user, head=head, address=payload.address, on=payload.on
    )
    return Status(201, household)


@households_router.get("/{household_id}", response=HouseholdOut)
def get_household(request: HttpRequest, household_id: int) -> Household:
    return selectors.household_get(request.user, household_id)


@households_router.post("/{household_id}/members", response={201: MembershipOut})
def add_member(request: HttpRequest, household_id: int, payload: MemberIn) -> Status[Membership]:
    """Add a person; a member of another household moves, and that membership ends."""
    household = selectors.household_get(request.user, household_id)
    person = selectors.person_get(request.user, payload.person_id)
    membership = services.household_add_member(
        actor=request.user,
        household=household,
        person=person,
        relation=payload.relation,
        on=payload.on,
    )
    return Status(201, membership)


@households_router.post("/{household_id}/members/{membership_id}/end", response=MembershipOut)
def end_membership(
    request: HttpRequest, household_id: int, membership_id: int, payload: OnIn
) -> Membership:
    household = selectors.household_get(request.user, household_id)
    membership = (
        household.memberships.select_related("person", "household__residence")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise Http404
    services.membership_end(actor=request.user, membership=membership, on=payload.on)
    return membership
