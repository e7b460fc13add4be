from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from jinguo.accounts.roles import Perm
from jinguo.audit.selectors import audit_actions, audit_list
from jinguo.audit.tasks import audit_verify_task
from jinguo.core.models import Progress
from jinguo.core.progress import progress_start
from jinguo.orgunits import access
from jinguo.web.forms import AuditFilterForm

# The reasons `audit_verify` gives for a broken link, in words for the page.
_BREAK_REASONS = {
    "previous hash does not match": _("the previous hash does not match"),
    "content does not match its hash": _("the content does not match its hash"),
}


def _outcome(progress: Progress) -> dict[str, Any]:
    """A finished chain check's message ("ok:<n>" or "broken:<id>:<reason>") taken apart."""
    if not progress.finished:
        return {"kind": "running"}
    kind, _sep, rest = progress.message.partition(":")
    if kind == "ok" and rest.isdigit():
        return {"kind": "ok", "checked": int(rest)}
    if kind == "broken":
        entry_id, _sep, reason = rest.partition(":")
        return {
            "kind": "broken",
            "entry_id": entry_id,
            "reason": _BREAK_REASONS.get(reason, reason),
        }
    return {"kind": "error", "text": progress.message}


def _require_auditor(request: HttpRequest) -> None:
    if not access.scope_paths(request.user, Perm.VIEW_AUDIT):
        raise Http404


@login_required
def audit_index(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    form = AuditFilterForm(request.GET or None)
    entries = audit_list(request.user, **form.filters())
    page = Paginator(entries.select_related("actor"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/audit/index.html",
        {
            "form": form,
            "page": page,
            "actions": audit_actions(request.user),
            "query": query.urlencode(),
        },
    )


@login_required
@require_POST
def audit_verify_start(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    progress = progress_start(owner_id=int(request.user.pk or 0), label="audit verify")
    audit_verify_task.enqueue(str(progress.pk))
    return redirect("progress_detail", progress_id=progress.pk)


@login_required
def progress_detail(request: HttpRequest, progress_id: str) -> HttpResponse:
    """A job's progress: the whole page, or just the bar when htmx polls for it."""
    progress = get_object_or_404(Progress, pk=progress_id, owner=request.user)
    template = (
        "web/progress/_bar.html"
        if request.headers.get("HX-Request")
        else "web/progress/detail.html"
    )
    return render(request, template, {"progress": progress, "outcome": _outcome(progress)})
