"""Exports of the officers' filtered queue, CSV and XLSX. Sensitive complaints are never exported and no
reporter identity (name, phone, account) is ever written: the files leave the building."""

import csv
import io

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from openpyxl import Workbook

from palabre.grievances import queries
from palabre.grievances.models import Complaint
from palabre.grievances.permissions import access_complaints_staff, handler_roles
from palabre.grievances.views.office import queue_filters

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _headers() -> list[str]:
    return [
        _("Code"),
        _("Déposée le"),
        _("Catégorie"),
        _("État"),
        _("Gravité"),
        _("Arrondissement"),
        _("Village ou quartier"),
        _("Précisions sur le lieu"),
        _("Ce qui s'est passé"),
        _("Canal"),
        _("Anonyme"),
        _("Agent chargé"),
        _("Accusé de réception attendu le"),
        _("Résolution attendue le"),
        _("En retard"),
        _("Soutiens"),
    ]


def _row(complaint: Complaint) -> list:
    assignee = complaint.assignee
    return [
        complaint.code,
        timezone.localtime(complaint.created_at).strftime("%Y-%m-%d %H:%M"),
        complaint.category.label,
        complaint.get_status_display(),
        complaint.get_severity_display(),
        getattr(complaint.arrondissement, "name", ""),
        getattr(complaint.village, "name", ""),
        complaint.place_description,
        complaint.description,
        complaint.get_channel_display(),
        _("oui") if complaint.is_anonymous else _("non"),
        (assignee.display_name or str(assignee.phone)) if assignee else "",
        complaint.ack_due_on.isoformat(),
        complaint.resolve_due_on.isoformat(),
        _("oui") if complaint.is_overdue else _("non"),
        complaint.supporters_count,
    ]


def _safe(value):
    """Text a spreadsheet would run as a formula is written as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def exported_complaints(request: HttpRequest, commune_slug: str):
    """The officer's filtered queue without sensitive complaints, and the commune."""
    commune, _membership = access_complaints_staff(request, commune_slug)
    filters = queue_filters(request, commune, sensitive=False)
    roles = handler_roles(request.user, commune)
    complaints = queries.officer_queue(commune=commune, roles=roles, **filters.filters())
    return commune, complaints.filter(is_sensitive=False)


def _filename(commune, extension: str) -> str:
    return f"plaintes-{commune.slug}-{timezone.localdate():%Y-%m-%d}.{extension}"


@never_cache
def export_csv(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune, complaints = exported_complaints(request, commune_slug)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_headers())
    for complaint in complaints.iterator(chunk_size=2000):
        writer.writerow([_safe(value) for value in _row(complaint)])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(commune, "csv")}"'
    return response


@never_cache
def export_xlsx(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune, complaints = exported_complaints(request, commune_slug)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Plaintes"))
    sheet.append(_headers())
    for complaint in complaints.iterator(chunk_size=2000):
        sheet.append([_safe(value) for value in _row(complaint)])
    content = io.BytesIO()
    workbook.save(content)
    response = HttpResponse(content.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(commune, "xlsx")}"'
    return response
