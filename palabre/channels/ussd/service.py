"""One USSD step: the glue between the inbound framework (`channels.inbound` calls `handle_ussd`) and the
menu engine.

Africa's Talking sends, at every step, the session id and all the answers since the start (`text`, joined
by `*`). On the first step `text` holds what was dialled after the platform code: `*384*229*7#` reaches us
as `7`, the commune's extension. The commune comes from that extension (then remembered for the phone),
else from the phone's remembered commune or its account, else the caller picks it; the language is asked
once and remembered for the phone.
A session dropped by the network is resumed where it stopped when the same phone calls back within
5 minutes.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext, pgettext_lazy

from palabre.accounts.models import User
from palabre.channels.gateways.base import Inbound
from palabre.channels.models import UssdSession
from palabre.channels.phones import phone_set_commune
from palabre.channels.replies import Reply
from palabre.channels.router import InboundContext
from palabre.channels.ussd import sessions
from palabre.channels.ussd.engine import Engine, Labels, Output, State
from palabre.channels.ussd.menus import main_menu
from palabre.channels.ussd.sessions import UssdContext
from palabre.core.choices import Channel
from palabre.core.validators import ascii_digits
from palabre.territory.models import Commune

# A real dial string holds a commune extension and a few answers (*384*229*7*1*2#); a whole session's
# `text` (every answer since the start, `*`-joined) stays far below these bounds, a description included.
MAX_DIALLED_ANSWERS = 8
MAX_ANSWERS = 60
MAX_TEXT_LENGTH = 2000


def labels() -> Labels:
    return Labels(
        more=pgettext_lazy("ussd", "Suite"),
        back=pgettext_lazy("ussd", "Retour"),
        home=pgettext_lazy("ussd", "Menu"),
        invalid_choice=pgettext_lazy("ussd", "Choix non valable."),
        empty_answer=pgettext_lazy("ussd", "Réponse vide."),
        screen_gone=pgettext_lazy("ussd", "Ce menu a changé."),
    )


def handle_ussd(context: InboundContext, inbound: Inbound) -> Reply:
    """Run one step of the caller's session and answer with the next screen (`end`: the session is over).

    Each step's work is bounded: a `text` longer than a real session's answers ends the session, and a
    first step replays at most MAX_DIALLED_ANSWERS answers dialled with the code."""
    if len(inbound.text) > MAX_TEXT_LENGTH or inbound.text.count("*") >= MAX_ANSWERS:
        return Reply(text=pgettext("ussd", "Réponse trop longue. Recomposez le code pour recommencer."))
    session, is_new = sessions.session_open(
        gateway=context.gateway, session_id=inbound.session_id, phone=context.phone
    )
    engine = Engine(root=main_menu, context=lambda: session_context(context, session), labels=labels())
    state = None if is_new else sessions.session_state(session)
    if state is None:
        dialled_text = inbound.text if is_new else ""
        dialled_text = dialled_text or extension_in_service_code(inbound.payload.get("service_code", ""))
        state, output = _start(engine, session, context, dialled_text)
    else:
        output = engine.answer(state, sessions.new_answer(session, inbound.text))
    sessions.session_save(session=session, state=state, text=inbound.text)
    return Reply(text=output.text, end=output.end, commune_id=session.commune_id)


def redisplay_ussd(*, gateway: str, inbound: Inbound) -> Reply:
    """A gateway's retry of a step already handled: the session's current screen again (replies are not
    stored; the session's sealed state gives the screen back), or a short notice if the session ended."""
    session = (
        UssdSession.objects.select_related("commune")
        .filter(gateway=gateway, session_id=inbound.session_id)
        .first()
    )
    state = sessions.session_state(session) if session is not None else None
    if state is None:
        return Reply(text=pgettext("sms", "Votre demande a déjà été reçue. Merci."), end=True)
    context = InboundContext(phone=inbound.phone, commune=session.commune, language=session.language,
                             channel=Channel.USSD, gateway=gateway)  # fmt: skip
    engine = Engine(root=main_menu, context=lambda: session_context(context, session), labels=labels())
    with translation.override(session.language or settings.LANGUAGE_CODE):
        output = engine.show(state)
    return Reply(text=output.text, end=output.end, commune_id=session.commune_id)


def session_context(base: InboundContext, session: UssdSession) -> UssdContext:
    """The context screens see: this session's commune and language (activated for the texts)."""
    language = session.language or settings.LANGUAGE_CODE
    translation.activate(language)
    return UssdContext(
        phone=base.phone,
        commune=session.commune,
        language=language,
        channel=base.channel,
        gateway=base.gateway,
        inbound_id=base.inbound_id,
        session=session,
        language_chosen=bool(session.language),
    )


def _start(engine: Engine, session: UssdSession, context: InboundContext, text: str) -> tuple[State, Output]:
    extension, answers = split_dialled(text)
    dialled = commune_for_extension(extension) if extension else None
    previous = sessions.session_resumable(phone=context.phone, exclude=session)
    resumed = None
    if previous is not None and (dialled is None or dialled.pk == previous.commune_id):
        resumed = sessions.session_take_over(session=session, previous=previous)
    if resumed is not None:
        with translation.override(session.language or context.language):  # the session's language
            state, notice = resumed, pgettext("ussd", "Vous reprenez ici.")
    else:
        if dialled is not None and dialled != context.commune:
            phone_set_commune(phone=context.phone, commune=dialled)
        session.commune = dialled or context.commune or _account_commune(context.phone)
        session.language = _remembered_language(context)
        state, notice = engine.new_state(), ""
    output = engine.show(state, notice=notice)
    for answer in answers[:MAX_DIALLED_ANSWERS]:  # answers dialled at once: *384*229*7*1#
        if output.end:
            break
        output = engine.answer(state, answer)
    return state, output


def split_dialled(text: str) -> tuple[str, list[str]]:
    """The first step's text: (the commune extension, answers dialled with it)."""
    if not text:
        return "", []
    extension, *answers = text.split("*")
    return (extension, answers) if ascii_digits(extension) else ("", [])


def extension_in_service_code(service_code: str) -> str:
    """Some networks send the whole dialled code (`*384*229*7#`) as the service code and an empty text:
    the part after the platform's code (setting PALABRE_USSD_CODE) is then the extension."""
    base = settings.USSD_CODE.removesuffix("#") + "*"
    if service_code.startswith(base) and service_code.endswith("#"):
        return service_code[len(base) : -1]
    return ""


def commune_for_extension(extension: str) -> Commune | None:
    """The active commune whose USSD extension ends with `*<extension>#` (`*384*229*7#` or `*123*7#`)."""
    return Commune.objects.active().filter(ussd_extension__endswith=f"*{extension}#").first()


def _account_commune(phone: str) -> Commune | None:
    user = User.objects.select_related("arrondissement__commune").filter(phone=phone).first()
    arrondissement = user.arrondissement if user else None
    return arrondissement.commune if arrondissement else None


def _remembered_language(context: InboundContext) -> str:
    """The phone's remembered language (read with its profile by `channels.inbound`), if still offered."""
    language = context.language if context.language_remembered else ""
    return language if language in dict(settings.LANGUAGES) else ""
