"""The rules of the published GeoReport v2 JSON schemas (open311/schema-validation: service, services,
service-definition, request, requests) and of the spec's errors, as test helpers, for JSON and XML.

XML documents are read back into the Spark-convention shape (lists of dicts) with every value as text,
then checked with the same rules, XML types being checked on their text form.
"""

import datetime
import json
import xml.etree.ElementTree as ET

STRING, NUMBER, BOOLEAN, INTEGER, DATETIME = "string", "number", "boolean", "integer", "datetime"

SERVICE = {
    "required": ["service_code", "service_name", "metadata", "type"],
    "types": {
        "service_code": STRING,
        "service_name": STRING,
        "description": STRING,
        "metadata": BOOLEAN,
        "type": STRING,
        "keywords": STRING,
        "group": STRING,
    },
    "enums": {"type": {"realtime", "batch", "blackbox"}},
}
ATTRIBUTE = {
    "required": ["variable", "code", "datatype", "required"],
    "types": {
        "variable": BOOLEAN,
        "code": STRING,
        "datatype": STRING,
        "required": BOOLEAN,
        "datatype_description": STRING,
        "order": INTEGER,
        "description": STRING,
    },
    "enums": {"datatype": {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}},
}
VALUE = {"required": ["key", "name"], "types": {"key": STRING, "name": STRING}, "enums": {}}
REQUEST = {
    "required": ["service_request_id", "status", "service_code", "requested_datetime"],
    "types": {
        "service_request_id": STRING,
        "status": STRING,
        "status_notes": STRING,
        "service_name": STRING,
        "service_code": STRING,
        "description": STRING,
        "agency_responsible": STRING,
        "service_notice": STRING,
        "requested_datetime": DATETIME,
        "updated_datetime": DATETIME,
        "expected_datetime": DATETIME,
        "address": STRING,
        "address_id": STRING,
        "zipcode": STRING,
        "lat": NUMBER,
        "long": NUMBER,
        "media_url": STRING,
    },
    "enums": {"status": {"open", "closed"}},
}
CREATED = {
    "required": ["service_request_id"],
    "types": {"service_request_id": STRING, "service_notice": STRING, "account_id": STRING},
    "enums": {},
}
UPDATE = {
    "required": ["update_id", "service_request_id", "status", "updated_datetime"],
    "types": {
        "update_id": STRING,
        "service_request_id": STRING,
        "status": STRING,
        "updated_datetime": DATETIME,
        "description": STRING,
        "media_url": STRING,
    },
    "enums": {},
}
ERROR = {"required": ["code", "description"], "types": {"code": INTEGER, "description": STRING}, "enums": {}}


def _is_w3c(text) -> bool:
    if not isinstance(text, str):
        return False
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return moment.tzinfo is not None and "T" in text


def _json_type_ok(value, kind: str) -> bool:
    checks = {
        STRING: lambda v: isinstance(v, str),
        NUMBER: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        BOOLEAN: lambda v: isinstance(v, bool),
        INTEGER: lambda v: isinstance(v, int) and not isinstance(v, bool),
        DATETIME: _is_w3c,
    }
    return checks[kind](value)


def _xml_type_ok(text, kind: str) -> bool:
    if not isinstance(text, str):
        return False
    if kind == BOOLEAN:
        return text in ("true", "false")
    if kind in (NUMBER, INTEGER):
        try:
            (float if kind == NUMBER else int)(text)
        except ValueError:
            return False
    if kind == DATETIME:
        return _is_w3c(text)
    return True


def check(item: dict, rules: dict, *, xml: bool) -> None:
    """Assert `item` follows `rules`; in JSON null is allowed for optional fields (anyOf [type, null]);
    in XML an empty element is the same null."""
    assert isinstance(item, dict), item
    for field in rules["required"]:
        assert item.get(field) not in (None, ""), f"{field} is required: {item}"
    for field, kind in rules["types"].items():
        value = item.get(field)
        if value is None or (xml and value == ""):
            continue
        ok = _xml_type_ok(value, kind) if xml else _json_type_ok(value, kind)
        assert ok, f"{field} should be {kind}: {value!r}"
    for field, allowed in rules["enums"].items():
        assert item[field] in allowed, f"{field}={item[field]!r} not in {sorted(allowed)}"


def check_definition(document: dict, *, xml: bool) -> None:
    assert document.get("service_code")
    attributes = document["attributes"]
    assert isinstance(attributes, list)
    for attribute in attributes:
        check(attribute, ATTRIBUTE, xml=xml)
        for value in attribute.get("values") or []:
            check(value, VALUE, xml=xml)


# --- Reading responses ------------------------------------------------------------------------------------

LIST_TAGS = {"attributes", "values", "formats", "endpoints"}


def _element(element: ET.Element):
    if element.tag in LIST_TAGS:
        return [_element(child) for child in element]
    if len(element):
        return {child.tag: _element(child) for child in element}
    return element.text or ""


def read(response, fmt: str, *, root: str, item: str | None = None):
    """The response body in the Spark-convention shape, after checking content type and XML root."""
    body = response.content
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(body.decode("utf-8"))
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert body.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    tree = ET.fromstring(body)
    assert tree.tag == root
    if item is None:
        return _element(tree)
    assert all(child.tag == item for child in tree)
    return [_element(child) for child in tree]


def read_errors(response, fmt: str) -> list[dict]:
    errors = read(response, fmt, root="errors", item="error")
    assert errors
    for error in errors:
        check(error, ERROR, xml=fmt == "xml")
        assert int(error["code"]) == response.status_code
    return errors
