"""Webhooks of the providers (thin: verify, parse, store and dispatch, answer), the commune
administrators' channels page, and the demo page."""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from palabre.accounts.permissions import access_platform_admin
from palabre.accounts.queries import demo_staff_codes
from palabre.channels import queries
from palabre.channels.forms import BlockForm
from palabre.channels.gateways import inbound_gateway, inbound_gateway_classes
from palabre.channels.gateways.base import InboundRejected
from palabre.channels.inbound import inbound_handle
from palabre.channels.models import InboundKind
from palabre.channels.permissions import access_blocked_phone, access_channels_admin, access_inbound
from palabre.channels.phones import phone_block, phone_unblock
from palabre.channels.queries import recent_console_messages
from palabre.core.http import client_ip

logger = logging.getLogger("palabre.channels.webhooks")


def _receive(request: HttpRequest, gateway, kind: str) -> HttpResponse:
    if not gateway.verify(request):
        logger.warning(
            "Rejected %s/%s request from %s: bad signature or token", gateway.name, kind, client_ip(request)
        )
        return HttpResponseForbidden()
    try:
        inbounds = gateway.parse_inbound(request, kind)
    except InboundRejected as error:
        logger.warning("Rejected %s/%s request from %s: %s", gateway.name, kind, client_ip(request), error)
        return HttpResponseBadRequest()
    handled = [inbound_handle(gateway=gateway, inbound=inbound) for inbound in inbounds]
    body = gateway.response_body(kind, handled[0].reply) if handled else ""
    return HttpResponse(body, content_type=gateway.content_type(kind))


@csrf_exempt
@require_POST
def inbound_webhook(request: HttpRequest, gateway_name: str, kind: str) -> HttpResponse:
    """`POST /channels/<gateway>/<kind>/`: a USSD step, an SMS, a voice callback or a delivery report."""
    gateway = inbound_gateway(gateway_name)
    if gateway is None or kind not in gateway.kinds:
        raise Http404
    return _receive(request, gateway, kind)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    """`GET /channels/whatsapp/webhook/`: the subscription handshake; `POST`: messages and statuses."""
    gateway = inbound_gateway("whatsapp")
    if gateway is None:
        raise Http404
    if request.method == "POST":
        return _receive(request, gateway, InboundKind.WHATSAPP)
    challenge = gateway.handshake(request)
    if challenge is None:
        logger.warning("Rejected whatsapp handshake from %s: wrong verify token", client_ip(request))
        return HttpResponseForbidden()
    return HttpResponse(challenge, content_type="text/plain")


def channels_home(request: HttpRequest, commune_slug: str) -> HttpResponse:
    """Commune administrators: recent phone requests, blocked numbers, gateway accounts (masked)."""
    commune = access_channels_admin(request, commune_slug)
    context = {
        "commune": commune,
        "inbound_list": queries.recent_inbound(commune),
        "blocked_list": queries.blocked_phones(commune),
        "credentials": queries.commune_credentials(commune),
        "form": BlockForm(),
    }
    return render(request, "channels/channels_home.html", context)


@require_POST
def block_view(request: HttpRequest, commune_slug: str, pk: int) -> HttpResponse:
    commune, inbound = access_inbound(request, commune_slug, pk)
    form = BlockForm(request.POST)
    if form.is_valid():
        phone_block(
            key=inbound.phone_key, reason=form.cleaned_data["reason"], commune=commune, by=request.user
        )
        messages.success(request, _("Le numéro est bloqué : ses demandes ne seront plus traitées."))
    else:
        messages.error(request, _("Indiquez le motif du blocage."))
    return redirect("channels_staff:home", commune_slug=commune.slug)


@require_POST
def unblock_view(request: HttpRequest, commune_slug: str, pk: int) -> HttpResponse:
    commune, profile = access_blocked_phone(request, commune_slug, pk)
    phone_unblock(profile=profile, by=request.user)
    messages.success(request, _("Le numéro est débloqué."))
    return redirect("channels_staff:home", commune_slug=commune.slug)


@never_cache
def demo_messages(request):
    """Demo only: the SMS the console gateway sent (login codes) and the staff accounts' current codes."""
    if not settings.DEMO_MODE:
        raise Http404
    context = {"sms_list": recent_console_messages(limit=50), "staff_codes": demo_staff_codes()}
    return render(request, "channels/demo_messages.html", context)


def gateway_list(request: HttpRequest) -> HttpResponse:
    """Platform administrator: the configured inbound gateways, each with its setup."""
    access_platform_admin(request)
    gateways = [gateway_class() for gateway_class in inbound_gateway_classes().values()]
    return render(request, "channels/gateway_list.html", {"gateways": gateways})


def gateway_detail(request: HttpRequest, gateway_name: str) -> HttpResponse:
    """Platform administrator: the callback URLs to give a provider and its secrets (set or not)."""
    access_platform_admin(request)
    gateway = inbound_gateway(gateway_name)
    if gateway is None:
        raise Http404
    setup = gateway.setup()
    callbacks = [
        (
            callback,
            request.build_absolute_uri(callback.path) + (f"?{callback.query}" if callback.query else ""),
        )
        for callback in setup.callbacks
    ]
    context = {"gateway": gateway, "setup": setup, "callbacks": callbacks}
    return render(request, "channels/gateway_detail.html", context)
