"""The phone simulator (`/simulator/`): a page that looks like a basic phone, for the demo and for training
officers and citizens. Dial the USSD code and answer the screens; send an SMS and read the replies.

Not a shortcut into the code: every step is an Africa's Talking callback (the same form fields, the token
of PALABRE_AT_TOKEN) run through Django's full request handler (middleware, URL routing, the webhook's
token check and parsing, storage, rate limits), exactly as a request from Africa's Talking would be. The
request is handled in-process rather than by an HTTP call to our own address, so a single-worker server
cannot deadlock waiting for itself. SMS replies are read from the console gateway's store.

Who may use it: everyone in demo mode (PALABRE_DEMO); otherwise signed-in staff (a commune membership and
their second factor), for training. The simulated phone has a number of its own (kept in the browser
session) in a range no operator assigns (`phones.SIMULATOR_PREFIX`), and every request it makes runs inside
`phones.simulating()`. Outside demo mode nothing it does counts (`phones.phone_is_training`): the write
services refuse its ballots, ideas, complaints and supports with "Numéro d'essai du simulateur : rien n'est
enregistré hors démonstration.", so officers can practise the menus and keywords of a live commune safely.
"""

import io
import secrets
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from palabre.accounts.models import Membership
from palabre.channels.models import ConsoleMessage
from palabre.channels.phones import SIMULATED_REFUSAL, SIMULATOR_PREFIX, simulating

SESSION_KEY = "palabre_simulator"
PHONE_PREFIX = SIMULATOR_PREFIX
SHORT_CODE = "2290"
FORWARDED_META = ("SERVER_NAME", "SERVER_PORT", "HTTP_HOST", "wsgi.url_scheme", "REMOTE_ADDR",
                  "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR")  # fmt: skip
REPLIES_SHOWN = 10


def access_simulator(request: HttpRequest) -> None:
    """Demo mode: anyone. Otherwise staff signed in with their second factor; everyone else 404."""
    if settings.DEMO_MODE:
        return
    user = request.user
    if not (user.is_authenticated and user.is_verified()):
        raise Http404
    if not (user.is_superuser or Membership.objects.filter(user=user).exists()):
        raise Http404


def _state(request: HttpRequest) -> dict:
    state = request.session.get(SESSION_KEY)
    if not state or not state["phone"].startswith(PHONE_PREFIX):  # a number drawn before the range moved
        state = {"phone": PHONE_PREFIX + f"{secrets.randbelow(100000):05d}", "screen": "", "session": "",
                 "answers": [], "since": timezone.now().isoformat()}  # fmt: skip
    return state


def _save(request: HttpRequest, state: dict) -> None:
    request.session[SESSION_KEY] = state


@never_cache
def simulator(request: HttpRequest) -> HttpResponse:
    """The phone: its screen, the keypad form and the SMS conversation."""
    access_simulator(request)
    state = _state(request)
    _save(request, state)
    replies = ConsoleMessage.objects.filter(to=state["phone"]).order_by("-id")[:REPLIES_SHOWN]
    context = {"state": state, "replies": list(reversed(replies)), "ussd_code": settings.USSD_CODE,
               "in_session": bool(state["session"]), "demo_mode": settings.DEMO_MODE,
               "training_notice": SIMULATED_REFUSAL}  # fmt: skip
    template = (
        "channels/simulator_phone.html" if request.headers.get("X-Simulator") else "channels/simulator.html"
    )
    return render(request, template, context)


def simulator_ussd(request: HttpRequest) -> HttpResponse:
    """Dial a code (starts a session) or answer the screen (continues it)."""
    access_simulator(request)
    if request.method != "POST":
        return redirect("simulator:phone")
    state = _state(request)
    typed = request.POST.get("input", "").strip()
    if not state["session"] or request.POST.get("action") == "dial":
        state.update(session=f"sim-{uuid.uuid4().hex}", answers=[])
        text = _dialled_text(typed)
    else:
        state["answers"].append(typed)
        text = "*".join(state["answers"])
    if text and not state["answers"]:
        state["answers"] = text.split("*")
    fields = {"sessionId": state["session"], "serviceCode": settings.USSD_CODE, "phoneNumber": state["phone"],
              "networkCode": "61603", "text": text}  # fmt: skip
    status, body = _post_webhook(request, "ussd", fields)
    state["screen"], ended = _screen(status, body)
    if ended:
        state.update(session="", answers=[])
    _save(request, state)
    return _back(request)


def simulator_sms(request: HttpRequest) -> HttpResponse:
    """Send an SMS to the platform's number; the reply arrives in the console gateway's store."""
    access_simulator(request)
    if request.method == "POST" and request.POST.get("text", "").strip():
        state = _state(request)
        fields = {"id": f"sim-{uuid.uuid4().hex}", "from": state["phone"], "to": SHORT_CODE,
                  "text": request.POST["text"].strip(), "date": timezone.now().isoformat()}  # fmt: skip
        _post_webhook(request, "sms", fields)
        _save(request, state)
    return _back(request)


def simulator_hangup(request: HttpRequest) -> HttpResponse:
    access_simulator(request)
    if request.method == "POST":
        state = _state(request)
        state.update(session="", answers=[], screen="")
        _save(request, state)
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    if request.headers.get("X-Simulator"):
        return simulator(request)
    return redirect("simulator:phone")


def _dialled_text(dialled: str) -> str:
    """What Africa's Talking sends as `text` for a dialled code: what follows the platform's code
    (`*384*229*7*1#` -> `7*1`), nothing for the bare code."""
    base = settings.USSD_CODE.removesuffix("#")
    code = dialled.removesuffix("#")
    if code.startswith(base + "*"):
        return code[len(base) + 1 :]
    return ""


def _screen(status: int, body: str) -> tuple[str, bool]:
    if status != 200:
        return _("Erreur du service (%(status)s).") % {"status": status}, True
    if body.startswith("CON "):
        return body[4:], False
    return body.removeprefix("END "), True


_handler: BaseHandler | None = None


def _request_handler() -> BaseHandler:
    """Django's request handler with the project's middleware, as the WSGI server uses it."""
    global _handler
    if _handler is None:
        handler = BaseHandler()
        handler.load_middleware()
        _handler = handler
    return _handler


def _post_webhook(request: HttpRequest, kind: str, fields: dict) -> tuple[int, str]:
    """POST the callback to `/channels/africastalking/<kind>/` through the full request handler."""
    body = urlencode(fields).encode()
    environ = {key: request.META[key] for key in FORWARDED_META if key in request.META}
    environ.update({
        "REQUEST_METHOD": "POST",
        "PATH_INFO": reverse("webhooks:inbound", kwargs={"gateway_name": "africastalking", "kind": kind}),
        "QUERY_STRING": urlencode({"token": settings.AT_TOKEN}) if settings.AT_TOKEN else "",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    })  # fmt: skip
    with simulating():  # whatever the number says, the services know this caller is the simulator
        response = _request_handler().get_response(WSGIRequest(environ))
    return response.status_code, response.content.decode()
