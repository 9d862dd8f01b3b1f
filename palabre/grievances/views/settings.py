"""The commune's complaint settings under gestion/reglages/: categories (routing, deadlines) and their
response templates. Administrators change them, the secretary general reads them, anyone else gets 404
(the access helpers); every change is one service call, which checks the role again and audits it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.core.http import posted
from palabre.core.pages import add_service_error
from palabre.grievances import forms, queries, services
from palabre.grievances.permissions import (
    access_complaint_settings,
    access_settings_category,
    access_settings_template,
)
from palabre.territory.models import Commune


def _people_choices(commune: Commune) -> dict:
    return {
        "officers": queries.commune_handlers(commune, sensitive=False),
        "focal_point_ids": set(queries.focal_points(commune).values_list("pk", flat=True)),
    }


def category_list(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune, may_edit = access_complaint_settings(request, commune_slug)
    context = {"commune": commune, "may_edit": may_edit, "categories": queries.settings_categories(commune)}
    return render(request, "grievances/settings_categories.html", context)


def category_add(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune, _may_edit = access_complaint_settings(request, commune_slug, edit=True)
    form = forms.CategoryAddForm(posted(request), **_people_choices(commune))
    if form.is_valid():
        try:
            category = services.category_add(commune=commune, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("La catégorie « %(name)s » a été ajoutée.") % {"name": category.name})
            return redirect("grievances:settings", commune_slug)
    context = {"commune": commune, "form": form, "category": None}
    return render(
        request, "grievances/settings_category_form.html", context, status=400 if form.errors else 200
    )


def category_edit(request: HttpRequest, commune_slug: str, pk: int) -> HttpResponse:
    category, _may_edit = access_settings_category(request, commune_slug, pk, edit=True)
    form = forms.CategoryForm(
        posted(request),
        initial=forms.CategoryForm.initial_from(category),
        **_people_choices(category.commune),
    )
    if form.is_valid():
        try:
            services.category_update(category=category, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("C'est enregistré."))
            return redirect("grievances:settings", commune_slug)
    context = {"commune": category.commune, "form": form, "category": category}
    return render(
        request, "grievances/settings_category_form.html", context, status=400 if form.errors else 200
    )


@require_POST
def category_set_active(request: HttpRequest, commune_slug: str, pk: int, active: bool) -> HttpResponse:
    category, _may_edit = access_settings_category(request, commune_slug, pk, edit=True)
    try:
        services.category_set_active(category=category, is_active=active, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        done = (
            _("La catégorie « %(name)s » est de nouveau proposée.")
            if active
            else _(
                "La catégorie « %(name)s » est désactivée : elle n'est plus proposée, ses plaintes restent."
            )
        )
        messages.success(request, done % {"name": category.name})
    return redirect("grievances:settings", commune_slug)


def templates(request: HttpRequest, commune_slug: str, pk: int) -> HttpResponse:
    """A category's response templates, and (for administrators) the form to add one."""
    category, may_edit = access_settings_category(request, commune_slug, pk, edit=request.method == "POST")
    form = forms.ResponseTemplateForm(posted(request)) if may_edit else None
    if form is not None and form.is_valid():
        try:
            services.response_template_save(category=category, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Le modèle de réponse a été ajouté."))
            return redirect("grievances:templates", commune_slug, category.pk)
    context = {
        "commune": category.commune,
        "category": category,
        "may_edit": may_edit,
        "templates": queries.response_templates(category),
        "form": form,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "grievances/settings_templates.html", context, status=status)


def template_edit(request: HttpRequest, commune_slug: str, pk: int, template_pk: int) -> HttpResponse:
    template = access_settings_template(request, commune_slug, pk, template_pk)
    form = forms.ResponseTemplateForm(
        posted(request), initial={"title": template.title, "body": template.body}
    )
    if form.is_valid():
        try:
            services.response_template_save(
                category=template.category, template=template, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("C'est enregistré."))
            return redirect("grievances:templates", commune_slug, pk)
    context = {
        "commune": template.category.commune,
        "category": template.category,
        "template": template,
        "form": form,
    }
    return render(
        request, "grievances/settings_template_form.html", context, status=400 if form.errors else 200
    )


@require_POST
def template_delete(request: HttpRequest, commune_slug: str, pk: int, template_pk: int) -> HttpResponse:
    template = access_settings_template(request, commune_slug, pk, template_pk)
    services.response_template_delete(template=template, by=request.user)
    messages.success(request, _("Le modèle « %(title)s » a été supprimé.") % {"title": template.title})
    return redirect("grievances:templates", commune_slug, pk)
