"""Results and follow-up pages: the public results (once published) with their downloads, each selected
project's follow-up, and the officers' pages to compute, publish and follow up."""

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from palabre.budgeting.forms.results import ProjectUpdateForm
from palabre.budgeting.models import Cycle, Proposal
from palabre.budgeting.permissions import (
    access_budgeting_commune,
    access_cycle,
    access_cycle_staff,
    access_proposal,
    access_proposal_staff,
)
from palabre.budgeting.phases import phase_of
from palabre.budgeting.queries.results import cycle_results, project_followup, results_csv_rows
from palabre.budgeting.services.followup import project_update_add
from palabre.budgeting.services.results import (
    RESULT_PHASES,
    envelope_pabulib,
    results_compute,
    results_publish,
)
from palabre.core.http import posted

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _published(cycle: Cycle) -> Cycle:
    if cycle.results_published_at is None:
        raise Http404
    return cycle


def _followed(proposal: Proposal) -> Proposal:
    """Only the projects the published vote selected have a follow-up page."""
    if not proposal.is_selected or proposal.cycle.results_published_at is None:
        raise Http404
    return proposal


def results(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = _published(access_cycle(actor=request.user, commune=commune, id=cycle_pk))
    context = {"commune": cycle.commune, "cycle": cycle, "envelopes": cycle_results(cycle)}
    return render(request, "budgeting/result_list.html", context)


@never_cache
def results_csv(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = _published(access_cycle(actor=request.user, commune=commune, id=cycle_pk))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in results_csv_rows(cycle):
        writer.writerow(
            [
                "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
                for value in row
            ]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="resultats-{cycle.commune.slug}-{cycle.year}.csv"'
    )
    return response


@never_cache
def results_pabulib(request: HttpRequest, commune_slug: str, cycle_pk: int, envelope_pk: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = _published(access_cycle(actor=request.user, commune=commune, id=cycle_pk))
    envelope = get_object_or_404(
        cycle.envelopes.select_related("arrondissement", "cycle__commune"), pk=envelope_pk
    )
    response = HttpResponse(envelope_pabulib(envelope), content_type="text/plain; charset=utf-8")
    name = f"Benin_{cycle.commune.slug}_{cycle.year}_{envelope.pk}.pb"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def followup(request: HttpRequest, commune_slug: str, cycle_pk: int, number: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    proposal = _followed(
        access_proposal(actor=request.user, commune=commune, cycle_id=cycle_pk, number=number)
    )
    context = {
        "commune": proposal.cycle.commune,
        "cycle": proposal.cycle,
        "followup": project_followup(proposal),
    }
    return render(request, "budgeting/followup_detail.html", context)


def results_manage(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle_staff(actor=request.user, commune=commune, id=cycle_pk)
    context = {
        "commune": cycle.commune,
        "cycle": cycle,
        "may_compute": phase_of(cycle) in RESULT_PHASES and cycle.results_published_at is None,
        "envelopes": cycle_results(cycle),
        "envelope_count": cycle.envelopes.count(),
    }
    return render(request, "budgeting/result_manage.html", context)


# action slug -> (service, message once done)
ACTIONS = {
    "calculer": (
        results_compute,
        gettext_lazy("Les résultats sont calculés. Vérifiez-les avant de les publier."),
    ),
    "publier": (results_publish, gettext_lazy("Les résultats sont publiés.")),
}


@require_POST
def results_action(request: HttpRequest, commune_slug: str, cycle_pk: int, action: str) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle_staff(actor=request.user, commune=commune, id=cycle_pk)
    if action not in ACTIONS:
        raise Http404
    service, done = ACTIONS[action]
    try:
        service(cycle=cycle, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("budgeting:results_manage", commune_slug=commune_slug, cycle_pk=cycle.pk)


def followup_manage(request: HttpRequest, commune_slug: str, cycle_pk: int, number: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    proposal = _followed(
        access_proposal_staff(actor=request.user, commune=commune, cycle_id=cycle_pk, number=number)
    )
    history = project_followup(proposal)
    form = ProjectUpdateForm(posted(request), request.FILES or None, latest=history.latest)
    if form.is_valid():
        try:
            project_update_add(proposal=proposal, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Le suivi du projet est publié."))
            return redirect(
                "budgeting:followup_manage", commune_slug=commune_slug, cycle_pk=cycle_pk, number=number
            )
    context = {"commune": proposal.cycle.commune, "cycle": proposal.cycle, "followup": history, "form": form}
    return render(request, "budgeting/followup_manage.html", context)


routes = [
    path("<int:cycle_pk>/resultats/", results, name="results"),
    path("<int:cycle_pk>/resultats/resultats.csv", results_csv, name="results_csv"),
    path("<int:cycle_pk>/resultats/<int:envelope_pk>.pb", results_pabulib, name="results_pabulib"),
    path("<int:cycle_pk>/projets/<int:number>/suivi/", followup, name="followup"),
    path("gestion/<int:cycle_pk>/resultats/", results_manage, name="results_manage"),
    path("gestion/<int:cycle_pk>/resultats/<slug:action>/", results_action, name="results_action"),
    path("gestion/<int:cycle_pk>/projets/<int:number>/suivi/", followup_manage, name="followup_manage"),
]
