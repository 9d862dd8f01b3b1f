"""Complaints by USSD: file one, follow one by its tracking code, list my recent ones.

Registered with `channels.router` from `GrievancesConfig.ready()`; each screen is a USSD engine screen
function (`palabre.channels.ussd.engine`) and every write goes through the same service as the web form
(`complaint_file(..., channel="ussd")`). Texts use the "ussd" context: a screen must fit 160 characters.

Filing asks, in order: category, arrondissement, village (paged), a short description, anonymous or not,
then a summary to confirm; the last screen gives the tracking code. The screens' data (ids and the typed
text) live in the USSD session, so a step can be resumed after a network drop.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import pgettext
from phonenumber_field.phonenumber import PhoneNumber

from palabre.accounts.queries import user_by_phone
from palabre.channels.ussd.engine import Finish, Invalid, Menu, Option, Outcome, Prompt, goto, screen
from palabre.channels.ussd.sessions import UssdContext, caller_traits
from palabre.core.permissions import NotFound
from palabre.core.services import GuessesLimited
from palabre.grievances import services
from palabre.grievances.models import Status
from palabre.grievances.permissions import (
    access_arrondissement,
    access_category,
    access_tracked_complaint,
    access_village,
)
from palabre.grievances.queries import active_categories, complaints_of_phone, villages_of_arrondissement
from palabre.territory.models import Module
from palabre.territory.queries import commune_arrondissements

RECENT_COUNT = 5


def complaints_enabled(context: UssdContext) -> bool:
    return context.commune is not None and Module.COMPLAINTS in context.commune.modules


# Filing -------------------------------------------------------------------------------------------------
@screen
def file_category(context: UssdContext) -> Menu:
    options = [
        Option(category.label, goto(file_arrondissement, category=category.pk))
        for category in active_categories(context.commune)
    ]
    return Menu(title=pgettext("ussd", "Votre plainte concerne :"), options=options)


@screen
def file_arrondissement(context: UssdContext, category: int) -> Menu | Prompt:
    arrondissements = commune_arrondissements(context.commune)
    if not arrondissements:
        return file_description(context, category=category, arrondissement=None, village=None)
    options = [
        Option(item.name, goto(file_village, category=category, arrondissement=item.pk))
        for item in arrondissements
    ]
    options.append(
        Option(
            pgettext("ussd", "Je ne sais pas"),
            goto(file_description, category=category, arrondissement=None, village=None),
        )
    )
    return Menu(title=pgettext("ussd", "Dans quel arrondissement ?"), options=options)


@screen
def file_village(context: UssdContext, category: int, arrondissement: int) -> Menu | Prompt:
    villages = list(villages_of_arrondissement(context.commune, arrondissement))
    place = {"category": category, "arrondissement": arrondissement}
    if not villages:
        return file_description(context, **place, village=None)
    options = [
        Option(village.name, goto(file_description, **place, village=village.pk)) for village in villages
    ]
    options.append(
        Option(pgettext("ussd", "Pas dans la liste"), goto(file_description, **place, village=None))
    )
    return Menu(title=pgettext("ussd", "Quel village ou quartier ?"), options=options)


@screen
def file_description(context: UssdContext, **place) -> Prompt:
    def answer(text: str) -> Outcome:
        try:  # the service's one rule, checked now so that the caller can type it again
            description = services.complaint_description_clean(text)
        except ValidationError as error:
            return Invalid(error.messages[0])
        return goto(file_anonymity, **place, description=description)

    title = pgettext("ussd", "Décrivez le problème en quelques mots (quoi, où, depuis quand) :")
    return Prompt(title=title, answer=answer)


@screen
def file_anonymity(context: UssdContext, **draft) -> Menu:
    options = [
        Option(pgettext("ussd", "Oui, avec mon numéro"), goto(file_confirm, **draft, anonymous=False)),
        Option(pgettext("ussd", "Non, rester anonyme"), goto(file_confirm, **draft, anonymous=True)),
    ]
    title = pgettext("ussd", "La mairie peut-elle vous répondre par SMS ? Anonyme : gardez bien votre code.")
    return Menu(title=title, options=options)


@screen
def file_confirm(context: UssdContext, **draft) -> Menu:
    try:
        category = access_category(actor=None, commune=context.commune, id=draft["category"])
    except NotFound:
        return file_category(context)
    title = pgettext("ussd", "Envoyer votre plainte « %(category)s » à la mairie de %(commune)s ?") % {
        "category": category.label,
        "commune": context.commune.name,
    }
    return Menu(title=title, options=[Option(pgettext("ussd", "Envoyer"), lambda: _file(context, draft))])


def _file(context: UssdContext, draft: dict) -> Outcome:
    phone = PhoneNumber.from_string(context.phone)
    reporter = None if draft["anonymous"] else user_by_phone(phone)
    commune = context.commune
    try:  # what the session holds is checked again: a category may have closed meanwhile
        category = access_category(actor=reporter, commune=commune, id=draft["category"])
        arrondissement = (
            access_arrondissement(actor=reporter, commune=commune, id=draft["arrondissement"])
            if draft["arrondissement"]
            else None
        )
        village = (
            access_village(actor=reporter, commune=commune, id=draft["village"]) if draft["village"] else None
        )
    except NotFound:
        return Finish(pgettext("ussd", "La plainte n'a pas pu être enregistrée. Merci de recommencer."))
    try:
        complaint = services.complaint_file(
            commune=commune,
            category=category,
            description=draft["description"],
            channel=context.channel,
            arrondissement=arrondissement,
            village=village,
            reporter=reporter,
            reporter_phone=None if draft["anonymous"] else phone,
            language=context.language,
            is_anonymous=draft["anonymous"],
            **caller_traits(context.phone),
        )
    except ValidationError as error:  # the service's own words (the phone simulator's refusal too)
        return Finish(" ".join(error.messages))
    return Finish(
        pgettext(
            "ussd", "Plainte enregistrée. Votre code de suivi : %(code)s. Réponse attendue d'ici le %(date)s."
        )
        % {"code": complaint.code, "date": complaint.resolve_due_on.strftime("%d/%m/%Y")}
    )


# Following ----------------------------------------------------------------------------------------------
@screen
def track_code(context: UssdContext) -> Prompt:
    def answer(text: str) -> Outcome:
        try:
            complaint = services.tracking_lookup(code=text, ip=f"ussd:{context.phone}")
        except GuessesLimited as limited:
            return Finish(limited.message)
        if complaint is None:
            return Invalid(pgettext("ussd", "Aucune plainte ne porte ce code. Vérifiez-le et retapez-le."))
        return goto(complaint_status, complaint=complaint.pk)

    return Prompt(title=pgettext("ussd", "Tapez le code de suivi de votre plainte :"), answer=answer)


@screen
def complaint_status(context: UssdContext, complaint: int) -> Menu:
    """The status only (never the content: phones are shared), with the expected date while open."""
    try:  # tracking is national (a code names its commune: see track_code), so any commune's complaint
        found = access_tracked_complaint(actor=None, commune=None, id=complaint)
    except NotFound:
        return Menu(
            title=pgettext("ussd", "Aucune plainte ne porte ce code. Vérifiez-le et retapez-le."),
            options=[Option(pgettext("ussd", "Suivre un autre code"), goto(track_code))],
        )
    values = {"code": found.code, "status": found.get_status_display()}
    if found.status in (Status.RESOLVED, Status.CLOSED, Status.REJECTED, Status.REFERRED, Status.DUPLICATE):
        title = pgettext("ussd", "Plainte %(code)s : %(status)s.") % values
    else:
        values["date"] = found.resolve_due_on.strftime("%d/%m/%Y")
        title = (
            pgettext("ussd", "Plainte %(code)s : %(status)s. Réponse attendue d'ici le %(date)s.") % values
        )
    return Menu(title=title, options=[Option(pgettext("ussd", "Suivre un autre code"), goto(track_code))])


@screen
def my_complaints(context: UssdContext) -> Menu:
    """The last complaints filed from this phone (anonymous ones keep no phone, so they never show)."""
    recent = complaints_of_phone(context.phone, limit=RECENT_COUNT)
    options = [
        Option(f"{item.code} {item.get_status_display()}", goto(complaint_status, complaint=item.pk))
        for item in recent
    ]
    if not options:
        return Menu(title=pgettext("ussd", "Aucune plainte déposée depuis ce numéro."), options=[])
    return Menu(title=pgettext("ussd", "Vos plaintes récentes :"), options=options)
