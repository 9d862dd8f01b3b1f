"""Complaints by SMS: PLAINTE <texte>, SUIVI <code>, NOTE <code> <1-5>, registered with channels.router.

Each handler turns the SMS into a call of the same service the web form uses (channel "sms"). A phone
without a known commune names it first: `PLAINTE Bohicon la pompe de Saclo est en panne`. The category is
guessed from words of the text (`pompe` -> water), else "other"; officers can change it.
National-language keywords are proposals awaiting native review (docs/channels.md).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import pgettext
from phonenumber_field.phonenumber import PhoneNumber

from palabre.channels.router import InboundContext, Reply
from palabre.channels.sms.keywords import fold
from palabre.channels.sms.places import take_commune
from palabre.core.services import GuessesLimited
from palabre.grievances import services
from palabre.grievances.models import Category, Complaint, Status
from palabre.grievances.queries import active_categories, complaint_of_reporter
from palabre.territory.models import Commune

COMPLAINT = "complaint"
TRACK = "track"
RATE = "rate"
FALLBACK_CATEGORY = "other"
# Words (folded) that point to a default category, checked in the text's order.
CATEGORY_WORDS = {
    "water": {"EAU", "POMPE", "FORAGE", "PUITS", "ROBINET", "SONEB", "OMI", "SIN"},
    "roads": {"ROUTE", "ROUTES", "PISTE", "PISTES", "PONT", "VOIE", "RUE", "NIDS", "OPOPO", "ALI"},
    "sanitation": {"DECHETS", "ORDURES", "POUBELLE", "CANIVEAU", "CANIVEAUX", "INONDATION", "LATRINES"},
    "markets": {"MARCHE", "MARCHES", "ETAL", "ETALS", "OJA", "AXI"},
    "health": {"SANTE", "HOPITAL", "DISPENSAIRE", "MATERNITE", "INFIRMIER", "MEDICAMENTS"},
    "schools": {"ECOLE", "ECOLES", "CLASSE", "ENSEIGNANT", "MAITRE", "COLLEGE", "TABLES"},
    "civil_status": {"NAISSANCE", "MARIAGE", "DECES", "ACTE"},
    "land": {"TERRAIN", "PARCELLE", "FONCIER", "LOTISSEMENT"},
    "electricity": {"COURANT", "ELECTRICITE", "LAMPADAIRE", "LAMPADAIRES", "ECLAIRAGE", "SBEE"},
    "security": {"VOL", "VOLEURS", "SECURITE", "AGRESSION", "BRAQUAGE"},
    "corruption": {"CORRUPTION", "POURBOIRE", "RANCON", "RACKET"},
    "gbv": {"VIOLENCE", "VIOLENCES", "VIOL", "HARCELEMENT", "BATTUE", "EXCISION"},
}
KEYWORDS = {
    COMPLAINT: {"fr": ("PLAINTE", "RÉCLAMATION"), "en": ("COMPLAINT",), "fon": ("HWƐ",), "yo": ("ẸDÙN",)},
    TRACK: {"fr": ("SUIVI", "SUIVRE"), "en": ("TRACK", "STATUS"), "fon": ("XWEDÓ",), "yo": ("TẸ̀LÉ",)},
    RATE: {"fr": ("NOTE", "NOTER"), "en": ("RATE",), "yo": ("ÌDÍWỌ̀N",)},
}


def guess_category(commune: Commune, text: str) -> Category | None:
    """The category named by the first telling word of `text`, else "other" (None if none is active)."""
    categories = {category.code: category for category in active_categories(commune)}
    for word in text.split():
        folded = fold(word)
        for code, words in CATEGORY_WORDS.items():
            if folded in words and code in categories:
                return categories[code]
    return categories.get(FALLBACK_CATEGORY) or next(iter(categories.values()), None)


def file_by_sms(context: InboundContext, text: str) -> str | Reply:
    """PLAINTE <texte>: file the complaint; the filing SMS (with the tracking code) is the answer."""
    commune = context.commune
    if commune is None:
        commune, text = take_commune(text)
    if commune is None:
        return pgettext(
            "sms", "Palabre : indiquez votre commune. Exemple : PLAINTE Bohicon la pompe est en panne."
        )
    if not text.strip():
        return pgettext("sms", "Palabre : écrivez votre plainte après le mot PLAINTE.")
    category = guess_category(commune, text)
    if category is None:
        return pgettext("sms", "Palabre : cette commune ne reçoit pas encore de plaintes par SMS.")
    complaint = services.complaint_file(
        commune=commune,
        category=category,
        description=text,
        channel=context.channel,
        reporter_phone=PhoneNumber.from_string(context.phone),
        language=context.language,
    )
    return Reply(text="", commune_id=complaint.commune_id)


def _status_line(complaint: Complaint) -> str:
    values = {"code": complaint.code, "status": complaint.get_status_display()}
    if complaint.status in (Status.RESOLVED, Status.CLOSED):
        return pgettext("sms", "Palabre : plainte %(code)s : %(status)s.") % values
    values["date"] = complaint.resolve_due_on.strftime("%d/%m/%Y")
    return (
        pgettext("sms", "Palabre : plainte %(code)s : %(status)s. Réponse attendue au plus tard le %(date)s.")
        % values
    )


def _unknown_code(code: str) -> str:
    return pgettext("sms", "Palabre : aucune plainte ne porte le code %(code)s. Vérifiez le code.") % {
        "code": code
    }


def track_by_sms(context: InboundContext, text: str) -> str | Reply:
    """SUIVI <code>: the complaint's status (sensitive ones too: status only, never their content)."""
    code = services.normalize_code(text)
    if not code:
        return pgettext(
            "sms", "Palabre : écrivez le code de votre plainte après SUIVI. Exemple : SUIVI BOH-7K3M."
        )
    try:
        complaint = services.tracking_lookup(code=code, ip=f"sms:{context.phone}")
    except GuessesLimited as limited:
        return limited.message
    if complaint is None:
        return _unknown_code(code)
    return Reply(text=_status_line(complaint), commune_id=complaint.commune_id)


def _code_and_rating(text: str) -> tuple[str, int | None]:
    """`BOH-7K3M 4` -> ("BOH-7K3M", 4); the rating is the last word, when it is 1 to 5."""
    words = text.split()
    if len(words) >= 2 and words[-1] in {"1", "2", "3", "4", "5"}:
        return services.normalize_code(" ".join(words[:-1])), int(words[-1])
    return services.normalize_code(text), None


def rate_by_sms(context: InboundContext, text: str) -> str | Reply:
    """NOTE <code> <1-5>: rate a resolved complaint, only from the phone that filed it."""
    code, rating = _code_and_rating(text)
    if not code or rating is None:
        return pgettext(
            "sms", "Palabre : écrivez NOTE, le code puis une note de 1 à 5. Exemple : NOTE BOH-7K3M 4."
        )
    complaint = complaint_of_reporter(code, context.phone)
    if complaint is None:
        return _unknown_code(code)
    try:
        services.complaint_rate(complaint=complaint, rating=rating, channel=context.channel)
    except ValidationError:
        return pgettext(
            "sms", "Palabre : vous pourrez noter la plainte %(code)s quand elle sera résolue."
        ) % {"code": code}
    return Reply(
        text=pgettext(
            "sms", "Palabre : merci, votre note %(rating)s/5 pour la plainte %(code)s est enregistrée."
        )
        % {"rating": rating, "code": code},
        commune_id=complaint.commune_id,
    )
