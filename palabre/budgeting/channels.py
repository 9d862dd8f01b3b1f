"""Participatory budgeting by USSD: vote (projects paged, running total, confirm, receipt), propose an idea.

Registered with `channels.router` from `BudgetingConfig.ready()`. The entries show only when the commune has
the budgeting module and a published cycle in the right phase (voting; ideas). Every write goes through the
same services as the web: `ballot_cast(..., send_receipt_sms=True)` and `proposal_submit(channel="ussd")`,
so the rules (budget, number of projects, points, envelope, age, one ballot per phone) hold here too; this
module only checks choices early so that a caller hears "too expensive" when picking, not at the end.

The choices made so far (envelope, projects, points) are the data of the engine's frames: each pick opens
the ballot again with the new choice on top of the stack ("0. Retour" undoes it), and the whole stack lives
in the USSD session, so a dropped call resumes with the picks kept. Texts use the "ussd" context (160
characters a screen). The helpers at the top (short amounts, the voting cycle, the caller's residence) are
shared with the SMS keywords (sms_keywords.py).
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.utils.translation import pgettext, pgettext_lazy

from palabre.accounts.models import User
from palabre.budgeting.models import BallotKind, Cycle, Envelope, Proposal
from palabre.budgeting.phases import VOTING, phase_of
from palabre.budgeting.queries.cycles import public_cycles
from palabre.budgeting.services.proposals import (
    DESCRIPTION_LENGTH,
    TITLE_LENGTH,
    proposal_submit,
    submission_open,
)
from palabre.budgeting.services.voters import Voter, envelopes_for, voter_from_phone
from palabre.budgeting.services.voting import (
    BallotRejected,
    ballot_cast,
    ballot_proposals,
    ballot_validate,
    format_receipt,
    has_voted,
    voter_check,
)
from palabre.channels import router
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
from palabre.channels.ussd.sessions import UssdContext, caller_profile, caller_profile_set
from palabre.core.validators import parse_ascii_int
from palabre.territory.models import Arrondissement, Module

SCREEN = 160
# Where published_cycles() keeps a commune's cycles for one request, on the commune instance.
CYCLES_CACHE = "_budgeting_published_cycles"
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


def register() -> None:
    """Called from BudgetingConfig.ready()."""
    router.register_ussd_menu(
        "budget_vote",
        pgettext_lazy("ussd", "Voter (budget participatif)"),
        vote_start,
        order=5,
        available=voting_open,
    )
    router.register_ussd_menu(
        "budget_idea", pgettext_lazy("ussd", "Proposer une idée"), idea_title, order=6, available=ideas_open
    )


# Shared with the SMS keywords -----------------------------------------------------------------------------
def short_money(amount: int) -> str:
    """2500000 -> "2,5M", 10000000 -> "10M", 750000 -> "750k": amounts as a feature phone screen allows."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if amount >= size:
            text = f"{amount / size:.2f}".rstrip("0").rstrip(".")
            return text.replace(".", ",") + suffix
    return str(amount)


def budgeting_enabled(commune) -> bool:
    return commune is not None and Module.BUDGETING in commune.modules


def published_cycles(commune, *, request: int | None = None) -> list[Cycle]:
    """The commune's published cycles. With `request` (the inbound message id) the list is kept on the
    commune instance for that request: the main menu asks whether each entry is available, then again when
    one is opened, and a USSD step must stay a few queries."""
    cached = getattr(commune, CYCLES_CACHE, None)
    if request is not None and cached is not None and cached[0] == request:
        return cached[1]
    cycles = list(public_cycles(commune))
    for cycle in cycles:
        cycle.commune = commune
    if request is not None:
        setattr(commune, CYCLES_CACHE, (request, cycles))
    return cycles


def voting_cycle(commune, *, request: int | None = None) -> Cycle | None:
    """The commune's published cycle in its voting phase today (the latest if several), else None."""
    if not budgeting_enabled(commune):
        return None
    cycles = published_cycles(commune, request=request)
    return next((cycle for cycle in cycles if phase_of(cycle) == VOTING), None)


def ideas_cycle(commune, *, channel: str, request: int | None = None) -> Cycle | None:
    """The commune's published cycle accepting ideas today on this channel, else None."""
    if not budgeting_enabled(commune):
        return None
    cycles = published_cycles(commune, request=request)
    return next((cycle for cycle in cycles if submission_open(cycle, channel=channel)), None)


def caller_residence(phone: str) -> int | None:
    """The arrondissement a phone declared: by phone ("my profile", or when it voted), else on its account."""
    profile = caller_profile(phone)
    if profile is not None and profile.arrondissement_id:
        return profile.arrondissement_id
    return User.objects.filter(phone=phone).values_list("arrondissement_id", flat=True).first()


def declare_residence(phone: str, arrondissement: Arrondissement) -> None:
    """Keep the arrondissement a caller said they live in (their phone profile), so that the same phone
    votes in one arrondissement's envelope whatever the channel (self-declared: a documented limit)."""
    caller_profile_set(phone=phone, trait="arrondissement", value=arrondissement)


def phone_voter(context, *, arrondissement: int | None, age_ok: bool = False) -> Voter:
    """The voter behind the calling phone, living in `arrondissement` (None: commune-wide envelope only);
    `age_ok` when they confirmed the minimum age on screen."""
    voter = voter_from_phone(context.phone, channel=context.channel, arrondissement_id=arrondissement)
    return dataclasses.replace(voter, declared_minimum_age=True) if age_ok else voter


def voting_open(context) -> bool:
    return voting_cycle(context.commune, request=context.inbound_id) is not None


def ideas_open(context) -> bool:
    return ideas_cycle(context.commune, channel=context.channel, request=context.inbound_id) is not None


# Voting: who, which envelope ---------------------------------------------------------------------------
@screen
def vote_start(context: UssdContext):
    """The caller's residence (asked once when the cycle has arrondissement envelopes), then the envelope."""
    cycle = voting_cycle(context.commune)
    if cycle is None:
        return Finish(pgettext("ussd", "Le vote du budget participatif n'est pas ouvert."))
    residence = caller_residence(context.phone)
    if residence is None and cycle.envelopes.filter(arrondissement__isnull=False).exists():
        return _residence_menu(context)
    return vote_envelopes(context, arrondissement=residence)


def _residence_menu(context: UssdContext) -> Menu:
    def choose(arrondissement: Arrondissement):
        def chosen() -> Outcome:
            declare_residence(context.phone, arrondissement)
            return goto(vote_envelopes, arrondissement=arrondissement.pk)

        return chosen

    arrondissements = Arrondissement.objects.filter(commune=context.commune).order_by("name")
    options = [Option(item.name, choose(item)) for item in arrondissements]
    options.append(
        Option(pgettext("ussd", "Je préfère ne pas dire"), goto(vote_envelopes, arrondissement=None))
    )
    title = pgettext("ussd", "Vous habitez quel arrondissement ? Vous y votez aussi.")
    return Menu(title=title, options=options)


@screen
def vote_envelopes(context: UssdContext, arrondissement: int | None):
    """The envelopes this resident votes in; straight to the ballot when there is only one."""
    cycle = voting_cycle(context.commune)
    if cycle is None:
        return Finish(pgettext("ussd", "Le vote du budget participatif n'est pas ouvert."))
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
    """The envelope of this pk in the session's commune (a stored frame may outlive a change of commune)."""
    return (
        Envelope.objects.select_related("cycle__commune", "arrondissement")
        .filter(pk=pk, cycle__commune=context.commune)
        .first()
    )


@screen
def vote_envelope(context: UssdContext, envelope: int, arrondissement: int | None, age_ok: bool = False):
    """May this phone vote here (phase, envelope, age: asked when unknown, already voted)? Then the ballot."""
    found = _envelope(context, envelope)
    if found is None:
        return Finish(pgettext("ussd", "Le vote du budget participatif n'est pas ouvert."))
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

    def data(self, **changes) -> dict:
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
):
    """The projects of the envelope (paged, numbered), the chosen ones marked, the running total on top;
    picking one adds or removes it; the last option goes to the confirmation."""
    found = _envelope(context, envelope)
    if found is None:
        return Finish(pgettext("ussd", "Le vote du budget participatif n'est pas ouvert."))
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


def _pick(envelope: Envelope, draft: Draft, project: Proposal, spent: int):
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
    if project is None:
        return Finish(pgettext("ussd", "Le vote du budget participatif n'est pas ouvert."))
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
        return Finish(pgettext("ussd", "Le vote du budget participatif n'est pas ouvert."))
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


# Ideas -------------------------------------------------------------------------------------------------
@screen
def idea_title(context: UssdContext) -> Prompt:
    def answer(text: str) -> Outcome:
        text = " ".join(text.split())
        if len(text) < TITLE_LENGTH[0]:
            return Invalid(
                pgettext("ussd", "Trop court : %(low)s lettres au moins.") % {"low": TITLE_LENGTH[0]}
            )
        return goto(idea_place, title=text[: TITLE_LENGTH[1]])

    title = pgettext("ussd", "Votre idée de projet en quelques mots (exemple : Forage à Zou) :")
    return Prompt(title=title, answer=answer)


@screen
def idea_place(context: UssdContext, title: str) -> Menu | Prompt:
    arrondissements = list(Arrondissement.objects.filter(commune=context.commune).order_by("name"))
    if not arrondissements:
        return idea_description(context, title=title, arrondissement=None)
    options = [
        Option(item.name, goto(idea_description, title=title, arrondissement=item.pk))
        for item in arrondissements
    ]
    options.append(
        Option(pgettext("ussd", "Toute la commune"), goto(idea_description, title=title, arrondissement=None))
    )
    return Menu(title=pgettext("ussd", "Pour quel arrondissement ?"), options=options)


@screen
def idea_description(context: UssdContext, title: str, arrondissement: int | None) -> Prompt:
    def answer(text: str) -> Outcome:
        text = " ".join(text.split())
        if len(text) < DESCRIPTION_LENGTH[0]:
            return Invalid(
                pgettext("ussd", "Trop court : %(low)s lettres au moins.") % {"low": DESCRIPTION_LENGTH[0]}
            )
        return goto(idea_confirm, title=title, arrondissement=arrondissement, description=text)

    return Prompt(title=pgettext("ussd", "Décrivez-la : quoi, où, pour qui ?"), answer=answer)


@screen
def idea_confirm(context: UssdContext, title: str, arrondissement: int | None, description: str) -> Menu:
    draft = {"title": title, "arrondissement": arrondissement, "description": description}
    text = pgettext("ussd", "Envoyer votre idée « %(title)s » à la mairie de %(commune)s ?") % {
        "title": cut(title, 50),
        "commune": context.commune.name,
    }
    return Menu(title=text, options=[Option(pgettext("ussd", "Envoyer"), lambda: _submit(context, draft))])


def _submit(context: UssdContext, draft: dict) -> Outcome:
    cycle = ideas_cycle(context.commune, channel=context.channel)
    if cycle is None:
        return Finish(pgettext("ussd", "Le dépôt des idées est fermé."))
    arrondissement = Arrondissement.objects.filter(
        pk=draft["arrondissement"], commune=context.commune
    ).first()
    try:
        proposal = proposal_submit(
            cycle=cycle,
            title=draft["title"],
            description=draft["description"],
            arrondissement=arrondissement,
            author_phone=context.phone,
            channel=context.channel,
        )
    except ValidationError as error:
        return Finish(cut(" ".join(error.messages), SCREEN))
    return Finish(
        pgettext("ussd", "Merci ! Votre idée n° %(number)s est enregistrée. La mairie l'examinera.")
        % {"number": proposal.number}
    )
