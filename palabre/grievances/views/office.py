"""Officers' pages: the queue (and the focal points' confidential queue), bulk assignment, one complaint
with its actions. Every page goes through the access helpers (404 for anyone else); every action is one
service call, which checks the role again and audits it."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from palabre.core.http import posted
from palabre.core.pages import add_service_error, page_of
from palabre.core.permissions import NotFound
from palabre.grievances import forms, queries, services
from palabre.grievances.models import Complaint, Status
from palabre.grievances.permissions import (
    SENSITIVE_ROLES,
    access_complaint,
    access_complaint_staff,
    access_complaints_staff,
    handler_roles,
    may_view_complaint_settings,
)
from palabre.grievances.services.transitions import ASSIGNABLE, REASSIGNABLE, RESOLVABLE, STARTABLE
from palabre.grievances.views.common import query_without_page

OPEN = (Status.RECEIVED, Status.ACKNOWLEDGED, Status.ASSIGNED, Status.IN_PROGRESS)
# action slug -> (form class, statuses in which the action is offered)
ACTIONS = {
    "accuser": (forms.MessageForm, (Status.RECEIVED,)),
    "attribuer": (forms.AssignForm, ASSIGNABLE + REASSIGNABLE),
    "commencer": (forms.MessageForm, STARTABLE),
    "resoudre": (forms.ResolveForm, RESOLVABLE),
    "cloturer": (forms.MessageForm, (Status.RESOLVED,)),
    "rejeter": (forms.RejectForm, OPEN),
    "transmettre": (forms.ReferForm, OPEN),
    "doublon": (forms.DuplicateForm, OPEN),
    "note": (forms.NoteForm, tuple(Status.values)),
    "transcrire": (forms.TranscriptionForm, tuple(Status.values)),
}
# Offered next to the recording (voice complaints only), not in the list of actions.
TRANSCRIBE = "transcrire"


def queue_filters(request: HttpRequest, commune, *, sensitive: bool) -> forms.QueueFilterForm:
    return forms.QueueFilterForm(
        request.GET or None,
        commune=commune,
        categories=queries.active_categories(commune),
        officers=queries.commune_handlers(commune, sensitive=sensitive),
    )


@never_cache
def queue(request: HttpRequest, commune_slug: str, confidential: bool = False) -> HttpResponse:
    """Open complaints by default, overdue first; the confidential queue holds the sensitive ones."""
    commune, membership = access_complaints_staff(request, commune_slug)
    roles = handler_roles(request.user, commune)
    if confidential and not roles.intersection(SENSITIVE_ROLES):
        raise Http404
    filters = queue_filters(request, commune, sensitive=confidential)
    complaints = queries.officer_queue(commune=commune, roles=roles, **filters.filters())
    page = page_of(request, complaints.filter(is_sensitive=confidential))
    context = {
        "commune": commune,
        "membership": membership,
        "confidential": confidential,
        "is_focal_point": bool(roles.intersection(SENSITIVE_ROLES)),
        "may_view_settings": may_view_complaint_settings(request.user, commune),
        "filters": filters,
        "page": page,
        "query": query_without_page(request),
        "bulk_form": forms.BulkAssignForm(
            complaints=complaints, officers=filters.fields["assignee"].queryset
        ),
    }
    return render(request, "grievances/office_queue.html", context)


@never_cache
@require_POST
def bulk_assign(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune, _membership = access_complaints_staff(request, commune_slug)
    roles = handler_roles(request.user, commune)
    confidential = request.POST.get("confidential") == "1" and bool(roles.intersection(SENSITIVE_ROLES))
    form = forms.BulkAssignForm(
        request.POST,
        complaints=queries.officer_queue(commune=commune, roles=roles).filter(is_sensitive=confidential),
        officers=queries.commune_handlers(commune, sensitive=confidential),
    )
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, error[0])
    else:
        try:
            count = services.complaints_bulk_assign(
                complaints=form.cleaned_data["complaints"],
                assignee=form.cleaned_data["assignee"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Plaintes confiées : %(count)s.") % {"count": count})
    return redirect("grievances:confidential_queue" if confidential else "grievances:queue", commune_slug)


@never_cache
def complaint(request: HttpRequest, commune_slug: str, code: str) -> HttpResponse:
    complaint, _roles = access_complaint_staff(request, commune_slug, services.normalize_code(code))
    return _complaint_page(request, complaint, {})


@never_cache
@require_POST
def complaint_action(request: HttpRequest, commune_slug: str, code: str, action: str) -> HttpResponse:
    complaint, _roles = access_complaint_staff(request, commune_slug, services.normalize_code(code))
    if action not in ACTIONS:
        raise Http404
    form = _action_form(action, complaint, posted(request))
    if form.is_valid():
        try:
            _run_action(action, complaint, form, by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("C'est enregistré."))
            return redirect("grievances:office_complaint", commune_slug, complaint.code)
    return _complaint_page(request, complaint, {action: form}, status=400)


def _action_form(action: str, complaint: Complaint, data=None):
    form_class = ACTIONS[action][0]
    if form_class is forms.AssignForm:
        return form_class(data, officers=queries.assignable_officers(complaint))
    if form_class is forms.TranscriptionForm and data is None:
        return form_class(initial={"text": complaint.description})
    if form_class is forms.ResolveForm and data is None:
        template = queries.response_templates(complaint.category).first()
        return form_class(initial={"message": template.body if template else ""})
    return form_class(data)


def _run_action(action: str, complaint: Complaint, form, *, by) -> None:
    data = form.cleaned_data
    if action == "accuser":
        services.complaint_acknowledge(complaint=complaint, by=by, message=data["message"])
    elif action == "attribuer" and complaint.status in ASSIGNABLE:
        services.complaint_assign(complaint=complaint, assignee=data["assignee"], by=by, note=data["note"])
    elif action == "attribuer":
        services.complaint_reassign(complaint=complaint, assignee=data["assignee"], by=by, note=data["note"])
    elif action == "commencer":
        services.complaint_start(complaint=complaint, by=by, message=data["message"])
    elif action == "resoudre":
        services.complaint_resolve(complaint=complaint, by=by, message=data["message"], note=data["note"])
    elif action == "cloturer":
        services.complaint_close(complaint=complaint, by=by, message=data["message"])
    elif action == "rejeter":
        services.complaint_reject(complaint=complaint, by=by, reason=data["reason"])
    elif action == "transmettre":
        services.complaint_refer(
            complaint=complaint, by=by, referred_to=data["referred_to"], message=data["message"]
        )
    elif action == "doublon":
        services.complaint_mark_duplicate(
            complaint=complaint, of=_original(complaint, data["original"], by=by), by=by
        )
    elif action == TRANSCRIBE:
        services.complaint_transcribe(complaint=complaint, text=data["text"], by=by)
    else:
        services.complaint_note(complaint=complaint, by=by, text=data["text"])


def complaint_recording(request: HttpRequest, commune_slug: str, code: str) -> FileResponse:
    """The complaint's voice recording, for the officers who may see the complaint (never a public URL:
    a sensitive complaint's recording is as confidential as its text)."""
    complaint, _roles = access_complaint_staff(request, commune_slug, services.normalize_code(code))
    if not complaint.voice_recording:
        raise Http404
    content_type = mimetypes.guess_type(complaint.voice_recording.name)[0] or "application/octet-stream"
    response = FileResponse(complaint.voice_recording.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def _original(complaint: Complaint, code: str, *, by) -> Complaint:
    """The complaint `code` names, among those the same handlers see (same commune and sensitivity)."""
    try:
        original = access_complaint(actor=by, commune=complaint.commune, code=code)
    except NotFound:
        original = None
    if original is None or original.is_sensitive != complaint.is_sensitive:
        raise ValidationError({"original": _("Aucune plainte de la commune ne porte ce code.")})
    return original


def _complaint_page(
    request: HttpRequest, complaint: Complaint, bound: dict, status: int = 200
) -> HttpResponse:
    """The complaint, its full timeline and its reporter (for a sensitive one, a focal point asks to see
    the reporter, and each view is logged by the service)."""
    show_identity = not complaint.is_sensitive or request.GET.get("identite") == "1"
    identity = (
        services.complaint_reveal_identity(complaint=complaint, by=request.user) if show_identity else None
    )
    actions = [
        (action, bound.get(action) or _action_form(action, complaint))
        for action, (_form_class, statuses) in ACTIONS.items()
        if (complaint.status in statuses or action in bound) and action != TRANSCRIBE
    ]
    transcription_form = None
    if complaint.voice_recording:
        transcription_form = bound.get(TRANSCRIBE) or _action_form(TRANSCRIBE, complaint)
    context = {
        "commune": complaint.commune,
        "complaint": complaint,
        "identity": identity,
        "timeline": queries.complaint_timeline(complaint, public_only=False),
        "actions": actions,
        "transcription_form": transcription_form,
        "templates": queries.response_templates(complaint.category),
    }
    return render(request, "grievances/office_complaint.html", context, status=status)
