import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from palabre.accounts import services
from palabre.accounts.models import Membership, OneTimeCode, Role, User
from palabre.accounts.phone import parse_benin_phone
from palabre.accounts.services import EMPTY_PROFILE, Profile
from palabre.accounts.tests.conftest import totp_now
from palabre.accounts.tests.factories import MembershipFactory, TOTPDeviceFactory, UserFactory
from palabre.core.models import AuditEvent, OutboundMessage
from palabre.core.services import participation_record, sms_queue
from palabre.territory.tests.factories import ArrondissementFactory, CommuneFactory, VillageFactory

pytestmark = pytest.mark.django_db
PHONE = parse_benin_phone("0197123456")
OTHER = parse_benin_phone("0166000000")
IP = "197.234.219.10"


def sent_code(phone=PHONE) -> str:
    body = OutboundMessage.objects.filter(to=phone.as_e164, kind="otp").order_by("-pk").first().body
    return re.search(r"\b(\d{6})\b", body).group(1)


def request_code(phone=PHONE, ip=IP, now=None):
    return services.otp_request(phone=phone, ip=ip, language="fr", now=now)


class TestOtpRequest:
    def test_queues_an_sms_with_a_six_digit_code(self):
        request_code()
        message = OutboundMessage.objects.get()
        assert message.to == "+2290197123456"
        assert message.kind == "otp"
        assert re.fullmatch(
            r"Palabre : votre code est \d{6}\. Il expire dans 5 minutes\. Ne le donnez à personne\.",
            message.body,
        )

    def test_code_and_ip_are_never_stored_in_clear(self):
        otp = request_code()
        code = sent_code()
        assert code not in otp.code_hash
        assert IP not in otp.ip_hash
        assert otp.ip_hash == services.hash_ip(IP)

    def test_expiry_follows_the_setting(self, settings):
        settings.OTP_CODE_TTL_SECONDS = 120
        now = timezone.now()
        otp = request_code(now=now)
        assert otp.expires_at == now + datetime.timedelta(seconds=120)

    def test_sends_per_number_are_limited_with_the_time_to_wait(self, settings):
        settings.OTP_MAX_SENDS_PER_NUMBER_PER_HOUR = 3
        start = timezone.now()
        for minute in range(3):
            request_code(now=start + datetime.timedelta(minutes=minute), ip=f"10.0.0.{minute}")
        with pytest.raises(services.OtpRateLimited) as refusal:
            request_code(now=start + datetime.timedelta(minutes=10), ip="10.0.0.9")
        assert refusal.value.retry_at == start + datetime.timedelta(hours=1)
        assert refusal.value.minutes == 50
        assert "Réessayez dans 50 minutes" in refusal.value.message
        assert OutboundMessage.objects.count() == 3

    def test_sends_per_number_are_allowed_again_after_an_hour(self, settings):
        settings.OTP_MAX_SENDS_PER_NUMBER_PER_HOUR = 1
        start = timezone.now()
        request_code(now=start)
        request_code(now=start + datetime.timedelta(minutes=61))
        assert OutboundMessage.objects.count() == 2

    def test_sends_per_ip_are_limited_across_numbers(self, settings):
        settings.OTP_MAX_SENDS_PER_IP_PER_HOUR = 2
        request_code(phone=parse_benin_phone("0196000001"))
        request_code(phone=parse_benin_phone("0196000002"))
        with pytest.raises(services.OtpRateLimited):
            request_code(phone=parse_benin_phone("0196000003"))
        request_code(phone=parse_benin_phone("0196000003"), ip="197.234.219.11")

    def test_one_minute_is_the_shortest_wait_shown(self, settings):
        settings.OTP_MAX_SENDS_PER_NUMBER_PER_HOUR = 1
        start = timezone.now()
        request_code(now=start)
        with pytest.raises(services.OtpRateLimited) as refusal:
            request_code(now=start + datetime.timedelta(minutes=59, seconds=50))
        assert refusal.value.minutes == 1
        assert "1 minute." in refusal.value.message

    def test_old_codes_are_purged(self):
        request_code(now=timezone.now() - datetime.timedelta(hours=2))
        request_code(phone=OTHER)
        assert list(OneTimeCode.objects.values_list("phone", flat=True)) == [OTHER]


class TestOtpVerify:
    def test_right_code_creates_the_account_once(self):
        request_code()
        user = services.otp_verify(phone=PHONE, code=sent_code(), language="fon")
        assert user.phone == PHONE
        assert user.language == "fon"
        assert not user.has_usable_password()
        assert User.objects.count() == 1

    def test_right_code_signs_in_an_existing_account(self):
        existing = UserFactory(phone=PHONE.as_e164)
        request_code()
        assert services.otp_verify(phone=PHONE, code=sent_code()) == existing
        assert User.objects.count() == 1

    def test_a_code_works_only_once(self):
        request_code()
        code = sent_code()
        services.otp_verify(phone=PHONE, code=code)
        with pytest.raises(services.OtpRejected) as rejection:
            services.otp_verify(phone=PHONE, code=code)
        assert rejection.value.reason == "missing"

    def test_wrong_code_counts_an_attempt_and_creates_nobody(self):
        otp = request_code()
        wrong = "000000" if sent_code() != "000000" else "111111"
        with pytest.raises(services.OtpRejected) as rejection:
            services.otp_verify(phone=PHONE, code=wrong)
        assert rejection.value.reason == "wrong"
        otp.refresh_from_db()
        assert otp.attempts == 1
        assert not User.objects.exists()

    def test_attempts_are_exhausted_even_for_the_right_code(self, settings):
        settings.OTP_MAX_ATTEMPTS = 2
        request_code()
        code = sent_code()
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(2):
            with pytest.raises(services.OtpRejected):
                services.otp_verify(phone=PHONE, code=wrong)
        with pytest.raises(services.OtpRejected) as rejection:
            services.otp_verify(phone=PHONE, code=code)
        assert rejection.value.reason == "exhausted"

    def test_expired_code_is_refused(self, settings):
        settings.OTP_CODE_TTL_SECONDS = 300
        start = timezone.now()
        request_code(now=start)
        with pytest.raises(services.OtpRejected) as rejection:
            services.otp_verify(phone=PHONE, code=sent_code(), now=start + datetime.timedelta(seconds=301))
        assert rejection.value.reason == "expired"

    def test_only_the_latest_code_counts(self):
        start = timezone.now()
        request_code(now=start)
        first = sent_code()
        request_code(now=start + datetime.timedelta(seconds=5))
        latest = sent_code()
        if first != latest:
            with pytest.raises(services.OtpRejected):
                services.otp_verify(phone=PHONE, code=first)
        assert services.otp_verify(phone=PHONE, code=latest).phone == PHONE

    def test_no_code_for_this_number(self):
        request_code(phone=OTHER)
        with pytest.raises(services.OtpRejected) as rejection:
            services.otp_verify(phone=PHONE, code=sent_code(OTHER))
        assert rejection.value.reason == "missing"


class TestProfile:
    def test_profile_is_kept_with_consent(self):
        user = UserFactory()
        village = VillageFactory()
        profile = Profile(gender="f", birth_year=2000, arrondissement=village.arrondissement, village=village)
        services.profile_update(user=user, display_name="Afi", profile=profile, consent=True, by=user)
        user.refresh_from_db()
        assert (user.gender, user.birth_year, user.village) == ("f", 2000, village)
        assert user.profile_consent_at is not None

    def test_consent_date_is_kept_on_later_edits(self):
        user = UserFactory()
        services.profile_update(user=user, display_name="", profile=EMPTY_PROFILE, consent=True, by=user)
        first = user.profile_consent_at
        services.profile_update(user=user, display_name="x", profile=EMPTY_PROFILE, consent=True, by=user)
        assert user.profile_consent_at == first

    def test_withdrawing_consent_clears_every_trait(self):
        user = UserFactory()
        village = VillageFactory()
        profile = Profile(gender="m", birth_year=1980, arrondissement=village.arrondissement, village=village)
        services.profile_update(user=user, display_name="Koffi", profile=profile, consent=True, by=user)
        services.profile_update(user=user, display_name="Koffi", profile=profile, consent=False, by=user)
        user.refresh_from_db()
        assert (user.gender, user.birth_year, user.arrondissement, user.village) == ("", None, None, None)
        assert user.profile_consent_at is None
        assert user.display_name == "Koffi"

    def test_village_must_be_in_the_arrondissement(self):
        user = UserFactory()
        profile = Profile(
            gender="", birth_year=None, arrondissement=ArrondissementFactory(), village=VillageFactory()
        )
        with pytest.raises(ValidationError):
            services.profile_update(user=user, display_name="", profile=profile, consent=True, by=user)
        assert not AuditEvent.objects.filter(action="accounts.profile_updated").exists()

    def test_changes_are_audited_without_personal_data(self):
        user = UserFactory(display_name="")
        village = VillageFactory(name="Zounzonmè")
        profile = Profile(gender="f", birth_year=1994, arrondissement=village.arrondissement, village=village)
        services.profile_update(user=user, display_name="Afi", profile=profile, consent=True, by=user)
        services.profile_update(user=user, display_name="Afi", profile=profile, consent=False, by=user)
        given, withdrawn = AuditEvent.objects.filter(action="accounts.profile_updated").order_by("pk")
        assert (given.actor_id, given.target_id) == (user.pk, str(user.pk))
        assert given.data == {
            "user_id": user.pk,
            "fields": ["display_name", *withdrawn.data["fields"]],
            "consent": True,
        }
        assert withdrawn.data == {
            "user_id": user.pk,
            "fields": ["gender", "birth_year", "arrondissement", "village", "profile_consent_at"],
            "consent": False,
        }
        logged = repr([given.data, withdrawn.data])
        for personal in ("Afi", "1994", "Zounzonmè", str(user.phone)):
            assert personal not in logged

    def test_saving_an_unchanged_profile_records_nothing(self):
        user = UserFactory()
        services.profile_update(user=user, display_name="Koffi", profile=EMPTY_PROFILE, consent=True, by=user)
        services.profile_update(user=user, display_name="Koffi", profile=EMPTY_PROFILE, consent=True, by=user)
        assert AuditEvent.objects.filter(action="accounts.profile_updated").count() == 1


class TestMemberships:
    def test_adding_creates_the_account_audits_and_tells_the_person(self):
        commune = CommuneFactory()
        admin = MembershipFactory(commune=commune, role=Role.COMMUNE_ADMIN).user
        membership = services.membership_add(
            commune=commune, phone=PHONE, role=Role.PLANNING_OFFICER, by=admin
        )
        assert membership.user.phone == PHONE
        event = AuditEvent.objects.get(action="accounts.member_added")
        assert (event.actor_id, event.commune_id) == (admin.pk, commune.pk)
        assert event.data == {"user_id": membership.user.pk, "role": "planning_officer"}
        sms = OutboundMessage.objects.get(to=PHONE.as_e164)
        assert "Chargé de la planification" in sms.body
        assert commune.name in sms.body

    def test_adding_the_same_role_twice_is_refused(self):
        commune = CommuneFactory()
        admin = UserFactory()
        services.membership_add(commune=commune, phone=PHONE, role=Role.MAYOR, by=admin)
        with pytest.raises(ValidationError):
            services.membership_add(commune=commune, phone=PHONE, role=Role.MAYOR, by=admin)

    @pytest.mark.parametrize("role", [Role.NATIONAL_OBSERVER, "king"])
    def test_roles_outside_a_commune_are_refused(self, role):
        with pytest.raises(ValidationError):
            services.membership_add(commune=CommuneFactory(), phone=PHONE, role=role, by=UserFactory())
        assert not Membership.objects.exists()

    def test_removing_audits(self):
        commune = CommuneFactory()
        admin = MembershipFactory(commune=commune, role=Role.COMMUNE_ADMIN).user
        officer = MembershipFactory(commune=commune, role=Role.COUNCIL_MEMBER)
        services.membership_remove(membership=officer, by=admin)
        assert not Membership.objects.filter(pk=officer.pk).exists()
        assert AuditEvent.objects.get(action="accounts.member_removed").data["role"] == "council_member"

    def test_the_last_administrator_stays(self):
        only_admin = MembershipFactory(role=Role.COMMUNE_ADMIN)
        with pytest.raises(ValidationError):
            services.membership_remove(membership=only_admin, by=only_admin.user)
        assert Membership.objects.filter(pk=only_admin.pk).exists()


class TestAccountDelete:
    def test_deletion_forgets_the_person_everywhere(self):
        user = UserFactory(phone=PHONE.as_e164)
        membership = MembershipFactory(user=user)
        act = participation_record(
            commune_id=membership.commune_id,
            module="complaints",
            kind="filed",
            channel="web",
            user_id=user.pk,
            gender="f",
        )
        sms_queue(to=PHONE.as_e164, body="Votre plainte est reçue", kind="notice")
        request_code()
        user_id = user.pk

        services.account_delete(user=user, by=user)

        assert not User.objects.filter(pk=user_id).exists()
        assert not Membership.objects.exists()
        assert not OneTimeCode.objects.exists()
        act.refresh_from_db()
        assert act.user_id is None
        assert act.gender == "f"
        assert not OutboundMessage.objects.filter(to=PHONE.as_e164).exists()
        assert set(OutboundMessage.objects.values_list("body", flat=True)) == {""}
        event = AuditEvent.objects.get(action="accounts.deleted")
        assert event.data["user_id"] == user_id
        assert "97123456" not in str(event.data)


class TestStaffCredentials:
    def test_enrolment_device_is_reused_until_confirmed(self):
        user = UserFactory()
        device = services.totp_device_for_enrolment(user=user)
        assert services.totp_device_for_enrolment(user=user) == device
        assert not device.confirmed

    def test_wrong_token_does_not_confirm(self):
        device = TOTPDeviceFactory(confirmed=False)
        right = totp_now(device)
        wrong = "000000" if right != "000000" else "111111"
        assert services.totp_device_confirm(device=device, token=wrong, by=device.user) is False
        device.refresh_from_db()
        assert not device.confirmed

    def test_right_token_confirms_and_audits(self):
        device = TOTPDeviceFactory(confirmed=False)
        assert services.totp_device_confirm(device=device, token=totp_now(device), by=device.user)
        assert TOTPDevice.objects.get(pk=device.pk).confirmed
        assert AuditEvent.objects.filter(action="accounts.totp_enrolled").exists()

    def test_password_set_audits_without_the_password(self):
        user = UserFactory()
        services.password_set(user=user, password="une-phrase-longue", by=user)
        assert user.check_password("une-phrase-longue")
        assert "une-phrase" not in str(AuditEvent.objects.get(action="accounts.password_set").data)
