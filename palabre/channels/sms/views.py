"""Staff pages: write an announcement, see its segments, recipients and cost, confirm, follow the sends."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.channels.sms import bulk
from palabre.channels.sms.forms import BulkAnnouncementForm
from palabre.channels.sms.permissions import access_bulk_campaign, access_bulk_staff
from palabre.channels.sms.segments import SINGLE_LIMIT, non_gsm_characters
from palabre.channels.sms_models import BulkCampaign

PAGE_SIZE = 25


def history_view(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune = access_bulk_staff(request, commune_slug)
    campaigns = bulk.campaigns_of(commune)
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "channels/sms_bulk_history.html", {"commune": commune, "page": page})


def new_view(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune = access_bulk_staff(request, commune_slug)
    form = BulkAnnouncementForm(request.POST if request.method == "POST" else None, commune=commune)
    if form.is_valid():
        try:
            campaign = bulk.bulk_campaign_prepare(commune=commune, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("sms_staff:detail", commune_slug=commune.slug, pk=campaign.pk)
    return render(request, "channels/sms_bulk_form.html", {"commune": commune, "form": form})


def detail_view(request: HttpRequest, commune_slug: str, pk: int) -> HttpResponse:
    commune, campaign = access_bulk_campaign(request, commune_slug, pk)
    context = {
        "commune": commune,
        "campaign": campaign,
        "unicode_characters": non_gsm_characters(campaign.body),
        "single_limit": SINGLE_LIMIT[campaign.encoding],
        "is_draft": campaign.status == BulkCampaign.Status.DRAFT,
        "can_cancel": campaign.status in (BulkCampaign.Status.DRAFT, BulkCampaign.Status.SENDING),
    }
    return render(request, "channels/sms_bulk_detail.html", context)


@require_POST
def confirm_view(request: HttpRequest, commune_slug: str, pk: int) -> HttpResponse:
    commune, campaign = access_bulk_campaign(request, commune_slug, pk)
    try:
        bulk.bulk_campaign_confirm(campaign=campaign, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("L'envoi a commencé. Les SMS partent par lots, chaque minute."))
    return redirect("sms_staff:detail", commune_slug=commune.slug, pk=campaign.pk)


@require_POST
def cancel_view(request: HttpRequest, commune_slug: str, pk: int) -> HttpResponse:
    commune, campaign = access_bulk_campaign(request, commune_slug, pk)
    try:
        bulk.bulk_campaign_cancel(campaign=campaign, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("L'annonce est annulée : les SMS pas encore partis ne partiront pas."))
    return redirect("sms_staff:detail", commune_slug=commune.slug, pk=campaign.pk)
