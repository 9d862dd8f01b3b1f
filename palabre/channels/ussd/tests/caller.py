"""Test helpers: a caller dialling the platform through the real Africa's Talking webhook, and a crawler
that draws every screen reachable from a screen. Also used by domain apps' USSD tests."""

import itertools
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from palabre.channels.ussd.engine import Engine, Frame, Goto, Menu, Output, State, build, screen_key
from palabre.channels.ussd.menus import main_menu
from palabre.channels.ussd.service import labels

URL = "/channels/africastalking/ussd/"
SERVICE_CODE = "*384*229#"
_session_numbers = itertools.count(1)


def at_token() -> dict[str, str]:
    """The query string Africa's Talking callbacks carry outside demo mode (`?token=PALABRE_AT_TOKEN`)."""
    return {"token": settings.AT_TOKEN} if settings.AT_TOKEN else {}


@dataclass
class Caller:
    """One phone. `dial()` starts a session (as the network does), `send()` answers the current screen;
    both return the screen text, and `ended` says whether the last answer was `END`."""

    client: Client
    phone: str = "+2290197000001"
    session_id: str = ""
    text: str = ""
    ended: bool = False
    replies: list[str] = field(default_factory=list)

    def dial(self, extension: str = "") -> str:
        self.session_id = f"ATUid_test_{next(_session_numbers)}"
        self.text = extension
        return self._post()

    def send(self, *answers: str) -> str:
        reply = ""
        for answer in answers:
            self.text = f"{self.text}*{answer}" if self.text else answer
            reply = self._post()
        return reply

    def retry(self) -> str:
        """The gateway sends the same step again (same session id and text)."""
        return self._post()

    def _post(self) -> str:
        data = {"sessionId": self.session_id, "serviceCode": SERVICE_CODE, "phoneNumber": self.phone,
                "text": self.text, "networkCode": "61603"}  # fmt: skip
        response = self.client.post(URL, data, secure=True, query_params=at_token())
        assert response.status_code == 200, response.status_code
        body = response.content.decode()
        assert body[:4] in ("CON ", "END "), body
        self.ended = body.startswith("END ")
        self.replies.append(body[4:])
        return body[4:]


@dataclass(frozen=True)
class Drawn:
    language: str
    key: str
    data: dict
    page: int
    output: Output


def crawl(context, start, languages, **data) -> list[Drawn]:
    """Draw every screen reachable from `start` through plain options (not those with an effect, nor
    past a prompt), every page, in each language, as deep in the menus as can be (`0` and `00` shown)."""
    drawn: list[Drawn] = []
    for language in languages:
        with translation.override(language):
            drawn += _crawl_one(context, screen_key(start), dict(data), language)
    return drawn


def _crawl_one(context, key: str, data: dict, language: str) -> list[Drawn]:
    engine = Engine(root=main_menu, context=lambda: context, labels=labels())
    queue, seen, drawn = [(key, data)], set(), []
    while queue:
        key, data = queue.pop()
        marker = (key, tuple(sorted(data.items())))
        if marker in seen:
            continue
        seen.add(marker)
        screen = build(key, context, data)
        page = 0
        while True:
            state = State(
                frames=[Frame(key=engine.root_key), Frame(key=engine.root_key), Frame(key, data, page)]
            )
            output = engine.show(state)
            drawn.append(Drawn(language, key, data, page, output))
            if not isinstance(screen, Menu) or state.frames[-1].page < page or "\n98. " not in output.text:
                break
            page += 1
        if isinstance(screen, Menu):
            queue += [(option.then.key, dict(option.then.data)) for option in screen.options
                      if isinstance(option.then, Goto)]  # fmt: skip
    return drawn


# A few USSD strings "translated" into Fon for the tests (the real ones will come from locale/fon).
FON_STRINGS = {
    "Palabre %(commune)s :": "[fon] Palabre %(commune)s :",
    "Déposer une plainte": "[fon] Déposer une plainte",
    "Choix non valable.": "[fon] Choix non valable.",
    "Votre plainte concerne :": "[fon] Votre plainte concerne :",
    "Plainte enregistrée. Votre code de suivi : %(code)s. Réponse attendue d'ici le %(date)s.": (
        "[fon] Plainte enregistrée. Code : %(code)s. Réponse d'ici le %(date)s."
    ),
}


@contextmanager
def translated(language: str, strings: dict[str, str]):
    """Add "ussd" translations to `language`'s catalogue for the duration, then take them out."""
    catalog = trans_real.translation(language)._catalog
    added = {f"ussd\x04{source}": text for source, text in strings.items()}
    saved = {key: catalog.get(key) for key in added}
    for key, text in added.items():
        catalog[key] = text
    try:
        yield
    finally:
        for key, text in saved.items():
            if text is None:
                del catalog._catalogs[0][key]
            else:
                catalog[key] = text
