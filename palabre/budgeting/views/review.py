"""The technical review (managers): the queue of ideas, one idea's review and merge, and typing an idea
from a paper form collected at a village meeting."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.budgeting.forms.ideas import PaperIdeaForm
from palabre.budgeting.forms.review import MergeForm, ReviewFilterForm, ReviewForm
from palabre.budgeting.models import ProposalStatus
from palabre.budgeting.permissions import access_budgeting_commune, access_cycle_staff, access_proposal_staff
from palabre.budgeting.queries.proposals import merged_from, review_queue
from palabre.budgeting.services.proposals import (
    proposal_merge,
    proposal_review,
    proposal_submit,
    review_open,
    submission_open,
)
from palabre.core.choices import Channel
from palabre.core.http import posted
from palabre.core.pages import add_service_error, page_of


def queue(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    """Ideas awaiting review by default; any state through the filter."""
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle_staff(actor=request.user, commune=commune, id=cycle_pk)
    filters = ReviewFilterForm(request.GET or {"status": ProposalStatus.SUBMITTED})
    status = filters.cleaned_data["status"] if filters.is_valid() else ProposalStatus.SUBMITTED
    context = {
        "commune": cycle.commune,
        "cycle": cycle,
        "filters": filters,
        "page": page_of(request, review_queue(cycle, status=status)),
        "query": f"status={status}",
        "review_open": review_open(cycle),
        "paper_open": submission_open(cycle, channel=Channel.PAPER),
    }
    return render(request, "budgeting/review_queue.html", context)


def review(request: HttpRequest, commune_slug: str, cycle_pk: int, number: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    proposal = access_proposal_staff(actor=request.user, commune=commune, cycle_id=cycle_pk, number=number)
    form = ReviewForm(posted(request), proposal=proposal)
    if form.is_valid():
        try:
            proposal_review(proposal=proposal, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("L'avis sur l'idée n° %(number)s est publié.") % {"number": number})
            return redirect("budgeting:review_queue", commune_slug, cycle_pk)
    return _review_page(request, proposal, form=form, merge_form=MergeForm(proposal=proposal))


@require_POST
def merge(request: HttpRequest, commune_slug: str, cycle_pk: int, number: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    proposal = access_proposal_staff(actor=request.user, commune=commune, cycle_id=cycle_pk, number=number)
    form = MergeForm(request.POST, proposal=proposal)
    if form.is_valid():
        try:
            proposal_merge(duplicate=proposal, into=form.cleaned_data["into"], by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("L'idée n° %(number)s est fusionnée.") % {"number": number})
            return redirect("budgeting:review_queue", commune_slug, cycle_pk)
    return _review_page(request, proposal, form=ReviewForm(proposal=proposal), merge_form=form)


def paper_idea(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    """Type an idea from a paper form: its author's name, and a phone for the acknowledgement SMS."""
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle_staff(actor=request.user, commune=commune, id=cycle_pk)
    form = PaperIdeaForm(posted(request), request.FILES or None, commune=cycle.commune)
    if form.is_valid():
        data = dict(form.cleaned_data)
        phone = data.pop("author_phone")
        try:
            proposal = proposal_submit(
                cycle=cycle,
                **data,
                author_phone=phone.as_e164 if phone else "",
                channel=Channel.PAPER,
                by=request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Idée enregistrée sous le numéro %(number)s.") % {"number": proposal.number}
            )
            return redirect("budgeting:review_paper_idea", commune_slug, cycle_pk)
    context = {"commune": cycle.commune, "cycle": cycle, "form": form}
    return render(request, "budgeting/review_paper_idea.html", context, status=400 if form.errors else 200)


def _review_page(request: HttpRequest, proposal, *, form, merge_form) -> HttpResponse:
    context = {
        "commune": proposal.cycle.commune,
        "cycle": proposal.cycle,
        "proposal": proposal,
        "merged_from": merged_from(proposal),
        "form": form,
        "merge_form": merge_form,
        "review_open": review_open(proposal.cycle),
    }
    status = 400 if form.errors or merge_form.errors else 200
    return render(request, "budgeting/review_idea.html", context, status=status)


routes = [
    path("gestion/<int:cycle_pk>/examen/", queue, name="review_queue"),
    path("gestion/<int:cycle_pk>/examen/saisir/", paper_idea, name="review_paper_idea"),
    path("gestion/<int:cycle_pk>/examen/<int:number>/", review, name="review_idea"),
    path("gestion/<int:cycle_pk>/examen/<int:number>/fusionner/", merge, name="review_merge"),
]
