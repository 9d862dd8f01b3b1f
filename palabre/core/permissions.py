"""The one error of every app's `access_<thing>(*, actor, commune, id)` helpers.

An access helper returns the object, or raises `NotFound` on ANY mismatch (unknown id, another commune's
object, a role that may not see it), so nobody learns what exists. It subclasses `Http404`, so a web view
lets it through and Django answers 404; a USSD, SMS or voice adapter catches it and says so in its own words.
"""

from django.http import Http404


class NotFound(Http404):
    """Nothing here for this actor: unknown, of another commune, or not theirs to see (all alike)."""
