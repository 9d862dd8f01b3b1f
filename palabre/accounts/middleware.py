"""Staff sessions: signed out after `STAFF_IDLE_MINUTES` without a request, and never stored by a browser
or a proxy. Residents keep Django's long sessions (two weeks) and ordinary caching.

Staff means anyone who may hold staff pages: a commune role or a national observer (any Membership), a
superuser or an admin-site user. The last request's time is kept in the session (written at most once a
minute, so a busy officer does not save the session on every click), and whether the session is a
staff one is noted at sign-in (`staff_signed_in`, connected in AccountsConfig.ready). A staff session
idle longer is signed out at its next request and sent to the staff sign-in page with a message, then
back to the page it asked for.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import ngettext

from palabre.accounts.models import Membership

LAST_SEEN_KEY = "accounts_staff_last_seen"
# Whether the signed-in person is staff, noted at sign-in (sessions are server-side: nobody can edit it).
STAFF_KEY = "accounts_staff_session"
# The last-seen time is rewritten only when it is older than this (seconds).
TOUCH_SECONDS = 60


def _now() -> float:
    """The current time (seconds); a function so that tests can move it forward."""
    return time.time()


def is_staff_member(user) -> bool:
    """Anyone who may open staff pages, whatever their second factor today."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return Membership.objects.filter(user=user).exists()


def staff_signed_in(sender, request, user, **kwargs) -> None:
    """On `user_logged_in`: note whether the new session is a staff one, and its first activity (so the
    middleware needs no query and no session write on the requests that follow)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    staff = is_staff_member(user)
    session[STAFF_KEY] = staff
    if staff:
        session[LAST_SEEN_KEY] = _now()


def _is_staff_session(request: HttpRequest) -> bool:
    if not request.user.is_authenticated:
        return False
    staff = request.session.get(STAFF_KEY)
    if not isinstance(staff, bool):  # a session opened before this middleware existed
        staff = is_staff_member(request.user)
        request.session[STAFF_KEY] = staff
    return staff


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        staff = _is_staff_session(request)
        if staff:
            now = _now()
            last_seen = request.session.get(LAST_SEEN_KEY)
            idle_seconds = settings.STAFF_IDLE_MINUTES * 60
            if isinstance(last_seen, int | float) and now - last_seen > idle_seconds:
                return self._signed_out(request)
            if not isinstance(last_seen, int | float) or now - last_seen >= TOUCH_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        response = self.get_response(request)
        if staff:
            add_never_cache_headers(response)
        return response

    def _signed_out(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        minutes = settings.STAFF_IDLE_MINUTES
        messages.info(
            request,
            ngettext(
                "Vous avez été déconnecté après %(minutes)s minute sans activité. Reconnectez-vous.",
                "Vous avez été déconnecté après %(minutes)s minutes sans activité. Reconnectez-vous.",
                minutes,
            )
            % {"minutes": minutes},
        )
        login_url = reverse("accounts:staff_login")
        # Back to the page after signing in again; a form sent (POST) cannot be replayed: the staff home.
        if request.method == "GET":
            response = redirect_to_login(request.get_full_path(), login_url)
        else:
            response = HttpResponseRedirect(login_url)
        add_never_cache_headers(response)
        return response
