"""Validly signed WhatsApp payloads of unexpected shapes are answered 200 with nothing done (and logged at
info): a 500 or a 400 would make Meta retry them forever."""

import copy
import json
import logging

import pytest

from palabre.channels.models import DeliveryReport, InboundMessage
from palabre.channels.tests.conftest import PHONE, recorded
from palabre.channels.tests.gateways.test_whatsapp import credential, signed_post  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("credential")]
SENDER = PHONE.removeprefix("+")


def message(**fields) -> dict:
    return {"from": SENDER, "id": "wamid.shape", "timestamp": "1741943640", "type": "text"} | fields


def with_value(value) -> dict:
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"value": value}]}]}


def with_messages(*messages) -> dict:
    return with_value({"messaging_product": "whatsapp", "messages": list(messages)})


def with_statuses(*statuses) -> dict:
    return with_value({"messaging_product": "whatsapp", "statuses": list(statuses)})


SHAPES = [
    {},
    {"entry": 5},
    {"entry": "x"},
    {"entry": {"changes": []}},
    {"entry": [5]},
    {"entry": [None, "x", []]},
    {"entry": [{"changes": "x"}]},
    {"entry": [{"changes": 5}]},
    {"entry": [{"changes": [5, "x", None]}]},
    {"entry": [{"changes": [{"value": []}]}]},
    {"entry": [{"changes": [{"value": "x"}]}]},
    with_value({"messages": "x"}),
    with_value({"messages": 5}),
    with_value({"messages": {"id": "wamid.1"}}),
    with_value({"statuses": "x"}),
    with_messages("x"),
    with_messages(5, None, []),
    with_messages(message(**{"from": 2290197123456})),
    with_messages(message(**{"from": ["2290197123456"]})),
    with_messages(message(**{"from": "not a number"})),
    with_messages(
        message(**{"from": "\u0662\u0662\u0669\u0660\u0661\u0669\u0667\u0661\u0662\u0663\u0664\u0665\u0666"})
    ),
    with_messages(message(**{"from": "229\u0660\u0661\u0669\u0667\u0661\u0662\u0663\u0664\u0665\u0666"})),
    with_messages(message(id=5, text={"body": "SUIVI BOH-7K3M"})),
    with_messages(message(id=["wamid.1"], text={"body": "SUIVI BOH-7K3M"})),
    with_messages(message(id=None, text={"body": "SUIVI BOH-7K3M"})),
    with_messages(message()),  # no text at all
    with_messages(message(text={})),  # no text.body
    with_messages(message(text="SUIVI BOH-7K3M")),
    with_messages(message(text=["SUIVI"])),
    with_messages(message(text={"body": 5})),
    with_messages(message(text={"body": {"x": 1}})),
    with_messages(message(type=5, text={"body": "SUIVI BOH-7K3M"})),
    with_messages(message(type="button", button="x")),
    with_messages(message(type="button", button={"text": 5})),
    with_messages(message(type="interactive", interactive=["x"])),
    with_messages(message(type="interactive", interactive={"button_reply": "x"})),
    with_messages(message(type="audio", audio="x")),
    with_messages(message(type="audio", audio={"id": 5})),
    with_statuses("x"),
    with_statuses(5, None),
    with_statuses({"id": 5, "status": "read"}),
    with_statuses({"id": "wamid.1", "status": ["read"]}),
    with_statuses({"id": "wamid.1", "status": "failed", "errors": "x"}),
    with_statuses({"id": "wamid.1", "status": "failed", "errors": [5]}),
    with_statuses({"id": "wamid.1", "status": "read", "recipient_id": 229}),
    with_statuses({"id": "wamid.1", "status": "read", "recipient_id": "not a number"}),
]


@pytest.mark.parametrize("document", SHAPES, ids=[json.dumps(shape)[:60] for shape in SHAPES])
def test_a_signed_payload_of_unexpected_shape_is_a_200_that_does_nothing(client, engine, caplog, document):
    with caplog.at_level(logging.INFO, logger="palabre.channels.webhooks"):
        response = signed_post(client, json.dumps(document).encode())
    assert (response.status_code, response.content) == (200, b"")
    assert engine.calls == []
    assert not InboundMessage.objects.exists()
    assert not DeliveryReport.objects.exists()
    if document:
        assert "Ignored" in caplog.text


def test_a_bad_message_beside_a_good_one_does_not_stop_it(client, engine, caplog):
    good = recorded("whatsapp", "text")
    document = copy.deepcopy(good)
    messages = document["entry"][0]["changes"][0]["value"]["messages"]
    messages.insert(0, message(text={}))
    with caplog.at_level(logging.INFO, logger="palabre.channels.webhooks"):
        response = signed_post(client, json.dumps(document).encode())
    assert response.status_code == 200
    assert [inbound.text for _context, inbound in engine.calls] == ["SUIVI BOH-7K3M"]
    assert "Ignored a WhatsApp message: text message without text.body" in caplog.text


def test_nul_bytes_in_a_text_are_dropped(client, engine):
    document = with_messages(message(text={"body": "SUIVI\x00 BOH-7K3M\x00"}))
    assert signed_post(client, json.dumps(document).encode()).status_code == 200
    assert [inbound.text for _context, inbound in engine.calls] == ["SUIVI BOH-7K3M"]


def test_a_text_of_only_nul_bytes_is_ignored(client, engine):
    document = with_messages(message(text={"body": "\x00\x00"}))
    assert signed_post(client, json.dumps(document).encode()).status_code == 200
    assert engine.calls == []
