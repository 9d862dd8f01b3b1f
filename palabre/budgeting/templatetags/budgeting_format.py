"""{% load budgeting_format %} then {{ amount|fcfa }}: amounts in FCFA with thin-space thousands."""

from django import template

from palabre.budgeting.queries.cycles import money

register = template.Library()


@register.filter
def fcfa(amount) -> str:
    """10000000 -> "10 000 000" (no unit: templates write "FCFA" in the sentence); "" for no amount."""
    return "" if amount is None or amount == "" else money(int(amount))
