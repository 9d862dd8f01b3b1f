import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from palabre.accounts import services
from palabre.accounts.models import Membership, OneTimeCode, Role, User
from palabre.accounts.tests.conftest import totp_now
from palabre.accounts.tests.factories import STAFF_PASSWORD, MembershipFactory, TOTPDeviceFactory, UserFactory
from palabre.core.models import AuditEvent, OutboundMessage, ParticipationAct
from palabre.core.services import participation_record
from palabre.territory.tests.factories import ArrondissementFactory, VillageFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")


def last_code() -> str:
    body = OutboundMessage.objects.filter(kind="otp").order_by("-pk").first().body
    return re.search(r"\b(\d{6})\b", body).group(1)


def wrong_code() -> str:
    return "000000" if last_code() != "000000" else "111111"


class TestCitizenLogin:
    def test_sign_up_end_to_end(self, client):
        response = client.post(LOGIN, {"phone": "01 97 12 34 56"})
        assert response.status_code == 302
        assert response.url == VERIFY
        page = client.get(VERIFY)
        assert "01 97 12 34 56" in page.content.decode()
        response = client.post(VERIFY, {"code": last_code()})
        assert response.status_code == 302
        assert response.url == reverse("territory:national_home")
        user = User.objects.get(phone="+2290197123456")
        assert client.session["_auth_user_id"] == str(user.pk)

    def test_login_goes_back_to_next(self, client):
        client.post(f"{LOGIN}?next=/compte/profil/", {"phone": "0197123456"})
        response = client.post(VERIFY, {"code": last_code()})
        assert response.url == "/compte/profil/"

    def test_next_to_another_site_is_ignored(self, client):
        client.post(f"{LOGIN}?next=https://evil.example/", {"phone": "0197123456"})
        response = client.post(VERIFY, {"code": last_code()})
        assert response.url == reverse("territory:national_home")

    def test_old_eight_digit_number_is_converted_and_explained(self, client):
        response = client.post(LOGIN, {"phone": "97 12 34 56"}, follow=True)
        assert "Nous avons converti votre ancien numéro en 01 97 12 34 56." in response.content.decode()
        assert OutboundMessage.objects.get().to == "+2290197123456"

    def test_wrong_number_keeps_what_was_typed_and_explains(self, client):
        response = client.post(LOGIN, {"phone": "12 34"})
        page = response.content.decode()
        assert response.status_code == 200
        assert 'value="12 34"' in page
        assert "10 chiffres" in page
        assert not OutboundMessage.objects.exists()

    def test_no_enumeration_known_and_unknown_numbers_answer_the_same(self, client):
        UserFactory(phone="+2290197123456")
        known = client.post(LOGIN, {"phone": "0197123456"})
        unknown = self._fresh_client_post({"phone": "0196999999"})
        assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
        assert OutboundMessage.objects.filter(kind="otp").count() == 2

    @staticmethod
    def _fresh_client_post(data):
        from django.test import Client

        return Client().post(LOGIN, data)

    def test_wrong_code_is_refused_next_to_the_field(self, client):
        client.post(LOGIN, {"phone": "0197123456"})
        response = client.post(VERIFY, {"code": wrong_code()})
        assert response.status_code == 200
        assert "Ce code n&#x27;est pas le bon" in response.content.decode()
        assert "_auth_user_id" not in client.session
        assert not User.objects.exists()

    def test_code_must_have_six_digits(self, client):
        client.post(LOGIN, {"phone": "0197123456"})
        response = client.post(VERIFY, {"code": "12ab"})
        assert "Le code a 6 chiffres." in response.content.decode()
        assert OneTimeCode.objects.get().attempts == 0

    def test_expired_code_is_refused(self, client, monkeypatch):
        client.post(LOGIN, {"phone": "0197123456"})
        later = timezone.now() + datetime.timedelta(minutes=6)
        monkeypatch.setattr(timezone, "now", lambda: later)
        response = client.post(VERIFY, {"code": last_code()})
        assert "Ce code a expiré" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_attempts_exhausted(self, client, settings):
        settings.OTP_MAX_ATTEMPTS = 3
        client.post(LOGIN, {"phone": "0197123456"})
        for _ in range(3):
            client.post(VERIFY, {"code": wrong_code()})
        response = client.post(VERIFY, {"code": last_code()})
        assert "Trop d&#x27;essais avec ce code" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_resend_sends_a_new_code(self, client):
        client.post(LOGIN, {"phone": "0197123456"})
        response = client.post(reverse("accounts:resend"), follow=True)
        assert "Un nouveau code vous a été envoyé." in response.content.decode()
        assert OutboundMessage.objects.filter(kind="otp").count() == 2

    def test_resend_limit_per_number_says_when_to_retry(self, client, settings):
        settings.OTP_MAX_SENDS_PER_NUMBER_PER_HOUR = 2
        client.post(LOGIN, {"phone": "0197123456"})
        client.post(reverse("accounts:resend"))
        response = client.post(reverse("accounts:resend"), follow=True)
        assert "Trop de codes ont été demandés. Réessayez dans 60 minutes." in response.content.decode()
        assert OutboundMessage.objects.filter(kind="otp").count() == 2

    def test_login_limit_per_number_answers_429_with_the_message(self, client, settings):
        settings.OTP_MAX_SENDS_PER_NUMBER_PER_HOUR = 1
        client.post(LOGIN, {"phone": "0197123456"})
        response = client.post(LOGIN, {"phone": "0197123456"})
        assert response.status_code == 429
        assert "Réessayez dans 60 minutes" in response.content.decode()

    def test_limit_per_ip_across_numbers(self, client, settings):
        settings.OTP_MAX_SENDS_PER_IP_PER_HOUR = 2
        for number in ("0196000001", "0196000002"):
            assert client.post(LOGIN, {"phone": number}).status_code == 302
        response = client.post(LOGIN, {"phone": "0196000003"})
        assert response.status_code == 429
        assert "Trop de codes ont été demandés" in response.content.decode()
        other_ip = client.post(LOGIN, {"phone": "0196000003"}, REMOTE_ADDR="197.234.1.2")
        assert other_ip.status_code == 302

    def test_rate_limit_answers_the_same_for_known_and_unknown_numbers(self, client, settings):
        settings.OTP_MAX_SENDS_PER_NUMBER_PER_HOUR = 1
        UserFactory(phone="+2290197123456")
        for number in ("0197123456", "0196999999"):
            client.post(LOGIN, {"phone": number}, REMOTE_ADDR=f"10.0.0.{number[-1]}")
        known = client.post(LOGIN, {"phone": "0197123456"}, REMOTE_ADDR="10.0.1.1")
        unknown = client.post(LOGIN, {"phone": "0196999999"}, REMOTE_ADDR="10.0.1.2")
        assert known.status_code == unknown.status_code == 429

    def test_verify_without_a_number_goes_back_to_login(self, client):
        assert client.get(VERIFY).url == LOGIN
        assert client.post(reverse("accounts:resend")).url == LOGIN

    def test_logout_needs_post(self, client):
        client.force_login(UserFactory())
        assert client.get(reverse("accounts:logout")).status_code == 405
        client.post(reverse("accounts:logout"))
        assert "_auth_user_id" not in client.session

    def test_sms_follows_the_page_language(self, client):
        client.post(LOGIN, {"phone": "0197123456"}, HTTP_ACCEPT_LANGUAGE="en")
        body = OutboundMessage.objects.get().body
        assert re.search(r"\d{6}", body)


class TestStaffLogin:
    def _password_step(self, client, phone, password=STAFF_PASSWORD):
        return client.post(reverse("accounts:staff_login"), {"phone": phone, "password": password})

    def test_password_then_totp(self, client, bohicon, staff_in):
        membership = staff_in(bohicon, Role.COMPLAINTS_OFFICER)
        user = membership.user
        response = self._password_step(client, user.phone.as_national)
        assert response.url == reverse("accounts:staff_verify")
        assert "_auth_user_id" not in client.session
        device = user.totpdevice_set.get()
        response = client.post(reverse("accounts:staff_verify"), {"token": totp_now(device)})
        assert response.url == reverse("commune_staff:home", kwargs={"commune_slug": "bohicon"})
        assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
        assert client.get(response.url).status_code == 200

    def test_wrong_password_is_refused(self, client, bohicon, staff_in):
        user = staff_in(bohicon, Role.MAYOR).user
        response = self._password_step(client, user.phone.as_e164, password="pas-le-bon-mot")
        assert "Numéro ou mot de passe incorrect." in response.content.decode()
        assert client.get(reverse("accounts:staff_verify")).url == reverse("accounts:staff_login")

    def test_password_guessing_is_slowed_down_even_with_the_right_password(self, client, bohicon, staff_in):
        user = staff_in(bohicon, Role.MAYOR).user
        for _ in range(services.STAFF_PASSWORD_TRIES):
            self._password_step(client, user.phone.as_e164, password="pas-le-bon-mot")
        response = self._password_step(client, user.phone.as_e164)
        assert "essais de mot de passe. Réessayez dans 60 minutes." in response.content.decode()
        assert client.get(reverse("accounts:staff_verify")).url == reverse("accounts:staff_login")

    def test_failures_from_one_connection_are_counted_across_numbers(
        self, client, bohicon, staff_in, settings
    ):
        user = staff_in(bohicon, Role.MAYOR).user
        for n in range(services.STAFF_IP_TRIES):
            self._password_step(client, f"+22901970{n:05d}", password="pas-le-bon-mot")
        response = self._password_step(client, user.phone.as_e164)
        assert "essais de mot de passe." in response.content.decode()

    def test_citizen_without_password_is_refused(self, client):
        user = UserFactory()
        response = self._password_step(client, user.phone.as_e164, password="")
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_wrong_totp_is_refused(self, client, bohicon, staff_in):
        user = staff_in(bohicon, Role.MAYOR).user
        self._password_step(client, user.phone.as_e164)
        right = totp_now(user.totpdevice_set.get())
        wrong = "000000" if right != "000000" else "111111"
        response = client.post(reverse("accounts:staff_verify"), {"token": wrong})
        assert "Ce code n&#x27;est pas le bon" in response.content.decode()
        assert "_auth_user_id" not in client.session
        staff_home = reverse("commune_staff:home", kwargs={"commune_slug": "bohicon"})
        assert client.get(staff_home).status_code == 404

    def test_pending_password_step_expires(self, client, bohicon, staff_in, monkeypatch):
        user = staff_in(bohicon, Role.MAYOR).user
        self._password_step(client, user.phone.as_e164)
        session = client.session
        session["accounts_staff_pending"]["since"] -= 3600
        session.save()
        assert client.get(reverse("accounts:staff_verify")).url == reverse("accounts:staff_login")

    def test_first_login_enrols_an_authenticator(self, client, bohicon):
        user = MembershipFactory(commune=bohicon, role=Role.PLANNING_OFFICER).user
        self._password_step(client, user.phone.as_e164)
        assert client.get(reverse("accounts:staff_verify")).url == reverse("accounts:staff_enrol")
        page = client.get(reverse("accounts:staff_enrol")).content.decode()
        assert "<svg" in page
        device = user.totpdevice_set.get()
        assert not device.confirmed
        wrong = "000000" if totp_now(device) != "000000" else "111111"
        assert (
            "Ce code n&#x27;est pas le bon"
            in client.post(reverse("accounts:staff_enrol"), {"token": wrong}).content.decode()
        )
        throttled = client.post(reverse("accounts:staff_enrol"), {"token": totp_now(device)})
        assert "Trop d&#x27;essais" in throttled.content.decode()
        device.refresh_from_db()
        device.throttle_reset()
        response = client.post(reverse("accounts:staff_enrol"), {"token": totp_now(device)})
        assert response.url == reverse("commune_staff:home", kwargs={"commune_slug": "bohicon"})
        device.refresh_from_db()
        assert device.confirmed
        assert client.get(reverse("accounts:staff_enrol")).url == reverse("accounts:staff_login")

    def test_enrolment_is_skipped_once_a_device_is_confirmed(self, client, bohicon, staff_in):
        user = staff_in(bohicon, Role.MAYOR).user
        self._password_step(client, user.phone.as_e164)
        assert client.get(reverse("accounts:staff_enrol")).url == reverse("accounts:staff_verify")
        assert client.get(reverse("accounts:staff_verify")).status_code == 200

    def test_staff_pages_without_the_password_step_go_back_to_it(self, client):
        for name in ("accounts:staff_verify", "accounts:staff_enrol"):
            assert client.get(reverse(name)).url == reverse("accounts:staff_login")

    def test_enrolment_page_shows_the_secret_in_text(self, client):
        user = UserFactory(password=STAFF_PASSWORD, is_superuser=True, is_staff=True)
        self._password_step(client, user.phone.as_e164)
        page = client.get(reverse("accounts:staff_enrol")).content.decode()
        assert re.search(r"<code class=\"code\">[A-Z2-7]{4}( [A-Z2-7]{1,4})+</code>", page)

    def test_platform_admin_lands_on_the_admin(self, client):
        user = UserFactory(password=STAFF_PASSWORD, is_superuser=True, is_staff=True)
        device = TOTPDeviceFactory(user=user)
        self._password_step(client, user.phone.as_e164)
        response = client.post(reverse("accounts:staff_verify"), {"token": totp_now(device)})
        assert response.url == reverse("admin:index")
        assert client.get(response.url).status_code == 200

    def test_admin_refuses_a_superuser_without_second_factor(self, client):
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert "login" in response.url

    def test_new_staff_member_chooses_a_password_after_sms_login(self, client, bohicon):
        user = MembershipFactory(commune=bohicon, role=Role.COUNCIL_MEMBER, user=UserFactory()).user
        client.force_login(user)
        assert (
            "Choisir mon mot de passe du personnel"
            in client.get(reverse("accounts:profile")).content.decode()
        )
        new_password = "Kpètè-2025-solide"
        response = client.post(
            reverse("accounts:staff_password"), {"new_password1": new_password, "new_password2": new_password}
        )
        assert response.url == reverse("accounts:staff_login")
        user.refresh_from_db()
        assert user.check_password(new_password)
        assert client.get(reverse("accounts:staff_password")).url.startswith(LOGIN)

    def test_citizens_and_staff_with_a_password_cannot_use_the_password_page(self, client, bohicon, staff_in):
        client.force_login(UserFactory())
        assert client.get(reverse("accounts:staff_password")).status_code == 404
        client.force_login(staff_in(bohicon, Role.MAYOR).user)
        assert client.get(reverse("accounts:staff_password")).status_code == 404


class TestProfile:
    def test_requires_login(self, client):
        response = client.get(reverse("accounts:profile"))
        assert response.url.startswith(LOGIN)

    def test_shows_why_it_is_asked(self, client):
        client.force_login(UserFactory())
        page = client.get(reverse("accounts:profile")).content.decode()
        assert "jamais obligatoire" in page
        assert "jamais affichées" in page

    def test_saves_with_consent_and_shows_the_age_band(self, client):
        user = UserFactory()
        village = VillageFactory()
        client.force_login(user)
        data = {
            "gender": "f",
            "birth_year": str(timezone.now().year - 20),
            "arrondissement": village.arrondissement_id,
            "village": village.pk,
            "consent": "on",
        }
        response = client.post(reverse("accounts:profile"), data, follow=True)
        assert "Votre profil est enregistré." in response.content.decode()
        assert "18 à 24 ans" in response.content.decode()
        user.refresh_from_db()
        assert (user.gender, user.village) == ("f", village)

    def test_traits_without_consent_are_refused(self, client):
        user = UserFactory()
        client.force_login(user)
        response = client.post(reverse("accounts:profile"), {"gender": "m", "birth_year": "1990"})
        assert "Cochez cette case" in response.content.decode()
        assert 'value="1990"' in response.content.decode()
        user.refresh_from_db()
        assert user.gender == ""

    def test_unticking_consent_clears_the_profile(self, client):
        user = UserFactory(gender="m", birth_year=1970, profile_consent_at=timezone.now())
        client.force_login(user)
        client.post(reverse("accounts:profile"), {"display_name": "Koffi"})
        user.refresh_from_db()
        assert (user.gender, user.birth_year, user.profile_consent_at) == ("", None, None)

    def test_villages_listed_are_those_of_the_chosen_arrondissement(self, client):
        here, elsewhere = VillageFactory(name="Ahouamè"), VillageFactory(name="Lokossa-Kpota")
        client.force_login(UserFactory())
        page = client.post(
            reverse("accounts:profile"), {"arrondissement": here.arrondissement_id, "show_villages": "1"}
        ).content.decode()
        assert "Ahouamè" in page
        assert "Lokossa-Kpota" not in page
        assert "errorlist" not in page
        assert elsewhere.arrondissement.name not in page.split('name="village"')[-1]

    def test_village_of_another_arrondissement_is_refused(self, client):
        client.force_login(UserFactory())
        data = {"arrondissement": ArrondissementFactory().pk, "village": VillageFactory().pk, "consent": "on"}
        response = client.post(reverse("accounts:profile"), data)
        assert "Choisissez un village de l&#x27;arrondissement choisi." in response.content.decode()

    def test_arrondissements_are_grouped_by_commune(self, client):
        arrondissement = ArrondissementFactory(commune__name="Avrankou")
        client.force_login(UserFactory())
        page = client.get(reverse("accounts:profile")).content.decode()
        assert '<optgroup label="Avrankou">' in page
        assert arrondissement.name in page


class TestPersonalData:
    def test_page_shows_what_is_held(self, client, bohicon):
        user = UserFactory(gender="f", birth_year=1990, profile_consent_at=timezone.now())
        MembershipFactory(user=user, commune=bohicon, role=Role.MAYOR)
        client.force_login(user)
        page = client.get(reverse("accounts:my_data")).content.decode()
        assert user.phone.as_e164 in page
        assert "1990" in page
        assert "Bohicon" in page

    def test_download_is_a_json_attachment_with_profile_and_memberships(self, client, bohicon):
        arrondissement = ArrondissementFactory(commune=bohicon, name="Saclo")
        user = UserFactory(
            gender="f", birth_year=1990, arrondissement=arrondissement, profile_consent_at=timezone.now()
        )
        MembershipFactory(user=user, commune=bohicon, role=Role.MAYOR)
        client.force_login(user)
        response = client.get(reverse("accounts:my_data_download"))
        assert response["Content-Disposition"] == 'attachment; filename="palabre-mes-donnees.json"'
        data = json.loads(response.content)
        assert data["account"]["phone"] == user.phone.as_e164
        assert data["profile"]["gender"] == "f"
        assert data["profile"]["arrondissement"] == "Saclo"
        assert data["profile"]["commune"] == "Bohicon"
        assert data["memberships"] == [
            {"commune": "Bohicon", "role": "mayor", "since": data["memberships"][0]["since"]}
        ]

    def test_requires_login(self, client):
        assert client.get(reverse("accounts:my_data_download")).url.startswith(LOGIN)

    def test_delete_needs_confirmation(self, client):
        user = UserFactory()
        client.force_login(user)
        response = client.post(reverse("accounts:delete"), {})
        assert "Cochez cette case pour confirmer." in response.content.decode()
        assert User.objects.filter(pk=user.pk).exists()

    def test_delete_forgets_the_person(self, client, bohicon):
        user = UserFactory(phone="+2290197123456")
        MembershipFactory(user=user, commune=bohicon)
        act = participation_record(
            commune_id=bohicon.pk, module="complaints", kind="filed", channel="sms", user_id=user.pk
        )
        client.post(LOGIN, {"phone": "0197123456"})
        client.force_login(user)
        response = client.post(reverse("accounts:delete"), {"confirm": "on"})
        assert response.url == reverse("territory:national_home")
        assert not User.objects.filter(pk=user.pk).exists()
        assert not Membership.objects.exists()
        assert ParticipationAct.objects.get(pk=act.pk).user_id is None
        assert OutboundMessage.objects.get().body == ""
        event = AuditEvent.objects.get(action="accounts.deleted")
        assert "97123456" not in json.dumps(event.data)
        assert "_auth_user_id" not in client.session
