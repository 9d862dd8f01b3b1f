"""Staff pages for paper ballots: the batches of a cycle, typing one round of a batch, the differences
between the two rounds, and counting. Every page goes through the access helpers (404 for anyone but the
commune's budget managers); every action is one service call."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.budgeting.forms.paper import (
    PaperBatchDiscardForm,
    PaperBatchOpenForm,
    PaperEntryForm,
    PaperReconcileForm,
)
from palabre.budgeting.models import BallotKind, PaperBatch, PaperBatchStatus
from palabre.budgeting.permissions import (
    access_budgeting_commune,
    access_cycle_staff,
    access_paper_batch_staff,
)
from palabre.budgeting.queries.paper import next_position, paper_batches, round_entries
from palabre.budgeting.services.paper import (
    paper_batch_compare,
    paper_batch_discard,
    paper_batch_finish_round,
    paper_batch_open,
    paper_batch_reconcile,
    paper_batch_summary,
    paper_entry_add,
    paper_open_for,
    round_for,
)
from palabre.core.http import posted
from palabre.core.pages import add_service_error
from palabre.core.validators import parse_ascii_int


def batch_list(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    """The cycle's batches with their progress, and the form to open one."""
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle_staff(actor=request.user, commune=commune, id=cycle_pk)
    form = PaperBatchOpenForm(posted(request), cycle=cycle)
    if form.is_valid():
        try:
            batch = paper_batch_open(cycle=cycle, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("budgeting:paper_batch", commune_slug, cycle.pk, batch.pk)
    context = {
        "commune": cycle.commune,
        "cycle": cycle,
        "batches": paper_batches(cycle),
        "form": form,
        "is_open": paper_open_for(cycle),
    }
    return render(request, "budgeting/paper_batch_list.html", context, status=400 if form.errors else 200)


def batch_detail(request: HttpRequest, commune_slug: str, cycle_pk: int, batch_pk: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    batch = access_paper_batch_staff(actor=request.user, commune=commune, cycle_id=cycle_pk, id=batch_pk)
    return _batch_page(request, batch, None)


@require_POST
def entry_add(request: HttpRequest, commune_slug: str, cycle_pk: int, batch_pk: int) -> HttpResponse:
    """Type (or re-type) one ballot of the officer's round; errors keep what was typed."""
    commune = access_budgeting_commune(commune_slug, request=request)
    batch = access_paper_batch_staff(actor=request.user, commune=commune, cycle_id=cycle_pk, id=batch_pk)
    form = _entry_form(batch, request.POST)
    if form.is_valid():
        try:
            typed = paper_entry_add(
                batch=batch, round=_round_asked(batch, request.user), **form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _entry_message(request, typed)
            return redirect("budgeting:paper_batch", commune_slug, cycle_pk, batch_pk)
    return _batch_page(request, batch, form, status=400)


@require_POST
def round_finish(request: HttpRequest, commune_slug: str, cycle_pk: int, batch_pk: int) -> HttpResponse:
    commune = access_budgeting_commune(commune_slug, request=request)
    batch = access_paper_batch_staff(actor=request.user, commune=commune, cycle_id=cycle_pk, id=batch_pk)
    try:
        paper_batch_finish_round(batch=batch, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Première saisie terminée : un autre agent fait maintenant la seconde."))
    return redirect("budgeting:paper_batch", commune_slug, cycle_pk, batch_pk)


def comparison(request: HttpRequest, commune_slug: str, cycle_pk: int, batch_pk: int) -> HttpResponse:
    """Both rounds side by side where they differ; open once a reconciliation found differences."""
    commune = access_budgeting_commune(commune_slug, request=request)
    batch = access_paper_batch_staff(actor=request.user, commune=commune, cycle_id=cycle_pk, id=batch_pk)
    if batch.status != PaperBatchStatus.MISMATCHED:
        return redirect("budgeting:paper_batch", commune_slug, cycle_pk, batch_pk)
    context = {
        **_base_context(batch),
        "mismatches": paper_batch_compare(batch),
        "round": round_for(batch, request.user),
        "reconcile_form": PaperReconcileForm(),
    }
    return render(request, "budgeting/paper_comparison.html", context)


@require_POST
def reconcile(request: HttpRequest, commune_slug: str, cycle_pk: int, batch_pk: int) -> HttpResponse:
    """Compare both rounds and count the batch when they agree; differences open the comparison page."""
    commune = access_budgeting_commune(commune_slug, request=request)
    batch = access_paper_batch_staff(actor=request.user, commune=commune, cycle_id=cycle_pk, id=batch_pk)
    form = PaperReconcileForm(request.POST)
    form.is_valid()
    try:
        result = paper_batch_reconcile(
            batch=batch, by=request.user, count_note=form.cleaned_data.get("count_note", "")
        )
    except ValidationError as error:
        add_service_error(form, error)
        return _batch_page(request, batch, None, reconcile_form=form, status=400)
    if not result.is_reconciled:
        messages.error(request, _("Les deux saisies diffèrent : corrigez les bulletins signalés."))
        return redirect("budgeting:paper_comparison", commune_slug, cycle_pk, batch_pk)
    messages.success(request, _("Lot rapproché : les bulletins valables sont comptés."))
    return redirect("budgeting:paper_batch", commune_slug, cycle_pk, batch_pk)


@require_POST
def discard(request: HttpRequest, commune_slug: str, cycle_pk: int, batch_pk: int) -> HttpResponse:
    """Abandon a batch that will not be counted (it would otherwise hold back the results)."""
    commune = access_budgeting_commune(commune_slug, request=request)
    batch = access_paper_batch_staff(actor=request.user, commune=commune, cycle_id=cycle_pk, id=batch_pk)
    form = PaperBatchDiscardForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        paper_batch_discard(batch=batch, reason=form.cleaned_data["reason"], by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("budgeting:paper_batch", commune_slug, cycle_pk, batch_pk)
    messages.success(request, _("Lot abandonné : ses saisies sont effacées."))
    return redirect("budgeting:paper_batches", commune_slug, cycle_pk)


def _round_asked(batch: PaperBatch, user) -> int:
    """The officer's round, else the round the batch is at (the service then says why they may not)."""
    return round_for(batch, user) or (1 if batch.status == PaperBatchStatus.FIRST_ENTRY else 2)


def _entry_form(batch: PaperBatch, data=None, position: int | None = None) -> PaperEntryForm:
    cumulative = batch.cycle.ballot_kind == BallotKind.CUMULATIVE
    return PaperEntryForm(data, cumulative=cumulative, initial={"position": position})


def _entry_message(request: HttpRequest, typed) -> None:
    values = {"position": typed.entry.position, "problem": typed.problem}
    if typed.problem:
        messages.warning(
            request, _("Bulletin %(position)s enregistré comme non valable : %(problem)s") % values
        )
    else:
        messages.success(request, _("Bulletin %(position)s enregistré.") % values)


def _base_context(batch: PaperBatch) -> dict:
    return {"commune": batch.cycle.commune, "cycle": batch.cycle, "batch": batch}


def _batch_page(request, batch: PaperBatch, form, *, reconcile_form=None, status: int = 200):
    """The batch: the officer's round (form and what they typed), or its outcomes once reconciled."""
    round = round_for(batch, request.user)
    entries = round_entries(batch, round or 1) if round or batch.status == PaperBatchStatus.RECONCILED else []
    if form is None and round:
        position = parse_ascii_int(request.GET.get("rang", ""))
        form = _entry_form(
            batch, position=position if position is not None else next_position(batch, entries)
        )
    context = {
        **_base_context(batch),
        "round": round,
        "entries": entries,
        "form": form,
        "reconcile_form": reconcile_form or PaperReconcileForm(),
        "may_reconcile": batch.status in (PaperBatchStatus.SECOND_ENTRY, PaperBatchStatus.MISMATCHED)
        and batch.second_clerk_id is not None,
        "summary": paper_batch_summary(batch) if batch.status == PaperBatchStatus.RECONCILED else None,
        "discard_form": PaperBatchDiscardForm() if batch.status != PaperBatchStatus.RECONCILED else None,
    }
    return render(request, "budgeting/paper_batch.html", context, status=status)


_BATCH = "gestion/<int:cycle_pk>/papier/<int:batch_pk>/"
routes = [
    path("gestion/<int:cycle_pk>/papier/", batch_list, name="paper_batches"),
    path(_BATCH, batch_detail, name="paper_batch"),
    path(_BATCH + "saisir/", entry_add, name="paper_entry_add"),
    path(_BATCH + "terminer/", round_finish, name="paper_round_finish"),
    path(_BATCH + "ecarts/", comparison, name="paper_comparison"),
    path(_BATCH + "compter/", reconcile, name="paper_reconcile"),
    path(_BATCH + "abandonner/", discard, name="paper_discard"),
]
