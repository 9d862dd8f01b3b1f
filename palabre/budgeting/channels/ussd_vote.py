"""Participatory budgeting by USSD: the vote (projects paged, running total, confirm, receipt).

The entry shows only when the commune has the budgeting module and a published cycle voting today
(`shared.voting_open`, registered in BudgetingConfig.ready()). Every write goes through the same services as
the web: `ballot_cast(..., send_receipt_sms=True)`, `residence_declare`; the residence and age rules are
`services/voters.py`'s. This module only checks choices early so that a caller hears "too expensive" when
picking, not at the end.

The choices made so far (envelope, projects, points) are the data of the engine's frames: each pick opens
the ballot again with the new choice on top of the stack ("0. Retour" undoes it), and the whole stack lives
in the USSD session, so a dropped call resumes with the picks kept. Texts use the "ussd" context (160
characters a screen).
"""

import dataclasses
from collections.abc import Callable
from typing import Any

from django.utils.translation import pgettext

from palabre.budgeting.channels.shared import SCREEN, short_money, voting_cycle
from palabre.budgeting.models import BallotKind, Envelope, Proposal
from palabre.budgeting.permissions import access_envelope
from palabre.budgeting.queries.voting import has_arrondissement_envelopes
from palabre.budgeting.services.voters import (
    Residence,
    Voter,
    envelopes_for,
    residence_declare,
    residence_of,
    voter_for_phone,
)
from palabre.budgeting.services.voting import (
    BallotRejected,
    ballot_cast,
    ballot_proposals,
    ballot_validate,
    format_receipt,
    has_voted,
    voter_check,
)
from palabre.channels.ussd.engine import (
    Back,
    Finish,
    Invalid,
    Menu,
    Option,
    Outcome,
    Prompt,
    cut,
    goto,
    screen,
)
from palabre.channels.ussd.sessions import UssdContext
from palabre.core.permissions import NotFound
from palabre.core.validators import parse_ascii_int
from palabre.territory.models import Arrondissement
from palabre.territory.queries import commune_arrondissements

# What the options and navigation of the confirm screen take ("1. Confirmer", "2. Modifier", "0. Retour
# 00. Menu", and the engine's room for a notice), so that the chosen projects are cut to fit above them.
CONFIRM_ROOM = 65
# A project on a list: "*Forage de Zou 2,5M", short, so that a page shows four or five of them.
PROJECT_LABEL = 26
# A chosen project named on the confirm screen.
CONFIRM_NAME = 24
# Ballot kinds on which picking a project checks the whole ballot at once (cumulative asks points).
PICKED_KINDS = (BallotKind.APPROVAL, BallotKind.KNAPSACK)
# BallotRejected codes after which going back and changing the ballot cannot help.
FINAL_REJECTIONS = ("not_voting", "wrong_envelope", "too_young", "already_voted")


# Voting: who, which envelope ---------------------------------------------------------------------------
@screen
def vote_start(context: UssdContext) -> Menu | Prompt | Finish:
    """The caller's residence (asked once when the cycle has arrondissement envelopes), then the envelope."""
    cycle = voting_cycle(context.commune)
    if cycle is None or context.commune is None:
        return _not_open()
    residence = residence_of(context.phone, commune_id=context.commune.pk)
    if residence is None and has_arrondissement_envelopes(cycle):
        return _residence_menu(context)
    return vote_envelopes(context, arrondissement=residence)


def _not_open() -> Finish:
    return Finish(pgettext("ussd", "Le vote du budget participatif n'est pas ouvert."))


def _residence_menu(context: UssdContext) -> Menu:
    def choose(arrondissement: Arrondissement) -> Callable[[], Outcome]:
        def chosen() -> Outcome:
            residence_declare(phone=context.phone, arrondissement=arrondissement)
            return goto(vote_envelopes, arrondissement=arrondissement.pk)

        return chosen

    arrondissements = commune_arrondissements(context.commune) if context.commune else []
    options = [Option(item.name, choose(item)) for item in arrondissements]
    options.append(
        Option(pgettext("ussd", "Je préfère ne pas dire"), goto(vote_envelopes, arrondissement=None))
    )
    title = pgettext("ussd", "Vous habitez quel arrondissement ? Vous y votez aussi.")
    return Menu(title=title, options=options)


@screen
def vote_envelopes(context: UssdContext, arrondissement: int | None) -> Menu | Prompt | Finish:
    """The envelopes this resident votes in; straight to the ballot when there is only one."""
    cycle = voting_cycle(context.commune)
    if cycle is None:
        return _not_open()
    envelopes = envelopes_for(cycle, arrondissement)
    if not envelopes:
        return Finish(pgettext("ussd", "Ce vote est réservé aux habitants de certains arrondissements."))
    if len(envelopes) == 1:
        return vote_envelope(context, envelope=envelopes[0].pk, arrondissement=arrondissement)
    voter = phone_voter(context, arrondissement=arrondissement)
    voted = {envelope.pk for envelope in envelopes if has_voted(envelope=envelope, voter=voter)}
    if len(voted) == len(envelopes):
        return Finish(pgettext("ussd", "Vous avez déjà voté dans chaque enveloppe. Merci !"))
    options = [_envelope_option(envelope, arrondissement, envelope.pk in voted) for envelope in envelopes]
    return Menu(title=pgettext("ussd", "Voter dans quelle enveloppe ?"), options=options)


def _envelope_option(envelope: Envelope, arrondissement: int | None, voted: bool) -> Option:
    values = {"envelope": envelope, "amount": short_money(envelope.amount)}
    if voted:
        label = pgettext("ussd", "%(envelope)s (déjà voté)") % values
        return Option(label, Invalid(pgettext("ussd", "Vous avez déjà voté dans cette enveloppe.")))
    label = pgettext("ussd", "%(envelope)s %(amount)s") % values
    return Option(label, goto(vote_envelope, envelope=envelope.pk, arrondissement=arrondissement))


def _envelope(context: UssdContext, pk: int) -> Envelope | None:
    """The envelope of this pk in the session's commune (a stored frame may outlive a change of commune),
    None when it is not there for this caller (the same access rule as the web's)."""
    if context.commune is None:
        return None
    try:
        return access_envelope(actor=None, commune=context.commune, id=pk)
    except NotFound:
        return None


def phone_voter(context: UssdContext, *, arrondissement: int | None, age_ok: bool = False) -> Voter:
    """The voter behind the calling phone, living in `arrondissement` (decided at the first screen by the
    one residence rule, None: commune-wide envelope only); `age_ok` when they said on screen that they
    reach the minimum age (counts only when their age is not known otherwise: voters.age_eligibility)."""
    return voter_for_phone(
        context.phone, channel=context.channel, residence=Residence(arrondissement), old_enough=age_ok
    )


@screen
def vote_envelope(
    context: UssdContext, envelope: int, arrondissement: int | None, age_ok: bool = False
) -> Menu | Prompt | Finish:
    """May this phone vote here (phase, envelope, age: asked when unknown, already voted)? Then the ballot."""
    found = _envelope(context, envelope)
    if found is None:
        return _not_open()
    voter = phone_voter(context, arrondissement=arrondissement, age_ok=age_ok)
    try:
        voter_check(envelope=found, voter=voter)
    except BallotRejected as rejected:
        if rejected.code == "age_unknown":
            return vote_age(context, envelope=envelope, arrondissement=arrondissement)
        return Finish(rejected.message)
    if has_voted(envelope=found, voter=voter):
        return Finish(
            pgettext(
                "ussd", "Ce numéro a déjà voté dans l'enveloppe %(envelope)s : un seul vote par personne."
            )
            % {"envelope": found}
        )
    ballot = {"envelope": envelope, "arrondissement": arrondissement, "age_ok": age_ok}
    return vote_ballot(context, **ballot, chosen=[], points=[])


@screen
def vote_age(context: UssdContext, envelope: int, arrondissement: int | None) -> Menu:
    found = _envelope(context, envelope)
    values = {"age": found.cycle.minimum_age if found else ""}
    too_young = Finish(pgettext("ussd", "Il faut avoir au moins %(age)s ans pour voter. Merci !") % values)
    options = [
        Option(
            pgettext("ussd", "J'ai %(age)s ans ou plus") % values,
            goto(vote_envelope, envelope=envelope, arrondissement=arrondissement, age_ok=True),
        ),
        Option(pgettext("ussd", "J'ai moins de %(age)s ans") % values, too_young),
    ]
    title = pgettext("ussd", "Ce vote est ouvert à partir de %(age)s ans. Votre âge :") % values
    return Menu(title=title, options=options)


# Voting: the ballot ------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Draft:
    """A ballot being filled in on the phone: what a frame's data holds."""

    envelope: int
    arrondissement: int | None
    age_ok: bool
    chosen: list[int]
    points: list[int]

    def data(self, **changes: Any) -> dict[str, Any]:
        return dataclasses.asdict(dataclasses.replace(self, **changes))


def _projects(envelope: Envelope) -> list[Proposal]:
    return sorted(ballot_proposals(envelope).values(), key=lambda proposal: proposal.number)


@screen
def vote_ballot(
    context: UssdContext,
    envelope: int,
    arrondissement: int | None,
    age_ok: bool,
    chosen: list[int],
    points: list[int],
) -> Menu | Finish:
    """The projects of the envelope (paged, numbered), the chosen ones marked, the running total on top;
    picking one adds or removes it; the last option goes to the confirmation."""
    found = _envelope(context, envelope)
    if found is None:
        return _not_open()
    draft = Draft(envelope, arrondissement, age_ok, list(chosen), list(points))
    projects = _projects(found)
    spent = sum(project.cost for project in projects if project.number in draft.chosen)
    options = [
        Option(_project_label(found, draft, project), _pick(found, draft, project, spent))
        for project in projects
    ]
    if draft.chosen:
        options.append(Option(pgettext("ussd", "Valider mon vote"), goto(vote_confirm, **draft.data())))
    else:
        options.append(Option(pgettext("ussd", "Valider mon vote"), Invalid(_choose_one())))
    return Menu(title=_ballot_status(found, draft, projects), options=options)


def _choose_one() -> str:
    return pgettext("ussd", "Choisissez d'abord un projet.")


def _ballot_status(envelope: Envelope, draft: Draft, projects: list[Proposal]) -> str:
    """ "Total 7,5M / 10M", "Choisis : 2/3" or "Points : 7/10" (what is left to decide, in one line)."""
    cycle = envelope.cycle
    if cycle.ballot_kind == BallotKind.KNAPSACK:
        total = sum(project.cost for project in projects if project.number in draft.chosen)
        return pgettext("ussd", "Total %(total)s / %(amount)s") % {
            "total": short_money(total),
            "amount": short_money(envelope.amount),
        }
    if cycle.ballot_kind == BallotKind.CUMULATIVE:
        return pgettext("ussd", "Points : %(given)s/%(max)s") % {
            "given": sum(draft.points),
            "max": cycle.points_per_voter or "-",
        }
    if cycle.max_projects:
        return pgettext("ussd", "Choisis : %(count)s/%(max)s") % {
            "count": len(draft.chosen),
            "max": cycle.max_projects,
        }
    return pgettext("ussd", "Choisis : %(count)s") % {"count": len(draft.chosen)}


def _project_label(envelope: Envelope, draft: Draft, project: Proposal) -> str:
    """ "*Forage de Zou 2,5M": a mark when chosen ("[5]" with its points), the title cut so that the
    cost always shows."""
    cost = short_money(project.cost)
    if project.number not in draft.chosen:
        mark = ""
    elif envelope.cycle.ballot_kind == BallotKind.CUMULATIVE:
        mark = f"[{draft.points[draft.chosen.index(project.number)]}]"
    else:
        mark = "*"
    room = PROJECT_LABEL - len(mark) - len(cost) - 1
    return f"{mark}{cut(' '.join(project.title.split()), room)} {cost}"


def _pick(envelope: Envelope, draft: Draft, project: Proposal, spent: int) -> Outcome | Callable[[], Outcome]:
    """What choosing a project does: remove it if chosen, else ask its points (cumulative) or add it if
    the ballot still follows the rules (else a short reason, and nothing changes). `spent`: the chosen
    ones' cost."""
    if project.number in draft.chosen:
        index = draft.chosen.index(project.number)
        chosen, points = list(draft.chosen), list(draft.points)
        del chosen[index]
        if points:
            del points[index]
        return goto(
            vote_ballot, **draft.data(chosen=chosen, points=points), notice=pgettext("ussd", "Retiré.")
        )
    if envelope.cycle.ballot_kind not in PICKED_KINDS:
        return goto(vote_points, **draft.data(), number=project.number)

    def add() -> Outcome:
        chosen = [*draft.chosen, project.number]
        try:
            ballot_validate(envelope=envelope, numbers=chosen)
        except BallotRejected as rejected:
            return Invalid(_short_refusal(envelope, rejected, envelope.amount - spent))
        return goto(vote_ballot, **draft.data(chosen=chosen), notice=pgettext("ussd", "Ajouté."))

    return add


def _short_refusal(envelope: Envelope, rejected: BallotRejected, left: int) -> str:
    """The reason a pick is refused, short enough to sit above the list."""
    if rejected.code == "over_budget":
        return pgettext("ussd", "Trop cher : il reste %(left)s.") % {"left": short_money(left)}
    if rejected.code == "too_many":
        return pgettext("ussd", "Maximum %(max)s : retirez-en un.") % {"max": envelope.cycle.max_projects}
    return rejected.message


@screen
def vote_points(
    context: UssdContext,
    envelope: int,
    arrondissement: int | None,
    age_ok: bool,
    chosen: list[int],
    points: list[int],
    number: int,
) -> Prompt | Finish:
    """Cumulative ballots: how many points for this project (at least 1, within what is left)."""
    found = _envelope(context, envelope)
    project = ballot_proposals(found).get(number) if found else None
    if project is None or found is None:
        return _not_open()
    draft = Draft(envelope, arrondissement, age_ok, list(chosen), list(points))
    left = (found.cycle.points_per_voter or 0) - sum(draft.points)

    def answer(text: str) -> Outcome:
        given = parse_ascii_int(text)
        if given is None or given < 1:
            return Invalid(pgettext("ussd", "Tapez un nombre de points, 1 au moins."))
        if found.cycle.points_per_voter and given > left:
            return Invalid(pgettext("ussd", "Il vous reste %(left)s points.") % {"left": left})
        data = draft.data(chosen=[*draft.chosen, number], points=[*draft.points, given])
        return goto(vote_ballot, **data, notice=pgettext("ussd", "Ajouté."))

    values = {"project": cut(project.title, 60), "left": left}
    if found.cycle.points_per_voter:
        title = pgettext("ussd", "Points pour %(project)s (il vous en reste %(left)s) :") % values
    else:
        title = pgettext("ussd", "Points pour %(project)s :") % values
    return Prompt(title=title, answer=answer)


@screen
def vote_confirm(
    context: UssdContext,
    envelope: int,
    arrondissement: int | None,
    age_ok: bool,
    chosen: list[int],
    points: list[int],
) -> Menu | Finish:
    found = _envelope(context, envelope)
    if found is None:
        return _not_open()
    draft = Draft(envelope, arrondissement, age_ok, list(chosen), list(points))
    options = [
        Option(pgettext("ussd", "Confirmer"), lambda: _cast(context, found, draft)),
        Option(pgettext("ussd", "Modifier"), Back()),
    ]
    return Menu(title=_confirm_title(found, draft), options=options)


def _confirm_title(envelope: Envelope, draft: Draft) -> str:
    """ "Votre vote (Passagon) : Puits, Latrines. Total 3,5M / 10M. Confirmer ?", the names cut to fit."""
    projects = ballot_proposals(envelope)
    names = []
    for index, number in enumerate(draft.chosen):
        title = cut(" ".join(projects[number].title.split()), CONFIRM_NAME) if number in projects else ""
        names.append(f"{title} {draft.points[index]}" if draft.points else title)
    values = {"envelope": envelope, "projects": "", "total": "", "amount": short_money(envelope.amount)}
    if envelope.cycle.ballot_kind == BallotKind.KNAPSACK:
        values["total"] = short_money(sum(projects[n].cost for n in draft.chosen if n in projects))
        template = pgettext("ussd", "Votre vote (%(envelope)s) : %(projects)s. Total %(total)s / %(amount)s.")
    else:
        template = pgettext("ussd", "Votre vote (%(envelope)s) : %(projects)s.")
    room = SCREEN - CONFIRM_ROOM - len(template % values)
    values["projects"] = cut(", ".join(names), max(room, 1))
    return template % values


def _cast(context: UssdContext, envelope: Envelope, draft: Draft) -> Outcome:
    voter = phone_voter(context, arrondissement=draft.arrondissement, age_ok=draft.age_ok)
    try:
        receipt = ballot_cast(
            envelope=envelope,
            voter=voter,
            numbers=draft.chosen,
            points=draft.points or None,
            send_receipt_sms=True,
        )
    except BallotRejected as rejected:
        if rejected.code == "age_unknown":
            return goto(vote_age, envelope=draft.envelope, arrondissement=draft.arrondissement)
        return Finish(rejected.message) if rejected.code in FINAL_REJECTIONS else Invalid(rejected.message)
    values = {"code": format_receipt(receipt.code)}
    remaining = [
        other
        for other in envelopes_for(envelope.cycle, draft.arrondissement)
        if other.pk != envelope.pk and not has_voted(envelope=other, voter=voter)
    ]
    if remaining:
        values["envelope"] = remaining[0]
        return Finish(
            pgettext(
                "ussd",
                "Vote enregistré. Reçu : %(code)s (envoyé aussi par SMS). Rappelez pour voter aussi dans "
                "l'enveloppe %(envelope)s.",
            )
            % values
        )
    return Finish(
        pgettext(
            "ussd",
            "Vote enregistré. Reçu : %(code)s (envoyé aussi par SMS) : il prouve que votre vote est compté.",
        )
        % values
    )
