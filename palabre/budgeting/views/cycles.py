"""Cycle pages: the public list and page of a cycle (phases, envelopes, the voting rule in plain words),
and the managers' pages to create, edit, publish a cycle and set its envelopes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.budgeting.forms.cycles import CycleForm, EnvelopeForm
from palabre.budgeting.permissions import (
    access_budgeting_commune,
    access_budgeting_staff,
    access_cycle,
    access_cycle_staff,
)
from palabre.budgeting.phases import phase_of, phase_timeline
from palabre.budgeting.queries.cycles import (
    ballot_rule_text,
    cycle_envelopes,
    cycles_by_phase,
    idea_counts,
    office_cycles,
    phase_label,
    tally_rule_label,
)
from palabre.budgeting.services.cycles import (
    cycle_create,
    cycle_publish,
    cycle_update,
    envelope_remove,
    envelope_set,
    voting_has_begun,
)
from palabre.budgeting.services.proposals import submission_open
from palabre.core.http import posted
from palabre.core.pages import add_service_error


def cycle_list(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    cycles = [{"cycle": cycle, "label": phase_label(code)} for cycle, code in cycles_by_phase(commune)]
    return render(request, "budgeting/cycle_list.html", {"commune": commune, "cycles": cycles})


def cycle_detail(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle(actor=request.user, commune=commune, id=cycle_pk)
    envelopes = cycle_envelopes(cycle)
    context = {
        "commune": cycle.commune,
        "cycle": cycle,
        "phase": phase_of(cycle),
        "timeline": phase_timeline(cycle),
        "envelopes": [(envelope, ballot_rule_text(cycle, envelope)) for envelope in envelopes],
        "rule_text": ballot_rule_text(cycle),
        "tally_label": tally_rule_label(cycle),
        "counts": idea_counts(cycle),
        "ideas_open": submission_open(cycle),
    }
    return render(request, "budgeting/cycle_detail.html", context)


def office_cycle_list(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    access_budgeting_staff(actor=request.user, commune=commune)
    context = {"commune": commune, "cycles": office_cycles(commune)}
    return render(request, "budgeting/cycle_office_list.html", context)


def office_cycle_create(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    access_budgeting_staff(actor=request.user, commune=commune)
    form = CycleForm(posted(request))
    if form.is_valid():
        try:
            cycle = cycle_create(commune=commune, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Le budget est créé. Ajoutez ses enveloppes, puis publiez-le."))
            return redirect("budgeting:office_envelopes", commune.slug, cycle.pk)
    return _form_page(request, "budgeting/cycle_form.html", {"commune": commune, "form": form})


def office_cycle(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    """The cycle's settings, to read and change (what voting froze is refused with the reason)."""
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle_staff(actor=request.user, commune=commune, id=cycle_pk)
    form = CycleForm.for_cycle(cycle, posted(request))
    if form.is_valid():
        try:
            cycle_update(cycle=cycle, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Les réglages du budget sont enregistrés."))
            return redirect("budgeting:office_cycle", commune_slug, cycle.pk)
    context = {
        "commune": cycle.commune,
        "cycle": cycle,
        "form": form,
        "phase": phase_of(cycle),
        "frozen": voting_has_begun(cycle),
        "envelopes": cycle_envelopes(cycle),
    }
    return _form_page(request, "budgeting/cycle_form.html", context)


@require_POST
def office_cycle_publish(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle_staff(actor=request.user, commune=commune, id=cycle_pk)
    try:
        cycle_publish(cycle=cycle, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Le budget est visible du public."))
    return redirect("budgeting:office_cycle", commune_slug, cycle.pk)


def office_envelopes(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle_staff(actor=request.user, commune=commune, id=cycle_pk)
    form = EnvelopeForm(posted(request), commune=cycle.commune)
    if form.is_valid():
        try:
            envelope_set(cycle=cycle, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("L'enveloppe est enregistrée."))
            return redirect("budgeting:office_envelopes", commune_slug, cycle.pk)
    context = {
        "commune": cycle.commune,
        "cycle": cycle,
        "form": form,
        "envelopes": cycle_envelopes(cycle),
        "frozen": voting_has_begun(cycle),
    }
    return _form_page(request, "budgeting/cycle_envelopes.html", context)


@require_POST
def office_envelope_remove(
    request: HttpRequest, commune_slug: str, cycle_pk: int, envelope_pk: int
) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle_staff(actor=request.user, commune=commune, id=cycle_pk)
    envelope = get_object_or_404(cycle.envelopes.select_related("cycle"), pk=envelope_pk)
    try:
        envelope_remove(envelope=envelope, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("L'enveloppe est retirée."))
    return redirect("budgeting:office_envelopes", commune_slug, cycle.pk)


def _form_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The page, answered 400 when its form has errors (so a failed submission is not a success)."""
    return render(request, template, context, status=400 if context["form"].errors else 200)


routes = [
    path("", cycle_list, name="cycle_list"),
    path("<int:cycle_pk>/", cycle_detail, name="cycle_detail"),
    path("gestion/", office_cycle_list, name="office_cycles"),
    path("gestion/nouveau/", office_cycle_create, name="office_cycle_create"),
    path("gestion/<int:cycle_pk>/", office_cycle, name="office_cycle"),
    path("gestion/<int:cycle_pk>/publier/", office_cycle_publish, name="office_cycle_publish"),
    path("gestion/<int:cycle_pk>/enveloppes/", office_envelopes, name="office_envelopes"),
    path(
        "gestion/<int:cycle_pk>/enveloppes/<int:envelope_pk>/retirer/",
        office_envelope_remove,
        name="office_envelope_remove",
    ),
]
