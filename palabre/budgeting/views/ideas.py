"""Idea pages for everyone: the list of a cycle's ideas, one idea with its review, proposing an idea
(signed-in residents; visitors are offered to sign in by phone and come back) and withdrawing one's own."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.budgeting.forms.ideas import IdeaFilterForm, IdeaForm
from palabre.budgeting.permissions import access_budgeting_commune, access_cycle, access_proposal
from palabre.budgeting.queries.proposals import merged_from, public_ideas
from palabre.budgeting.services.proposals import (
    LIVE_STATUSES,
    proposal_submit,
    proposal_withdraw,
    review_open,
    submission_open,
)
from palabre.core.choices import Channel
from palabre.core.http import posted
from palabre.core.pages import add_service_error, page_of


def idea_list(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle(actor=request.user, commune=commune, id=cycle_pk)
    filters = IdeaFilterForm(request.GET or None, commune=cycle.commune)
    page = page_of(request, public_ideas(cycle, **filters.filters()))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "commune": cycle.commune,
        "cycle": cycle,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "ideas_open": submission_open(cycle),
    }
    return render(request, "budgeting/proposal_list.html", context)


def idea_detail(request: HttpRequest, commune_slug: str, cycle_pk: int, number: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    proposal = access_proposal(actor=request.user, commune=commune, cycle_id=cycle_pk, number=number)
    context = {
        "commune": proposal.cycle.commune,
        "cycle": proposal.cycle,
        "proposal": proposal,
        "merged_from": merged_from(proposal),
        "may_withdraw": _is_author(request, proposal)
        and proposal.status in LIVE_STATUSES
        and review_open(proposal.cycle),
    }
    return render(request, "budgeting/proposal_detail.html", context)


def idea_submit(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle(actor=request.user, commune=commune, id=cycle_pk)
    context = {"commune": cycle.commune, "cycle": cycle, "ideas_open": submission_open(cycle)}
    if not context["ideas_open"] or not request.user.is_authenticated:
        context["login_url"] = f"{reverse('accounts:login')}?{urlencode({'next': request.path})}"
        return render(request, "budgeting/proposal_submit.html", context)
    form = IdeaForm(posted(request), request.FILES or None, commune=cycle.commune)
    if form.is_valid():
        try:
            proposal = proposal_submit(
                cycle=cycle, **form.cleaned_data, author=request.user, channel=Channel.WEB
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Merci ! Votre idée porte le numéro %(number)s.") % {"number": proposal.number}
            )
            return redirect("budgeting:idea_detail", commune_slug, cycle.pk, proposal.number)
    context["form"] = form
    return render(request, "budgeting/proposal_submit.html", context, status=400 if form.errors else 200)


@require_POST
def idea_withdraw(request: HttpRequest, commune_slug: str, cycle_pk: int, number: int) -> HttpResponse:
    """The author takes their own idea back (until voting opens)."""
    commune = access_budgeting_commune(commune_slug, request=request)
    proposal = access_proposal(actor=request.user, commune=commune, cycle_id=cycle_pk, number=number)
    if not _is_author(request, proposal):
        raise Http404
    try:
        proposal_withdraw(proposal=proposal, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Votre idée est retirée."))
    return redirect("budgeting:idea_detail", commune_slug, cycle_pk, number)


def _is_author(request: HttpRequest, proposal) -> bool:
    return request.user.is_authenticated and proposal.author_id == request.user.pk


routes = [
    path("<int:cycle_pk>/idees/", idea_list, name="idea_list"),
    path("<int:cycle_pk>/idees/proposer/", idea_submit, name="idea_submit"),
    path("<int:cycle_pk>/idees/<int:number>/", idea_detail, name="idea_detail"),
    path("<int:cycle_pk>/idees/<int:number>/retirer/", idea_withdraw, name="idea_withdraw"),
]
