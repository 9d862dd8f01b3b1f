"""A commune's complaint settings: its categories (routing and deadlines) and their response templates.

Only the commune's administrators change them (`by` is checked). A category is never deleted, since
complaints refer to it: it is deactivated (no longer offered to residents) and can be reactivated.
A sensitive category's service head and default assignee must be focal points. Every change is audited;
audit data holds codes, ids and field names only, never a name or a phone.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import Membership, Role, User
from palabre.core.services import audit_record
from palabre.grievances.models import DEFAULT_NAMES, Category, ResponseTemplate
from palabre.grievances.permissions import HANDLER_ROLES, SENSITIVE_ROLES
from palabre.territory.models import Commune

MAX_ACK_DAYS = 30
MAX_RESOLVE_DAYS = 250
MAX_POSITION = 999
NAME_LENGTH = 120
TEMPLATE_BODY_LENGTH = 2000
CODE_LENGTH = 40
# Adds one message to a field's errors (_clean_category gives it to each check).
ErrorAdder = Callable[[str, str | Promise], None]
# The fields an administrator sets on a category, in the order of the form.
CATEGORY_FIELDS = (
    "name",
    "description",
    "is_sensitive",
    "ack_working_days",
    "resolve_working_days",
    "responsible_service",
    "head",
    "default_assignee",
    "is_active",
    "position",
)


def check_may_configure(commune_id: int, by: User | None) -> None:
    """`by` must be an administrator of the commune."""
    is_admin = (
        by is not None
        and Membership.objects.filter(user=by, commune_id=commune_id, role=Role.COMMUNE_ADMIN).exists()
    )
    if not is_admin:
        raise PermissionDenied(
            _("Seul l'administrateur de la commune peut modifier les réglages des plaintes.")
        )


# --- Categories -----------------------------------------------------------------------------------------


def category_add(
    *,
    commune: Commune,
    name: str,
    description: str = "",
    is_sensitive: bool = False,
    ack_working_days: int = 2,
    resolve_working_days: int = 15,
    responsible_service: str = "",
    head: User | None = None,
    default_assignee: User | None = None,
    position: int | None = None,
    by: User,
) -> Category:
    """A commune-specific category, active, with a code made from its name (`eclairage-du-marche`)."""
    with transaction.atomic():
        check_may_configure(commune.pk, by)
        if position is None:
            position = _next_category_position(commune)
        values = _clean_category(
            commune,
            {
                "name": name,
                "description": description,
                "is_sensitive": is_sensitive,
                "ack_working_days": ack_working_days,
                "resolve_working_days": resolve_working_days,
                "responsible_service": responsible_service,
                "head": head,
                "default_assignee": default_assignee,
                "is_active": True,
                "position": position,
            },
        )
        category = Category.objects.create(
            commune=commune, code=_free_code(commune, values["name"]), **values
        )
        audit_record(
            action="grievances.category_added",
            actor_id=by.pk,
            commune_id=commune.pk,
            target=category,
            data={"code": category.code, "is_sensitive": category.is_sensitive},
        )
    return category


def category_update(
    *,
    category: Category,
    name: str,
    description: str = "",
    is_sensitive: bool,
    ack_working_days: int,
    resolve_working_days: int,
    responsible_service: str = "",
    head: User | None = None,
    default_assignee: User | None = None,
    is_active: bool = True,
    position: int,
    by: User,
) -> Category:
    """Change a category's settings. Complaints already filed keep the sensitivity and deadlines they
    were filed with. Nothing is recorded when nothing changed."""
    with transaction.atomic():
        check_may_configure(category.commune_id, by)
        category = Category.objects.select_for_update().select_related("commune").get(pk=category.pk)
        values = _clean_category(
            category.commune,
            {
                "name": name,
                "description": description,
                "is_sensitive": is_sensitive,
                "ack_working_days": ack_working_days,
                "resolve_working_days": resolve_working_days,
                "responsible_service": responsible_service,
                "head": head,
                "default_assignee": default_assignee,
                "is_active": is_active,
                "position": position,
            },
            category=category,
        )
        changed = [field for field in CATEGORY_FIELDS if getattr(category, field) != values[field]]
        if not changed:
            return category
        for field in changed:
            setattr(category, field, values[field])
        category.save(update_fields=changed)
        _audit_category(category, "category_updated", by, changed=changed)
    return category


def category_set_active(*, category: Category, is_active: bool, by: User) -> Category:
    """Deactivate a category (residents can no longer choose it; its complaints stay) or reactivate it."""
    with transaction.atomic():
        check_may_configure(category.commune_id, by)
        category = Category.objects.select_for_update().get(pk=category.pk)
        if category.is_active == is_active:
            return category
        if not is_active:
            _check_another_active(category)
        category.is_active = is_active
        category.save(update_fields=["is_active"])
        _audit_category(category, "category_reactivated" if is_active else "category_deactivated", by)
    return category


def _audit_category(category: Category, action: str, by: User, **data: object) -> None:
    audit_record(
        action=f"grievances.{action}",
        actor_id=by.pk,
        commune_id=category.commune_id,
        target=category,
        data={"code": category.code, **data},
    )


def _clean_category(
    commune: Commune, values: dict[str, Any], *, category: Category | None = None
) -> dict[str, Any]:
    """The values trimmed and checked; every problem at once, as a ValidationError keyed by field."""
    values = values | {
        "name": (values["name"] or "").strip(),
        "description": (values["description"] or "").strip(),
        "responsible_service": (values["responsible_service"] or "").strip(),
    }
    errors: dict[str, list[str | Promise]] = {}

    def error(field: str, message: str | Promise) -> None:
        errors.setdefault(field, []).append(message)

    _check_name(commune, values["name"], category, error)
    if len(values["responsible_service"]) > NAME_LENGTH:
        error("responsible_service", _("Le nom du service ne doit pas dépasser 120 caractères."))
    _check_deadlines(values["ack_working_days"], values["resolve_working_days"], error)
    _check_routing(commune, values, error)
    if not 0 <= values["position"] <= MAX_POSITION:
        error("position", _("L'ordre est un nombre entre 0 et 999."))
    if category is not None and category.is_active and not values["is_active"]:
        try:
            _check_another_active(category)
        except ValidationError as problem:
            error("is_active", problem.messages[0])
    if errors:
        raise ValidationError(errors)
    return values


def _check_name(commune: Commune, name: str, category: Category | None, error: ErrorAdder) -> None:
    if not name:
        error("name", _("Donnez un nom à la catégorie."))
        return
    if len(name) > NAME_LENGTH:
        error("name", _("Le nom ne doit pas dépasser 120 caractères."))
    others = Category.objects.filter(commune=commune)
    if category is not None:
        others = others.exclude(pk=category.pk)
    if _same_text_in(others.values_list("name", flat=True), name):
        error("name", _("La commune a déjà une catégorie « %(name)s ».") % {"name": name})


def _check_deadlines(ack_days: int, resolve_days: int, error: ErrorAdder) -> None:
    if not 1 <= ack_days <= MAX_ACK_DAYS:
        error(
            "ack_working_days",
            _("Le délai d'accusé de réception est compris entre 1 et %(max)s jours ouvrés.")
            % {"max": MAX_ACK_DAYS},
        )
    if not 1 <= resolve_days <= MAX_RESOLVE_DAYS:
        error(
            "resolve_working_days",
            _("Le délai de résolution est compris entre 1 et %(max)s jours ouvrés.")
            % {"max": MAX_RESOLVE_DAYS},
        )
    elif resolve_days < ack_days:
        error(
            "resolve_working_days",
            _("Le délai de résolution ne peut pas être plus court que le délai d'accusé de réception."),
        )


def _check_routing(commune: Commune, values: dict[str, Any], error: ErrorAdder) -> None:
    """The service head and the default assignee handle the commune's complaints (focal points only
    for a sensitive category)."""
    people = {field: values[field] for field in ("head", "default_assignee") if values[field] is not None}
    if not people:
        return
    sensitive = values["is_sensitive"]
    allowed = set(
        Membership.objects.filter(
            commune=commune,
            role__in=SENSITIVE_ROLES if sensitive else HANDLER_ROLES,
            user_id__in=[person.pk for person in people.values()],
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )
    message = (
        _("Pour une catégorie sensible, choisissez un point focal des plaintes sensibles.")
        if sensitive
        else _("Choisissez une personne qui traite les plaintes de la commune.")
    )
    for field, person in people.items():
        if person.pk not in allowed:
            error(field, message)


def _check_another_active(category: Category) -> None:
    others = Category.objects.filter(commune_id=category.commune_id, is_active=True).exclude(pk=category.pk)
    if not others.exists():
        raise ValidationError(
            {
                "is_active": _(
                    "La commune doit garder au moins une catégorie active, sinon personne ne peut déposer "
                    "de plainte."
                )
            }
        )


def _next_category_position(commune: Commune) -> int:
    highest = Category.objects.filter(commune=commune).aggregate(highest=Max("position"))["highest"]
    return min((highest or 0) + 1, MAX_POSITION)


def _free_code(commune: Commune, name: str) -> str:
    """A code from the name, free in the commune and never a default's code (the defaults are created by
    code, so a commune's own category must not take one)."""
    base = (slugify(name) or "categorie")[:CODE_LENGTH].strip("-")
    taken = set(
        Category.objects.filter(commune=commune, code__startswith=base).values_list("code", flat=True)
    )
    taken |= set(DEFAULT_NAMES)
    code, number = base, 1
    while code in taken:
        number += 1
        suffix = f"-{number}"
        code = base[: CODE_LENGTH - len(suffix)] + suffix
    return code


# --- Response templates ---------------------------------------------------------------------------------


def response_template_save(
    *,
    category: Category,
    title: str,
    body: str,
    template: ResponseTemplate | None = None,
    by: User,
) -> ResponseTemplate:
    """Add a response template to the category (last in the list), or change one of its templates."""
    with transaction.atomic():
        check_may_configure(category.commune_id, by)
        if template is not None and template.category_id != category.pk:
            raise PermissionDenied(_("Ce modèle de réponse n'appartient pas à cette catégorie."))
        title, body = _clean_template(category, title, body, template)
        created = template is None
        if template is None:
            template = ResponseTemplate.objects.create(
                category=category, title=title, body=body, position=_next_template_position(category)
            )
        else:
            template.title, template.body = title, body
            template.save(update_fields=["title", "body"])
        audit_record(
            action="grievances.response_template_added"
            if created
            else "grievances.response_template_changed",
            actor_id=by.pk,
            commune_id=category.commune_id,
            target=template,
            data={"category": category.code},
        )
    return template


def response_template_delete(*, template: ResponseTemplate, by: User) -> None:
    """Delete a response template (complaints keep the answers already written from it)."""
    with transaction.atomic():
        category = template.category
        check_may_configure(category.commune_id, by)
        template_id = template.pk
        template.delete()
        audit_record(
            action="grievances.response_template_deleted",
            actor_id=by.pk,
            commune_id=category.commune_id,
            target=category,
            data={"category": category.code, "template_id": template_id},
        )


def _clean_template(
    category: Category, title: str, body: str, template: ResponseTemplate | None
) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    errors: dict[str, list] = {}
    if not title:
        errors["title"] = [_("Donnez un titre au modèle.")]
    elif len(title) > NAME_LENGTH:
        errors["title"] = [_("Le titre ne doit pas dépasser 120 caractères.")]
    elif _template_title_taken(category, title, template):
        errors["title"] = [_("Cette catégorie a déjà un modèle « %(title)s ».") % {"title": title}]
    if not body:
        errors["body"] = [_("Écrivez le texte de la réponse.")]
    elif len(body) > TEMPLATE_BODY_LENGTH:
        errors["body"] = [_("Le texte ne doit pas dépasser 2 000 caractères.")]
    if errors:
        raise ValidationError(errors)
    return title, body


def _template_title_taken(category: Category, title: str, template: ResponseTemplate | None) -> bool:
    others = ResponseTemplate.objects.filter(category=category)
    if template is not None:
        others = others.exclude(pk=template.pk)
    return _same_text_in(others.values_list("title", flat=True), title)


def _same_text_in(texts: Iterable[str], text: str) -> bool:
    """Whether `text` is among `texts`, ignoring case (in Python: SQLite folds ASCII letters only)."""
    folded = text.casefold()
    return any(other.casefold() == folded for other in texts)


def _next_template_position(category: Category) -> int:
    highest = ResponseTemplate.objects.filter(category=category).aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1
