"""Voting on the web and checking a receipt.

The voting page is for citizens signed in with their phone (one-time code): that phone is the voter, as
on USSD and SMS, so one person votes once per envelope whatever the channel. Each envelope has its own
small form; a ballot goes through `ballot_cast` like every channel's. After a ballot the receipt code is
kept in a signed cookie on the voter's phone only (never in the session table, which knows the account):
the server keeps nothing that leads from a person to their ballot.
"""

import dataclasses

from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.budgeting.forms.voting import ArrondissementChoiceForm, BallotForm, ReceiptCheckForm
from palabre.budgeting.models import BallotKind, Cycle, Envelope
from palabre.budgeting.permissions import access_budgeting_commune, access_cycle, access_envelope
from palabre.budgeting.phases import VOTING, phase_of, voting_closes_on
from palabre.budgeting.queries.cycles import cycle_envelopes
from palabre.budgeting.queries.voting import EnvelopeBallot, ballot_rows, voting_envelopes
from palabre.budgeting.services.voters import age_eligibility, residence_choose, residence_of, voter_for_user
from palabre.budgeting.services.voting import (
    BallotRejected,
    Receipt,
    ballot_cast,
    format_receipt,
    receipt_lookup,
)
from palabre.core.http import client_ip
from palabre.core.permissions import NotFound
from palabre.core.services import GuessesLimited
from palabre.core.validators import parse_ascii_int

RECEIPT_COOKIE = "budgeting_receipts_%s"
RECEIPT_COOKIE_SALT = "palabre.budgeting.receipts"
RECEIPT_COOKIE_SECONDS = 24 * 3600
AGE_ERRORS = {"age_unknown", "too_young"}


def vote(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    """The ballot of each envelope the signed-in voter votes in; a POST casts one envelope's."""
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle(actor=request.user, commune=commune, id=cycle_pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    page = _VotePage(request, cycle)
    if request.method == "POST":
        envelope = _posted_envelope(request, cycle)
        form = page.form_for(envelope, request.POST)
        if form.is_valid():
            try:
                receipt = page.cast(envelope, form)
            except BallotRejected as rejected:
                page.reject(envelope, form, rejected)
            else:
                return _receipt_redirect(request, cycle, envelope, receipt.code)
    return page.render()


class _VotePage:
    """What the voting page needs for one voter: their arrondissement for this vote, their envelopes
    and one form per envelope they have not voted in yet."""

    def __init__(self, request: HttpRequest, cycle: Cycle):
        self.request, self.cycle = request, cycle
        user = request.user
        declared = residence_of(user.phone.as_e164, commune_id=cycle.commune_id, user=user)
        self.place = (
            None if declared else ArrondissementChoiceForm(_place_data(request), commune=cycle.commune)
        )
        chosen = self.place.cleaned_data["arrondissement"] if self.place and self.place.is_valid() else None
        residence = residence_choose(declared, chosen, commune_id=cycle.commune_id)
        self.voter = voter_for_user(user, residence=residence)
        self.is_open = phase_of(cycle) == VOTING
        self.old_enough = age_eligibility(cycle, self.voter)
        listing = voting_envelopes(cycle, self.voter)
        self.ballots = listing.ballots
        if self.place and not listing.has_arrondissement_envelopes:
            self.place = None
        self.forms: dict[int, BallotForm] = {}
        self.error = ""

    def ballot_of(self, envelope: Envelope) -> EnvelopeBallot | None:
        return next((b for b in self.ballots if b.envelope.pk == envelope.pk and not b.has_voted), None)

    def form_for(self, envelope: Envelope, data=None) -> BallotForm:
        ballot = self.ballot_of(envelope)
        form = BallotForm(
            data,
            envelope=envelope,
            proposals=ballot.proposals if ballot else [],
            minimum_age=self.cycle.minimum_age if self.old_enough is None else None,
        )
        self.forms[envelope.pk] = form
        return form

    def cast(self, envelope: Envelope, form: BallotForm) -> Receipt:
        """The ballot a valid form holds, through the service every channel uses."""
        numbers, points = form.ballot()
        declared = form.cleaned_data.get("old_enough", False)
        return ballot_cast(
            envelope=envelope,
            voter=dataclasses.replace(self.voter, declared_minimum_age=declared),
            numbers=numbers,
            points=points,
            send_receipt_sms=form.cleaned_data["send_sms"],
        )

    def reject(self, envelope: Envelope, form: BallotForm, rejected: BallotRejected) -> None:
        """Say why next to the envelope's ballot when it is on the page, else above everything."""
        if self.ballot_of(envelope) is None or not self.shows_forms:
            self.error = rejected.message
        else:
            form.add_error(
                "old_enough" if rejected.code in AGE_ERRORS and "old_enough" in form.fields else None,
                rejected.message,
            )

    @property
    def shows_forms(self) -> bool:
        return (
            self.is_open and self.old_enough is not False and not (self.place and not self.place.is_valid())
        )

    def sections(self) -> list[dict]:
        sections = []
        for ballot in self.ballots:
            form = self.forms.get(ballot.envelope.pk)
            if form is None and not ballot.has_voted:
                form = self.form_for(ballot.envelope)
            sections.append(_section(ballot, form))
        return sections

    def render(self) -> HttpResponse:
        context = {
            "commune": self.cycle.commune,
            "cycle": self.cycle,
            "is_open": self.is_open,
            "closes_on": voting_closes_on(self.cycle),
            "too_young": self.old_enough is False,
            "place": self.place,
            "arrondissement_id": self.voter.arrondissement_id if self.place else None,
            "shows_forms": self.shows_forms,
            "sections": self.sections() if self.shows_forms else [],
            "error": self.error,
            "uses_htmx": self.cycle.ballot_kind == BallotKind.KNAPSACK,
        }
        failed = self.error or any(form.errors for form in self.forms.values())
        return render(self.request, "budgeting/vote_form.html", context, status=400 if failed else 200)


def _section(ballot: EnvelopeBallot, form: BallotForm | None) -> dict:
    """One envelope's part of the page: its projects as ticked (or given points), with the total."""
    rows, total = ballot_rows(ballot, form.ticked() if form else set())
    items = [{"row": row, "points": form.points_field(row.proposal.number) if form else None} for row in rows]
    return {
        "ballot": ballot,
        "form": form,
        "items": items,
        "total": total,
        "left": ballot.envelope.amount - total,
        "over": total - ballot.envelope.amount,
    }


def _place_data(request: HttpRequest):
    source = request.POST if request.method == "POST" else request.GET
    return source if "arrondissement" in source else None


def _posted_envelope(request: HttpRequest, cycle: Cycle) -> Envelope:
    """The envelope a ballot or a running total is posted for: one of the cycle's, else 404."""
    pk = parse_ascii_int(request.POST.get("envelope", ""))
    if pk is None:
        raise NotFound
    return access_envelope(actor=request.user, commune=cycle.commune, id=pk, cycle_id=cycle.pk)


@require_POST
def vote_total(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    """htmx: one envelope's ballot again with the running total, and the projects that no longer fit
    greyed out (knapsack ballots). Without JavaScript the full page does the same on submit."""
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle(actor=request.user, commune=commune, id=cycle_pk)
    if not request.user.is_authenticated:
        raise Http404
    page = _VotePage(request, cycle)
    envelope = _posted_envelope(request, cycle)
    ballot = page.ballot_of(envelope)
    if ballot is None or not page.shows_forms:
        raise Http404
    context = {
        "commune": cycle.commune,
        "cycle": cycle,
        "section": _section(ballot, page.form_for(envelope, request.POST)),
        "arrondissement_id": page.voter.arrondissement_id if page.place else None,
        "uses_htmx": True,
    }
    return render(request, "budgeting/vote_envelope.html", context)


def _receipt_redirect(request: HttpRequest, cycle: Cycle, envelope: Envelope, code: str) -> HttpResponse:
    """To the receipt page, the code added to the receipts this phone keeps for the cycle."""
    receipts = [*_kept_receipts(request, cycle), [envelope.pk, code]]
    response = redirect("budgeting:vote_receipt", cycle.commune.slug, cycle.pk)
    response.set_cookie(
        RECEIPT_COOKIE % cycle.pk,
        signing.dumps(receipts, salt=RECEIPT_COOKIE_SALT, compress=True),
        max_age=RECEIPT_COOKIE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


def _kept_receipts(request: HttpRequest, cycle: Cycle) -> list[list]:
    value = request.COOKIES.get(RECEIPT_COOKIE % cycle.pk, "")
    try:
        return signing.loads(value, salt=RECEIPT_COOKIE_SALT, max_age=RECEIPT_COOKIE_SECONDS)
    except signing.BadSignature:
        return []


def vote_receipt(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    """The receipt codes of the ballots cast from this phone, and what they prove (and do not)."""
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle(actor=request.user, commune=commune, id=cycle_pk)
    kept = dict(_kept_receipts(request, cycle))
    if not kept:
        return redirect("budgeting:vote", commune_slug, cycle.pk)
    envelopes = cycle_envelopes(cycle)
    receipts = [(e, format_receipt(kept[e.pk])) for e in envelopes if e.pk in kept]
    context = {"commune": cycle.commune, "cycle": cycle, "receipts": receipts}
    return render(request, "budgeting/receipt_issued.html", context)


def receipt_check(request: HttpRequest, commune_slug: str, cycle_pk: int) -> HttpResponse:
    """`?code=K7M3-PX4R`: is a ballot with this receipt counted in the cycle? Never what it says."""
    commune = access_budgeting_commune(commune_slug, request=request)
    cycle = access_cycle(actor=request.user, commune=commune, id=cycle_pk)
    form = ReceiptCheckForm(request.GET if "code" in request.GET else None)
    ballot = None
    if form.is_valid():
        try:
            ballot = receipt_lookup(cycle=cycle, code=form.cleaned_data["code"], ip=client_ip(request))
        except GuessesLimited as limited:
            form.add_error("code", limited.message)
        else:
            if ballot is None:
                form.add_error("code", _("Aucun bulletin de ce budget ne porte ce code. Vérifiez-le."))
    context = {"commune": cycle.commune, "cycle": cycle, "form": form, "ballot": ballot}
    status = 400 if form.errors else 200
    return render(request, "budgeting/receipt_check.html", context, status=status)


routes = [
    path("<int:cycle_pk>/voter/", vote, name="vote"),
    path("<int:cycle_pk>/voter/total/", vote_total, name="vote_total"),
    path("<int:cycle_pk>/voter/merci/", vote_receipt, name="vote_receipt"),
    path("<int:cycle_pk>/recu/", receipt_check, name="receipt_check"),
]
