"""The commune staff space: who works on Palabre for the commune, and (for its administrators) who may."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palabre.accounts import forms, queries, services
from palabre.accounts.models import Role
from palabre.accounts.permissions import access_commune_member, access_commune_staff
from palabre.core import staff_tools
from palabre.core.http import posted


def home_view(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune, membership = access_commune_staff(request, commune_slug)
    context = {
        "commune": commune,
        "membership": membership,
        "staff": queries.commune_staff(commune),
        "is_admin": queries.is_commune_admin(request.user, commune),
        "tools": staff_tools.tools_for(commune, queries.user_roles_in(request.user, commune)),
    }
    return render(request, "accounts/commune_staff_home.html", context)


def members_view(request: HttpRequest, commune_slug: str) -> HttpResponse:
    commune, _membership = access_commune_staff(request, commune_slug, roles=[Role.COMMUNE_ADMIN])
    form = forms.MemberAddForm(posted(request))
    if form.is_valid():
        try:
            services.membership_add(
                commune=commune,
                phone=form.cleaned_data["phone"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("La personne a été ajoutée. Elle a été prévenue par SMS."))
            return redirect("commune_staff:members", commune_slug=commune.slug)
    context = {"commune": commune, "form": form, "staff": queries.commune_staff(commune)}
    return render(request, "accounts/membership_list.html", context)


@require_POST
def member_remove_view(request: HttpRequest, commune_slug: str, pk: int) -> HttpResponse:
    commune, membership = access_commune_member(request, commune_slug, pk)
    try:
        services.membership_remove(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Le rôle a été retiré."))
    return redirect("commune_staff:members", commune_slug=commune.slug)
