"""Participatory budgeting by SMS: VOTE 3 7 12, PROJETS (or BUDGET), IDEE <texte>, RECU <code>.

Registered with `channels.router`; each handler turns the SMS into a call of the service the web uses
(`ballot_cast`, `proposal_submit` with channel "sms"). A phone without a known commune names it first
(`VOTE Bohicon 3 7 12`). The reply comes in the phone's language (channels' dispatch activates it).

Voting by SMS:
- `VOTE 3 7 12` (approval, knapsack) or `VOTE 3:5 7:5` (cumulative: number:points). Numbers from several
  envelopes (the commune-wide one and the voter's arrondissement's) cast one ballot per envelope, all or
  nothing: if one is refused, none is counted and the reply says why, naming the envelope.
- Residence is self-declared: a phone that never declared an arrondissement (phone profile or account)
  votes in an arrondissement's envelope by naming it, `VOTE Passagon 11 12`; the arrondissement is then
  kept in its phone profile, so that the same phone cannot vote in another arrondissement's envelope.
- A minimum age the phone never declared is confirmed by writing it: `VOTE 18+ 3 7`.
- The reply gives the receipt code(s), never the projects chosen (a shared phone, or someone asking to see
  the SMS, must not learn the vote). A gateway retry of the same SMS is answered from the inbound store
  without running the handler again: one ballot, one reply.
National-language keywords are proposals awaiting native review (docs/channels.md).
"""

import re

from django.utils.text import Truncator
from django.utils.translation import pgettext

from palabre.budgeting.channels.shared import ideas_cycle, short_money, voting_cycle
from palabre.budgeting.models import BallotKind, Cycle, Envelope, Proposal
from palabre.budgeting.queries.cycles import public_cycles
from palabre.budgeting.queries.voting import envelopes_by_number, has_arrondissement_envelopes
from palabre.budgeting.services.proposals import DESCRIPTION_LENGTH, proposal_submit
from palabre.budgeting.services.voters import (
    Residence,
    age_stated,
    envelopes_for,
    residence_for,
    voter_for_phone,
)
from palabre.budgeting.services.voting import (
    RECEIPT_LENGTH,
    BallotChoice,
    BallotRejected,
    Receipt,
    ballot_proposals,
    ballots_cast,
    format_receipt,
    normalise_receipt,
    receipt_ballot,
)
from palabre.channels.router import InboundContext, Reply
from palabre.channels.sms.places import take_arrondissement, take_commune
from palabre.channels.sms.segments import segment_info, split_at_words
from palabre.core.services import sms_queue
from palabre.territory.models import Commune

VOTE = "budget_vote"
PROJECTS = "budget_projects"
IDEA = "budget_idea"
RECEIPT = "budget_receipt"
KEYWORDS = {
    VOTE: {"fr": ("VOTE", "VOTER"), "yo": ("DÌBÒ",)},
    PROJECTS: {"fr": ("PROJETS", "PROJET", "BUDGET"), "en": ("PROJECTS",)},
    IDEA: {"fr": ("IDÉE", "IDÉES"), "en": ("IDEA",), "yo": ("ÈRÒ",)},
    RECEIPT: {"fr": ("REÇU",), "en": ("RECEIPT",)},
}
# "3", "3:5" or "3=5" (points), and "18+" (the voter declares the minimum age), in ASCII digits only:
# `\d` alone would also match "١٢٣" or "৩" (read as other numbers).
CHOICE = re.compile(r"^([0-9]{1,4})(?:[:=]([0-9]{1,4}))?$")
AGE = re.compile(r"^([0-9]{1,3})\+$")
PROJECT_TITLE_CHARS = 30
IDEA_TITLE_CHARS = 60
# Room kept in each SMS of a list for its "(2/3) " mark.
PART_MARK = "(9/9) "


def _commune(context: InboundContext, text: str) -> tuple[Commune | None, str]:
    """(the commune named first in the text, else the phone's, and the rest of the text). A commune's own
    number (`context.commune_bound`) acts in that commune only: another commune's name is not taken."""
    named, rest = take_commune(text)
    if context.commune_bound and named != context.commune:
        return context.commune, text.strip()
    return (named, rest) if named is not None else (context.commune, text.strip())


def _ask_commune(example: str) -> str:
    return pgettext("sms", "Palabre : indiquez votre commune. Exemple : %(example)s") % {"example": example}


def _not_voting(commune: Commune) -> str:
    return pgettext("sms", "Palabre : pas de vote du budget participatif en cours à %(commune)s.") % {
        "commune": commune.name
    }


# VOTE --------------------------------------------------------------------------------------------------
def vote_by_sms(context: InboundContext, text: str) -> str | Reply:
    """VOTE [commune] [arrondissement] [18+] 3 7 12 (or 3:5 7:5): cast the ballot(s), reply the receipt(s).
    Who may vote where, and whether "18+" counts, is decided by services/voters.py like on every channel."""
    commune, text = _commune(context, text)
    if commune is None:
        return _ask_commune("VOTE Bohicon 3 7 12")
    cycle = voting_cycle(commune)
    if cycle is None:
        return _not_voting(commune)
    typed = text
    named, text = take_arrondissement(text, commune=commune)
    parsed = parse_choices(text)
    if parsed is None:
        return _vote_example(cycle)
    choices, age = parsed
    try:
        ballots = _ballots_by_envelope(cycle, choices)
    except _Refused as refused:
        return Reply(text=refused.text, commune_id=commune.pk)
    residence = residence_for(context.phone, commune_id=commune.pk, named=named)
    voter = voter_for_phone(
        context.phone, channel=context.channel, residence=residence, old_enough=age_stated(cycle, age)
    )
    try:
        receipts = ballots_cast(voter=voter, ballots=ballots, residence_named=residence.named)
    except BallotRejected as rejected:
        return Reply(text=_refusal(rejected, ballots, residence, typed=typed), commune_id=commune.pk)
    return Reply(text=_receipts_text(receipts), commune_id=commune.pk)


class _Refused(Exception):
    """The SMS cannot be read as ballots; `text` says why."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def parse_choices(text: str) -> tuple[list[tuple[int, int | None]], int | None] | None:
    """`3 7 12` -> ([(3, None), (7, None), (12, None)], None); `18+ 3:5, 7:5` -> ([(3, 5), (7, 5)], 18).
    None when a word is neither a number, number:points nor an age."""
    text = re.sub(r"\s*([:=])\s*", r"\1", text or "")
    choices: list[tuple[int, int | None]] = []
    age = None
    for word in re.split(r"[\s,;]+", text.strip()):
        if not word:
            continue
        declared = AGE.match(word)
        if declared:
            age = int(declared.group(1))
            continue
        match = CHOICE.match(word)
        if match is None:
            return None
        choices.append((int(match.group(1)), int(match.group(2)) if match.group(2) else None))
    return (choices, age) if choices else None


def _vote_example(cycle: Cycle) -> str:
    if cycle.ballot_kind == BallotKind.CUMULATIVE:
        return pgettext(
            "sms", "Palabre : écrivez VOTE puis numéro:points de chaque projet. Exemple : VOTE 3:5 7:5"
        )
    return pgettext("sms", "Palabre : écrivez VOTE puis les numéros des projets. Exemple : VOTE 3 7 12")


def _ballots_by_envelope(cycle: Cycle, choices: list[tuple[int, int | None]]) -> list[BallotChoice]:
    """The choices split by the envelope whose ballot holds each number (unknown number: refused)."""
    where = envelopes_by_number(cycle)
    grouped: dict[Envelope, list[tuple[int, int | None]]] = {}
    for number, points in choices:
        if number not in where:
            raise _Refused(_palabre(BallotRejected("unknown_project", number=number).message))
        grouped.setdefault(where[number], []).append((number, points))
    return [_ballot(envelope, chosen) for envelope, chosen in grouped.items()]


def _ballot(envelope: Envelope, choices: list[tuple[int, int | None]]) -> BallotChoice:
    numbers = [number for number, _points in choices]
    given = [points for _number, points in choices if points is not None]
    if envelope.cycle.ballot_kind != BallotKind.CUMULATIVE:
        if given:
            raise _Refused(
                pgettext("sms", "Palabre : ce vote ne se fait pas par points. Exemple : VOTE 3 7 12")
            )
        return BallotChoice(envelope, numbers)
    return BallotChoice(envelope, numbers, given)


def _refusal(
    rejected: BallotRejected, ballots: list[BallotChoice], residence: Residence, *, typed: str
) -> str:
    """The refusal in the voter's language, naming the envelope when the SMS held several ballots. A phone
    that never declared its arrondissement is told to name it to vote in that arrondissement's envelope."""
    envelope = rejected.envelope
    if rejected.code == "wrong_envelope" and not residence.is_known and envelope and envelope.arrondissement:
        choice = next(choice for choice in ballots if choice.envelope == envelope)
        # The command to send names the commune too (a phone may have none remembered) and repeats every
        # choice typed, those of the other envelopes included: sent as is, it casts the whole vote.
        return pgettext(
            "sms",
            "Palabre : les projets %(numbers)s sont ceux de %(arrondissement)s. Si vous y habitez, "
            "envoyez : VOTE %(commune)s %(arrondissement)s %(typed)s",
        ) % {
            "numbers": " ".join(map(str, choice.numbers)),
            "arrondissement": envelope.arrondissement.name,
            "commune": envelope.cycle.commune.name,
            "typed": " ".join(typed.split()),
        }
    text = rejected.message
    if rejected.code == "age_unknown":
        text = pgettext(
            "sms",
            "Il faut avoir au moins %(age)s ans pour voter. "
            "Si c'est votre cas, envoyez : VOTE %(typed)s %(age)s+",
        ) % {"age": rejected.params["age"], "typed": " ".join(typed.split())}
    if rejected.code == "points_missing":
        text = f"{text} {pgettext('sms', 'Exemple : VOTE 3:5 7:5')}"
    if len(ballots) > 1 and envelope is not None:
        text = f"{envelope} : {text}"
    return _palabre(text)


def _palabre(text: str) -> str:
    """Prefixed, and amounts written with plain spaces: a thin space would make the SMS Unicode (70
    characters an SMS instead of 160)."""
    return pgettext("sms", "Palabre : %(text)s") % {"text": text.replace("\u202f", " ")}


def _receipts_text(receipts: list[Receipt]) -> str:
    if len(receipts) == 1:
        code = format_receipt(receipts[0].code)
        return pgettext(
            "sms",
            "Palabre : merci, votre vote est compté (%(envelope)s). Votre code : %(code)s, "
            "à vérifier en envoyant RECU %(code)s",
        ) % {"envelope": receipts[0].envelope, "code": code}
    listed = "; ".join(
        pgettext("sms", "%(envelope)s : %(code)s") % {"envelope": r.envelope, "code": format_receipt(r.code)}
        for r in receipts
    )
    return pgettext("sms", "Palabre : merci, vos votes sont comptés. Vos codes : %(receipts)s.") % {
        "receipts": listed
    }


# PROJETS -----------------------------------------------------------------------------------------------
def projects_by_sms(context: InboundContext, text: str) -> str | Reply:
    """PROJETS [commune] [arrondissement]: the projects on the caller's ballot(s), in as many SMS as needed
    (each one SMS long, marked "(1/3)"; lines never cut)."""
    commune, text = _commune(context, text)
    if commune is None:
        return _ask_commune("PROJETS Bohicon")
    cycle = voting_cycle(commune)
    if cycle is None:
        return _not_voting(commune) + _ideas_hint(commune, context)
    named, _rest = take_arrondissement(text, commune=commune)
    residence = residence_for(context.phone, commune_id=commune.pk, named=named).arrondissement_id
    lines = [_rule_line(cycle)]
    for envelope in envelopes_for(cycle, residence):
        projects = sorted(ballot_proposals(envelope).values(), key=lambda project: project.number)
        lines.append(
            pgettext("sms", "%(envelope)s (%(amount)s) :")
            % {"envelope": envelope, "amount": short_money(envelope.amount)}
        )
        lines += [_project_line(project) for project in projects]
    if residence is None and has_arrondissement_envelopes(cycle):
        lines.append(pgettext("sms", "Ceux de votre arrondissement : PROJETS <arrondissement>"))
    parts = pack_lines(lines)
    if len(parts) == 1:
        return Reply(text=parts[0], commune_id=commune.pk)
    for index, part in enumerate(parts, start=1):
        sms_queue(
            to=context.phone,
            body=part,
            kind="budgeting.projects",
            commune_id=commune.pk,
            idempotency_key=f"inbound:{context.inbound_id}:{index}" if context.inbound_id else None,
        )
    return Reply(text="", commune_id=commune.pk)


def _ideas_hint(commune: Commune, context: InboundContext) -> str:
    if ideas_cycle(commune, channel=context.channel) is None:
        return ""
    return " " + pgettext("sms", "Proposez une idée : IDEE <votre idée>")


def _rule_line(cycle: Cycle) -> str:
    values = {"commune": cycle.commune.name, "max": cycle.max_projects, "points": cycle.points_per_voter}
    if cycle.ballot_kind == BallotKind.CUMULATIVE:
        return (
            pgettext("sms", "Budget %(commune)s, %(points)s points à répartir. Votez : VOTE 3:5 7:5") % values
        )
    if cycle.ballot_kind == BallotKind.KNAPSACK:
        return (
            pgettext(
                "sms", "Budget %(commune)s, projets dont le total tient dans l'enveloppe. Votez : VOTE 3 7"
            )
            % values
        )
    if cycle.max_projects:
        return (
            pgettext("sms", "Budget %(commune)s, jusqu'à %(max)s projets par enveloppe. Votez : VOTE 3 7")
            % values
        )
    return pgettext("sms", "Budget %(commune)s. Votez : VOTE 3 7") % values


def _project_line(project: Proposal) -> str:
    """ "3. Forage de Zou 2,5M"."""
    title = Truncator(" ".join(project.title.split())).chars(PROJECT_TITLE_CHARS)
    return f"{project.number}. {title} {short_money(project.cost)}"


def pack_lines(lines: list[str]) -> list[str]:
    """Lines gathered into SMS that each fit one segment (with room for a "(2/3) " mark when there are
    several), a line cut only when it cannot fit one SMS alone."""
    whole = "\n".join(lines)
    if segment_info(whole).segments == 1:
        return [whole]
    parts: list[str] = []
    for line in lines:
        for piece in _pieces(line):
            candidate = f"{parts[-1]}\n{piece}" if parts else piece
            if parts and segment_info(PART_MARK + candidate).segments == 1:
                parts[-1] = candidate
            else:
                parts.append(piece)
    if len(parts) == 1:
        return parts
    return [f"({index}/{len(parts)}) {part}" for index, part in enumerate(parts, start=1)]


def _pieces(line: str) -> list[str]:
    if segment_info(PART_MARK + line).segments == 1:
        return [line]
    limit = 160 if segment_info(line).encoding == "gsm7" else 70
    return split_at_words(line, limit=limit - len(PART_MARK))


# IDEE --------------------------------------------------------------------------------------------------
def idea_by_sms(context: InboundContext, text: str) -> str | Reply:
    """IDEE [commune] [arrondissement] <texte>: submit an idea; the service's SMS (with its number) is the
    answer. An arrondissement named first places it; the whole text is the description."""
    commune, text = _commune(context, text)
    if commune is None:
        return _ask_commune("IDEE Bohicon un forage à Zou, le puits est à sec")
    cycle = ideas_cycle(commune, channel=context.channel)
    if cycle is None:
        return pgettext(
            "sms", "Palabre : le budget participatif de %(commune)s n'accepte pas d'idées en ce moment."
        ) % {"commune": commune.name}
    if len(text) < DESCRIPTION_LENGTH[0]:
        return pgettext(
            "sms",
            "Palabre : décrivez votre idée en %(low)s lettres au moins. "
            "Exemple : IDEE un forage à Zou, le puits est à sec",
        ) % {"low": DESCRIPTION_LENGTH[0]}
    arrondissement, _rest = take_arrondissement(text, commune=commune)
    proposal_submit(
        cycle=cycle,
        title=idea_title(text),
        description=text,
        arrondissement=arrondissement,
        author_phone=context.phone,
        channel=context.channel,
    )
    return Reply(text="", commune_id=commune.pk)


def idea_title(text: str) -> str:
    """The idea's first sentence, cut at a word to 60 characters: "Un forage à Zou" from "Un forage à Zou.
    Le puits est à sec depuis mars."."""
    first = re.split(r"(?<=[.!?])\s|\n", text.strip(), maxsplit=1)[0].rstrip(".!? ")
    return Truncator(first).chars(IDEA_TITLE_CHARS)


# RECU --------------------------------------------------------------------------------------------------
def receipt_by_sms(context: InboundContext, text: str) -> str | Reply:
    """RECU [commune] <code>: whether a ballot with this receipt was counted (the envelope and day, never
    the projects)."""
    commune, text = _commune(context, text)
    code = normalise_receipt(text)
    if len(code) != RECEIPT_LENGTH:
        return pgettext(
            "sms", "Palabre : écrivez RECU puis le code donné quand vous avez voté. Exemple : RECU K7M3-PX4R"
        )
    if commune is None:
        return _ask_commune("RECU Bohicon K7M3-PX4R")
    for cycle in public_cycles(commune):
        ballot = receipt_ballot(cycle=cycle, code=code)
        if ballot is not None:
            return Reply(
                text=pgettext(
                    "sms",
                    "Palabre : le vote au code %(code)s est bien compté : "
                    "vote du %(date)s, enveloppe %(envelope)s, %(cycle)s.",
                )
                % {
                    "code": format_receipt(code),
                    "date": ballot.cast_on.strftime("%d/%m/%Y"),
                    "envelope": ballot.envelope,
                    "cycle": cycle.title,
                },
                commune_id=commune.pk,
            )
    return pgettext("sms", "Palabre : aucun vote ne porte le code %(code)s. Vérifiez-le.") % {
        "code": format_receipt(code)
    }
