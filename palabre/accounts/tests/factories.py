import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from palabre.accounts.models import Membership, Role, User
from palabre.territory.tests.factories import CommuneFactory

STAFF_PASSWORD = "un-mot-de-passe-solide"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("phone",)
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+2290196{n:06d}")
    display_name = factory.Faker("name", locale="fr_FR")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        if extracted:
            self.set_password(extracted)
        else:
            self.set_unusable_password()
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, password=STAFF_PASSWORD)
    commune = factory.SubFactory(CommuneFactory)
    role = Role.COMPLAINTS_OFFICER


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory, password=STAFF_PASSWORD)
    name = "test"
    confirmed = True
