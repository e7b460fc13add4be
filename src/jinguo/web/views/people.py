"""The people registry: find a person, register her once, look after her record, her household
and her categories, and review the records that may be the same person.

Views stay thin: forms check the shape of the input, the people services decide and write,
reads go through `jinguo.people.selectors` and `jinguo.orgunits.access`. ID numbers and phones
are shown masked; the full value is shown only by `person_reveal`, on the response to a POST
with a reason, and is never put into the session, a message or a URL.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jinguo.accounts.roles import Perm
from jinguo.activities import selectors as activity_selectors
from jinguo.core.errors import ApplicationError
from jinguo.core.masking import mask_id_number, mask_phone
from jinguo.core.models import Progress
from jinguo.core.progress import progress_start
from jinguo.donations import selectors as donation_selectors
from jinguo.orgunits import access
from jinguo.orgunits import selectors as unit_selectors
from jinguo.orgunits.models import AREA_KINDS, AREA_LEVEL, Level, OrgUnit
from jinguo.people import ethnicity, idnumbers, merging, selectors, services
from jinguo.people.choices import Category, ConsentPurpose
from jinguo.people.models import (
    CategoryPeriod,
    Consent,
    DuplicatePair,
    Household,
    Membership,
    Person,
)
from jinguo.people.selectors import PersonFilter, TimelineEntry
from jinguo.people.tasks import duplicates_scan_task
from jinguo.programmes import selectors as programme_selectors
from jinguo.web.people_forms import (
    CategoryForm,
    ConsentForm,
    DateOnlyForm,
    HouseholdCreateForm,
    IdNumberReplaceForm,
    MemberAddForm,
    MergeForm,
    PersonEditForm,
    PersonFieldsForm,
    PersonFilterForm,
    PersonRegisterForm,
    PhoneReplaceForm,
    RevealForm,
)

PAGE_SIZE = 30
PAIRS_PER_PAGE = 10
SEARCH_RESULTS = 20
VILLAGE_KINDS = tuple(str(kind) for kind, level in AREA_LEVEL.items() if level == Level.VILLAGE)
SCAN_LABEL = "duplicates scan"
REVEALABLE = {"id_number": mask_id_number, "phone": mask_phone}


# --- reads this module needs beyond the selectors ---------------------------------------------


def _villages_for_entry(user: Any, *, keep: OrgUnit | None = None) -> QuerySet[OrgUnit]:
    """Open villages and communities where the user may register people (and `keep`)."""
    units = unit_selectors.unit_list(user, include_closed=keep is not None).filter(
        kind__in=VILLAGE_KINDS
    )
    if keep is not None:
        units = units.filter(Q(closed_on__isnull=True) | Q(pk=keep.pk))
    return access.scoped(user, units, Perm.EDIT)


def _areas_for_filter(user: Any) -> list[OrgUnit]:
    """The open areas in the user's scope, tree order, for the "where" filter of the list."""
    return list(unit_selectors.unit_list(user).filter(kind__in=AREA_KINDS)[:3000])


def _require_edit_scope(user: Any) -> None:
    """Pages for entering records: a user who may enter nothing anywhere finds nothing here."""
    if not access.scope_paths(user, Perm.EDIT):
        raise Http404


def _person_for_edit(request: HttpRequest, person_id: int) -> Person:
    person = selectors.person_get(request.user, person_id)
    access.require(request.user, Perm.EDIT, person.residence)
    return person


# --- showing a person -------------------------------------------------------------------------


def _masked(person: Person) -> dict[str, str]:
    return {"id_number": mask_id_number(person.id_number), "phone": mask_phone(person.phone)}


def _ethnicity_name(code: str) -> str:
    found = ethnicity.by_code(code) if code else None
    if found is None:
        return code
    return found.name(translation.get_language() or "zh-hans")


def _possible_matches(user: Any, form: PersonRegisterForm) -> list[Person]:
    """People in scope the new record may duplicate, shown before anything is saved.

    With an ID number that is already registered in scope, none: the service names the holder
    of the number, which says more than a list of similar names.
    """
    data = form.cleaned_data
    birth_date = data["birth_date"]
    number = data["id_number"].strip()
    if number:
        try:
            parsed = idnumbers.parse(number)
        except ApplicationError:
            return []  # the service explains what is wrong with the number
        if _id_holder(user, parsed.number) is not None:
            return []
        birth_date = birth_date or parsed.birth_date
    return selectors.person_possible_matches(
        user, name=data["name"], birth_date=birth_date, residence=data["residence"]
    )


def _id_holder(user: Any, number: str) -> Person | None:
    """The record in scope holding this ID number, to link to from the refusal."""
    try:
        parsed = idnumbers.parse(number)
    except ApplicationError:
        return None
    return selectors.person_list(user, PersonFilter(search=parsed.number)).first()


def _match_rows(people: list[Person]) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {"person": p, "age": p.age_on(today), "id_number": mask_id_number(p.id_number)}
        for p in people
    ]


# --- searching without putting an ID number into an address -----------------------------------


def _is_sensitive_search(text: str) -> bool:
    """An ID number or a phone number (seven digits or more), as opposed to a name or 4 digits."""
    return sum(ch.isdigit() for ch in unicodedata.normalize("NFKC", text)) >= 7


def _search_params(request: HttpRequest, url: str, anchor: str = "") -> QueryDict | HttpResponse:
    """The search parameters of a page whose search form is sent by POST.

    A search for an ID number or a phone is answered in the response to the POST, so that the
    number never appears in an address (browser history, proxy and server logs). Any other
    search is redirected to a GET address, which can be bookmarked, paged and shared.
    """
    if request.method != "POST":
        return request.GET
    if _is_sensitive_search(request.POST.get("q", "")):
        return request.POST
    query = QueryDict(mutable=True)
    for key, values in request.POST.lists():
        kept = [value for value in values if value.strip()]
        if key != "csrfmiddlewaretoken" and kept:
            query.setlist(key, kept)
    return redirect(f"{url}?{query.urlencode()}{anchor}" if query else f"{url}{anchor}")


# --- the list ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def person_index(request: HttpRequest) -> HttpResponse:
    """One search box and a few filters over the people in scope."""
    params = _search_params(request, reverse("person_index"))
    if isinstance(params, HttpResponse):
        return params
    areas = _areas_for_filter(request.user)
    top = min((unit.depth for unit in areas), default=0)
    choices = [(unit.code, "\u3000" * (unit.depth - top) + unit.name) for unit in areas]
    by_code = {unit.code: unit for unit in areas}
    form = PersonFilterForm(params or None, units=choices)
    on = form.value("on")
    filters = PersonFilter(
        search=form.value("q") or "",
        within=by_code.get(form.value("unit") or ""),
        category=form.value("category") or "",
        on=on,
        age_min=form.value("age_min"),
        age_max=form.value("age_max"),
        sex=form.value("sex") or "",
    )
    page = Paginator(selectors.person_list(request.user, filters), PAGE_SIZE).get_page(
        params.get("page")
    )
    day = on or timezone.localdate()
    rows = [
        {
            "person": person,
            "age": person.age_on(day),
            "id_number": mask_id_number(person.id_number),
        }
        for person in page
    ]
    query = params.copy()
    for key in ("page", "csrfmiddlewaretoken"):
        query.pop(key, None)
    if request.method == "POST":
        query.pop("q", None)  # the pages of a number search must not carry the number
    filtered = any(
        [filters.within, filters.category, filters.age_min, filters.age_max, filters.sex, on]
    )
    return render(
        request,
        "web/people/index.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "searching": bool(filters.search) or filtered,
            "filtered": filtered,
            "show_unit_filter": len(areas) > 1,
            "can_register": bool(access.scope_paths(request.user, Perm.EDIT)),
        },
    )


# --- registering ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def person_register(request: HttpRequest) -> HttpResponse:
    """Register a person, after a look at who may already be registered under that name."""
    _require_edit_scope(request.user)
    villages = _villages_for_entry(request.user)
    first_two = list(villages[:2])
    if not first_two:
        raise Http404
    initial: dict[str, Any] = {}
    if len(first_two) == 1:
        initial["residence"] = first_two[0].pk
    elif request.GET.get("residence", "").isdigit():
        initial["residence"] = int(request.GET["residence"])
    form = PersonRegisterForm(request.POST or None, villages=villages, initial=initial)
    matches: list[Person] = []
    id_holder: Person | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        number = data["id_number"]  # kept: a refusal on the field drops it from cleaned_data
        matches = _possible_matches(request.user, form)
        if not matches or data["confirm_different"]:
            try:
                person = services.person_register(
                    actor=request.user,
                    **form.record(),
                    id_number=data["id_number"] or None,
                    phone=data["phone"] or None,
                    consent=form.consent(),
                )
            except ApplicationError as error:
                form.add_service_error(error)
                if error.code == "duplicate_id":
                    id_holder = _id_holder(request.user, number)
            else:
                messages.success(
                    request, _("%(name)s has been registered.") % {"name": person.name}
                )
                return redirect("person_detail", person_id=person.pk)
    return render(
        request,
        "web/people/register.html",
        {
            "form": form,
            "matches": _match_rows(matches),
            "id_holder": id_holder,
            # Matches exist only for valid input, so cleaned_data is there to read.
            "needs_confirmation": bool(matches) and not form.cleaned_data["confirm_different"],
        },
    )


# --- one person -------------------------------------------------------------------------------


def _split_timeline(entries: list[TimelineEntry]) -> dict[str, Any]:
    today = timezone.localdate()
    categories: list[CategoryPeriod] = [e.item for e in entries if e.kind == "category"]
    memberships: list[Membership] = [e.item for e in entries if e.kind == "household"]
    consents: list[Consent] = [e.item for e in entries if e.kind == "consent"]
    return {
        "current_categories": [c for c in categories if c.end is None or c.end > today],
        "past_categories": [c for c in categories if c.end is not None and c.end <= today],
        "membership": next((m for m in memberships if m.end is None), None),
        "consents": consents,
        "has_registry_consent": any(
            c.purpose == ConsentPurpose.REGISTRY and c.withdrawn_on is None for c in consents
        ),
    }


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    """Everything about her on one page: identity, household, categories, consents, timeline."""
    person = selectors.person_get(request.user, person_id)
    timeline = selectors.person_timeline(request.user, person)
    return render(
        request,
        "web/people/detail.html",
        {
            "person": person,
            "age": person.age_on(timezone.localdate()),
            "masked": _masked(person),
            "ethnicity_name": _ethnicity_name(person.ethnicity),
            "timeline": timeline,
            "can_edit": access.can(request.user, Perm.EDIT, person.residence),
            "can_reveal": access.can(request.user, Perm.REVEAL, person.residence),
            "today": timezone.localdate(),
            "enrolments": programme_selectors.enrolment_list(request.user, person=person)[:20],
            "benefits": programme_selectors.benefit_list(request.user, person=person)[:20],
            "aid": donation_selectors.disbursement_list(request.user, person=person)[:20],
            "attended": activity_selectors.person_activities(request.user, person)[:20],
            "volunteering": activity_selectors.person_volunteering(request.user, person),
            "pairings": activity_selectors.person_pairings(request.user, person),
            **_split_timeline(timeline),
        },
    )


def _display(form: PersonFieldsForm, name: str, value: Any) -> str:
    """A record value as the page shows it: choice labels, dates, the village's name."""
    if value in (None, ""):
        return "—"
    if isinstance(value, OrgUnit):
        return value.name
    if isinstance(value, dt.date):
        return value.isoformat()
    choices = dict(getattr(form.fields[name], "choices", []) or [])
    return str(choices.get(value, value))


def _conflict_rows(
    form: PersonFieldsForm, saved: Person, yours: dict[str, Any]
) -> list[dict[str, Any]]:
    """The saved record beside what the editor entered, field by field."""
    rows = []
    for name in PersonFieldsForm.RECORD_FIELDS:
        now = saved.residence if name == "residence" else getattr(saved, name)
        rows.append(
            {
                "label": form.fields[name].label,
                "saved": _display(form, name, now),
                "yours": _display(form, name, yours.get(name)),
                "differs": (now or None) != (yours.get(name) or None),
            }
        )
    return rows


def _edit_form(request: HttpRequest, person: Person, data: Any = None) -> PersonEditForm:
    """The edit form on the record as saved, with the version it is based on."""
    initial: dict[str, Any] = {
        name: getattr(person, name) for name in PersonFieldsForm.RECORD_FIELDS
    }
    initial["residence"] = person.residence_id
    initial["version"] = person.version
    return PersonEditForm(
        data,
        initial=initial,
        villages=_villages_for_entry(request.user, keep=person.residence),
        has_id_number=bool(person.id_number),
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    """Correct a record. The form carries the version it started from: a save over someone
    else's newer changes is refused, and both versions are shown."""
    person = _person_for_edit(request, person_id)
    form = _edit_form(request, person, request.POST or None)
    conflict: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        yours = form.record()
        try:
            person = services.person_update(
                actor=request.user, person=person, version=form.cleaned_data["version"], **yours
            )
        except ApplicationError as error:
            if error.code != "edit_conflict":
                form.add_service_error(error)
            else:
                # Keep what she typed, now based on the saved version, beside the saved values:
                # saving again is a decision taken with both in view.
                person = selectors.person_get(request.user, person_id)
                data = request.POST.copy()
                data["version"] = str(person.version)
                form = _edit_form(request, person, data)
                form.is_valid()
                form.add_error(None, str(error))
                conflict = _conflict_rows(form, person, yours)
        else:
            messages.success(request, _("The record has been saved."))
            return redirect("person_detail", person_id=person.pk)
    return render(
        request,
        "web/people/edit.html",
        {"person": person, "form": form, "conflict": conflict},
    )


def _replace_view(
    request: HttpRequest,
    person_id: int,
    form_class: type[IdNumberReplaceForm] | type[PhoneReplaceForm],
    field: str,
    title: str,
) -> HttpResponse:
    """Replace the ID number or the phone: an empty field for the new value, so that the old
    one is never put into a page."""
    person = _person_for_edit(request, person_id)
    form = form_class(request.POST or None, initial={"version": person.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=request.user,
                person=person,
                version=form.cleaned_data["version"],
                **{field: form.cleaned_data[field]},
            )
        except ApplicationError as error:
            if error.code == "edit_conflict":
                person = selectors.person_get(request.user, person_id)
                data = request.POST.copy()
                data["version"] = str(person.version)
                form = form_class(data)
                form.is_valid()
                form.add_error(None, str(error))
            else:
                form.add_service_error(error)
        else:
            messages.success(request, _("The record has been saved."))
            return redirect("person_detail", person_id=person.pk)
    timeline = selectors.person_timeline(request.user, person)
    return render(
        request,
        "web/people/replace.html",
        {
            "person": person,
            "form": form,
            "title": title,
            "field": field,
            "current": _masked(person)[field],
            "has_registry_consent": _split_timeline(timeline)["has_registry_consent"],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_replace_id_number(request: HttpRequest, person_id: int) -> HttpResponse:
    return _replace_view(
        request, person_id, IdNumberReplaceForm, "id_number", _("Replace the ID number")
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_replace_phone(request: HttpRequest, person_id: int) -> HttpResponse:
    return _replace_view(request, person_id, PhoneReplaceForm, "phone", _("Replace the phone"))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    """The full ID number or phone, once, on the response to a POST giving the reason.

    The value goes into this response only: not the session, not a message, not a URL; the
    response is marked not to be cached, and the service writes the audit entry.
    """
    person = selectors.person_get(request.user, person_id)
    access.require(request.user, Perm.REVEAL, person.residence)
    field = request.POST.get("field") or request.GET.get("field") or "id_number"
    if field not in REVEALABLE:
        raise Http404
    form = RevealForm(request.POST or None)
    value = None
    if request.method == "POST" and form.is_valid():
        try:
            value = services.person_reveal(
                actor=request.user, person=person, field=field, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_error("reason" if error.field == "reason" else None, str(error))
    return render(
        request,
        "web/people/reveal.html",
        {
            "person": person,
            "form": form,
            "field": field,
            "masked": REVEALABLE[field](getattr(person, field)),
            "value": value,
        },
    )


# --- categories -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def category_add(request: HttpRequest, person_id: int) -> HttpResponse:
    """First choose the category, then fill in what that category needs."""
    person = _person_for_edit(request, person_id)
    category = request.POST.get("category") or request.GET.get("category", "")
    if category not in Category.values:
        return render(
            request,
            "web/people/category_choose.html",
            {"person": person, "categories": Category.choices},
        )
    form = CategoryForm(request.POST or None, category=category)
    if request.method == "POST" and form.is_valid():
        try:
            services.category_add(
                actor=request.user, person=person, category=category, **form.arguments()
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(name)s now holds “%(category)s”.")
                % {"name": person.name, "category": Category(category).label},
            )
            return redirect("person_detail", person_id=person.pk)
    return render(
        request,
        "web/people/category_form.html",
        {"person": person, "form": form, "category": category, "label": Category(category).label},
    )


@login_required
@require_http_methods(["GET", "POST"])
def category_end(request: HttpRequest, person_id: int, period_id: int) -> HttpResponse:
    person = _person_for_edit(request, person_id)
    period = person.categories.filter(pk=period_id).first()
    if period is None:
        raise Http404
    form = DateOnlyForm(request.POST or None, label=_("Holds it until"))
    if request.method == "POST" and form.is_valid():
        try:
            services.category_end(actor=request.user, period=period, end=form.cleaned_data["on"])
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The period has been ended."))
            return redirect("person_detail", person_id=person.pk)
    return render(
        request,
        "web/people/small_form.html",
        {
            "person": person,
            "form": form,
            "title": _("End “%(category)s”") % {"category": period.get_category_display()},
            "lead": _("Held from %(start)s. The end day itself no longer counts.")
            % {"start": period.start.isoformat()},
            "submit": _("End the period"),
        },
    )


# --- consent ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def consent_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_for_edit(request, person_id)
    purpose = request.GET.get("purpose", ConsentPurpose.REGISTRY)
    form = ConsentForm(
        request.POST or None,
        initial={"purpose": purpose if purpose in ConsentPurpose.values else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                actor=request.user, person=person, consent=form.consent(person.name)
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The consent has been recorded."))
            return redirect("person_detail", person_id=person.pk)
    return render(
        request,
        "web/people/small_form.html",
        {
            "person": person,
            "form": form,
            "title": _("Record a consent"),
            "lead": _(
                "Record what she (or, under 14, her guardian) agreed to, for which purpose and "
                "on which day. A new consent for a purpose replaces the one before."
            ),
            "submit": _("Record the consent"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, person_id: int, consent_id: int) -> HttpResponse:
    """Withdraw a consent; for the registry, after a warning that ID number and phone go."""
    person = _person_for_edit(request, person_id)
    consent = person.consents.filter(pk=consent_id, withdrawn_on__isnull=True).first()
    if consent is None:
        raise Http404
    form = DateOnlyForm(request.POST or None, label=_("Withdrawn on"))
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                actor=request.user, consent=consent, on=form.cleaned_data["on"]
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The consent has been withdrawn."))
            return redirect("person_detail", person_id=person.pk)
    erases = consent.purpose == ConsentPurpose.REGISTRY
    return render(
        request,
        "web/people/consent_withdraw.html",
        {
            "person": person,
            "consent": consent,
            "form": form,
            "erases": erases and bool(person.id_number or person.phone),
            "masked": _masked(person),
        },
    )


# --- households -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request: HttpRequest, person_id: int) -> HttpResponse:
    """A new household with this person as its head."""
    person = _person_for_edit(request, person_id)
    form = HouseholdCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(
                actor=request.user,
                head=person,
                address=form.cleaned_data["address"],
                on=form.cleaned_data["on"],
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Household %(code)s has been created.") % {"code": household.code}
            )
            return redirect("household_detail", household_id=household.pk)
    return render(
        request,
        "web/people/small_form.html",
        {
            "person": person,
            "form": form,
            "title": _("New household"),
            "lead": _(
                "%(name)s becomes the head of a new household in %(village)s. If she belongs "
                "to another household now, she leaves it on that day."
            )
            % {"name": person.name, "village": person.residence.name},
            "submit": _("Create the household"),
        },
    )


def _household_context(
    request: HttpRequest, household: Household, params: QueryDict
) -> dict[str, Any]:
    members = list(selectors.household_members(household, include_past=True))
    current = [m for m in members if m.end is None]
    # The head first, then in the order they joined.
    current.sort(key=lambda m: (m.relation != "head", m.start, m.pk))
    past = [m for m in members if m.end is not None]
    past.sort(key=lambda m: (m.end or m.start, m.pk), reverse=True)
    search = params.get("q", "").strip()
    found: list[Person] = []
    if search:
        found = list(
            selectors.person_list(request.user, PersonFilter(search=search))[:SEARCH_RESULTS]
        )
    member_ids = {m.person_id for m in current}
    today = timezone.localdate()
    return {
        "household": household,
        "current": current,
        "past": past,
        "search": search,
        "found": [
            {"person": p, "age": p.age_on(today), "member": p.pk in member_ids} for p in found
        ],
        "can_edit": access.can(request.user, Perm.EDIT, household.residence),
    }


@login_required
@require_http_methods(["GET", "POST"])
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    """A household's members now and before; search for a person to add."""
    household = selectors.household_get(request.user, household_id)
    params = _search_params(
        request,
        reverse("household_detail", kwargs={"household_id": household.pk}),
        anchor="#add-member",
    )
    if isinstance(params, HttpResponse):
        return params
    return render(
        request, "web/people/household.html", _household_context(request, household, params)
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_add_member(request: HttpRequest, household_id: int) -> HttpResponse:
    household = selectors.household_get(request.user, household_id)
    access.require(request.user, Perm.EDIT, household.residence)
    person = selectors.person_get(
        request.user, request.POST.get("person") or request.GET.get("person")
    )
    current = person.memberships.filter(end__isnull=True).select_related("household").first()
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_add_member(
                actor=request.user,
                household=household,
                person=person,
                relation=form.cleaned_data["relation"],
                on=form.cleaned_data["on"],
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(name)s is now a member of household %(code)s.")
                % {"name": person.name, "code": household.code},
            )
            return redirect("household_detail", household_id=household.pk)
    return render(
        request,
        "web/people/member_add.html",
        {"household": household, "person": person, "current": current, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_end(request: HttpRequest, household_id: int, membership_id: int) -> HttpResponse:
    household = selectors.household_get(request.user, household_id)
    access.require(request.user, Perm.EDIT, household.residence)
    membership = (
        household.memberships.filter(pk=membership_id, end__isnull=True)
        .select_related("person")
        .first()
    )
    if membership is None:
        raise Http404
    form = DateOnlyForm(request.POST or None, label=_("Left on"))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(
                actor=request.user, membership=membership, on=form.cleaned_data["on"]
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("%(name)s has left household %(code)s.")
                % {"name": membership.person.name, "code": household.code},
            )
            return redirect("household_detail", household_id=household.pk)
    return render(
        request,
        "web/people/small_form.html",
        {
            "household": household,
            "form": form,
            "title": _("%(name)s leaves household %(code)s")
            % {"name": membership.person.name, "code": household.code},
            "lead": _(
                "Member since %(start)s as %(relation)s. Her past membership stays on record."
            )
            % {
                "start": membership.start.isoformat(),
                "relation": membership.get_relation_display(),
            },
            "submit": _("End the membership"),
        },
    )


# --- probable duplicates ----------------------------------------------------------------------


def _pair_facts(person: Person) -> list[tuple[str, str]]:
    """A record as the duplicate review compares it: masked, one line per fact."""
    return [
        (pgettext("person", "Name"), person.name),
        (_("Sex"), person.get_sex_display()),
        (_("Birth date"), person.birth_date.isoformat() if person.birth_date else "—"),
        (_("Citizen ID number"), mask_id_number(person.id_number) or "—"),
        (_("Phone"), mask_phone(person.phone) or "—"),
        (_("Ethnicity"), _ethnicity_name(person.ethnicity) or "—"),
        (_("Residence"), person.residence.name),
        (_("Registered on"), timezone.localtime(person.created_at).date().isoformat()),
    ]


def _pair_rows(pair: DuplicatePair) -> list[dict[str, Any]]:
    """The two records side by side, with the lines where they differ marked."""
    return [
        {"label": label, "a": left, "b": right, "differs": left != right}
        for (label, left), (_label, right) in zip(
            _pair_facts(pair.person_a), _pair_facts(pair.person_b), strict=True
        )
    ]


# The scan's reason codes (`people.dedup.REASONS`), in words for the page.
REASON_LABELS = {
    "same_name": gettext_lazy("the same name"),
    "same_pinyin": gettext_lazy("names that sound the same"),
    "similar_name": gettext_lazy("names differing in one character or so"),
    "same_birth_date": gettext_lazy("the same birth date"),
    "swapped_birth_date": gettext_lazy("birth dates with day and month swapped"),
    "similar_birth_date": gettext_lazy("birth dates differing in one digit"),
    "same_birth_month": gettext_lazy("born in the same month"),
    "same_village": gettext_lazy("the same village of residence"),
    "same_phone": gettext_lazy("the same phone"),
    "different_sex": gettext_lazy("different sex"),
}


def _reason_text(reason: Any) -> str:
    return str(REASON_LABELS.get(str(reason), reason))


@login_required
def duplicate_index(request: HttpRequest) -> HttpResponse:
    """Pairs of records the scan found alike, to merge or to mark as different people."""
    _require_edit_scope(request.user)
    status = request.GET.get("status", DuplicatePair.Status.OPEN)
    if status not in (DuplicatePair.Status.OPEN, DuplicatePair.Status.DISTINCT):
        status = DuplicatePair.Status.OPEN
    pairs = selectors.duplicate_list(request.user, status=status)
    page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    cards = [
        {
            "pair": pair,
            "rows": _pair_rows(pair),
            "reasons": [_reason_text(r) for r in (pair.reasons or [])],
            "percent": round(float(pair.score) * 100),
            "can_edit": access.can(request.user, Perm.EDIT, pair.person_a.residence)
            and access.can(request.user, Perm.EDIT, pair.person_b.residence),
        }
        for pair in page
    ]
    return render(
        request,
        "web/people/duplicates.html",
        {
            "status": status,
            "page": page,
            "cards": cards,
            "query": f"status={status}",
            "merges": list(selectors.merge_list(request.user)[:20]),
            "can_scan": bool(access.scope_paths(request.user, Perm.VERIFY)),
        },
    )


def _pair_for_review(request: HttpRequest, pair_id: int, status: str) -> DuplicatePair:
    pair = selectors.duplicate_list(request.user, status=status).filter(pk=pair_id).first()
    if pair is None:
        raise Http404
    for person in (pair.person_a, pair.person_b):
        access.require(request.user, Perm.EDIT, person.residence)
    return pair


def _after_review(request: HttpRequest, call: Any, done: str, status: str = "open") -> HttpResponse:
    try:
        call()
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect(f"{reverse('duplicate_index')}?status={status}")


@login_required
@require_POST
def duplicate_merge(request: HttpRequest, pair_id: int) -> HttpResponse:
    """Merge the pair: the chosen record survives and takes over the other's history."""
    pair = _pair_for_review(request, pair_id, DuplicatePair.Status.OPEN)
    form = MergeForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    survivor = pair.person_a if form.cleaned_data["survivor"] == "a" else pair.person_b
    try:
        merging.duplicate_merge(actor=request.user, pair=pair, survivor=survivor)
    except ApplicationError as error:
        messages.error(request, str(error))
        return redirect("duplicate_index")
    messages.success(
        request,
        _("The two records are now one: %(name)s. The merge can be undone on the duplicates page.")
        % {"name": survivor.name},
    )
    return redirect("person_detail", person_id=survivor.pk)


@login_required
@require_POST
def duplicate_distinct(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = _pair_for_review(request, pair_id, DuplicatePair.Status.OPEN)
    return _after_review(
        request,
        lambda: merging.duplicate_mark_distinct(actor=request.user, pair=pair),
        _("Marked as different people; the scan will not propose them again."),
    )


@login_required
@require_POST
def duplicate_reopen(request: HttpRequest, pair_id: int) -> HttpResponse:
    pair = _pair_for_review(request, pair_id, DuplicatePair.Status.DISTINCT)
    return _after_review(
        request,
        lambda: merging.duplicate_reopen(actor=request.user, pair=pair),
        _("The pair is open for review again."),
    )


@login_required
@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    merge = selectors.merge_list(request.user).filter(pk=merge_id).first()
    if merge is None:
        raise Http404
    access.require(request.user, Perm.EDIT, merge.survivor.residence)
    return _after_review(
        request,
        lambda: merging.merge_undo(actor=request.user, merge=merge),
        _("The merge has been undone: %(name)s has her own record again.")
        % {"name": merge.merged.name},
    )


@login_required
@require_POST
def duplicate_scan(request: HttpRequest) -> HttpResponse:
    """Look for probable duplicates in the background, county by county, with a progress bar."""
    counties = sorted(
        {
            unit.county_code
            for unit in access.home_units(request.user)
            if unit.county_code and access.can(request.user, Perm.VERIFY, unit)
        }
    )
    if not counties:
        raise Http404
    first: Progress | None = None
    for county_code in counties:
        progress = progress_start(owner_id=int(request.user.pk or 0), label=SCAN_LABEL)
        duplicates_scan_task.enqueue(str(progress.pk), county_code)
        first = first or progress
    assert first is not None  # noqa: S101 - counties is not empty
    return redirect("duplicate_scan_progress", progress_id=first.pk)


@login_required
def duplicate_scan_progress(request: HttpRequest, progress_id: str) -> HttpResponse:
    """The scan's progress: the whole page, or just the bar when htmx polls for it."""
    progress = get_object_or_404(Progress, pk=progress_id, owner=request.user, label=SCAN_LABEL)
    template = (
        "web/people/_scan_bar.html" if request.headers.get("HX-Request") else "web/people/scan.html"
    )
    return render(request, template, {"progress": progress, "outcome": _scan_outcome(progress)})


def _scan_outcome(progress: Progress) -> dict[str, int] | None:
    """A finished scan's message ("ok:<people scanned>:<pairs found>") taken apart."""
    kind, _sep, rest = progress.message.partition(":")
    people, _sep, pairs = rest.partition(":")
    if progress.state != Progress.State.DONE or kind != "ok":
        return None
    if not (people.isdigit() and pairs.isdigit()):
        return None
    return {"people": int(people), "pairs": int(pairs)}
