"""Complaints by USSD: file one, follow one by its tracking code, list my recent ones.

Registered with `channels.router` from `GrievancesConfig.ready()`; each screen is a USSD engine screen
function (`palabre.channels.ussd.engine`) and every write goes through the same service as the web form
(`complaint_file(..., channel="ussd")`). Texts use the "ussd" context: a screen must fit 160 characters.

Filing asks, in order: category, arrondissement, village (paged), a short description, anonymous or not,
then a summary to confirm; the last screen gives the tracking code. The screens' data (ids and the typed
text) live in the USSD session, so a step can be resumed after a network drop.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import pgettext, pgettext_lazy
from phonenumber_field.phonenumber import PhoneNumber

from palabre.accounts.models import User
from palabre.channels import router
from palabre.channels.privacy import caller_forget
from palabre.channels.ussd.engine import Finish, Invalid, Menu, Option, Outcome, Prompt, goto, screen
from palabre.channels.ussd.sessions import UssdContext, caller_traits
from palabre.core.services import GuessesLimited
from palabre.grievances import services
from palabre.grievances.models import Category, Complaint, Status
from palabre.grievances.queries import active_categories, complaints_of_phone
from palabre.territory.models import Arrondissement, Module, Village

RECENT_COUNT = 5


def register() -> None:
    """Called from GrievancesConfig.ready()."""
    router.register_ussd_menu(
        "complaint_file",
        pgettext_lazy("ussd", "Déposer une plainte"),
        file_category,
        order=10,
        available=complaints_enabled,
    )
    router.register_ussd_menu(
        "complaint_track",
        pgettext_lazy("ussd", "Suivre une plainte"),
        track_code,
        order=11,
        available=complaints_enabled,
    )
    router.register_ussd_menu(
        "complaint_mine", pgettext_lazy("ussd", "Mes plaintes"), my_complaints, order=12
    )


def complaints_enabled(context) -> bool:
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
    arrondissements = list(Arrondissement.objects.filter(commune=context.commune).order_by("name"))
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
    villages = list(
        Village.objects.filter(arrondissement_id=arrondissement, arrondissement__commune=context.commune)
    )
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
    category = Category.objects.filter(pk=draft["category"], commune=context.commune).first()
    if category is None:
        return file_category(context)
    title = pgettext("ussd", "Envoyer votre plainte « %(category)s » à la mairie de %(commune)s ?") % {
        "category": category.label,
        "commune": context.commune.name,
    }
    return Menu(title=title, options=[Option(pgettext("ussd", "Envoyer"), lambda: _file(context, draft))])


def _file(context: UssdContext, draft: dict) -> Outcome:
    phone = PhoneNumber.from_string(context.phone)
    try:
        complaint = services.complaint_file(
            commune=context.commune,
            category=Category.objects.get(pk=draft["category"]),
            description=draft["description"],
            channel=context.channel,
            arrondissement=_get(Arrondissement, draft["arrondissement"]),
            village=_get(Village, draft["village"]),
            reporter=None if draft["anonymous"] else User.objects.filter(phone=phone).first(),
            reporter_phone=None if draft["anonymous"] else phone,
            language=context.language,
            is_anonymous=draft["anonymous"],
            **caller_traits(context.phone),
        )
    except ValidationError as error:
        if getattr(error, "code", None) == "simulated":  # the phone simulator outside demo mode
            return Finish(str(error.message))
        return Finish(pgettext("ussd", "La plainte n'a pas pu être enregistrée. Merci de recommencer."))
    if complaint.is_anonymous or complaint.category.is_sensitive:
        caller_forget()  # no trace of this number beside the filing's time in the channels' tables
    return Finish(
        pgettext(
            "ussd", "Plainte enregistrée. Votre code de suivi : %(code)s. Réponse attendue d'ici le %(date)s."
        )
        % {"code": complaint.code, "date": complaint.resolve_due_on.strftime("%d/%m/%Y")}
    )


def _get(model, pk: int | None):
    return model.objects.filter(pk=pk).first() if pk else None


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
    found = Complaint.objects.get(pk=complaint)
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
