"""What an inbound SMS gets back: the keyword's handler answer, or help, never silence.

`sms_dispatch(context, text)` is called by `channels.inbound` once per stored inbound SMS (a gateway's
retry of the same message id gets the stored reply without calling it again). The channel answers its own
keywords (AIDE, STOP, START); every other keyword goes to the handler a domain app registered with
`channels.router.register_sms_keywords`. The reply comes in the language of the keyword typed when it is a
national-language keyword, else in the phone's remembered language.

A handler answers with text, or with a `Reply` whose text is empty when it already answered through the
outbox (filing a complaint sends the tracking code that way): an empty plain text, or a ValidationError,
still gets a helpful reply.
"""

import dataclasses

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import pgettext

from palabre.channels import router
from palabre.channels.gateways.base import Inbound
from palabre.channels.phones import phone_opt_in, phone_opt_out
from palabre.channels.router import InboundContext, Reply
from palabre.channels.sms.keywords import CHANNEL_KEYWORDS, HELP, START, STOP, KeywordTable, ParsedCommand
from palabre.channels.sms.places import take_arrondissement, take_commune
from palabre.channels.sms.subscriptions import subscription_save

# Languages people type keywords in without meaning to be answered in them (STOP, HELP are universal).
UNIVERSAL_KEYWORD_LANGUAGES = frozenset({"fr", "en"})


def keyword_table() -> KeywordTable:
    """The channel's keywords first (they win a shared word), then the registered ones."""
    return KeywordTable([*CHANNEL_KEYWORDS, *router.sms_keywords()])


def reply_language(context: InboundContext, parsed: ParsedCommand) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    if parsed.language in known and parsed.language not in UNIVERSAL_KEYWORD_LANGUAGES:
        return parsed.language
    return context.language if context.language in known else settings.LANGUAGE_CODE


def handle_sms(context: InboundContext, inbound: Inbound) -> Reply:
    """The SMS engine's entry point for `channels.inbound` (SMS and WhatsApp text)."""
    return sms_dispatch(context, inbound.text)


def sms_dispatch(context: InboundContext, text: str) -> Reply:
    """The reply to one inbound SMS (already joined if it came in parts)."""
    parsed = keyword_table().parse(text)
    language = reply_language(context, parsed)
    context = dataclasses.replace(context, language=language)
    with translation.override(language):
        if parsed.command == STOP:
            return _stop(context)
        if parsed.command == START:
            return _start(context, parsed.args)
        if parsed.command == HELP or parsed.command is None:
            return Reply(text=help_text(known_command=parsed.command == HELP))
        return _run_handler(context, parsed)


def _run_handler(context: InboundContext, parsed: ParsedCommand) -> Reply:
    keyword = next(item for item in router.sms_keywords() if item.command == parsed.command)
    try:
        answer = keyword.handler(context, parsed.args)
    except ValidationError as error:
        return Reply(text=" ".join(error.messages) or help_text(known_command=False))
    if isinstance(answer, Reply):
        return answer
    return Reply(text=answer or help_text(known_command=False))


def help_text(*, known_command: bool) -> str:
    """AIDE: what can be done by SMS, one command per line, in the active language. Not understood:
    the same list after a short apology."""
    lines = [str(item.help_text) for item in router.sms_keywords() if item.help_text]
    lines += [
        pgettext("sms", "START <arrondissement> : recevoir les annonces de la mairie"),
        pgettext("sms", "STOP : ne plus recevoir d'annonces"),
    ]
    intro = (
        pgettext("sms", "Palabre, par SMS :")
        if known_command
        else pgettext("sms", "Palabre : message non compris. Commencez par un mot-clé :")
    )
    return "\n".join([intro, *lines])


def _stop(context: InboundContext) -> Reply:
    phone_opt_out(phone=context.phone)
    return Reply(
        text=pgettext(
            "sms",
            "Palabre : vous ne recevrez plus d'annonces. Envoyez START pour vous réabonner. "
            "Vos plaintes restent suivies.",
        )
    )


def _start(context: InboundContext, args: str) -> Reply:
    """Resubscribe after STOP, and subscribe to the commune's announcements (of an arrondissement if
    named): `START`, `START Saclo`, or without a known commune `START Bohicon Saclo`."""
    phone_opt_in(phone=context.phone)
    commune = context.commune
    if commune is None:
        commune, args = take_commune(args)
    if commune is None:
        return Reply(
            text=pgettext(
                "sms",
                "Palabre : annonces réactivées. Pour celles de votre commune, envoyez START suivi du nom "
                "de la commune.",
            )
        )
    arrondissement, _rest = take_arrondissement(args, commune=commune)
    subscription_save(
        commune=commune, phone=context.phone, language=context.language, arrondissement=arrondissement
    )
    place = arrondissement.name if arrondissement else commune.name
    return Reply(
        text=pgettext("sms", "Palabre : vous recevrez les annonces de %(place)s. STOP pour arrêter.")
        % {"place": place},
        commune_id=commune.pk,
    )
