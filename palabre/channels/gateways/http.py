"""The HTTP calls gateways make to their provider, through a transport that tests replace with a fake."""

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Protocol

from palabre.channels.gateways.base import GatewayError

TIMEOUT_SECONDS = 15


class Transport(Protocol):
    def post(
        self,
        url: str,
        *,
        form: dict | None = None,
        json_body: dict | None = None,
        headers: dict | None = None,
    ) -> tuple[int, Any]:
        """POST and return (HTTP status, decoded JSON body or None). Raise GatewayError if unreachable."""
        ...


class UrllibTransport:
    def post(self, url, *, form=None, json_body=None, headers=None):
        headers = dict(headers or {})
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        else:
            data = urllib.parse.urlencode(form or {}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return response.status, _json(response.read())
        except urllib.error.HTTPError as error:
            return error.code, _json(error.read())
        except (urllib.error.URLError, TimeoutError) as error:
            raise GatewayError(f"{urllib.parse.urlsplit(url).netloc} unreachable: {error}") from error


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return None


def as_dict(answer: Any) -> dict:
    """The provider's JSON answer when it is an object, else {} (an error page, plain text, nothing)."""
    return answer if isinstance(answer, dict) else {}
