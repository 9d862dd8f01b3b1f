"""The real HTTP transport against a local `http.server` (no internet): what each provider is sent (URL,
method, form or JSON body, headers) and how errors come back (HTTP 500, timeouts, answers that are not
JSON, nobody listening)."""

import base64
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from palabre.channels.gateways import africastalking, http, twilio, whatsapp
from palabre.channels.gateways.base import GatewayError
from palabre.channels.gateways.http import UrllibTransport
from palabre.channels.models import GatewayCredential


class Provider(BaseHTTPRequestHandler):
    """Records each request; answers what the test set on the server (`status`, `body`, `delay`)."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.server.requests.append(
            {
                "method": "POST",
                "path": self.path,
                "headers": self.headers,
                "body": self.rfile.read(length),
            }  # headers: case-insensitive
        )
        time.sleep(self.server.delay)
        body = (
            self.server.body if isinstance(self.server.body, bytes) else json.dumps(self.server.body).encode()
        )
        try:
            self.send_response(self.server.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            pass

    def log_message(self, format, *args):
        """Quiet."""


@pytest.fixture
def provider():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    server.requests, server.status, server.body, server.delay = [], 200, {}, 0
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def test_a_form_is_posted_url_encoded_with_the_headers_given(provider):
    provider.body = {"ok": True}
    status, answer = UrllibTransport().post(
        provider.url + "/send?x=1", form={"to": "+22901", "message": "Ça marche"}, headers={"apiKey": "k"}
    )
    assert (status, answer) == (200, {"ok": True})
    (request,) = provider.requests
    assert (request["method"], request["path"]) == ("POST", "/send?x=1")
    assert request["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert request["headers"]["apiKey"] == "k"
    assert urllib.parse.parse_qs(request["body"].decode()) == {"to": ["+22901"], "message": ["Ça marche"]}


def test_a_json_body_is_posted_as_json(provider):
    UrllibTransport().post(provider.url + "/messages", json_body={"text": {"body": "é"}})
    (request,) = provider.requests
    assert request["headers"]["Content-Type"] == "application/json"
    assert json.loads(request["body"]) == {"text": {"body": "é"}}


def test_an_http_error_is_returned_with_its_json_answer(provider):
    provider.status, provider.body = 500, {"error": {"code": 131000}}
    assert UrllibTransport().post(provider.url, form={}) == (500, {"error": {"code": 131000}})


def test_an_answer_that_is_not_json_is_none(provider):
    provider.body = b"<html>Bad gateway</html>"
    assert UrllibTransport().post(provider.url, form={}) == (200, None)
    provider.status, provider.body = 502, b"oops"
    assert UrllibTransport().post(provider.url, form={}) == (502, None)
    provider.status, provider.body = 200, b""
    assert UrllibTransport().post(provider.url, form={}) == (200, None)


def test_a_timeout_is_a_gateway_error(provider, monkeypatch):
    monkeypatch.setattr(http, "TIMEOUT_SECONDS", 0.2)
    provider.delay = 1
    with pytest.raises(GatewayError, match=r"127\.0\.0\.1"):
        UrllibTransport().post(provider.url, form={})


def test_nobody_listening_is_a_gateway_error(provider):
    url = provider.url
    provider.shutdown()
    provider.server_close()
    with pytest.raises(GatewayError, match="unreachable"):
        UrllibTransport().post(url, form={})


@pytest.mark.django_db
def test_africas_talking_gets_its_form_and_api_key(provider, monkeypatch):
    monkeypatch.setattr(africastalking, "LIVE_URL", provider.url + "/version1/messaging")
    GatewayCredential.objects.create(
        gateway="africastalking", username="palabre", sender="PALABRE", secret="atsk"
    )
    provider.body = {"SMSMessageData": {"Recipients": [{"statusCode": 101, "messageId": "ATXid_1"}]}}
    result = africastalking.AfricasTalkingGateway().send(to="+2290197000001", body="Bonjour", reference="7")
    assert result.message_id == "ATXid_1"
    (request,) = provider.requests
    assert request["path"] == "/version1/messaging"
    assert (request["headers"]["apiKey"], request["headers"]["Accept"]) == ("atsk", "application/json")
    assert urllib.parse.parse_qs(request["body"].decode()) == {
        "username": ["palabre"], "to": ["+2290197000001"], "message": ["Bonjour"], "from": ["PALABRE"],
    }  # fmt: skip


@pytest.mark.django_db
def test_africas_talking_http_500_is_a_gateway_error(provider, monkeypatch):
    monkeypatch.setattr(africastalking, "LIVE_URL", provider.url)
    GatewayCredential.objects.create(gateway="africastalking", username="palabre", secret="atsk")
    provider.status, provider.body = 500, b"Internal Server Error"
    with pytest.raises(GatewayError, match="HTTP 500"):
        africastalking.AfricasTalkingGateway().send(to="+2290197000001", body="Bonjour", reference="7")


@pytest.mark.django_db
def test_twilio_gets_its_form_with_basic_auth(provider, monkeypatch):
    monkeypatch.setattr(twilio, "API_URL", provider.url + "/2010-04-01/Accounts/{account}/Messages.json")
    GatewayCredential.objects.create(gateway="twilio", username="AC123", sender="+22921000001", secret="tok")
    provider.status, provider.body = 201, {"sid": "SM1"}
    assert twilio.TwilioGateway().send(to="+2290197000001", body="Bonjour", reference="7").message_id == "SM1"
    (request,) = provider.requests
    assert request["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(b"AC123:tok").decode()
    assert urllib.parse.parse_qs(request["body"].decode()) == {
        "To": ["+2290197000001"], "Body": ["Bonjour"], "From": ["+22921000001"],
    }  # fmt: skip


@pytest.mark.django_db
def test_twilio_error_answer_is_a_gateway_error(provider, monkeypatch):
    monkeypatch.setattr(twilio, "API_URL", provider.url + "/{account}")
    GatewayCredential.objects.create(gateway="twilio", username="AC123", sender="+22921000001", secret="tok")
    provider.status, provider.body = 400, {"code": 21211, "message": "Invalid 'To' Phone Number"}
    with pytest.raises(GatewayError, match="code 21211"):
        twilio.TwilioGateway().send(to="+2290197000001", body="Bonjour", reference="7")


@pytest.mark.django_db
def test_whatsapp_gets_json_with_a_bearer_token(provider, monkeypatch):
    monkeypatch.setattr(whatsapp, "API_URL", provider.url + "/v21.0/{phone_number_id}/messages")
    GatewayCredential.objects.create(gateway="whatsapp", username="1065403", secret="EAAG-token")
    provider.body = {"messages": [{"id": "wamid.1"}]}
    assert whatsapp.WhatsAppGateway().send(to="+2290197000001", body="Bonjour", reference="7").message_id == (
        "wamid.1"
    )
    (request,) = provider.requests
    assert request["path"] == "/v21.0/1065403/messages"
    assert request["headers"]["Authorization"] == "Bearer EAAG-token"
    assert request["headers"]["Content-Type"] == "application/json"
    assert json.loads(request["body"]) == {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "2290197000001",
        "type": "text", "text": {"preview_url": False, "body": "Bonjour"},
    }  # fmt: skip


@pytest.mark.django_db
def test_whatsapp_timeout_is_a_gateway_error(provider, monkeypatch):
    monkeypatch.setattr(http, "TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(whatsapp, "API_URL", provider.url + "/{phone_number_id}")
    GatewayCredential.objects.create(gateway="whatsapp", username="1065403", secret="EAAG-token")
    provider.delay = 1
    with pytest.raises(GatewayError, match="unreachable"):
        whatsapp.WhatsAppGateway().send(to="+2290197000001", body="Bonjour", reference="7")
