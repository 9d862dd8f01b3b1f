"""Erasing a phone number everywhere: the registry every app fills with what it keeps about a number.

Core imports no other app, and neither `accounts` nor `channels` may import a domain app, yet erasing a
person ("Supprimer mon compte") must reach every table that can hold their number. So each app that keeps
a phone number (or a name found through one) registers an eraser in its `AppConfig.ready()`:

    from palabre.core import personal_data
    personal_data.register_phone_eraser(my_app_forget_phone)
    # my_app_forget_phone(phone: str, *, user_id: int | None = None) -> int   (rows changed or deleted)

and `phone_erase_everywhere(phone)` calls them all, inside one transaction. Each eraser decides, for
its own tables, whether a row goes (a session, a settings row, a message not sent yet) or stays with its
personal fields blanked (a complaint stays, anonymous; a support stays counted, without its phone).

An eraser receives the number in E.164 (`+229...`) and, when the person had an account, its id (rows
linked to the account rather than to the number, e.g. a complaint filed signed in); tables that keep
only a keyed hash of the number (`palabre.core.keyed.phone_key`) compute it themselves. Erasers must be
idempotent (erasing twice changes nothing the second time) and must never write the number anywhere, the
audit log included.
docs/personal-data.md lists every place a number can be and which eraser reaches it.
"""

from collections.abc import Callable

from django.db import transaction

# eraser(phone: str, *, user_id: int | None = None) -> int
PhoneEraser = Callable[..., int]
_erasers: list[PhoneEraser] = []


def register_phone_eraser(eraser: PhoneEraser) -> PhoneEraser:
    """Add an eraser (once, however often it is registered); usable as a decorator."""
    if eraser not in _erasers:
        _erasers.append(eraser)
    return eraser


def phone_erasers() -> tuple[PhoneEraser, ...]:
    """The registered erasers, in registration order (the apps' order in INSTALLED_APPS)."""
    return tuple(_erasers)


def phone_erase_everywhere(phone: str, *, user_id: int | None = None) -> dict[str, int]:
    """Run every registered eraser for `phone` (E.164) and the account `user_id`, in one transaction.

    Returns the rows each eraser changed or deleted, by the eraser's qualified name (counts only: safe
    to put in an audit event). Neither a number nor an account: nothing is erased.
    """
    if not phone and user_id is None:
        return {}
    counts: dict[str, int] = {}
    with transaction.atomic():
        for eraser in _erasers:
            name = f"{eraser.__module__}.{getattr(eraser, '__qualname__', repr(eraser))}"
            counts[name] = int(eraser(phone, user_id=user_id) or 0)
    return counts
