"""Participatory budgeting by USSD: propose an idea (title, arrondissement or the whole commune, short
description, confirm), through `proposal_submit(channel="ussd")` like every channel's idea.

The entry shows only when a published cycle of the commune accepts ideas today on USSD
(`shared.ideas_open`, registered in BudgetingConfig.ready()). Texts use the "ussd" context.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import pgettext

from palabre.budgeting.channels.shared import SCREEN, ideas_cycle
from palabre.budgeting.services.proposals import DESCRIPTION_LENGTH, TITLE_LENGTH, proposal_submit
from palabre.channels.ussd.engine import Finish, Invalid, Menu, Option, Outcome, Prompt, cut, goto, screen
from palabre.channels.ussd.sessions import UssdContext
from palabre.territory.queries import commune_arrondissement, commune_arrondissements


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
    arrondissements = commune_arrondissements(context.commune) if context.commune else []
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


def _submit(context: UssdContext, draft: dict[str, Any]) -> Outcome:
    cycle = ideas_cycle(context.commune, channel=context.channel)
    if cycle is None or context.commune is None:
        return Finish(pgettext("ussd", "Le dépôt des idées est fermé."))
    arrondissement = commune_arrondissement(context.commune, draft["arrondissement"])
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
