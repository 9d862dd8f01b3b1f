"""The one way a model names a place: `arrondissement_field()` and `village_field()`.

Every app that records where something happens (a resident's profile, a USSD caller, an SMS subscription, a
complaint, a budget envelope, an idea, a voter record) declares its arrondissement and village with these
factories, so the rule for a vanishing place is written once:

**on_delete=PROTECT.** Arrondissements and villages are reference data from the census (loaded by
`territory_load`, never deleted in normal use). A complaint, a budget idea or a voter record must keep the
place it was filed with: SET_NULL would silently rewrite history (a complaint would lose its village, a
ballot's voter record its arrondissement, and the inclusion statistics would shift), CASCADE would erase
citizens' records. PROTECT makes the rare deliberate removal of a place an explicit job: move or close what
refers to it first. A place stays optional (null and blank), and no reverse accessor is added on the
territory models (`related_name="+"`): territory does not know who points at it.
"""

from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from palabre.territory.models import Arrondissement, Village

ON_DELETE = models.PROTECT


def _place_field(to: str, verbose_name: Any, options: dict[str, Any]) -> Any:
    if "on_delete" in options:
        raise TypeError("A place field's on_delete is the territory's rule (PROTECT), not the caller's.")
    defaults: dict[str, Any] = {
        "verbose_name": verbose_name,
        "null": True,
        "blank": True,
        "related_name": "+",
    }
    return models.ForeignKey(to, on_delete=ON_DELETE, **(defaults | options))


def arrondissement_field(**options: Any) -> "models.ForeignKey[Arrondissement | None, Arrondissement | None]":
    """An optional foreign key to an arrondissement, protected (see the module's docstring). `options` are
    ForeignKey options (help_text, verbose_name, ...), never on_delete."""
    return _place_field("territory.Arrondissement", _("arrondissement"), options)


def village_field(**options: Any) -> "models.ForeignKey[Village | None, Village | None]":
    """An optional foreign key to a village or quartier, protected (see the module's docstring)."""
    return _place_field("territory.Village", _("village ou quartier"), options)
