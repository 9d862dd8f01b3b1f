"""What the public filing form needs beyond the services: the limit of filings per connection, and the
photo and voice message held while the resident types the code that proves their number.

A number typed by someone who is not signed in with it is proved with the accounts app's one-time codes
(`otp_request` / `otp_confirm`, with their limits per number and per connection) before the complaint is
filed with it. The code step re-posts every text field as hidden inputs; files cannot be re-posted, so they
are held in the media storage under `grievances/pending/` for this browser session only (a random token in
the form must match the session's), and deleted once filed; held files older than a day are deleted when
new ones are held.
"""

import datetime
import posixpath
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from palabre.accounts.services import hash_ip
from palabre.core.guesses import GuessesLimited, TooManyAttempts, guarded_lookup

FILING_SCOPE = "grievances.web_filing"
HELD_KEY = "grievances_held_files"
HELD_DIR = "grievances/pending"
HELD_MAX_AGE = datetime.timedelta(days=1)
FILE_FIELDS = ("photo", "voice_recording")


class FilingLimited(TooManyAttempts):
    """Too many complaints filed from this connection within the hour."""

    @property
    def message(self) -> str:
        return ngettext(
            "Trop de plaintes ont été déposées depuis cette connexion. Réessayez dans %(minutes)s minute : "
            "ce que vous avez écrit est gardé ci-dessous.",
            "Trop de plaintes ont été déposées depuis cette connexion. Réessayez dans %(minutes)s minutes : "
            "ce que vous avez écrit est gardé ci-dessous.",
            self.minutes,
        ) % {"minutes": self.minutes}


def _count_filing(ip: str, *, record: bool) -> None:
    """Core's shared counter (table CodeGuessFailure, scope FILING_SCOPE, hashed address): a lookup that
    finds nothing counts one, one that finds something only checks the limit."""
    try:
        guarded_lookup(
            scope=FILING_SCOPE,
            ip_hash=hash_ip(ip),
            lookup=lambda: None if record else True,
            max_failures=settings.COMPLAINTS_PER_IP_PER_HOUR,
        )
    except GuessesLimited as refusal:
        if not record:
            raise FilingLimited(retry_at=refusal.retry_at, now=timezone.now()) from refusal


def filing_limit_check(ip: str) -> None:
    """Raise FilingLimited if this connection filed COMPLAINTS_PER_IP_PER_HOUR complaints in the hour."""
    _count_filing(ip, record=False)


def filing_count(ip: str) -> None:
    """Count a complaint filed from this connection."""
    _count_filing(ip, record=True)


@dataclass
class HeldFiles:
    """The files held for one filing: field -> (storage name, name as uploaded)."""

    token: str = ""
    files: dict[str, tuple[str, str]] = field(default_factory=dict)

    def uploads(self) -> dict[str, ContentFile]:
        """The held files, as uploads a form and the filing service accept."""
        uploads = {}
        for name, (stored, original) in self.files.items():
            try:
                with default_storage.open(stored, "rb") as handle:
                    uploads[name] = ContentFile(handle.read(), name=original)
            except OSError:
                continue
        return uploads

    def names(self) -> list[str]:
        return [original for _stored, original in self.files.values()]


def held_files_of_session(request: HttpRequest) -> HeldFiles:
    held = request.session.get(HELD_KEY) or {}
    files = {name: (value[0], value[1]) for name, value in (held.get("files") or {}).items()}
    return HeldFiles(token=held.get("token", ""), files=files)


def held_files(request: HttpRequest) -> HeldFiles:
    """The files held for the filing this form continues (its `depot` token matches the session's)."""
    held = held_files_of_session(request)
    token = request.POST.get("depot", "")
    if not token or not held.token or not secrets.compare_digest(token, held.token):
        return HeldFiles()
    return held


def hold_files(request: HttpRequest, held: HeldFiles, cleaned: dict) -> HeldFiles:
    """Keep the files just uploaded (replacing those held for the same field) for the next step."""
    fresh = {name: cleaned[name] for name in FILE_FIELDS if cleaned.get(name) and name in request.FILES}
    if not fresh:
        return held
    if not held.token:
        release_files(request, held_files_of_session(request))
    _purge_old()
    files = dict(held.files)
    for name, upload in fresh.items():
        if name in files:
            default_storage.delete(files[name][0])
        extension = posixpath.splitext(upload.name)[1].lower()[:8]
        upload.seek(0)
        stored = default_storage.save(f"{HELD_DIR}/{secrets.token_hex(16)}{extension}", upload)
        files[name] = (stored, posixpath.basename(upload.name))
    kept = HeldFiles(token=held.token or secrets.token_urlsafe(16), files=files)
    request.session[HELD_KEY] = {"token": kept.token, "files": kept.files}
    return kept


def release_files(request: HttpRequest, held: HeldFiles) -> None:
    """Delete the held files once the complaint is filed (it saved its own copies)."""
    for stored, _original in held.files.values():
        default_storage.delete(stored)
    if held.token:
        request.session.pop(HELD_KEY, None)


def _purge_old() -> None:
    """Delete held files of filings abandoned more than HELD_MAX_AGE ago."""
    limit = timezone.now() - HELD_MAX_AGE
    try:
        _dirs, names = default_storage.listdir(HELD_DIR)
    except (OSError, NotImplementedError):
        return
    for name in names:
        path = f"{HELD_DIR}/{name}"
        try:
            if default_storage.get_modified_time(path) < limit:
                default_storage.delete(path)
        except (OSError, NotImplementedError):
            continue
