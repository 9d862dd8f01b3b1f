"""The Open311 GeoReport v2 endpoints (JSON and XML) and the commune administrator's API key page (routed
in the officers' area: /<commune>/plaintes/gestion/open311/, see grievances/urls.py).

`jurisdiction_id` (the commune slug) is required on every call but discovery: the platform serves every
commune of Benin from one endpoint. Errors follow the spec: 400 missing or invalid parameter, 403 missing,
invalid or revoked api_key (or a key of another commune), 404 unknown jurisdiction, service, request or token.
"""

import datetime
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from palabre.accounts.models import Role
from palabre.accounts.permissions import access_commune_staff
from palabre.accounts.phone import parse_benin_phone
from palabre.core.choices import Channel
from palabre.core.permissions import NotFound
from palabre.core.validators import parse_ascii_int
from palabre.grievances import services
from palabre.grievances.models import Severity
from palabre.grievances.open311 import queries, serializers
from palabre.grievances.open311.keys import api_key_check, api_key_issue, api_key_revoke
from palabre.grievances.open311.models import Open311ApiKey
from palabre.grievances.permissions import access_api_key, access_village
from palabre.territory.models import Commune

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2025-01-06T00:00:00+01:00"
WINDOW = datetime.timedelta(days=90)
MAX_COORDINATE = {"lat": Decimal(90), "long": Decimal(180)}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def open311_endpoint(root: str):
    """Check the format, answer errors as the spec's `errors` document in that format."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str, **kwargs) -> HttpResponse:
            if fmt not in serializers.FORMATS:
                error = serializers.errors((400, _("Format inconnu : utilisez .xml ou .json.")))
                return serializers.render(error, fmt="xml", root="errors", status=400)
            try:
                data = view(request, *args, **kwargs)
            except Open311Error as error:
                body = serializers.errors((error.status, error.description))
                return serializers.render(body, fmt=fmt, root="errors", status=error.status)
            return serializers.render(data, fmt=fmt, root=root)

        return wrapper

    return decorate


def _param(request: HttpRequest, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return (source.get(name) or "").strip()


def _list_param(request: HttpRequest, name: str) -> list[str]:
    return [item.strip() for item in _param(request, name).split(",") if item.strip()]


def _jurisdiction(request: HttpRequest) -> Commune:
    slug = _param(request, "jurisdiction_id")
    if not slug:
        raise Open311Error(400, _("jurisdiction_id manquant : donnez l'identifiant de la commune."))
    commune = queries.open311_commune(slug)
    if commune is None:
        raise Open311Error(404, _("jurisdiction_id inconnu : %(slug)s.") % {"slug": slug})
    return commune


# --- Discovery and services -------------------------------------------------------------------------------


@require_GET
@open311_endpoint("discovery")
def discovery(request: HttpRequest) -> dict:
    url = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": "xml"})).rsplit("/", 1)[0]
    return {
        "changeset": CHANGESET,
        "contact": getattr(settings, "DEFAULT_FROM_EMAIL", ""),
        "key_service": _("Chaque commune délivre ses clés d'API depuis son espace d'administration."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": f"{url}/",
                "changeset": CHANGESET,
                "type": "production",
                "formats": list(serializers.FORMATS.values()),
            }
        ],
    }


@require_GET
@open311_endpoint("services")
def service_list(request: HttpRequest) -> list:
    commune = _jurisdiction(request)
    return [serializers.service(category) for category in queries.open311_services(commune)]


@require_GET
@open311_endpoint("service_definition")
def service_definition(request: HttpRequest, service_code: str) -> dict:
    commune = _jurisdiction(request)
    category = queries.open311_service(commune, service_code)
    if category is None:
        raise Open311Error(404, _("service_code inconnu : %(code)s.") % {"code": service_code})
    return serializers.service_definition(category)


# --- Requests ---------------------------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_endpoint("service_requests")
def request_list(request: HttpRequest) -> list:
    if request.method == "POST":
        return [serializers.created_request(_file_complaint(request))]
    commune = _jurisdiction(request)
    start, end = _window(request)
    complaints = queries.open311_requests(
        commune,
        codes=_list_param(request, "service_request_id"),
        service_codes=_list_param(request, "service_code"),
        statuses=_statuses(request),
        start=start,
        end=end,
    )
    return serializers.service_requests(complaints, commune_name=commune.name)


@require_GET
@open311_endpoint("service_requests")
def request_detail(request: HttpRequest, service_request_id: str) -> list:
    commune = _jurisdiction(request)
    complaint = queries.open311_request(commune, service_request_id)
    if complaint is None:
        raise Open311Error(404, _("service_request_id inconnu : %(id)s.") % {"id": service_request_id})
    return serializers.service_requests([complaint], commune_name=commune.name)


@require_GET
@open311_endpoint("service_requests")
def token_detail(request: HttpRequest, token: str) -> list:
    """Requests are realtime: the only tokens are the service request ids themselves."""
    commune = _jurisdiction(request)
    complaint = queries.open311_request(commune, token)
    if complaint is None:
        raise Open311Error(404, _("token inconnu : %(token)s.") % {"token": token})
    return [{"service_request_id": complaint["code"], "token": token}]


@require_GET
@open311_endpoint("service_requests_updates")
def update_list(request: HttpRequest) -> list:
    commune = _jurisdiction(request)
    start, end = _window(request)
    return [serializers.request_update(row) for row in queries.open311_updates(commune, start=start, end=end)]


def _statuses(request: HttpRequest) -> list[str]:
    statuses = sorted(set(_list_param(request, "status")))
    unknown = [status for status in statuses if status not in (serializers.OPEN, serializers.CLOSED)]
    if unknown:
        raise Open311Error(400, _("status invalide : open ou closed."))
    return statuses


def _moment(request: HttpRequest, name: str) -> datetime.datetime | None:
    text = _param(request, name)
    if not text:
        return None
    try:  # ASCII only: parse_datetime's \d would also read fullwidth or Arabic-Indic digits
        moment = parse_datetime(text.replace(" ", "+")) if text.isascii() else None
    except ValueError:
        moment = None
    if moment is None or timezone.is_naive(moment):
        raise Open311Error(
            400,
            _("%(name)s invalide : date W3C avec fuseau, par exemple 2025-01-06T00:00:00Z.") % {"name": name},
        )
    try:
        return moment.astimezone(datetime.UTC)  # the database compares in UTC
    except OverflowError as error:  # 9999-12-31T23:59:59-01:00 is in the year 10000 in UTC
        raise _out_of_range(name) from error


def _out_of_range(name: str) -> Open311Error:
    return Open311Error(
        400, _("%(name)s invalide : la période doit tenir entre l'an 1 et l'an 9999.") % {"name": name}
    )


def _window(request: HttpRequest) -> tuple[datetime.datetime, datetime.datetime]:
    """[start_date, end_date]: at most 90 days; the most recent 90 days when neither is given (or the 90 days
    before end_date, after start_date). A window that would leave the years 1 to 9999 is a 400."""
    start, end = _moment(request, "start_date"), _moment(request, "end_date")
    if start is None and end is None:
        end = timezone.now()
    try:
        if start is None:
            start = end - WINDOW
        if end is None:
            end = start + WINDOW
    except OverflowError as error:  # start_date=9999-12-31..., end_date=0001-01-01...
        raise _out_of_range("end_date" if start is None else "start_date") from error  # the one given
    if end < start:
        raise Open311Error(400, _("end_date est avant start_date."))
    if end - start > WINDOW:
        raise Open311Error(400, _("La période demandée dépasse 90 jours."))
    return start, end


# --- POST requests: filing a complaint --------------------------------------------------------------------


def _file_complaint(request: HttpRequest):
    commune = _jurisdiction(request)
    if api_key_check(raw_key=_param(request, "api_key"), commune=commune) is None:
        raise Open311Error(403, _("api_key manquante, invalide ou révoquée pour cette commune."))
    service_code = _param(request, "service_code")
    if not service_code:
        raise Open311Error(400, _("service_code manquant."))
    category = queries.open311_service(commune, service_code)
    if category is None:
        raise Open311Error(404, _("service_code inconnu : %(code)s.") % {"code": service_code})
    place = _location(request, commune)
    try:
        return services.complaint_file(
            commune=commune,
            category=category,
            description=_param(request, "description"),
            channel=Channel.API,
            severity=_severity(request),
            **place,
            **_identity(request),
        )
    except ValidationError as error:
        raise Open311Error(400, " ".join(error.messages)) from error


def _coordinate(request: HttpRequest, name: str) -> Decimal:
    try:
        value = Decimal(_param(request, name))
    except InvalidOperation as error:
        raise Open311Error(400, _("%(name)s invalide : un nombre WGS84.") % {"name": name}) from error
    if not value.is_finite() or abs(value) > MAX_COORDINATE[name]:
        raise Open311Error(400, _("%(name)s invalide : un nombre WGS84.") % {"name": name})
    return value.quantize(Decimal("0.000001"))


def _location(request: HttpRequest, commune: Commune) -> dict:
    """lat & long, or address_string, or address_id (a village or quartier id of the commune)."""
    place: dict = {"place_description": _param(request, "address_string")[:300]}
    has_lat, has_long = bool(_param(request, "lat")), bool(_param(request, "long"))
    if has_lat != has_long:
        raise Open311Error(400, _("lat et long doivent être donnés ensemble."))
    if has_lat:
        place["latitude"] = _coordinate(request, "lat")
        place["longitude"] = _coordinate(request, "long")
    address_id = _param(request, "address_id")
    if address_id:
        try:
            place["village"] = access_village(actor=None, commune=commune, id=parse_ascii_int(address_id))
        except NotFound as error:
            raise Open311Error(
                400, _("address_id inconnu : un identifiant de village de la commune.")
            ) from error
    if not (has_lat or place["place_description"] or address_id):
        raise Open311Error(400, _("Lieu manquant : donnez lat et long, address_string ou address_id."))
    return place


def _severity(request: HttpRequest) -> str:
    attributes = {key[len("attribute[") : -1] for key in request.POST if key.startswith("attribute[")}
    unknown = attributes - {serializers.SEVERITY_ATTRIBUTE}
    if unknown:
        raise Open311Error(400, _("attribute inconnu : %(codes)s.") % {"codes": ", ".join(sorted(unknown))})
    severity = _param(request, f"attribute[{serializers.SEVERITY_ATTRIBUTE}]") or Severity.NORMAL
    if severity not in Severity.values:
        raise Open311Error(400, _("attribute[severity] invalide : normal ou urgent."))
    return severity


def _identity(request: HttpRequest) -> dict:
    """Name and phone if given; anonymous when neither is (the email is not kept: SMS only)."""
    name = " ".join(part for part in (_param(request, "first_name"), _param(request, "last_name")) if part)
    phone_text = _param(request, "phone")
    if not name and not phone_text:
        return {"is_anonymous": True}
    phone = None
    if phone_text:
        try:
            phone = parse_benin_phone(phone_text)
        except ValidationError as error:
            reason = " ".join(error.messages)
            raise Open311Error(400, _("phone invalide : %(reason)s") % {"reason": reason}) from error
    return {"reporter_name": name[:120], "reporter_phone": phone}


# --- The commune administrator's page ---------------------------------------------------------------------


def _access_keys(request: HttpRequest, commune_slug: str) -> Commune:
    commune, _membership = access_commune_staff(request, commune_slug, roles=[Role.COMMUNE_ADMIN])
    return commune


@require_http_methods(["GET", "POST"])
def api_keys(request: HttpRequest, commune_slug: str) -> HttpResponse:
    """List the commune's keys; POST issues a new one, shown once on the page that answers."""
    commune = _access_keys(request, commune_slug)
    new_key = ""
    label = request.POST.get("label", "").strip()
    if request.method == "POST" and label:
        _api_key, new_key = api_key_issue(commune=commune, label=label, by=request.user)
    context = {
        "commune": commune,
        "keys": Open311ApiKey.objects.filter(commune=commune).select_related("created_by"),
        "new_key": new_key,
        "label_missing": request.method == "POST" and not label,
    }
    return render(request, "grievances/open311_api_keys.html", context)


@require_POST
def api_key_revoke_view(request: HttpRequest, commune_slug: str, pk: int) -> HttpResponse:
    commune = _access_keys(request, commune_slug)
    api_key_revoke(api_key=access_api_key(actor=request.user, commune=commune, id=pk), by=request.user)
    return redirect("grievances:open311_keys", commune_slug=commune.slug)
