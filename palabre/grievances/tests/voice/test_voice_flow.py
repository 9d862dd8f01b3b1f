"""The voice adapter files through the access helpers: a key naming no category of the commune (another
commune's, a closed one) files in the commune's "other" category, never in another commune."""

import pytest
from django.core.files.base import ContentFile

from palabre.channels.voice.flows import Recording
from palabre.grievances.models import Category, Complaint
from palabre.grievances.tests.conftest import REPORTER_PHONE
from palabre.grievances.tests.voice.conftest import MP3
from palabre.grievances.voice_flow import file_recorded_complaint

pytestmark = pytest.mark.django_db


def recording(commune, choice: str) -> Recording:
    return Recording(
        commune=commune,
        phone=REPORTER_PHONE,
        language="fr",
        channel="voice",
        choice=choice,
        audio=ContentFile(MP3, name="plainte.mp3"),
        session_key="call-1",
    )


def test_the_chosen_category_of_the_commune(bohicon, water):
    _pk, code = file_recorded_complaint(recording(bohicon, str(water.pk)))
    assert Complaint.objects.get(code=code).category == water


def test_another_communes_category_files_in_other(bohicon, toffo):
    toffo_water = Category.objects.get(commune=toffo, code="water")
    _pk, code = file_recorded_complaint(recording(bohicon, str(toffo_water.pk)))
    complaint = Complaint.objects.get(code=code)
    assert (complaint.commune, complaint.category.code) == (bohicon, "other")


def test_a_closed_category_files_in_other(bohicon, water):
    water.is_active = False
    water.save(update_fields=["is_active"])
    _pk, code = file_recorded_complaint(recording(bohicon, str(water.pk)))
    assert Complaint.objects.get(code=code).category.code == "other"
