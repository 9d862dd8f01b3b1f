"""The USSD screens that belong to the platform rather than to a module: the main menu (built from the
menus domain apps register with `channels.router`), choosing the commune and the language, and "my profile".

Texts use the "ussd" context: a screen, options included, must fit 160 characters.
"""

from django.conf import settings
from django.utils.translation import get_language_info, pgettext

from palabre.channels import router
from palabre.channels.sms.keywords import fold
from palabre.channels.ussd import sessions
from palabre.channels.ussd.engine import Back, Home, Invalid, Menu, Option, Outcome, Prompt, goto, screen
from palabre.channels.ussd.sessions import UssdContext
from palabre.core.choices import AgeBand, Gender
from palabre.territory.models import Arrondissement, Commune

COMMUNE_SEARCH_MIN = 3


# Main menu ----------------------------------------------------------------------------------------------
@screen
def main_menu(context: UssdContext):
    """The root screen: first the commune, then the language (once), then the menus."""
    if context.commune is None:
        return commune_menu(context)
    if not context.language_chosen and len(_languages(context.commune)) > 1:
        return language_menu(context)
    entries = router.ussd_menus(context)
    options = [Option(str(entry.title), goto(registered_menu, key=entry.key)) for entry in entries]
    options += _account_options(context)
    title = pgettext("ussd", "Palabre %(commune)s :") % {"commune": context.commune.name}
    return Menu(title=title, options=options)


def _account_options(context: UssdContext) -> list[Option]:
    options = [Option(pgettext("ussd", "Mon profil"), goto(profile_menu))]
    if len(_languages(context.commune)) > 1:
        options.append(Option(pgettext("ussd", "Changer de langue"), goto(language_change)))
    options.append(Option(pgettext("ussd", "Changer de commune"), goto(commune_change)))
    return options


@screen
def registered_menu(context: UssdContext, key: str):
    """The first screen of a menu a module registered (`router.register_menu(router.USSD, ...)`)."""
    for entry in router.ussd_menus(context):
        if entry.key == key:
            return entry.factory(context)
    return Menu(title=pgettext("ussd", "Ce service n'est plus proposé ici."), options=[])


# Commune ------------------------------------------------------------------------------------------------
def _choose_commune(context: UssdContext, commune: Commune):
    def choose() -> Outcome:
        sessions.session_choose_commune(session=context.session, phone=context.phone, commune=commune)
        return Home()

    return choose


def commune_menu(context: UssdContext) -> Menu:
    pilots = Commune.objects.active().pilots().order_by("name")
    options = [Option(commune.name, _choose_commune(context, commune)) for commune in pilots]
    options.append(Option(pgettext("ussd", "Autre commune"), goto(commune_search)))
    return Menu(title=pgettext("ussd", "Bienvenue sur Palabre. Votre commune :"), options=options)


@screen
def commune_change(context: UssdContext) -> Menu:
    return commune_menu(context)


@screen
def commune_search(context: UssdContext) -> Prompt:
    def answer(text: str) -> Outcome:
        if len(fold(text)) < COMMUNE_SEARCH_MIN:
            return Invalid(pgettext("ussd", "Tapez au moins 3 lettres du nom."))
        if not _communes_named(text):
            return Invalid(pgettext("ussd", "Aucune commune de ce nom. Réessayez."))
        return goto(commune_results, query=text)

    return Prompt(title=pgettext("ussd", "Tapez le nom de votre commune :"), answer=answer)


def _communes_named(query: str) -> list[Commune]:
    wanted = fold(query)
    return [commune for commune in Commune.objects.active() if wanted in fold(commune.name)]


@screen
def commune_results(context: UssdContext, query: str) -> Menu:
    options = [Option(commune.name, _choose_commune(context, commune)) for commune in _communes_named(query)]
    return Menu(title=pgettext("ussd", "Choisissez votre commune :"), options=options)


# Language -----------------------------------------------------------------------------------------------
def language_menu(context: UssdContext) -> Menu:
    def choose(language: str):
        def chosen() -> Outcome:
            sessions.session_choose_language(session=context.session, phone=context.phone, language=language)
            return Home()

        return chosen

    options = [Option(name, choose(code)) for code, name in _languages(context.commune)]
    return Menu(title=pgettext("ussd", "Choisissez votre langue :"), options=options)


def _languages(commune: Commune) -> list[tuple[str, str]]:
    """French first, then the commune's languages, each named in itself."""
    offered = [code for code, _name in settings.LANGUAGES if code in commune.languages and code != "fr"]
    codes = ["fr", *offered]
    names = [get_language_info(code)["name_local"] for code in codes]
    return [(code, name[:1].upper() + name[1:]) for code, name in zip(codes, names, strict=True)]


@screen
def language_change(context: UssdContext) -> Menu:
    return language_menu(context)


# My profile ---------------------------------------------------------------------------------------------
@screen
def profile_menu(context: UssdContext) -> Menu:
    title = pgettext("ussd", "Facultatif, jamais publié : aide la mairie à voir qui participe.")
    options = [
        Option(pgettext("ussd", "Genre"), goto(profile_gender)),
        Option(pgettext("ussd", "Tranche d'âge"), goto(profile_age_band)),
        Option(pgettext("ussd", "Arrondissement"), goto(profile_arrondissement)),
        Option(pgettext("ussd", "Effacer mon profil"), _clear_profile(context)),
    ]
    return Menu(title=title, options=options)


def _saved() -> str:
    return pgettext("ussd", "C'est enregistré.")


def _set_trait(context: UssdContext, trait: str, value):
    def save() -> Outcome:
        sessions.caller_profile_set(phone=context.phone, trait=trait, value=value)
        return Back(notice=_saved())

    return save


def _clear_profile(context: UssdContext):
    def clear() -> Outcome:
        sessions.caller_profile_clear(phone=context.phone)
        return Home(notice=pgettext("ussd", "Votre profil est effacé."))

    return clear


def _no_answer() -> str:
    return pgettext("ussd", "Je préfère ne pas répondre")


@screen
def profile_gender(context: UssdContext) -> Menu:
    options = [Option(str(label), _set_trait(context, "gender", value)) for value, label in Gender.choices]
    options.append(Option(_no_answer(), _set_trait(context, "gender", "")))
    return Menu(title=pgettext("ussd", "Vous êtes :"), options=options)


@screen
def profile_age_band(context: UssdContext) -> Menu:
    options = [Option(str(label), _set_trait(context, "age_band", value)) for value, label in AgeBand.choices]
    options.append(Option(_no_answer(), _set_trait(context, "age_band", "")))
    return Menu(title=pgettext("ussd", "Votre âge :"), options=options)


@screen
def profile_arrondissement(context: UssdContext) -> Menu:
    arrondissements = Arrondissement.objects.filter(commune=context.commune).order_by("name")
    options = [Option(item.name, _set_trait(context, "arrondissement", item)) for item in arrondissements]
    options.append(Option(_no_answer(), _set_trait(context, "arrondissement", None)))
    return Menu(title=pgettext("ussd", "Vous habitez l'arrondissement :"), options=options)
