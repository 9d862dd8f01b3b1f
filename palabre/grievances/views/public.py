"""Citizens' pages: file a complaint, say "me too", track it, the public list, map, page and statistics.

No account is needed. Sensitive complaints never appear here (their public URL answers 404); only their
reporter, with the tracking code, sees their status.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from palabre.accounts.forms import CodeForm
from palabre.accounts.phone import national_format
from palabre.accounts.services import OtpRateLimited, OtpRejected, otp_confirm, otp_request
from palabre.core.choices import AgeBand, Channel, Gender
from palabre.core.http import client_ip, posted
from palabre.core.pages import add_service_error, page_of
from palabre.core.services import GuessesLimited
from palabre.grievances import forms, queries, services
from palabre.grievances.models import Complaint, Status
from palabre.grievances.permissions import access_complaint_public, access_complaints_commune
from palabre.grievances.views import filing
from palabre.grievances.views.common import query_without_page
from palabre.grievances.web import outline_geojson, points_svg, tiles_url

FILED_SESSION_KEY = "grievances_filed_code"
MAP_POINTS = 500
TRACKING_ACTIONS = {
    "informations": forms.InformationForm,
    "desaccord": forms.DisagreeForm,
    "note": forms.RatingForm,
}


def _signed_in(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def complaint_list(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune = access_complaints_commune(commune_slug, request=request)
    categories = queries.active_categories(commune)
    filters = forms.PublicFilterForm(request.GET or None, commune=commune, categories=categories)
    page = page_of(request, queries.public_complaints(commune=commune, **filters.filters()))
    context = {"commune": commune, "filters": filters, "page": page, "query": query_without_page(request)}
    return render(request, "grievances/complaint_list.html", context)


def complaint_map(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune = access_complaints_commune(commune_slug, request=request)
    complaints = list(
        queries.public_complaints(commune=commune).filter(latitude__isnull=False, longitude__isnull=False)[
            :MAP_POINTS
        ]
    )
    context = {
        "commune": commune,
        "complaints": complaints,
        "svg": points_svg(commune, complaints, label=_("Plaintes sur la carte de la commune")),
        "tiles_url": tiles_url(),
        "interactive": request.GET.get("interactive") == "1",
    }
    return render(request, "grievances/complaint_map.html", context)


def commune_outline(request: HttpRequest, commune_slug: str) -> JsonResponse:
    """The commune outline as GeoJSON, for the optional Leaflet map (404 without boundaries)."""
    commune = access_complaints_commune(commune_slug, request=request)
    geometry = outline_geojson(commune)
    if geometry is None:
        raise Http404
    return JsonResponse({"type": "Feature", "properties": {"name": commune.name}, "geometry": geometry})


@never_cache
def complaint_file(request: HttpRequest, commune_slug: str) -> HttpResponse:
    """Step 1 (GET): category and place; step 2: similar complaints ("me too") and the details (POST);
    then, for a number the resident is not signed in with, the code sent to it (see views/filing.py)."""
    commune = access_complaints_commune(commune_slug, request=request)
    categories = queries.active_categories(commune)
    place = forms.PlaceForm(posted(request) or request.GET or None, commune=commune, categories=categories)
    if not place.is_valid() or "changer" in request.GET:
        return render(request, "grievances/complaint_file_place.html", {"commune": commune, "place": place})
    step = _Step(request, commune, place)
    if not step.details.is_valid():
        return step.details_page()
    try:
        filing.filing_limit_check(client_ip(request))
    except filing.FilingLimited as refusal:
        step.details.add_error(None, refusal.message)
        return step.details_page(hold=True, status=429)
    if "modifier" in request.POST:
        return step.details_page(hold=True)
    contact = step.proved_contact()
    if contact is None:
        return step.code_page()
    return step.file(contact)


class _Step:
    """The filing form once its place is chosen: the details, the held files, the code step."""

    def __init__(self, request: HttpRequest, commune, place: forms.PlaceForm):
        self.request, self.commune, self.place = request, commune, place
        is_post = request.method == "POST"
        self.held = filing.held_files(request) if is_post else filing.HeldFiles()
        files = {**self.held.uploads(), **request.FILES.dict()} if is_post else None
        self.details = forms.DetailsForm(posted(request), files)
        self.code_form = CodeForm()

    def proved_contact(self) -> dict | None:
        """Who is filing, once their number is proved: the reporter fields to file with, or None while the
        code for the typed number is awaited. Signed in with that number, anonymous or no number: no code.
        An unproved number is never kept, and then no name is kept or shown either; a name is shown only
        with a proved number (typed or the account's)."""
        data, user = self.details.cleaned_data, _signed_in(self.request)
        phone = data["reporter_phone"]
        contact = {
            "reporter": None if data["is_anonymous"] else user,
            "reporter_name": data["reporter_name"],
            "reporter_phone": phone,
            "name_public": data["name_public"] and (user is not None or phone is not None),
        }
        if phone is None or data["is_anonymous"] or (user is not None and user.phone == phone):
            return contact
        if "sans_numero" in self.request.POST:
            return contact | {"reporter_phone": None, "reporter_name": "", "name_public": False}
        return contact if self._code_proves(phone) else None

    def _code_proves(self, phone) -> bool:
        """True if the code posted on the code step is the latest one sent to `phone`."""
        if self.request.POST.get("etape") != "code" or "renvoyer" in self.request.POST:
            return False
        self.code_form = CodeForm(self.request.POST)
        if not self.code_form.is_valid():
            return False
        try:
            otp_confirm(phone=phone, code=self.code_form.cleaned_data["code"])
        except OtpRejected as rejection:
            self.code_form.add_error("code", rejection.message)
            return False
        return True

    def file(self, contact: dict) -> HttpResponse:
        data = self.details.cleaned_data | contact
        try:
            complaint = services.complaint_file(
                commune=self.commune,
                **self.place.cleaned_data,
                **data,
                language=get_language(),
                channel=Channel.WEB,
            )
        except ValidationError as error:
            add_service_error(self.details, error)
            return self.details_page(hold=True)
        filing.filing_count(client_ip(self.request))
        filing.release_files(self.request, self.held)
        self.request.session[FILED_SESSION_KEY] = complaint.code
        return redirect("grievances:filed", commune_slug=self.commune.slug)

    def _context(self, hold: bool) -> dict:
        if hold:
            self.held = filing.hold_files(self.request, self.held, self.details.cleaned_data)
        return {
            "commune": self.commune,
            "place": self.place,
            "details": self.details,
            "held_token": self.held.token,
            "held_names": self.held.names(),
        }

    def details_page(self, *, hold: bool = False, status: int = 200) -> HttpResponse:
        context = self._context(hold) | {
            "similar": queries.complaint_similar_open(
                commune=self.commune,
                category=self.place.cleaned_data["category"],
                village_id=getattr(self.place.cleaned_data["village"], "pk", None),
            ),
            "support_form": forms.SupportForm(user=self.request.user),
            "tiles_url": tiles_url(),
        }
        return render(self.request, "grievances/complaint_file_details.html", context, status=status)

    def code_page(self) -> HttpResponse:
        """The code step: a code is sent on arrival and on "resend"; a wrong one is said next to the field."""
        phone = self.details.cleaned_data["reporter_phone"]
        refusal = ""
        if not self.code_form.is_bound:
            try:
                otp_request(phone=phone, ip=client_ip(self.request), language=get_language())
            except OtpRateLimited as limited:
                refusal = limited.message
            else:
                if "renvoyer" in self.request.POST:
                    messages.success(self.request, _("Un nouveau code vous a été envoyé."))
        context = self._context(hold=True) | {
            "code_form": self.code_form,
            "phone": national_format(phone),
            "hidden_fields": [f for f in self.details if f.name not in filing.FILE_FIELDS],
            "refusal": refusal,
        }
        status = 429 if refusal else 400 if self.code_form.errors else 200
        return render(self.request, "grievances/complaint_file_code.html", context, status=status)


def complaint_filed(request: HttpRequest, commune_slug: str) -> HttpResponse:
    """The confirmation: the tracking code, big and spaced, and the expected dates."""
    commune = access_complaints_commune(commune_slug, request=request)
    code = request.session.get(FILED_SESSION_KEY, "")
    complaint = Complaint.objects.filter(commune=commune, code=code).select_related("category").first()
    if complaint is None:
        return redirect("grievances:file", commune_slug=commune.slug)
    return render(request, "grievances/complaint_filed.html", {"commune": commune, "complaint": complaint})


@require_POST
def complaint_support(request: HttpRequest, commune_slug: str, code: str) -> HttpResponse:
    complaint = access_complaint_public(commune_slug, services.normalize_code(code), request=request)
    form = forms.SupportForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            _support, created = services.complaint_support(
                complaint=complaint, user=form.user, phone=form.cleaned_data["phone"], channel=Channel.WEB
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Merci : votre soutien est compté.") if created else _("Votre soutien était déjà compté."),
            )
            return redirect("grievances:detail", commune_slug=commune_slug, code=complaint.code)
    return _detail_page(request, complaint, support_form=form)


def complaint_detail(request: HttpRequest, commune_slug: str, code: str) -> HttpResponse:
    complaint = access_complaint_public(commune_slug, services.normalize_code(code), request=request)
    return _detail_page(request, complaint, support_form=forms.SupportForm(user=request.user))


def _detail_page(request: HttpRequest, complaint, *, support_form) -> HttpResponse:
    context = {
        "commune": complaint.commune,
        "complaint": complaint,
        "timeline": queries.complaint_timeline(complaint),
        "support_form": support_form,
    }
    return render(
        request, "grievances/complaint_detail.html", context, status=400 if support_form.errors else 200
    )


def tracking(request: HttpRequest, commune_slug: str) -> HttpResponse:
    """Follow a complaint with its code (`?code=BOH-7K3M`): unknown codes count against the address."""
    commune = access_complaints_commune(commune_slug, request=request)
    form = forms.TrackingForm(request.GET if "code" in request.GET else None)
    complaint = _tracked(request, commune, form)
    return _tracking_page(request, commune, form, complaint)


@require_POST
def tracking_action(request: HttpRequest, commune_slug: str, action: str) -> HttpResponse:
    """Add information, disagree with the resolution (reopens it), or rate it: the code comes with it."""
    commune = access_complaints_commune(commune_slug, request=request)
    if action not in TRACKING_ACTIONS:
        raise Http404
    tracking_form = forms.TrackingForm(request.POST)
    complaint = _tracked(request, commune, tracking_form)
    if complaint is None:
        return _tracking_page(request, commune, tracking_form, None)
    form = TRACKING_ACTIONS[action](request.POST)
    if form.is_valid():
        try:
            _run_tracking_action(action, complaint, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("C'est enregistré. Merci."))
            return redirect(f"{reverse('grievances:tracking', args=[commune.slug])}?code={complaint.code}")
    return _tracking_page(request, commune, tracking_form, complaint, **{action: form})


def _run_tracking_action(action: str, complaint, data: dict) -> None:
    if action == "informations":
        services.complaint_add_information(code=complaint.code, text=data["text"], commune=complaint.commune)
    elif action == "desaccord":
        services.complaint_disagree(code=complaint.code, reason=data["reason"], commune=complaint.commune)
    else:
        services.complaint_rate(complaint=complaint, rating=data["rating"])


def _tracked(request: HttpRequest, commune, form: forms.TrackingForm):
    """The complaint the (valid) form names, through the domain's rate-limited lookup, or None."""
    if not form.is_valid():
        return None
    try:
        complaint = services.tracking_lookup(
            code=form.cleaned_data["code"], ip=client_ip(request), commune=commune
        )
    except GuessesLimited as error:
        form.add_error("code", error.message)
        return None
    if complaint is None:
        form.add_error("code", _("Aucune plainte de cette commune ne porte ce code. Vérifiez-le."))
    return complaint


def _tracking_page(request: HttpRequest, commune, form, complaint, **bound) -> HttpResponse:
    context = {
        "commune": commune,
        "form": form,
        "complaint": complaint,
        "timeline": queries.complaint_timeline(complaint) if complaint and not complaint.is_sensitive else (),
        "information_form": bound.get("informations") or forms.InformationForm(),
        "disagree_form": bound.get("desaccord") or forms.DisagreeForm(),
        "rating_form": bound.get("note") or forms.RatingForm(),
        "may_add": complaint is not None and (complaint.is_open or complaint.status == Status.RESOLVED),
        "may_disagree": complaint is not None and complaint.status == Status.RESOLVED,
        "may_rate": complaint is not None and complaint.status in (Status.RESOLVED, Status.CLOSED),
    }
    status = 400 if form.errors or any(f.errors for f in bound.values()) else 200
    return render(request, "grievances/tracking.html", context, status=status)


def statistics(request: HttpRequest, commune_slug: str) -> HttpResponse:
    """The precomputed figures (computed now only for the commune's very first visit), with their time."""
    commune = access_complaints_commune(commune_slug, request=request)
    snapshot = queries.statistics_snapshot(commune) or services.stats_refresh(commune=commune, force=True)
    stats = snapshot.statistics
    tables = [
        (_("Par catégorie"), _labelled(stats["by_category"])),
        (_("Par arrondissement"), _labelled(stats["by_arrondissement"])),
        (_("Par mois"), _labelled(stats["by_month"])),
        (_("Par canal"), _labelled(stats["by_channel"])),
        (_("Par genre déclaré"), _labelled(stats["by_gender"])),
        (_("Par tranche d'âge déclarée"), _labelled(stats["by_age_band"])),
    ]
    context = {"commune": commune, "stats": stats, "tables": tables, "computed_at": snapshot.computed_at}
    return render(request, "grievances/statistics.html", context)


def _labelled(groups: list[dict]) -> list[dict]:
    """Each statistics group with a readable label (a month, a channel, a gender, an age band)."""
    labels = {**dict(Channel.choices), **dict(Gender.choices), **dict(AgeBand.choices)}
    rows = []
    for row in groups:
        group = row["group"]
        if isinstance(group, datetime.date):
            label = date_format(group, "YEAR_MONTH_FORMAT")
        else:
            label = labels.get(group, group) or _("Non précisé")
        rows.append({**row, "label": label})
    return rows
