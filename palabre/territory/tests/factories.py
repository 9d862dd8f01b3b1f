import factory

from palabre.territory.models import Arrondissement, Commune, Department, Village


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{n % 100:02d}")
    name = factory.Sequence(lambda n: f"Département {n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("slug",)

    department = factory.SubFactory(DepartmentFactory)
    code = factory.Sequence(lambda n: f"9{n % 1000:03d}")  # 4 characters however many tests ran
    name = factory.Sequence(lambda n: f"Commune {n}")
    slug = factory.Sequence(lambda n: f"commune-{n}")
    is_pilot = True
    languages = factory.LazyFunction(lambda: ["fr", "fon"])


class ArrondissementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Arrondissement

    commune = factory.SubFactory(CommuneFactory)
    name = factory.Sequence(lambda n: f"Arrondissement {n}")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    arrondissement = factory.SubFactory(ArrondissementFactory)
    name = factory.Sequence(lambda n: f"Village {n}")
