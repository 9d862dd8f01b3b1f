"""Open311 GeoReport v2 documents as plain data, written out as JSON or XML (UTF-8).

The JSON is the Spark-convention mapping of the XML: a list becomes an array, each of its items one object;
in XML the list is an element whose children are named by `ITEM_TAGS` (`services` holds `service`).
"""

import datetime
import json
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext

from palabre.grievances.models import DEFAULT_NAMES, Category, Complaint, Severity, Status

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "service_requests_updates": "request_update",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}
OPEN = "open"
CLOSED = "closed"
OPEN311_STATUS = {
    Status.RECEIVED: OPEN,
    Status.ACKNOWLEDGED: OPEN,
    Status.ASSIGNED: OPEN,
    Status.IN_PROGRESS: OPEN,
    Status.RESOLVED: CLOSED,
    Status.CLOSED: CLOSED,
    Status.REJECTED: CLOSED,
    Status.REFERRED: CLOSED,
    Status.DUPLICATE: CLOSED,
}
# FixMyStreet's update states (Open311::GetServiceRequestUpdates reads them case-insensitively).
FIXMYSTREET_STATUS = {
    Status.RECEIVED: "OPEN",
    Status.ACKNOWLEDGED: "INVESTIGATING",
    Status.ASSIGNED: "ACTION_SCHEDULED",
    Status.IN_PROGRESS: "IN_PROGRESS",
    Status.RESOLVED: "FIXED",
    Status.CLOSED: "CLOSED",
    Status.REJECTED: "NO_FURTHER_ACTION",
    Status.REFERRED: "NOT_COUNCILS_RESPONSIBILITY",
    Status.DUPLICATE: "DUPLICATE",
}
SEVERITY_ATTRIBUTE = "severity"
DESCRIPTION_MAX = 4000


# --- Writing ----------------------------------------------------------------------------------------------


def render(data, *, fmt: str, root: str, status: int = 200) -> HttpResponse:
    """`data` (a list for `root` in ITEM_TAGS, else a dict) as an HTTP response in `fmt`."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, default=_json_default).encode()
    else:
        body = xml_document(root, data)
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def xml_document(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, root, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def _fill(element: ET.Element, tag: str, value) -> None:
    if isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM_TAGS[tag]), ITEM_TAGS[tag], item)
    elif isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), key, child)
    elif value is not None:
        element.text = _text(value)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value))


def errors(*items: tuple[int, str]) -> list[dict]:
    return [{"code": code, "description": str(description)} for code, description in items]


def w3c(moment: datetime.datetime | None) -> str | None:
    """A W3C datetime with its offset, in the server's time zone (Benin: +01:00)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _end_of_day(day: datetime.date | None) -> str | None:
    if day is None:
        return None
    return w3c(
        datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=timezone.get_current_timezone())
    )


# --- Documents --------------------------------------------------------------------------------------------


def service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.label,
        "description": category.description or None,
        "metadata": True,
        "type": "realtime",
        "keywords": None,
        "group": category.responsible_service or None,
    }


def severity_attribute() -> dict:
    return {
        "variable": True,
        "code": SEVERITY_ATTRIBUTE,
        "datatype": "singlevaluelist",
        "required": False,
        "datatype_description": None,
        "order": 1,
        "description": gettext("Gravité : une plainte urgente a des délais divisés par deux."),
        "values": [{"key": value, "name": str(label)} for value, label in Severity.choices],
    }


def service_definition(category: Category) -> dict:
    return {"service_code": category.code, "attributes": [severity_attribute()]}


def _category_label(code: str, name: str) -> str:
    """As Category.label: a shipped default name in the reader's language, else the commune's own."""
    return gettext(name) if DEFAULT_NAMES.get(code) == name else name


def status_notes(row: dict, status_labels: dict[str, str]) -> str:
    """The status in words, with its reason for the final ones (never an internal note)."""
    detail = {
        Status.REJECTED: row["rejection_reason"],
        Status.REFERRED: row["referred_to"],
        Status.DUPLICATE: row["duplicate_of__code"] or "",
    }.get(row["status"], "")
    label = status_labels[row["status"]]
    return f"{label} : {detail}" if detail else label


def address(row: dict, commune_name: str) -> str | None:
    parts = (row["place_description"], row["village__name"], row["arrondissement__name"], commune_name)
    return ", ".join(part for part in parts if part) or None


def service_requests(rows: list[dict], *, commune_name: str) -> list[dict]:
    """Complaint rows (queries.REQUEST_VALUES) as service requests: tracking codes, never a reporter.
    Status labels are translated once per document, not per row."""
    status_labels = {value: str(label) for value, label in Status.choices}
    return [_service_request(row, commune_name, status_labels) for row in rows]


def _service_request(row: dict, commune_name: str, status_labels: dict[str, str]) -> dict:
    status = OPEN311_STATUS[row["status"]]
    return {
        "service_request_id": row["code"],
        "status": status,
        "status_notes": status_notes(row, status_labels),
        "service_name": _category_label(row["category__code"], row["category__name"]),
        "service_code": row["category__code"],
        "description": row["description"][:DESCRIPTION_MAX] or None,
        "agency_responsible": row["category__responsible_service"] or None,
        "service_notice": None,
        "requested_datetime": w3c(row["created_at"]),
        "updated_datetime": w3c(row["closed_at"] or row["status_changed_at"]),
        "expected_datetime": _end_of_day(row["resolve_due_on"]) if status == OPEN else None,
        "address": address(row, commune_name),
        "address_id": str(row["village_id"]) if row["village_id"] else None,
        "zipcode": None,
        "lat": row["latitude"],
        "long": row["longitude"],
        "media_url": None,
    }


def created_request(complaint: Complaint) -> dict:
    return {
        "service_request_id": complaint.code,
        "service_notice": None,
        "account_id": None,
    }


def request_update(row: dict) -> dict:
    """A public timeline event row (queries.open311_updates) as a FixMyStreet `request_update`."""
    return {
        "update_id": str(row["id"]),
        "service_request_id": row["complaint__code"],
        "status": FIXMYSTREET_STATUS.get(row["status_then"], "OPEN"),
        "updated_datetime": w3c(row["created_at"]),
        "description": row["message"],
        "media_url": None,
    }
