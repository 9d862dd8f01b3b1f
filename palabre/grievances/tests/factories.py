import factory

from palabre.grievances.models import Category
from palabre.territory.tests.factories import CommuneFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    commune = factory.SubFactory(CommuneFactory)
    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Catégorie {n}")
