"""Writes to the people registry. Each service checks first, then writes in one transaction
with its audit entry; ID numbers and phones are redacted in the audit log.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

from jinguo.accounts.roles import Perm
from jinguo.audit.services import AuditSpec, audit_record, audit_record_many, changes_between
from jinguo.core.bulk import insert_new
from jinguo.core.crypto import blind_index
from jinguo.core.errors import refuse
from jinguo.core.masking import mask_phone
from jinguo.orgunits import access
from jinguo.orgunits.models import Level, OrgUnit
from jinguo.people import ethnicity, idnumbers
from jinguo.people.choices import (
    SENSITIVE_CATEGORIES,
    Category,
    ConsentGiver,
    ConsentPurpose,
    Relation,
)
from jinguo.people.models import (
    CategoryPeriod,
    Consent,
    Household,
    LeftBehindDetail,
    Membership,
    Person,
)

ID_CONTEXT = "people.person.id_number"
PHONE_CONTEXT = "people.person.phone"
SENSITIVE_FIELDS = ("id_number", "phone")
FIELD_LABELS = {"id_number": _("citizen ID number"), "phone": _("phone")}
GUARDIAN_AGE = 14  # PIPL art. 31: under 14, a guardian consents
LEFT_BEHIND_UNTIL = 16

NAME_REQUIRED = _("The name is required.")
NAME_TOO_LONG = _("The name is longer than 50 characters.")
SEX_REQUIRED = _("Choose the sex (it is read from the ID number when there is one).")
BIRTH_IN_FUTURE = _("The birth date %(date)s is in the future.")
NOT_A_VILLAGE = _(
    "“%(unit)s” is not a village or community: people are registered where they live."
)
RESIDENCE_CLOSED = _("“%(unit)s” was closed on %(closed)s.")
UNKNOWN_ETHNICITY = _("Unknown ethnicity code “%(code)s”.")
INVALID_PHONE = _("“%(phone)s” is not a phone number: use 11 digits for a mobile phone.")
DUPLICATE_ID_VISIBLE = _(
    "This ID number is already registered: %(name)s, %(unit)s. Open that record instead of "
    "registering her again."
)
DUPLICATE_ID_HIDDEN = _(
    "This ID number is already registered in a unit outside your scope. Ask the county "
    "federation to move the person to your village."
)
CONSENT_REQUIRED = _(
    "Record the person's consent before entering her ID number, phone or a sensitive category."
)
GUARDIAN_CONSENT_REQUIRED = _(
    "%(name)s is under 14: her guardian must give the consent, not she herself."
)
EDIT_CONFLICT = _(
    "Someone else changed this record after you opened it (now version %(current)d, yours "
    "%(yours)d). Reload the page, check the changes and enter yours again."
)
REASON_REQUIRED = _("Give the reason for viewing the full value; it is kept in the audit log.")
NOTHING_TO_REVEAL = _("There is no %(field)s recorded for this person.")
CATEGORY_DATES = _("The end date must be after the start date.")
CATEGORY_OVERLAP = _("%(name)s already holds “%(category)s” from %(start)s.")
LEFT_BEHIND_NEEDS_BIRTH = _("A left-behind child needs a birth date (or an ID number).")
LEFT_BEHIND_TOO_OLD = _(
    "%(name)s turned 16 on %(birthday)s: from then on she no longer counts as a left-behind child."
)
LEFT_BEHIND_DETAILS = _("Say whether both parents are away or one is away and the other unable.")
DISABILITY_DETAILS = _("Give the disability type and grade (1 to 4).")
CENTENARIAN_AGE = _("%(name)s is not yet 100 on %(date)s.")
ALREADY_WITHDRAWN = _("This consent was already withdrawn on %(date)s.")
ALREADY_ENDED = _("This period already ended on %(date)s.")
HAS_MERGED_RECORDS = _("Other records were merged into %(name)s; undo those merges first.")
MEMBERSHIP_DATES = _("A membership cannot end before it began (%(start)s).")
HEAD_EXISTS = _("Household %(code)s already has a head: %(name)s.")
ALREADY_MEMBER = _("%(name)s is already a member of household %(code)s.")


@functools.lru_cache(maxsize=65536)
def name_pinyin(name: str) -> tuple[str, str]:
    """("wangfang", "wf") for 王芳; letters and digits in the name are kept as they are."""
    syllables = [
        s.lower()
        for s in lazy_pinyin(name, style=Style.NORMAL, v_to_u=False, errors="default")
        if s.strip()
    ]
    full = "".join(s for s in syllables if s.isalnum())
    initials = "".join(s[0] for s in syllables if s and s[0].isalnum())
    return full, initials


def normalise_phone(raw: str) -> str:
    """Digits only, full-width folded, +86 and spaces dropped; '' for an empty value."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", raw) if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if digits and not (len(digits) == 11 and digits[0] == "1") and not 7 <= len(digits) <= 12:
        # Masked: a mistyped number usually holds the real one, and messages reach the logs.
        raise refuse(INVALID_PHONE, "invalid_phone", "phone", phone=mask_phone(digits))
    return digits


def id_index(number: str) -> str:
    return blind_index(number, context=ID_CONTEXT)


def phone_index(phone: str) -> str:
    return blind_index(phone, context=PHONE_CONTEXT) if phone else ""


@dataclass(frozen=True)
class ConsentInput:
    purpose: str
    scope: str
    given_by: str
    giver_name: str
    given_on: dt.date


def _check_residence(actor: Any, unit: OrgUnit) -> None:
    if actor is not None:
        access.require(actor, Perm.EDIT, unit)
    if unit.level != Level.VILLAGE:
        raise refuse(NOT_A_VILLAGE, "not_a_village", "residence", unit=unit.name)
    if unit.closed_on is not None:
        raise refuse(
            RESIDENCE_CLOSED, "residence_closed", "residence", unit=unit.name, closed=unit.closed_on
        )


def _check_id_free(
    actor: Any,
    number: str,
    *,
    exclude: Person | None = None,
    holder_of: Callable[[str], Person | None] | None = None,
) -> str:
    """The blind index of `number`, refused when someone else already holds it.

    `holder_of` answers "who holds this index" instead of a query (a bulk caller that looked
    up a whole chunk at once); the person it returns needs her residence loaded.
    """
    index = id_index(number)
    if holder_of is not None:
        existing = holder_of(index)
        if existing is not None and exclude is not None and existing.pk == exclude.pk:
            existing = None
    else:
        holder = Person.objects.select_related("residence").filter(id_number_index=index)
        if exclude is not None:
            holder = holder.exclude(pk=exclude.pk)
        existing = holder.first()
    if existing is not None:
        if actor is None or access.can(actor, Perm.VIEW, existing.residence):
            raise refuse(
                DUPLICATE_ID_VISIBLE,
                "duplicate_id",
                "id_number",
                name=existing.name,
                unit=existing.residence.name,
            )
        raise refuse(DUPLICATE_ID_HIDDEN, "duplicate_id", "id_number")
    return index


def _has_consent(person: Person, purposes: tuple[str, ...]) -> bool:
    return person.consents.filter(purpose__in=purposes, withdrawn_on__isnull=True).exists()


def _check_consent_giver(name: str, birth_date: dt.date | None, consent: ConsentInput) -> None:
    if birth_date is None or consent.given_by == ConsentGiver.GUARDIAN:
        return
    age = (
        consent.given_on.year
        - birth_date.year
        - ((consent.given_on.month, consent.given_on.day) < (birth_date.month, birth_date.day))
    )
    if age < GUARDIAN_AGE:
        raise refuse(GUARDIAN_CONSENT_REQUIRED, "guardian_consent_required", "consent", name=name)


def _snapshot(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "birth_date": person.birth_date,
        "id_number": person.id_number_index,
        "phone": person.phone_index or None,
        "residence": person.residence_id,
        "hukou": person.hukou,
        "education": person.education,
        "marital_status": person.marital_status,
        "occupation": person.occupation,
        "notes": person.notes,
    }


@dataclass
class _Identity:
    name: str
    sex: str
    birth_date: dt.date | None
    id_number: str | None
    phone: str


def _clean_identity(
    *,
    name: str,
    sex: str | None,
    birth_date: dt.date | None,
    id_number: str | None,
    phone: str | None,
    ethnicity_code: str,
) -> _Identity:
    name = unicodedata.normalize("NFKC", name).strip()
    if not name:
        raise refuse(NAME_REQUIRED, "name_required", "name")
    if len(name) > 50:
        raise refuse(NAME_TOO_LONG, "name_too_long", "name")
    number: str | None = None
    if id_number and id_number.strip():
        parsed = idnumbers.parse(id_number)
        idnumbers.check_consistency(parsed, birth_date=birth_date, sex=sex)
        number, birth_date, sex = parsed.number, parsed.birth_date, parsed.sex
    if not sex:
        raise refuse(SEX_REQUIRED, "sex_required", "sex")
    # A birth date read from the ID number was checked when the number was parsed.
    if number is None and birth_date is not None and birth_date > timezone.localdate():
        raise refuse(BIRTH_IN_FUTURE, "birth_in_future", "birth_date", date=birth_date)
    if ethnicity_code and ethnicity.by_code(ethnicity_code) is None:
        raise refuse(UNKNOWN_ETHNICITY, "unknown_ethnicity", "ethnicity", code=ethnicity_code)
    return _Identity(name, sex, birth_date, number, normalise_phone(phone or ""))


@dataclass(frozen=True)
class Registration:
    """A registration checked and cleaned by `person_prepare`, not yet written."""

    person: Person  # unsaved: pinyin, blind indexes and county set; encrypted when written
    consent: ConsentInput | None


def person_prepare(
    *,
    actor: Any,
    name: str,
    residence: OrgUnit,
    sex: str | None = None,
    birth_date: dt.date | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    ethnicity: str = "",
    hukou: str = "",
    education: str = "",
    marital_status: str = "",
    occupation: str = "",
    notes: str = "",
    consent: ConsentInput | None = None,
    id_holder: Callable[[str], Person | None] | None = None,
) -> Registration:
    """Every check and every cleaning of `person_register`, in its order, without writing.

    Residence (scope, village, open), identity (name, ID number with the birth date and sex it
    carries, sex, birth date, ethnicity, phone), the ID number not yet registered, consent and
    who gave it, then pinyin, initials, blind indexes and county code. `person_register` writes
    one result; `person_register_many` writes many at once. `id_holder` replaces the query
    for the holder of an ID number's blind index (a bulk caller looks up a chunk at once).
    """
    _check_residence(actor, residence)
    who = _clean_identity(
        name=name,
        sex=sex,
        birth_date=birth_date,
        id_number=id_number,
        phone=phone,
        ethnicity_code=ethnicity,
    )
    index = _check_id_free(actor, who.id_number, holder_of=id_holder) if who.id_number else None
    # Only the registry consent covers the ID number and phone: withdrawing it erases them.
    if (who.id_number or who.phone) and (
        consent is None or consent.purpose != ConsentPurpose.REGISTRY
    ):
        raise refuse(CONSENT_REQUIRED, "consent_required", "consent")
    if consent is not None:
        _check_consent_giver(who.name, who.birth_date, consent)
    full, initials = name_pinyin(who.name)
    person = Person(
        name=who.name,
        name_pinyin=full,
        name_initials=initials,
        sex=who.sex,
        ethnicity=ethnicity,
        birth_date=who.birth_date,
        id_number=who.id_number,
        id_number_index=index,
        phone=who.phone or None,
        phone_index=phone_index(who.phone),
        phone_tail=who.phone[-4:],
        residence=residence,
        county_code=residence.county_code,
        hukou=hukou,
        education=education,
        marital_status=marital_status,
        occupation=occupation.strip(),
        notes=notes.strip(),
        created_by=actor if actor is not None else None,
    )
    return Registration(person, consent)


@transaction.atomic
def person_register(
    *,
    actor: Any,
    name: str,
    residence: OrgUnit,
    sex: str | None = None,
    birth_date: dt.date | None = None,
    id_number: str | None = None,
    phone: str | None = None,
    ethnicity: str = "",
    hukou: str = "",
    education: str = "",
    marital_status: str = "",
    occupation: str = "",
    notes: str = "",
    consent: ConsentInput | None = None,
) -> Person:
    """Register a person once. An ID number or phone needs consent given with it."""
    person = person_prepare(
        actor=actor,
        name=name,
        residence=residence,
        sex=sex,
        birth_date=birth_date,
        id_number=id_number,
        phone=phone,
        ethnicity=ethnicity,
        hukou=hukou,
        education=education,
        marital_status=marital_status,
        occupation=occupation,
        notes=notes,
        consent=consent,
    ).person
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Another clerk registered the same ID number between our check and our insert.
        _check_id_free(actor, person.id_number or "")
        raise
    audit_record(
        actor=actor,
        action="person.register",
        obj=person,
        unit_path=residence.path,
        changes=_register_changes(person),
    )
    if consent is not None:
        _consent_create(actor, person, consent)
    return person


@transaction.atomic
def person_register_many(*, actor: Any, registrations: Sequence[Registration]) -> list[Person]:
    """Write registrations checked by `person_prepare`, in bulk: one insert of the people,
    one of their consents, one of their audit entries (chained in the order `person_register`
    would write them one by one). The caller has made sure that no two of them share an ID
    number; a clash with someone registered meanwhile raises IntegrityError and writes nothing.
    """
    if not registrations:
        return []
    people = [r.person for r in registrations]
    insert_new(Person, people)
    consents = [
        _consent_row(actor, person, r.consent)
        for person, r in zip(people, registrations, strict=True)
        if r.consent is not None
    ]
    insert_new(Consent, consents)
    consent_of = {consent.person_id: consent for consent in consents}
    purposes: dict[str, str] = {}
    entries: list[AuditSpec] = []
    for person in people:
        path = person.residence.path
        entries.append(
            AuditSpec(
                action="person.register",
                obj=person,
                object_repr=person.name,  # str(person)
                unit_path=path,
                changes=_register_changes(person),
            )
        )
        consent = consent_of.get(person.pk)
        if consent is not None:
            if consent.purpose not in purposes:
                purposes[consent.purpose] = str(consent.get_purpose_display())
            entries.append(
                AuditSpec(
                    action="consent.record",
                    obj=consent,
                    # str(consent), without looking the purpose's label up for every consent
                    object_repr=f"{person.name}: {purposes[consent.purpose]}",
                    unit_path=path,
                    changes=_consent_changes(consent),
                )
            )
    audit_record_many(actor=actor, entries=entries)
    return people


def _register_changes(person: Person) -> dict[str, list[Any]]:
    return changes_between({}, _snapshot(person), sensitive=SENSITIVE_FIELDS)


@transaction.atomic
def person_update(*, actor: Any, person: Person, version: int, **fields: Any) -> Person:
    """Change a person's record; `version` is the one the editor started from.

    A stale version means someone else saved in between: the update is refused rather than
    silently overwriting her work.
    """
    current = Person.objects.select_for_update().select_related("residence").get(pk=person.pk)
    if actor is not None:
        access.require(actor, Perm.EDIT, current.residence)
    if current.version != version:
        raise refuse(EDIT_CONFLICT, "edit_conflict", None, current=current.version, yours=version)
    before = _snapshot(current)
    residence = fields.pop("residence", current.residence)
    if residence.pk != current.residence_id:
        _check_residence(actor, residence)
    # A new ID number brings its own birth date and sex; removing one keeps those on record.
    touched_id = bool(str(fields.get("id_number") or "").strip())
    who = _clean_identity(
        name=fields.pop("name", current.name),
        sex=fields.pop("sex", None if touched_id else current.sex),
        birth_date=fields.pop("birth_date", None if touched_id else current.birth_date),
        id_number=fields.pop("id_number", current.id_number),
        phone=fields.pop("phone", current.phone),
        ethnicity_code=fields.get("ethnicity", current.ethnicity),
    )
    new_sensitive = (who.id_number and who.id_number != current.id_number) or (
        who.phone and who.phone != (current.phone or "")
    )
    if new_sensitive and not _has_consent(current, (ConsentPurpose.REGISTRY,)):
        raise refuse(CONSENT_REQUIRED, "consent_required", "consent")
    current.id_number_index = (
        _check_id_free(actor, who.id_number, exclude=current) if who.id_number else None
    )
    current.name = who.name
    current.name_pinyin, current.name_initials = name_pinyin(who.name)
    current.sex, current.birth_date, current.id_number = who.sex, who.birth_date, who.id_number
    current.phone = who.phone or None
    current.phone_index, current.phone_tail = phone_index(who.phone), who.phone[-4:]
    current.residence, current.county_code = residence, residence.county_code
    for field in ("ethnicity", "hukou", "education", "marital_status", "occupation", "notes"):
        if field in fields:
            setattr(current, field, str(fields.pop(field)).strip())
    if fields:
        raise TypeError(f"person_update got unknown fields: {sorted(fields)}")
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    audit_record(
        actor=actor,
        action="person.update",
        obj=current,
        unit_path=current.residence.path,
        changes=changes_between(before, _snapshot(current), sensitive=SENSITIVE_FIELDS),
    )
    return current


@transaction.atomic
def person_reveal(*, actor: Any, person: Person, field: str, reason: str) -> str:
    """The full ID number or phone, for a user whose role may reveal it; always audited."""
    if field not in SENSITIVE_FIELDS:
        raise ValueError(field)
    access.require(actor, Perm.REVEAL, person.residence)
    reason = reason.strip()
    if len(reason) < 2:
        raise refuse(REASON_REQUIRED, "reason_required", "reason")
    value: str | None = getattr(person, field)
    if not value:
        raise refuse(
            NOTHING_TO_REVEAL,
            "nothing_to_reveal",
            "field",
            field=FIELD_LABELS[field],
        )
    audit_record(
        actor=actor,
        action="person.reveal",
        obj=person,
        unit_path=person.residence.path,
        changes={"field": [None, field], "reason": [None, reason]},
    )
    return value


def _consent_row(actor: Any, person: Person, consent: ConsentInput) -> Consent:
    return Consent(
        person=person,
        purpose=consent.purpose,
        scope=consent.scope.strip(),
        given_by=consent.given_by,
        giver_name=consent.giver_name.strip(),
        given_on=consent.given_on,
        recorded_by=actor if actor is not None else None,
    )


def _consent_changes(record: Consent) -> dict[str, list[Any]]:
    return {
        "purpose": [None, record.purpose],
        "given_by": [None, record.given_by],
        "given_on": [None, record.given_on],
    }


def _consent_create(actor: Any, person: Person, consent: ConsentInput) -> Consent:
    record = _consent_row(actor, person, consent)
    record.save()
    audit_record(
        actor=actor,
        action="consent.record",
        obj=record,
        unit_path=person.residence.path,
        changes=_consent_changes(record),
    )
    return record


@transaction.atomic
def consent_record(*, actor: Any, person: Person, consent: ConsentInput) -> Consent:
    if actor is not None:
        access.require(actor, Perm.EDIT, person.residence)
    _check_consent_giver(person.name, person.birth_date, consent)
    # A new consent for the same purpose replaces the one in force, which ends that day.
    for prior in person.consents.filter(purpose=consent.purpose, withdrawn_on__isnull=True):
        prior.withdrawn_on = max(consent.given_on, prior.given_on)
        prior.save(update_fields=["withdrawn_on"])
        audit_record(
            actor=actor,
            action="consent.replace",
            obj=prior,
            unit_path=person.residence.path,
            changes={"withdrawn_on": [None, prior.withdrawn_on]},
        )
    return _consent_create(actor, person, consent)


@transaction.atomic
def consent_withdraw(*, actor: Any, consent: Consent, on: dt.date | None = None) -> Consent:
    """Withdraw consent. For the registry purpose the ID number and phone are erased."""
    person = consent.person
    if actor is not None:
        access.require(actor, Perm.EDIT, person.residence)
    if consent.withdrawn_on is not None:
        raise refuse(ALREADY_WITHDRAWN, "already_withdrawn", None, date=consent.withdrawn_on)
    consent.withdrawn_on = on or timezone.localdate()
    consent.save(update_fields=["withdrawn_on"])
    changes: dict[str, Any] = {"withdrawn_on": [None, consent.withdrawn_on]}
    if consent.purpose == ConsentPurpose.REGISTRY:
        erased = [f for f in SENSITIVE_FIELDS if getattr(person, f)]
        Person.objects.filter(pk=person.pk).update(
            id_number=None,
            id_number_index=None,
            phone=None,
            phone_index="",
            phone_tail="",
            version=F("version") + 1,
        )
        changes["erased"] = [None, erased]
    audit_record(
        actor=actor,
        action="consent.withdraw",
        obj=consent,
        unit_path=person.residence.path,
        changes=changes,
    )
    return consent


# --- households -----------------------------------------------------------------------------


def _next_household_code(residence: OrgUnit) -> str:
    taken = Household.objects.filter(residence=residence).count()
    code = f"{residence.code}{taken + 1:04d}"
    while Household.objects.filter(code=code).exists():
        taken += 1
        code = f"{residence.code}{taken + 1:04d}"
    return code


def _join(
    actor: Any, household: Household, person: Person, relation: str, on: dt.date
) -> Membership:
    current = (
        Membership.objects.filter(person=person, end__isnull=True)
        .select_related("household")
        .first()
    )
    if current is not None:
        if current.household_id == household.pk:
            raise refuse(
                ALREADY_MEMBER, "already_member", "person", name=person.name, code=household.code
            )
        _leave(actor, current, on)
    if relation == Relation.HEAD:
        head = household.memberships.filter(end__isnull=True, relation=Relation.HEAD).first()
        if head is not None:
            raise refuse(
                HEAD_EXISTS, "head_exists", "relation", code=household.code, name=head.person.name
            )
    membership = Membership.objects.create(
        household=household, person=person, relation=relation, start=on
    )
    audit_record(
        actor=actor,
        action="household.join",
        obj=membership,
        unit_path=household.residence.path,
        changes={"person": [None, person.pk], "relation": [None, relation], "start": [None, on]},
    )
    return membership


def _leave(actor: Any, membership: Membership, on: dt.date) -> None:
    if membership.end is not None:
        raise refuse(ALREADY_ENDED, "already_ended", None, date=membership.end)
    if on < membership.start:
        raise refuse(MEMBERSHIP_DATES, "invalid_dates", "on", start=membership.start)
    membership.end = on
    membership.save(update_fields=["end"])
    audit_record(
        actor=actor,
        action="household.leave",
        obj=membership,
        unit_path=membership.household.residence.path,
        changes={"end": [None, membership.end]},
    )


@transaction.atomic
def household_create(
    *, actor: Any, head: Person, address: str = "", on: dt.date | None = None
) -> Household:
    """A new household in the head's village, with her as its head (she leaves any other)."""
    residence = head.residence
    _check_residence(actor, residence)
    household = Household.objects.create(
        code=_next_household_code(residence),
        residence=residence,
        county_code=residence.county_code,
        address=address.strip(),
    )
    audit_record(
        actor=actor,
        action="household.create",
        obj=household,
        unit_path=residence.path,
        changes={"code": [None, household.code]},
    )
    _join(actor, household, head, Relation.HEAD, on or timezone.localdate())
    return household


@transaction.atomic
def household_add_member(
    *, actor: Any, household: Household, person: Person, relation: str, on: dt.date | None = None
) -> Membership:
    """Add a person; a member of another household moves, and her old membership ends."""
    if actor is not None:
        access.require(actor, Perm.EDIT, household.residence)
        access.require(actor, Perm.EDIT, person.residence)
    return _join(actor, household, person, relation, on or timezone.localdate())


@transaction.atomic
def membership_end(*, actor: Any, membership: Membership, on: dt.date | None = None) -> None:
    if actor is not None:
        access.require(actor, Perm.EDIT, membership.household.residence)
    _leave(actor, membership, on or timezone.localdate())


# --- categories -----------------------------------------------------------------------------


def _sixteenth_birthday(born: dt.date) -> dt.date:
    try:
        return born.replace(year=born.year + LEFT_BEHIND_UNTIL)
    except ValueError:  # born on 29 February
        return dt.date(born.year + LEFT_BEHIND_UNTIL, 3, 1)


@transaction.atomic
def category_add(
    *,
    actor: Any,
    person: Person,
    category: str,
    start: dt.date,
    end: dt.date | None = None,
    disability_type: str = "",
    disability_grade: int | None = None,
    left_behind: dict[str, Any] | None = None,
    note: str = "",
) -> CategoryPeriod:
    """Record that a person holds a category from `start` (to `end`, exclusive).

    A left-behind child's period ends by itself on her 16th birthday.
    """
    if actor is not None:
        access.require(actor, Perm.EDIT, person.residence)
    label = Category(category).label
    if end is not None and end <= start:
        raise refuse(CATEGORY_DATES, "invalid_dates", "end")
    if category in SENSITIVE_CATEGORIES and not _has_consent(
        person, (ConsentPurpose.REGISTRY, ConsentPurpose.CHILD_CARE)
    ):
        raise refuse(CONSENT_REQUIRED, "consent_required", "consent")
    if category == Category.LEFT_BEHIND_CHILD:
        if person.birth_date is None:
            raise refuse(LEFT_BEHIND_NEEDS_BIRTH, "birth_date_required", "start")
        sixteen = _sixteenth_birthday(person.birth_date)
        if start >= sixteen:
            raise refuse(
                LEFT_BEHIND_TOO_OLD, "too_old", "start", name=person.name, birthday=sixteen
            )
        end = min(end or sixteen, sixteen)
        if not left_behind or not left_behind.get("parents"):
            raise refuse(LEFT_BEHIND_DETAILS, "details_required", "parents")
    if category == Category.DISABLED and (
        not disability_type or disability_grade not in (1, 2, 3, 4)
    ):
        raise refuse(DISABILITY_DETAILS, "details_required", "disability_grade")
    if category == Category.CENTENARIAN:
        age = person.age_on(start)
        if age is None or age < 100:
            raise refuse(CENTENARIAN_AGE, "too_young", "start", name=person.name, date=start)
    overlapping = person.categories.filter(category=category).filter(
        Q(end__isnull=True) | Q(end__gt=start)
    )
    if end is not None:
        overlapping = overlapping.filter(start__lt=end)
    clash = overlapping.first()
    if clash is not None:
        raise refuse(
            CATEGORY_OVERLAP,
            "overlap",
            "start",
            name=person.name,
            category=label,
            start=clash.start,
        )
    period = CategoryPeriod.objects.create(
        person=person,
        category=category,
        start=start,
        end=end,
        disability_type=disability_type,
        disability_grade=disability_grade,
        note=note.strip(),
        recorded_by=actor if actor is not None else None,
    )
    if category == Category.LEFT_BEHIND_CHILD:
        assert left_behind is not None  # noqa: S101 - checked above
        LeftBehindDetail.objects.create(period=period, **left_behind)
    audit_record(
        actor=actor,
        action="category.add",
        obj=period,
        unit_path=person.residence.path,
        changes={
            "person": [None, person.pk],
            "category": [None, category],
            "start": [None, start],
            "end": [None, end],
        },
    )
    return period


@transaction.atomic
def category_end(*, actor: Any, period: CategoryPeriod, end: dt.date) -> CategoryPeriod:
    if actor is not None:
        access.require(actor, Perm.EDIT, period.person.residence)
    if end <= period.start:
        raise refuse(CATEGORY_DATES, "invalid_dates", "end")
    if period.end is not None and period.end <= timezone.localdate() and end > period.end:
        raise refuse(ALREADY_ENDED, "already_ended", "end", date=period.end)
    before = period.end
    period.end = end if period.end is None else min(end, period.end)
    period.save(update_fields=["end"])
    audit_record(
        actor=actor,
        action="category.end",
        obj=period,
        unit_path=period.person.residence.path,
        changes={"end": [before, period.end]},
    )
    return period


@transaction.atomic
def person_delete(*, actor: Any, person: Person, reason: str) -> None:
    """Remove a record entered by mistake (an import undone), with its consents, categories
    and memberships. A record another one was merged into is kept."""
    if actor is not None:
        access.require(actor, Perm.EDIT, person.residence)
    if Person.objects.filter(merged_into=person).exists():
        raise refuse(HAS_MERGED_RECORDS, "has_merged_records", None, name=person.name)
    audit_record(
        actor=actor,
        action="person.delete",
        obj=person,
        unit_path=person.residence.path,
        changes={
            "reason": [None, reason],
            **changes_between(_snapshot(person), {}, sensitive=SENSITIVE_FIELDS),
        },
    )
    person.delete()
