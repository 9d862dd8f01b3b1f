"""Pages of the accounts app: sign-in by SMS code, staff sign-in with TOTP, profile, personal data."""

import base64
import json
import time

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from phonenumber_field.phonenumber import PhoneNumber

from palabre.accounts import forms, queries, services
from palabre.accounts.models import User
from palabre.accounts.phone import national_format
from palabre.core.http import client_ip, posted

OTP_PHONE_KEY = "accounts_otp_phone"
NEXT_KEY = "accounts_next"
STAFF_PENDING_KEY = "accounts_staff_pending"
STAFF_PENDING_SECONDS = 600
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _remember_next(request: HttpRequest) -> None:
    target = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[NEXT_KEY] = target


def _next_url(request: HttpRequest, default: str) -> str:
    return request.session.pop(NEXT_KEY, "") or resolve_url(default)


def _send_code(request: HttpRequest, phone) -> str | None:
    """Send a code; the message to show if the limits refuse it."""
    try:
        services.otp_request(phone=phone, ip=client_ip(request), language=get_language())
    except services.OtpRateLimited as refusal:
        return refusal.message
    request.session[OTP_PHONE_KEY] = phone.as_e164
    return None


def login_view(request: HttpRequest) -> HttpResponse:
    _remember_next(request)
    form = forms.PhoneForm(posted(request))
    if form.is_valid():
        refusal = _send_code(request, form.cleaned_data["phone"])
        if refusal is None:
            if form.conversion_notice():
                messages.info(request, form.conversion_notice())
            return redirect("accounts:verify")
        form.add_error("phone", refusal)
        return render(request, "accounts/login.html", {"form": form}, status=429)
    return render(request, "accounts/login.html", {"form": form})


def _otp_phone(request: HttpRequest):
    e164 = request.session.get(OTP_PHONE_KEY)
    return PhoneNumber.from_string(e164) if e164 else None


def verify_view(request: HttpRequest) -> HttpResponse:
    phone = _otp_phone(request)
    if phone is None:
        return redirect("accounts:login")
    form = forms.CodeForm(posted(request))
    if form.is_valid():
        try:
            user = services.otp_verify(phone=phone, code=form.cleaned_data["code"], language=get_language())
        except services.OtpRejected as rejection:
            form.add_error("code", rejection.message)
        else:
            request.session.pop(OTP_PHONE_KEY)
            target = _next_url(request, settings.LOGIN_REDIRECT_URL)
            login(request, user, backend=MODEL_BACKEND)
            return redirect(target)
    return render(request, "accounts/verify.html", {"form": form, "phone": national_format(phone)})


@require_POST
def resend_view(request: HttpRequest) -> HttpResponse:
    phone = _otp_phone(request)
    if phone is None:
        return redirect("accounts:login")
    refusal = _send_code(request, phone)
    if refusal:
        messages.error(request, refusal)
    else:
        messages.success(request, _("Un nouveau code vous a été envoyé."))
    return redirect("accounts:verify")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("territory:national_home")


def staff_login_view(request: HttpRequest) -> HttpResponse:
    _remember_next(request)
    form = forms.StaffLoginForm(posted(request), request=request)
    if form.is_valid():
        request.session[STAFF_PENDING_KEY] = {"user_id": form.user.pk, "since": time.time()}
        return redirect("accounts:staff_verify")
    return render(request, "accounts/staff_login.html", {"form": form})


def _pending_staff(request: HttpRequest) -> User | None:
    """The staff member who gave the right password in the last minutes, awaiting the second factor."""
    pending = request.session.get(STAFF_PENDING_KEY) or {}
    if time.time() - pending.get("since", 0) > STAFF_PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending.get("user_id"), is_active=True).first()


def _staff_home_url(user: User) -> str:
    membership = user.memberships.exclude(commune=None).select_related("commune").order_by("pk").first()
    if membership:
        return reverse("commune_staff:home", kwargs={"commune_slug": membership.commune.slug})
    if user.is_superuser:
        return reverse("admin:index")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _complete_staff_login(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    request.session.pop(STAFF_PENDING_KEY, None)
    target = _next_url(request, _staff_home_url(user))
    login(request, user, backend=MODEL_BACKEND)
    otp_login(request, device)
    return redirect(target)


def staff_verify_view(request: HttpRequest) -> HttpResponse:
    user = _pending_staff(request)
    if user is None:
        return redirect("accounts:staff_login")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("accounts:staff_enrol")
    form = forms.TokenForm(posted(request), device=device)
    if form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            return _complete_staff_login(request, user, device)
        form.add_error("token", _("Ce code n'est pas le bon. Saisissez le code affiché maintenant."))
    return render(request, "accounts/staff_verify.html", {"form": form})


def _secret_text(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def staff_enrol_view(request: HttpRequest) -> HttpResponse:
    user = _pending_staff(request)
    if user is None:
        return redirect("accounts:staff_login")
    if queries.has_confirmed_totp(user):
        return redirect("accounts:staff_verify")
    device = services.totp_device_for_enrolment(user=user)
    form = forms.TokenForm(posted(request), device=device)
    if form.is_valid():
        if services.totp_device_confirm(device=device, token=form.cleaned_data["token"], by=user):
            return _complete_staff_login(request, user, device)
        form.add_error("token", _("Ce code n'est pas le bon. Vérifiez l'heure du téléphone et réessayez."))
    context = {
        "form": form,
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("Code QR à scanner")),
        "secret": _secret_text(device),
    }
    return render(request, "accounts/staff_enrol.html", context)


@login_required
def staff_password_view(request: HttpRequest) -> HttpResponse:
    """First sign-in of a new staff member (by SMS code): they choose their password here."""
    user = request.user
    if not queries.needs_staff_password(user):
        raise Http404
    form = SetPasswordForm(user, posted(request))
    if form.is_valid():
        services.password_set(user=user, password=form.cleaned_data["new_password1"], by=user)
        logout(request)
        messages.success(
            request, _("Mot de passe enregistré. Connectez-vous avec votre numéro et ce mot de passe.")
        )
        return redirect("accounts:staff_login")
    return render(request, "accounts/staff_password.html", {"form": form})


def _profile_form(request: HttpRequest, user: User) -> forms.ProfileForm:
    """The profile form; "show villages" re-displays what was chosen with that arrondissement's villages."""
    if request.method != "POST":
        return forms.ProfileForm(initial=_profile_initial(user))
    if "show_villages" in request.POST:
        return forms.ProfileForm(initial=request.POST.dict())
    return forms.ProfileForm(request.POST)


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = _profile_form(request, user)
    if form.is_bound and form.is_valid():
        services.profile_update(
            user=user,
            display_name=form.cleaned_data["display_name"],
            profile=form.profile(),
            consent=form.cleaned_data["consent"],
            by=user,
        )
        messages.success(request, _("Votre profil est enregistré."))
        return redirect("accounts:profile")
    context = {
        "form": form,
        "memberships": queries.user_memberships(user),
        "can_set_staff_password": queries.needs_staff_password(user),
    }
    return render(request, "accounts/profile.html", context)


def _profile_initial(user: User) -> dict:
    return {
        "display_name": user.display_name,
        "gender": user.gender,
        "birth_year": user.birth_year,
        "arrondissement": user.arrondissement_id,
        "village": user.village_id,
        "consent": user.has_profile_consent,
    }


@never_cache
@login_required
def my_data_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/my_data.html", {"data": queries.personal_data(request.user)})


@never_cache
@login_required
def my_data_download_view(request: HttpRequest) -> HttpResponse:
    body = json.dumps(queries.personal_data(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="palabre-mes-donnees.json"'
    return response


@login_required
def delete_view(request: HttpRequest) -> HttpResponse:
    form = forms.DeleteAccountForm(posted(request))
    if form.is_valid():
        services.account_delete(user=request.user, by=request.user)
        logout(request)
        messages.success(request, _("Votre compte et vos données personnelles ont été supprimés."))
        return redirect("territory:national_home")
    return render(request, "accounts/delete.html", {"form": form})
