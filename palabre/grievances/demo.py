"""Demo complaints (`manage.py seed_demo`): a few hundred per pilot commune set, in every status, filed and
handled through the services (so timelines, audit log, SMS outbox and participation ledger agree).
Deterministic (seeded random) and idempotent: a commune that already has complaints is skipped."""

import datetime
import random
from typing import TextIO

from django.utils import timezone

from palabre.accounts.models import Membership, Role
from palabre.grievances import services
from palabre.grievances.models import Category, Complaint
from palabre.territory.models import Commune, Village

PILOTS = ("banikoara", "bohicon", "toffo", "avrankou")
COMPLAINTS_PER_COMMUNE = 80
DAYS_BACK = 150
SEED = 20250106

DESCRIPTIONS = {
    "water": [
        "La pompe à motricité humaine du village est en panne depuis trois semaines. Les femmes vont "
        "chercher l'eau au marigot.",
        "Le forage ne donne plus qu'un filet d'eau le matin ; la file d'attente dure des heures.",
        "L'eau de la borne-fontaine a un goût de rouille et les enfants ont mal au ventre.",
    ],
    "roads": [
        "La piste qui mène au marché est coupée par un ravin depuis les dernières pluies.",
        "Le pont de bois sur le cours d'eau s'est effondré ; les motos ne passent plus.",
        "Des nids de poule énormes devant l'école : deux accidents de zémidjan cette semaine.",
    ],
    "sanitation": [
        "Les ordures du marché ne sont plus ramassées depuis un mois ; les mouches envahissent les étals.",
        "Le caniveau est bouché et l'eau stagne devant les maisons : il y a beaucoup de moustiques.",
        "Un dépotoir sauvage grandit derrière le centre de santé.",
    ],
    "markets": [
        "Le hangar du marché a perdu ses tôles ; les vendeuses sont sous la pluie.",
        "Les tickets de marché sont vendus deux fois le même jour par des collecteurs différents.",
    ],
    "health": [
        "Le centre de santé n'a plus de sage-femme la nuit depuis deux mois.",
        "Rupture de moustiquaires et de médicaments contre le paludisme au dispensaire.",
    ],
    "schools": [
        "Trois classes de l'école primaire n'ont pas de tables-bancs ; les élèves s'assoient par terre.",
        "Le toit d'une salle de classe s'est envolé lors de la tornade.",
    ],
    "civil_status": [
        "J'attends l'acte de naissance de mon enfant depuis quatre mois malgré plusieurs passages.",
        "Le centre d'état civil de l'arrondissement est fermé depuis deux semaines.",
    ],
    "land": [
        "Un voisin a déplacé les bornes de ma parcelle et commence à construire.",
        "Deux familles se disputent le même terrain vendu deux fois ; le chef de village ne tranche pas.",
    ],
    "electricity": [
        "Les lampadaires solaires de la grande voie sont éteints depuis des mois ; la nuit c'est dangereux.",
        "Le transformateur du quartier grésille et les coupures sont quotidiennes.",
    ],
    "security": [
        "Des vols de motos répétés près du carrefour la nuit.",
        "Des bœufs des transhumants détruisent les champs à l'entrée du village.",
    ],
    "corruption": [
        "Un agent a demandé de l'argent pour accélérer la délivrance de mon acte de naissance.",
        "On m'a demandé une somme pour obtenir une place au marché.",
    ],
    "gbv": [
        "Une jeune fille du quartier subit des violences de la part de son tuteur.",
        "Ma voisine est battue par son mari et n'ose pas aller à la police.",
    ],
    "other": [
        "Le terrain de sport est occupé par des voitures en stationnement.",
        "Les annonces de la mairie n'arrivent pas dans notre village : personne n'est informé des réunions.",
    ],
}
NAMES = ["Afiavi Dossou", "Bio Sabi", "Codjo Agbo", "Rachidatou Bello", "Sènan Kiki", "Gildas Hounsa"]
# (final path, weight): each path is the list of steps taken after filing.
PATHS = [
    ([], 10),
    (["acknowledge"], 10),
    (["assign"], 8),
    (["assign", "start"], 12),
    (["assign", "start", "resolve"], 14),
    (["assign", "start", "resolve", "close"], 16),
    (["assign", "start", "resolve", "disagree"], 4),
    (["reject"], 5),
    (["refer"], 4),
    (["duplicate"], 4),
]
# Categories left without a default assignee: an officer sorts them by hand.
UNROUTED = {"land", "other", "civil_status"}
RESOLUTIONS = [
    "L'équipe technique est passée et a réparé le problème.",
    "Le service a fait intervenir le prestataire ; merci de votre signalement.",
    "Le dossier a été traité et la pièce est disponible au guichet.",
]


def seed(*, stdout: TextIO) -> None:
    rng = random.Random(SEED)
    now = timezone.now()
    for commune in Commune.objects.filter(slug__in=PILOTS).order_by("slug"):
        services.categories_ensure_defaults(commune=commune)
        if Complaint.objects.filter(commune=commune).exists():
            stdout.write(f"grievances: {commune.name} already has complaints.\n")
            continue
        count = _seed_commune(commune, rng, now)
        stdout.write(f"grievances: {count} complaints in {commune.name}.\n")
    stdout.write(f"grievances: sweep escalated {services.escalation_sweep(now=now)} late complaints.\n")
    services.rating_request_sweep(now=now)


def _member(commune: Commune, role: str):
    membership = Membership.objects.filter(commune=commune, role=role).select_related("user").first()
    return membership.user if membership else None


def _route_categories(commune: Commune, officer, focal_point) -> list[Category]:
    """Routing as an administrator would set it: the officer by default, the focal point if sensitive."""
    categories = list(Category.objects.filter(commune=commune, is_active=True))
    for category in categories:
        if category.default_assignee_id is None and category.code not in UNROUTED:
            category.default_assignee = focal_point if category.is_sensitive else officer
            category.responsible_service = category.responsible_service or "Service technique"
            category.save(update_fields=["default_assignee", "responsible_service"])
    return categories


def _seed_commune(commune: Commune, rng: random.Random, now: datetime.datetime) -> int:
    officer = _member(commune, Role.COMPLAINTS_OFFICER)
    focal_point = _member(commune, Role.FOCAL_POINT)
    categories = _route_categories(commune, officer, focal_point)
    villages = list(Village.objects.filter(arrondissement__commune=commune).select_related("arrondissement"))
    paths, weights = zip(*PATHS, strict=True)
    filed = []
    for index in range(COMPLAINTS_PER_COMMUNE):
        category = rng.choice(categories)
        filed_at = now - datetime.timedelta(days=rng.uniform(1, DAYS_BACK), hours=rng.uniform(0, 8))
        complaint = _file(commune, category, rng, villages, filed_at, index)
        steps = rng.choices(paths, weights=weights)[0]
        _handle(
            complaint,
            steps,
            by=focal_point if category.is_sensitive else officer,
            rng=rng,
            filed=filed,
            now=now,
        )
        filed.append(complaint)
    return len(filed)


def _file(commune, category, rng, villages, filed_at, index) -> Complaint:
    anonymous = (category.is_sensitive and rng.random() < 0.6) or rng.random() < 0.15
    village = rng.choice(villages) if villages and rng.random() < 0.85 else None
    name = rng.choice(NAMES)
    return services.complaint_file(
        commune=commune,
        category=category,
        description=rng.choice(DESCRIPTIONS.get(category.code, DESCRIPTIONS["other"])),
        channel=rng.choice(["web", "web", "sms", "ussd", "voice", "paper"]),
        severity="urgent" if rng.random() < 0.1 else "normal",
        village=village,
        reporter_name="" if anonymous else name,
        reporter_phone=None if anonymous or rng.random() < 0.5 else f"+22901960{index:05d}",
        is_anonymous=anonymous,
        name_public=not anonymous and rng.random() < 0.3,
        gender=rng.choice(["f", "m", ""]),
        age_band=rng.choice(["18-24", "25-35", "36-49", "50-64", ""]),
        now=filed_at,
    )


def _handle(complaint: Complaint, steps: list[str], *, by, rng, filed: list, now) -> None:
    moment = complaint.created_at
    for step in steps:
        moment = min(moment + datetime.timedelta(days=rng.uniform(0.5, 12)), now)
        complaint = _step(complaint, step, by=by, rng=rng, filed=filed, moment=moment)


def _step(complaint: Complaint, step: str, *, by, rng, filed: list, moment) -> Complaint:
    if step == "acknowledge":
        return services.complaint_acknowledge(complaint=complaint, by=by, now=moment)
    if step == "assign":
        if complaint.assignee_id:
            return services.complaint_acknowledge(complaint=complaint, by=by, now=moment)
        return services.complaint_start(
            complaint=services.complaint_acknowledge(complaint=complaint, by=by, now=moment),
            by=by,
            now=moment,
        )
    if step == "start":
        if complaint.status == "in_progress":
            return complaint
        return services.complaint_start(complaint=complaint, by=by, now=moment)
    if step == "resolve":
        return services.complaint_resolve(
            complaint=complaint, by=by, message=rng.choice(RESOLUTIONS), now=moment
        )
    if step == "close":
        if complaint.reporter_phone and rng.random() < 0.7:
            services.complaint_rate(complaint=complaint, rating=rng.randint(2, 5))
        return services.complaint_close(complaint=complaint, by=by, now=moment)
    if step == "disagree":
        return services.complaint_disagree(code=complaint.code, reason="Le problème est revenu.", now=moment)
    if step == "reject":
        return services.complaint_reject(
            complaint=complaint, by=by, reason="La demande ne relève pas d'une plainte.", now=moment
        )
    if step == "refer":
        to = "Médiateur de la République" if complaint.is_sensitive else "Société nationale des eaux du Bénin"
        return services.complaint_refer(complaint=complaint, by=by, referred_to=to, now=moment)
    originals = [other for other in filed if other.category_id == complaint.category_id]
    if not originals:
        return complaint
    return services.complaint_mark_duplicate(complaint=complaint, of=originals[0], by=by, now=moment)
