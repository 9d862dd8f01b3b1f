"""Small request helpers every app's views use."""

from django.conf import settings
from django.http import HttpRequest


def posted(request: HttpRequest):
    """The submitted data on POST (even empty, so required fields complain), else None (unbound form)."""
    return request.POST if request.method == "POST" else None


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind our reverse proxy, the last address it appended."""
    if settings.SECURE_PROXY_SSL_HEADER and request.META.get("HTTP_X_FORWARDED_FOR"):
        return request.META["HTTP_X_FORWARDED_FOR"].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
