"""Programmes (项目): set-up, applications and their chain of checks, delivery, funds, loans and
construction projects.

Views stay thin: forms check the shape of the input, `jinguo.programmes.services` and
`jinguo.programmes.finance` decide and write, reads go through `jinguo.programmes.selectors`
(scoped by `jinguo.orgunits.access`). A programme is seen wherever it reaches; its enrolments
and benefits only inside the viewer's scope. Evidence files and project photos are never
served from a public address: `benefit_evidence` and `project_photo` check scope first.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jinguo.accounts.roles import Perm
from jinguo.core.errors import ApplicationError
from jinguo.orgunits import access
from jinguo.orgunits import selectors as unit_selectors
from jinguo.orgunits.models import AREA_KINDS, Kind, OrgUnit
from jinguo.people import selectors as people_selectors
from jinguo.people.models import Person
from jinguo.people.selectors import PersonFilter
from jinguo.programmes import finance, selectors, services
from jinguo.programmes.choices import (
    MEASURES,
    BenefitKind,
    CycleStatus,
    EnrolmentStatus,
    OrganisationKind,
    ProgrammeKind,
    ProgrammeStatus,
    RuleKind,
)
from jinguo.programmes.eligibility import Eligibility
from jinguo.programmes.models import (
    Cycle,
    Enrolment,
    Loan,
    Milestone,
    Organisation,
    Programme,
    Project,
    Rule,
)
from jinguo.programmes.services import Delivery
from jinguo.web.programmes_forms import (
    ApplyForm,
    BulkDeliveryForm,
    ComplianceForm,
    CycleForm,
    DeliveryForm,
    FundEntryForm,
    FundForm,
    LoanForm,
    MilestoneForm,
    PeriodForm,
    PhotoForm,
    ProgrammeFilterForm,
    ProgrammeForm,
    ProjectForm,
    ProjectStatusForm,
    ReachForm,
    RepaymentForm,
    RuleForm,
    StepForm,
    SubsidyForm,
    split_names,
)
from jinguo.web.views.people import _search_params

PAGE_SIZE = 30
QUEUE_PAGE_SIZE = 50
RECENT = 10
LOANS_SHOWN = 50
SEARCH_RESULTS = 20
S = EnrolmentStatus

# The buttons of the enrolment chain, by the status they lead to.
STEP_LABELS = {
    S.VERIFIED: gettext_lazy("Verify"),
    S.APPROVED: gettext_lazy("Approve"),
    S.ACTIVE: gettext_lazy("Start"),
    S.COMPLETED: gettext_lazy("Complete"),
    S.EXITED: gettext_lazy("Exit"),
    S.REJECTED: gettext_lazy("Reject"),
}
# The step each status waits for, as the queue offers it.
NEXT_STEP = {S.APPLIED: S.VERIFIED, S.VERIFIED: S.APPROVED, S.APPROVED: S.ACTIVE}
DELIVERABLE = (S.APPROVED, S.ACTIVE)
DECISIONS = {S.VERIFIED, S.APPROVED}
FILE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}


# --- helpers --------------------------------------------------------------------------------------


def _require_entry(user: Any) -> None:
    """Pages that enter records in a programme: seen, but not for a user who enters nothing."""
    if not access.scope_paths(user, Perm.EDIT):
        raise PermissionDenied


def _require_setup(user: Any, programme: Programme) -> None:
    access.require(user, Perm.APPROVE, programme.owner)


def _can_override(user: Any, programme: Programme) -> bool:
    return access.can(user, Perm.APPROVE, programme.owner)


def _owner_units(user: Any) -> QuerySet[OrgUnit]:
    """Areas and federations where the user may set up programmes and funds, in tree order."""
    units = unit_selectors.unit_list(user).filter(Q(kind__in=AREA_KINDS) | Q(kind=Kind.FEDERATION))
    return access.scoped(user, units, Perm.APPROVE).order_by("path")


def _areas_under(user: Any, top: OrgUnit) -> QuerySet[OrgUnit]:
    """Open areas (county, townships, villages) in the user's scope at or below `top`, in tree
    order: where a residence rule points, where a project is built."""
    units = unit_selectors.unit_list(user, within=top).filter(kind__in=AREA_KINDS)
    return units.order_by("path")


def _organisation(user: Any, name: str, kind: str) -> Organisation:
    return services.organisation_get_or_create(
        actor=user, name=name, kind=kind or OrganisationKind.OTHER
    )


def _query(params: Any, *drop: str) -> str:
    """The filters of a list, for its page links."""
    query = params.copy()
    for key in ("page", "csrfmiddlewaretoken", *drop):
        query.pop(key, None)
    return str(query.urlencode())


def _entered_in_scope(user: Any, queryset: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Enrolments whose village the user may enter records for."""
    return queryset.filter(access.scope_q(user, Perm.EDIT, path_field="unit__path"))


def _percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


def _failure_texts(failed_rules: list[dict[str, Any]]) -> list[str]:
    """The failed rules kept on an enrolment, in the page's language."""
    english = (translation.get_language() or "").startswith("en")
    return [str(rule.get("message_en" if english else "message", "")) for rule in failed_rules]


def _refusal(form: Any, error: ApplicationError) -> list[str]:
    """Put a refusal on the form; for an ineligible person, a short title and each failed rule."""
    failures = error.params.get("failures")
    if error.code == "ineligible" and isinstance(failures, Eligibility):
        form.add_error(
            None,
            _("%(name)s does not meet these rules of “%(programme)s”:")
            % {"name": error.params["name"], "programme": error.params["programme"]},
        )
        return [str(failure) for failure in failures.failures]
    form.add_service_error(error)
    return []


def _private_file(field: FieldFile) -> FileResponse:
    """A stored evidence file or photo, to a user the caller has checked: images shown in the
    page, anything else downloaded, never sniffed into something else, never cached."""
    name = field.name or ""
    if not name or not default_storage.exists(name):
        raise Http404
    content_type = FILE_TYPES.get(PurePath(name).suffix.lower())
    inline = content_type is not None and content_type.startswith("image/")
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=not inline,
        filename=PurePath(name).name,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- the list -------------------------------------------------------------------------------------


@login_required
def programme_index(request: HttpRequest) -> HttpResponse:
    """The programmes reaching the user, by work area and status, with her area's counts."""
    form = ProgrammeFilterForm(request.GET or None)
    programmes = selectors.programme_list(request.user)
    if form.value("work_area"):
        programmes = programmes.filter(work_area=form.value("work_area"))
    if form.value("status"):
        programmes = programmes.filter(status=form.value("status"))
    page = Paginator(programmes, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.programme_counts(request.user, page.object_list)
    rows = [{"programme": p, "enrolled": counts[p.pk][0], "served": counts[p.pk][1]} for p in page]
    return render(
        request,
        "web/programmes/index.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": _query(request.GET),
            "filtered": bool(form.value("work_area") or form.value("status")),
            "can_create": bool(access.scope_paths(request.user, Perm.APPROVE)),
        },
    )


# --- set-up ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    units = _owner_units(request.user)
    first = units.first()
    if first is None:
        raise Http404
    organisations = selectors.organisation_list(request.user)
    form = ProgrammeForm(
        request.POST or None,
        units=units,
        organisations=organisations,
        initial={"owner": first.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        kind = data["new_kind"]
        try:
            partners = [
                *data.get("partners", []),
                *(_organisation(request.user, n, kind) for n in split_names(data["new_partners"])),
            ]
            funders = [
                *data.get("funders", []),
                *(_organisation(request.user, n, kind) for n in split_names(data["new_funders"])),
            ]
            programme = services.programme_create(
                actor=request.user,
                owner=data["owner"],
                beneficiary=data["beneficiary"],
                partners=partners,
                funders=funders,
                **form.updates(),
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _(
                    "“%(name)s” has been set up with one round. Add its eligibility rules, and "
                    "more rounds if it has them."
                )
                % {"name": programme.name},
            )
            return redirect("programme_detail", programme_id=programme.pk)
    return render(request, "web/programmes/form.html", {"form": form, "programme": None})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = selectors.programme_get(request.user, programme_id)
    _require_setup(request.user, programme)
    initial = {name: getattr(programme, name) for name in ProgrammeForm.UPDATE_FIELDS}
    initial["version"] = programme.version
    form = ProgrammeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_update(
                actor=request.user,
                programme=programme,
                version=form.cleaned_data["version"] or 0,
                **form.updates(),
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The programme has been saved."))
            return redirect("programme_detail", programme_id=programme.pk)
    return render(request, "web/programmes/form.html", {"form": form, "programme": programme})


def _rule_text(rule: Rule) -> str:
    """What a rule asks, in words: "低保 on 2015-01-01", "ages 18 to 55"."""
    day = rule.on.isoformat() if rule.on else ""
    texts: dict[str, Callable[[], str]] = {
        RuleKind.CATEGORY: lambda: rule.get_category_display(),
        RuleKind.AGE: lambda: (
            _("ages %(low)s to %(high)s")
            % {
                "low": rule.min_age if rule.min_age is not None else 0,
                "high": rule.max_age if rule.max_age is not None else "…",
            }
        ),
        RuleKind.BIRTH_WINDOW: lambda: (
            _("born %(start)s to %(end)s")
            % {
                "start": rule.born_from.isoformat() if rule.born_from else "…",
                "end": rule.born_to.isoformat() if rule.born_to else "…",
            }
        ),
        RuleKind.HUKOU: lambda: rule.get_hukou_display(),
        RuleKind.RESIDENCE: lambda: rule.unit.name if rule.unit else "—",
        RuleKind.SEX: lambda: rule.get_sex_display(),
        RuleKind.ONCE: lambda: "",
        RuleKind.GAP_YEARS: lambda: _("%(years)s years apart") % {"years": rule.years},
    }
    text = texts[rule.kind]()
    if day and rule.kind in (RuleKind.CATEGORY, RuleKind.AGE):
        text = _("%(rule)s, checked on %(date)s") % {"rule": text, "date": day}
    return text


def _rule_form(request: HttpRequest, programme: Programme, kind: str, data: Any = None) -> RuleForm:
    return RuleForm(data, kind=kind, units=_areas_under(request.user, programme.owner))


def _rules_page(
    request: HttpRequest, programme: Programme, form: RuleForm | None = None
) -> HttpResponse:
    can_set_up = selectors.can_set_up(request.user, programme)
    if form is None and can_set_up:
        kind = request.GET.get("kind", "")
        form = _rule_form(request, programme, kind if kind in RuleKind.values else "category")
    context = {
        "programme": programme,
        "tab": "rules",
        "rules": [(rule, _rule_text(rule)) for rule in programme.rules.select_related("unit")],
        "form": form,
        "kinds": RuleKind.choices,
        "can_set_up": can_set_up,
    }
    if request.headers.get("HX-Request") and form is not None:
        return render(request, "web/programmes/_rule_form.html", context)
    return render(request, "web/programmes/rules.html", context)


@login_required
def programme_rules(request: HttpRequest, programme_id: int) -> HttpResponse:
    """The eligibility rules, for everyone who sees the programme; the form for who sets it up."""
    return _rules_page(request, selectors.programme_get(request.user, programme_id))


@login_required
@require_POST
def rule_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = selectors.programme_get(request.user, programme_id)
    _require_setup(request.user, programme)
    kind = request.POST.get("kind", "")
    if kind not in RuleKind.values:
        return HttpResponseBadRequest()
    form = _rule_form(request, programme, kind, request.POST)
    if form.is_valid():
        try:
            services.rule_add(
                actor=request.user, programme=programme, kind=kind, **form.arguments()
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The rule “%(kind)s” has been added.") % {"kind": RuleKind(kind).label}
            )
            return redirect("programme_rules", programme_id=programme.pk)
    return _rules_page(request, programme, form)


@login_required
@require_POST
def rule_remove(request: HttpRequest, programme_id: int, rule_id: int) -> HttpResponse:
    programme = selectors.programme_get(request.user, programme_id)
    _require_setup(request.user, programme)
    rule = programme.rules.filter(pk=rule_id).first()
    if rule is None:
        raise Http404
    services.rule_remove(actor=request.user, rule=rule)
    messages.success(
        request, _("The rule “%(kind)s” has been removed.") % {"kind": rule.get_kind_display()}
    )
    return redirect("programme_rules", programme_id=programme.pk)


def _cycles_page(
    request: HttpRequest, programme: Programme, form: CycleForm | None = None
) -> HttpResponse:
    can_set_up = selectors.can_set_up(request.user, programme)
    if form is None and can_set_up:
        form = CycleForm()
    return render(
        request,
        "web/programmes/cycles.html",
        {
            "programme": programme,
            "tab": "cycles",
            "cycles": programme.cycles.select_related("approved_by"),
            "form": form,
            "can_set_up": can_set_up,
        },
    )


@login_required
def programme_cycles(request: HttpRequest, programme_id: int) -> HttpResponse:
    return _cycles_page(request, selectors.programme_get(request.user, programme_id))


@login_required
@require_POST
def cycle_add(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = selectors.programme_get(request.user, programme_id)
    _require_setup(request.user, programme)
    form = CycleForm(request.POST)
    if form.is_valid():
        try:
            cycle = services.cycle_create(
                actor=request.user, programme=programme, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("The round %(name)s has been added.") % {"name": cycle.name}
            )
            return redirect("programme_cycles", programme_id=programme.pk)
    return _cycles_page(request, programme, form)


@login_required
@require_POST
def cycle_status(request: HttpRequest, programme_id: int, cycle_id: int) -> HttpResponse:
    """Approve a round's list, or freeze it."""
    programme = selectors.programme_get(request.user, programme_id)
    _require_setup(request.user, programme)
    cycle = programme.cycles.filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404
    status = request.POST.get("status", "")
    if status not in (CycleStatus.APPROVED, CycleStatus.FROZEN):
        return HttpResponseBadRequest()
    try:
        cycle = services.cycle_set_status(actor=request.user, cycle=cycle, status=status)
    except ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(cycle)s is now: %(status)s.")
            % {"cycle": cycle.name, "status": cycle.get_status_display()},
        )
    return redirect("programme_cycles", programme_id=programme.pk)


# --- one programme --------------------------------------------------------------------------------


@login_required
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Its figures over the viewer's area, its enrolments, recent benefits, funds, loans and
    projects; the period filter narrows figures, enrolments and benefits alike."""
    user = request.user
    programme = selectors.programme_get(user, programme_id)
    period = PeriodForm(request.GET or None)
    start, end = period.value("start"), period.value("end")
    figures = selectors.programme_figures(user, programme, start=start, end=end)
    status = request.GET.get("status", "")
    status = status if status in S.values else ""
    enrolments = selectors.enrolment_list(user, programme=programme, status=status)
    benefits = selectors.benefit_list(user, programme=programme)
    if start is not None:
        enrolments = enrolments.filter(applied_on__gte=start)
        benefits = benefits.filter(on__gte=start)
    if end is not None:
        enrolments = enrolments.filter(applied_on__lte=end)
        benefits = benefits.filter(on__lte=end)
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    funds = [
        (fund, finance.fund_balance(fund)) for fund in selectors.programme_funds(user, programme)
    ]
    loans: list[tuple[Loan, Any, Decimal]] = []
    loan_count = 0
    if programme.kind == ProgrammeKind.LOAN:
        # The loans shown, each with its position; positions cost a query or two each.
        all_loans = selectors.loan_list(user, programme=programme)
        loan_count = all_loans.count()
        loans = [
            (loan, finance.loan_position(loan), finance.subsidy_due(loan))
            for loan in all_loans[:LOANS_SHOWN]
        ]
    projects: list[tuple[Project, Decimal]] = []
    if programme.kind == ProgrammeKind.CONSTRUCTION:
        projects = [
            (project, selectors.project_spent(project))
            for project in selectors.project_list(user, programme=programme).prefetch_related(
                "milestones"
            )
        ]
    can_enter = (
        bool(access.scope_paths(user, Perm.EDIT)) and programme.status == ProgrammeStatus.OPEN
    )
    return render(
        request,
        "web/programmes/detail.html",
        {
            "programme": programme,
            "tab": "overview",
            "period": period,
            "periodic": bool(start or end),
            "figures": figures,
            "budget_percent": _percent(figures.budget_share),
            "attainment_percent": _percent(figures.attainment),
            "statuses": S.choices,
            "status": status,
            "page": page,
            "query": _query(request.GET),
            "status_query": _query(request.GET, "status"),
            "benefits": benefits[:RECENT],
            "funds": funds,
            "loans": loans,
            "loan_count": loan_count,
            "projects": projects,
            "cycles": programme.cycles.all(),
            "rule_count": programme.rules.count(),
            "can_set_up": selectors.can_set_up(user, programme),
            "can_enter": can_enter,
            "is_loan": programme.kind == ProgrammeKind.LOAN,
            "is_construction": programme.kind == ProgrammeKind.CONSTRUCTION,
        },
    )


# --- applying -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_apply(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Apply for someone: find her in your area, then the application with its date and note.

    The search is the people list's (by name, pinyin or ID number; a number is searched by POST
    and never put into an address). Every rule she fails is named on the form.
    """
    user = request.user
    programme = selectors.programme_get(user, programme_id)
    _require_entry(user)
    person_id = request.POST.get("person") or request.GET.get("person")
    if not person_id:
        url = reverse("enrolment_apply", kwargs={"programme_id": programme.pk})
        params = _search_params(request, url)
        if isinstance(params, HttpResponse):
            return params
        search = params.get("q", "").strip()
        found: list[Person] = []
        if search:
            people = people_selectors.person_list(user, PersonFilter(search=search))
            found = list(
                people.filter(access.scope_q(user, Perm.EDIT, path_field="residence__path"))[
                    :SEARCH_RESULTS
                ]
            )
        today = timezone.localdate()
        return render(
            request,
            "web/programmes/apply_search.html",
            {
                "programme": programme,
                "search": search,
                "found": [{"person": p, "age": p.age_on(today)} for p in found],
            },
        )
    person = people_selectors.person_get(user, person_id)
    access.require(user, Perm.EDIT, person.residence)
    can_override = _can_override(user, programme)
    form = ApplyForm(
        request.POST if request.method == "POST" else None,
        households=selectors.current_households(person) if programme.serves_households else None,
        cycles=programme.cycles.filter(status=CycleStatus.OPEN),
        can_override=can_override,
    )
    failures: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_apply(
                actor=user, programme=programme, person=person, **form.arguments()
            )
        except ApplicationError as error:
            failures = _refusal(form, error)
        else:
            messages.success(
                request,
                _("The application of %(name)s to “%(programme)s” has been entered.")
                % {"name": person.name, "programme": programme.name},
            )
            return redirect("enrolment_detail", enrolment_id=enrolment.pk)
    return render(
        request,
        "web/programmes/apply.html",
        {
            "programme": programme,
            "person": person,
            "form": form,
            "failures": failures,
            "can_override": can_override,
            "age": person.age_on(timezone.localdate()),
        },
    )


@login_required
def person_apply(request: HttpRequest, person_id: int) -> HttpResponse:
    """From her page: the running programmes that reach her village, to choose one."""
    person = people_selectors.person_get(request.user, person_id)
    access.require(request.user, Perm.EDIT, person.residence)
    return render(
        request,
        "web/programmes/person_apply.html",
        {"person": person, "programmes": selectors.programmes_open_to(request.user, person)},
    )


# --- one enrolment --------------------------------------------------------------------------------


def _enrolment_page(
    request: HttpRequest,
    enrolment: Enrolment,
    *,
    step_form: StepForm | None = None,
    compliance_form: ComplianceForm | None = None,
    repayment_form: RepaymentForm | None = None,
    subsidy_form: SubsidyForm | None = None,
    failures: list[str] | None = None,
) -> HttpResponse:
    user = request.user
    programme = enrolment.programme
    steps = services.allowed_steps(user, enrolment)
    # Setting a rule aside is part of a decision (verify, approve), not of the other steps.
    can_override = _can_override(user, programme) and bool(set(steps) & DECISIONS)
    if step_form is None:
        step_form = StepForm(initial={"version": enrolment.version}, can_override=can_override)
    if compliance_form is None:
        compliance_form = ComplianceForm(
            initial={
                "compliant": "yes" if enrolment.compliant else "no",
                "compliance_note": enrolment.compliance_note,
            }
        )
    loan = None
    loan_facts: dict[str, Any] = {}
    if programme.kind == ProgrammeKind.LOAN:
        loan = (
            selectors.loan_list(user)
            .filter(enrolment=enrolment)
            .prefetch_related("instalments", "repayments")
            .first()
        )
    if loan is not None:
        due = finance.subsidy_due(loan)
        paid = selectors.subsidy_paid(loan)
        loan_facts = {
            "position": finance.loan_position(loan),
            "schedule": loan.instalments.all(),
            "repayments": loan.repayments.all(),
            "subsidy_due": due,
            "subsidy_paid": paid,
            "repayment_form": repayment_form or RepaymentForm(),
            "subsidy_form": subsidy_form
            or SubsidyForm(
                funds=selectors.funds_to_pay_from(user),
                initial={"amount": max(due - paid, Decimal(0)) or None},
            ),
        }
    return render(
        request,
        "web/programmes/enrolment.html",
        {
            "enrolment": enrolment,
            "programme": programme,
            "person": enrolment.person,
            "steps": enrolment.steps.all(),
            "failed_rules": _failure_texts(enrolment.failed_rules or []),
            "step_buttons": [(to, STEP_LABELS[S(to)]) for to in steps],
            "step_form": step_form,
            "step_failures": failures or [],
            "compliance_form": compliance_form,
            "benefits": selectors.benefit_list(user).filter(enrolment=enrolment),
            "can_edit": access.can(user, Perm.EDIT, enrolment.unit),
            "can_deliver": enrolment.status in DELIVERABLE
            and access.can(user, Perm.EDIT, enrolment.unit),
            "is_loan": programme.kind == ProgrammeKind.LOAN,
            "loan": loan,
            **loan_facts,
        },
    )


@login_required
def enrolment_detail(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    return _enrolment_page(request, selectors.enrolment_get(request.user, enrolment_id))


@login_required
@require_POST
def enrolment_step(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """Take one step of the chain (verify, approve, start, complete, exit, reject).

    From the queue a refusal comes back as a message on the queue; from the enrolment's page
    it is shown on the decision form, with what was typed.
    """
    user = request.user
    enrolment = selectors.enrolment_get(user, enrolment_id)
    from_queue = request.POST.get("next") == "queue"
    form = StepForm(request.POST, can_override=_can_override(user, enrolment.programme))
    if not form.is_valid() or form.cleaned_data["to"] not in S.values:
        return HttpResponseBadRequest()
    to = form.cleaned_data["to"]
    try:
        enrolment = services.enrolment_advance(
            actor=user,
            enrolment=enrolment,
            to=to,
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            override_reason=form.cleaned_data.get("override_reason", ""),
        )
    except ApplicationError as error:
        if from_queue:
            messages.error(request, f"{enrolment.person.name}: {error}")
            return redirect("enrolment_queue")
        failures = _refusal(form, error)
        return _enrolment_page(request, enrolment, step_form=form, failures=failures)
    messages.success(
        request,
        _("%(name)s: %(status)s.")
        % {"name": enrolment.person.name, "status": enrolment.get_status_display()},
    )
    if from_queue:
        return redirect("enrolment_queue")
    return redirect("enrolment_detail", enrolment_id=enrolment.pk)


@login_required
@require_POST
def enrolment_compliance(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    user = request.user
    enrolment = selectors.enrolment_get(user, enrolment_id)
    access.require(user, Perm.EDIT, enrolment.unit)
    form = ComplianceForm(request.POST)
    if form.is_valid():
        try:
            services.enrolment_set_compliance(
                actor=user,
                enrolment=enrolment,
                compliant=form.cleaned_data["compliant"],
                note=form.cleaned_data["compliance_note"],
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Compliance has been recorded."))
            return redirect("enrolment_detail", enrolment_id=enrolment.pk)
    return _enrolment_page(request, enrolment, compliance_form=form)


@login_required
def enrolment_queue(request: HttpRequest) -> HttpResponse:
    """What waits for me (待我处理): applications to verify, verified ones to approve, approved
    ones to start, grouped by programme, each with its one-click step."""
    user = request.user
    queue = selectors.enrolment_queue(user).order_by(
        "programme__name", "programme_id", "applied_on", "pk"
    )
    page = Paginator(queue, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    groups: list[dict[str, Any]] = []
    for enrolment in page:
        if not groups or groups[-1]["programme"].pk != enrolment.programme_id:
            groups.append({"programme": enrolment.programme, "rows": []})
        to = NEXT_STEP.get(S(enrolment.status))
        allowed = to is not None and to in services.allowed_steps(user, enrolment)
        groups[-1]["rows"].append(
            {
                "enrolment": enrolment,
                "to": to if allowed else None,
                "label": STEP_LABELS[to] if to is not None and allowed else "",
            }
        )
    return render(
        request,
        "web/programmes/queue.html",
        {"page": page, "groups": groups, "query": ""},
    )


# --- loans ----------------------------------------------------------------------------------------


def _loan_enrolment(request: HttpRequest, enrolment_id: int) -> Enrolment:
    enrolment = selectors.enrolment_get(request.user, enrolment_id)
    if enrolment.programme.kind != ProgrammeKind.LOAN:
        raise Http404
    access.require(request.user, Perm.EDIT, enrolment.unit)
    return enrolment


def _loan_of(request: HttpRequest, enrolment: Enrolment) -> Loan:
    loan = selectors.loan_list(request.user).filter(enrolment=enrolment).first()
    if loan is None:
        raise Http404
    return loan


@login_required
@require_http_methods(["GET", "POST"])
def loan_record(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """Record the loan of an enrolled woman: bank, principal, rate, subsidy and term."""
    enrolment = _loan_enrolment(request, enrolment_id)
    if selectors.loan_list(request.user).filter(enrolment=enrolment).exists():
        return redirect("enrolment_detail", enrolment_id=enrolment.pk)
    banks = selectors.organisation_list(request.user, kind=OrganisationKind.BANK)
    form = LoanForm(request.POST or None, banks=banks)
    if request.method == "POST" and form.is_valid():
        try:
            bank = form.cleaned_data["bank"] or _organisation(
                request.user, form.cleaned_data["new_bank"], OrganisationKind.BANK
            )
            finance.loan_record(actor=request.user, enrolment=enrolment, bank=bank, **form.terms())
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The loan and its schedule have been recorded."))
            return redirect("enrolment_detail", enrolment_id=enrolment.pk)
    return render(
        request,
        "web/programmes/loan_form.html",
        {"enrolment": enrolment, "programme": enrolment.programme, "form": form},
    )


@login_required
@require_POST
def loan_repay(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    enrolment = _loan_enrolment(request, enrolment_id)
    loan = _loan_of(request, enrolment)
    form = RepaymentForm(request.POST)
    if form.is_valid():
        try:
            finance.loan_repay(actor=request.user, loan=loan, **form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The repayment has been recorded."))
            return redirect("enrolment_detail", enrolment_id=enrolment.pk)
    return _enrolment_page(request, enrolment, repayment_form=form)


@login_required
@require_POST
def loan_subsidy(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """Pay (part of) the interest subsidy: a cash benefit drawn on a fund, against the loan."""
    enrolment = _loan_enrolment(request, enrolment_id)
    loan = _loan_of(request, enrolment)
    form = SubsidyForm(request.POST, funds=selectors.funds_to_pay_from(request.user))
    if form.is_valid():
        delivery = Delivery(
            person=enrolment.person,
            household=enrolment.household,
            cycle=enrolment.cycle,
            on=form.cleaned_data["on"],
            kind=BenefitKind.CASH,
            amount=form.cleaned_data["amount"],
            fund=form.cleaned_data["fund"],
            loan=loan,
            item=_("Interest subsidy"),
        )
        try:
            services.benefit_deliver(
                actor=request.user, programme=enrolment.programme, delivery=delivery
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The interest subsidy has been paid."))
            return redirect("enrolment_detail", enrolment_id=enrolment.pk)
    return _enrolment_page(request, enrolment, subsidy_form=form)


# --- delivery -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def benefit_deliver(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Record one delivery, with its receipt; the next one starts on a fresh form."""
    user = request.user
    programme = selectors.programme_get(user, programme_id)
    _require_entry(user)
    enrolments = _entered_in_scope(
        user, selectors.enrolment_list(user, programme=programme).filter(status__in=DELIVERABLE)
    ).order_by("person__name_pinyin", "pk")
    initial: dict[str, Any] = {}
    if request.GET.get("enrolment", "").isdigit():
        initial["enrolment"] = int(request.GET["enrolment"])
    form = DeliveryForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        enrolments=enrolments,
        funds=selectors.funds_to_pay_from(user),
        can_override=_can_override(user, programme),
        initial=initial,
    )
    failures: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            benefit = services.benefit_deliver(
                actor=user, programme=programme, delivery=form.delivery()
            )
        except ApplicationError as error:
            failures = _refusal(form, error)
        else:
            messages.success(
                request,
                _("Recorded: %(name)s, %(kind)s, %(date)s.")
                % {
                    "name": benefit.person.name,
                    "kind": benefit.get_kind_display(),
                    "date": benefit.on.isoformat(),
                },
            )
            return redirect(
                reverse("benefit_deliver", kwargs={"programme_id": programme.pk})
                + "?"
                + urlencode({"done": benefit.pk})
            )
    done = None
    if request.GET.get("done", "").isdigit():
        done = (
            selectors.benefit_list(user, programme=programme).filter(pk=request.GET["done"]).first()
        )
    return render(
        request,
        "web/programmes/deliver.html",
        {
            "programme": programme,
            "form": form,
            "failures": failures,
            "measures": MEASURES,
            "done": done,
            "nobody": not enrolments.exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def benefit_deliver_list(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Deliver to a whole list of one round: tick the beneficiaries, say what each receives.

    All or nothing writes nothing when any row is refused; "valid rows only" writes the others.
    Either way every refused row is listed with its number, the name and the reason.
    """
    user = request.user
    programme = selectors.programme_get(user, programme_id)
    _require_entry(user)
    cycles = programme.cycles.filter(status__in=[CycleStatus.OPEN, CycleStatus.APPROVED])
    cycle_id = request.POST.get("cycle") or request.GET.get("cycle")
    cycle: Cycle | None = None
    if cycle_id and str(cycle_id).isdigit():
        cycle = cycles.filter(pk=cycle_id).first()
    if cycle is None and cycles.count() == 1:
        cycle = cycles.first()
    if cycle is None:
        if request.method == "POST":
            return HttpResponseBadRequest()
        return render(
            request,
            "web/programmes/deliver_list.html",
            {"programme": programme, "cycles": cycles, "cycle": None},
        )
    listed = _entered_in_scope(
        user,
        selectors.enrolment_list(user, programme=programme).filter(
            cycle=cycle, status__in=DELIVERABLE
        ),
    ).order_by("unit__path", "person__name_pinyin", "pk")
    form = BulkDeliveryForm(
        request.POST if request.method == "POST" else None,
        enrolments=listed,
        funds=selectors.funds_to_pay_from(user),
    )
    errors: list[dict[str, Any]] = []
    written = 0
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        common = form.common()
        deliveries = [
            Delivery(person=e.person, household=e.household, cycle=cycle, **common) for e in chosen
        ]
        valid_only = form.cleaned_data["mode"] == "valid"
        result = services.benefit_deliver_many(
            actor=user, programme=programme, deliveries=deliveries, valid_only=valid_only
        )
        written = len(result.benefits)
        errors = [
            {"row": row, "name": delivery.person.name, "message": str(error)}
            for row, delivery, error in result.errors
        ]
        if not errors:
            messages.success(
                request,
                _("%(count)d deliveries have been recorded in %(cycle)s.")
                % {"count": written, "cycle": cycle.name},
            )
            return redirect("programme_detail", programme_id=programme.pk)
    checked = set()
    if form.is_bound:
        checked = {str(value) for value in request.POST.getlist("enrolments")}
    return render(
        request,
        "web/programmes/deliver_list.html",
        {
            "programme": programme,
            "cycles": cycles,
            "cycle": cycle,
            "form": form,
            "listed": listed,
            "checked": checked,
            "errors": errors,
            "written": written,
            "measures": MEASURES,
        },
    )


@login_required
def benefit_detail(request: HttpRequest, benefit_id: int) -> HttpResponse:
    benefit = selectors.benefit_get(request.user, benefit_id)
    suffix = PurePath(benefit.evidence.name or "").suffix.lower()
    return render(
        request,
        "web/programmes/benefit.html",
        {
            "benefit": benefit,
            "programme": benefit.programme,
            "person": benefit.person,
            "is_image": FILE_TYPES.get(suffix, "").startswith("image/"),
        },
    )


@login_required
def benefit_evidence(request: HttpRequest, benefit_id: int) -> FileResponse:
    """A benefit's receipt, to whoever may see the benefit."""
    return _private_file(selectors.benefit_get(request.user, benefit_id).evidence)


# --- funds ----------------------------------------------------------------------------------------


@login_required
def fund_index(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        selectors.fund_list(request.user).order_by("owner__path", "name"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "web/programmes/funds.html",
        {
            "page": page,
            "rows": [(fund, finance.fund_balance(fund)) for fund in page],
            "query": "",
            "can_create": bool(access.scope_paths(request.user, Perm.APPROVE)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def fund_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    units = _owner_units(user)
    first = units.first()
    if first is None:
        raise Http404
    form = FundForm(
        request.POST or None,
        units=units,
        organisations=selectors.organisation_list(user),
        programmes=selectors.programme_list(user).filter(
            owner__in=access.scoped(user, unit_selectors.unit_list(user), Perm.APPROVE)
        ),
        initial={"owner": first.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            source = data["source_organisation"]
            if source is None and data["new_source_organisation"].strip():
                source = _organisation(user, data["new_source_organisation"], data["new_kind"])
            fund = finance.fund_create(
                actor=user,
                owner=data["owner"],
                name=data["name"],
                source=data["source"],
                opened_on=data["opened_on"],
                source_organisation=source,
                programme=data["programme"],
                note=data["note"],
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The fund %(name)s has been opened.") % {"name": fund.name})
            return redirect("fund_detail", fund_id=fund.pk)
    return render(request, "web/programmes/fund_form.html", {"form": form})


@login_required
def fund_detail(request: HttpRequest, fund_id: int) -> HttpResponse:
    """The ledger (台账): every entry with the running balance; the latest page first."""
    fund = selectors.fund_get(request.user, fund_id)
    period = PeriodForm(request.GET or None)
    start = period.value("start")
    opening, ledger = selectors.fund_ledger(fund, start=start)
    lines = [
        {
            "entry": line.entry,
            "balance": line.balance,
            "incoming": line.entry.amount if line.entry.amount > 0 else None,
            "outgoing": -line.entry.amount if line.entry.amount < 0 else None,
        }
        for line in ledger
    ]
    paginator = Paginator(lines, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page") or paginator.num_pages)
    return render(
        request,
        "web/programmes/fund.html",
        {
            "fund": fund,
            "period": period,
            "start": start,
            "opening": opening,
            "page": page,
            "query": _query(request.GET),
            "balance": finance.fund_balance(fund),
            "can_manage": access.can(request.user, Perm.APPROVE, fund.owner),
        },
    )


def _fund_entry(request: HttpRequest, fund_id: int, *, spend: bool) -> HttpResponse:
    user = request.user
    fund = selectors.fund_get(user, fund_id)
    access.require(user, Perm.APPROVE, fund.owner)
    form = FundEntryForm(
        request.POST or None,
        organisations=selectors.organisation_list(user),
        projects=selectors.project_list(user).filter(site__path__startswith=fund.owner.path)
        if spend
        else None,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            counterpart = data["counterpart"]
            if counterpart is None and data["new_counterpart"].strip():
                counterpart = _organisation(user, data["new_counterpart"], data["new_kind"])
            arguments: dict[str, Any] = {
                "actor": user,
                "fund": fund,
                "on": data["on"],
                "amount": data["amount"],
                "description": data["description"],
                "counterpart": counterpart,
            }
            if spend:
                finance.fund_spend(project=data["project"], **arguments)
            else:
                finance.fund_receive(**arguments)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The entry has been recorded."))
            return redirect("fund_detail", fund_id=fund.pk)
    return render(
        request,
        "web/programmes/fund_entry.html",
        {"fund": fund, "form": form, "spend": spend, "balance": finance.fund_balance(fund)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def fund_receive(request: HttpRequest, fund_id: int) -> HttpResponse:
    return _fund_entry(request, fund_id, spend=False)


@login_required
@require_http_methods(["GET", "POST"])
def fund_spend(request: HttpRequest, fund_id: int) -> HttpResponse:
    return _fund_entry(request, fund_id, spend=True)


# --- projects -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest, programme_id: int) -> HttpResponse:
    user = request.user
    programme = selectors.programme_get(user, programme_id)
    if programme.kind != ProgrammeKind.CONSTRUCTION:
        raise Http404
    _require_setup(user, programme)
    form = ProjectForm(request.POST or None, sites=_areas_under(user, programme.owner))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            funding = {
                _organisation(user, name, data["funder_kind"]): amount
                for name, amount in form.funding()
            }
            project = finance.project_create(
                actor=user,
                programme=programme,
                name=data["name"],
                site=data["site"],
                budget=data["budget"],
                floor_area=data["floor_area"],
                rooms=data["rooms"],
                address=data["address"],
                description=data["description"],
                funding=funding,
                status=data["status"],
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The project has been created."))
            return redirect("project_detail", project_id=project.pk)
    return render(
        request,
        "web/programmes/project_form.html",
        {
            "programme": programme,
            "form": form,
            "organisations": selectors.organisation_list(user),
        },
    )


def _project_page(
    request: HttpRequest,
    project: Project,
    *,
    status_form: ProjectStatusForm | None = None,
    milestone_form: MilestoneForm | None = None,
    reach_forms: dict[int, ReachForm] | None = None,
    photo_form: PhotoForm | None = None,
) -> HttpResponse:
    user = request.user
    can_set_up = access.can(user, Perm.APPROVE, project.programme.owner)
    can_edit = access.can(user, Perm.EDIT, project.site)
    milestones = list(project.milestones.all())
    reach_forms = reach_forms or {}
    spent = selectors.project_spent(project)
    return render(
        request,
        "web/programmes/project.html",
        {
            "project": project,
            "programme": project.programme,
            "funding": project.funding.all(),
            "spent": spent,
            "spent_percent": _percent(float(spent / project.budget) if project.budget else None),
            "spending": [
                (entry, -entry.amount)
                for entry in project.spending.select_related("fund").order_by("on", "pk")
            ],
            "milestones": [
                (milestone, reach_forms.get(milestone.pk) or ReachForm(prefix=f"m{milestone.pk}"))
                for milestone in milestones
            ],
            "reached": sum(1 for milestone in milestones if milestone.reached_on),
            "today": timezone.localdate(),
            "photos": project.photos.all(),
            "status_form": status_form
            or ProjectStatusForm(initial={"status": project.status, "version": project.version}),
            "milestone_form": milestone_form or MilestoneForm(),
            "photo_form": photo_form
            or PhotoForm(
                milestones=project.milestones.all(), initial={"taken_on": timezone.localdate()}
            ),
            "can_set_up": can_set_up,
            "can_edit": can_edit,
        },
    )


@login_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_page(request, selectors.project_get(request.user, project_id))


@login_required
@require_POST
def project_status(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(request.user, project_id)
    access.require(request.user, Perm.APPROVE, project.programme.owner)
    form = ProjectStatusForm(request.POST)
    if form.is_valid():
        try:
            project = finance.project_set_status(
                actor=request.user, project=project, **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("The project is now: %(status)s.") % {"status": project.get_status_display()},
            )
            return redirect("project_detail", project_id=project.pk)
    return _project_page(request, project, status_form=form)


@login_required
@require_POST
def milestone_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(request.user, project_id)
    access.require(request.user, Perm.APPROVE, project.programme.owner)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            finance.milestone_add(actor=request.user, project=project, **form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The milestone has been added."))
            return redirect("project_detail", project_id=project.pk)
    return _project_page(request, project, milestone_form=form)


@login_required
@require_POST
def milestone_reach(request: HttpRequest, project_id: int, milestone_id: int) -> HttpResponse:
    project = selectors.project_get(request.user, project_id)
    access.require(request.user, Perm.EDIT, project.site)
    milestone: Milestone | None = project.milestones.filter(pk=milestone_id).first()
    if milestone is None:
        raise Http404
    form = ReachForm(request.POST, prefix=f"m{milestone.pk}")
    if form.is_valid():
        try:
            finance.milestone_reach(actor=request.user, milestone=milestone, **form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("“%(name)s” has been reached.") % {"name": milestone.name})
            return redirect("project_detail", project_id=project.pk)
    return _project_page(request, project, reach_forms={milestone.pk: form})


@login_required
@require_POST
def project_photo_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get(request.user, project_id)
    access.require(request.user, Perm.EDIT, project.site)
    form = PhotoForm(request.POST, request.FILES, milestones=project.milestones.all())
    if form.is_valid():
        try:
            finance.project_photo_add(actor=request.user, project=project, **form.cleaned_data)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The photo has been added."))
            return redirect("project_detail", project_id=project.pk)
    return _project_page(request, project, photo_form=form)


@login_required
def project_photo(request: HttpRequest, project_id: int, photo_id: int) -> FileResponse:
    """A project photo, to whoever may see the project."""
    project = selectors.project_get(request.user, project_id)
    photo = project.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404
    return _private_file(photo.image)
