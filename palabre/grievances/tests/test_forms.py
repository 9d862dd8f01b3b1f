"""Forms of the complaint pages: what people type, cleaned; the rules themselves are the services'."""

from palabre.grievances import forms
from palabre.grievances.queries import active_categories
from palabre.territory.tests.factories import ArrondissementFactory, VillageFactory


def test_details_need_a_description_or_a_voice_recording():
    form = forms.DetailsForm({"description": "  "})
    assert not form.is_valid()
    assert "description" in form.errors


def test_details_accept_an_old_eight_digit_phone_and_an_empty_one():
    form = forms.DetailsForm({"description": "Panne", "reporter_phone": "97 11 22 33"})
    assert form.is_valid(), form.errors
    assert str(form.cleaned_data["reporter_phone"]) == "+2290197112233"
    form = forms.DetailsForm({"description": "Panne", "reporter_phone": ""})
    assert form.is_valid() and form.cleaned_data["reporter_phone"] is None


def test_details_anonymous_drops_name_phone_and_public_name():
    data = {"description": "Panne", "reporter_name": "Codjo", "reporter_phone": "0197112233"}
    form = forms.DetailsForm({**data, "is_anonymous": "on", "name_public": "on"})
    assert form.is_valid()
    cleaned = form.cleaned_data
    assert (cleaned["reporter_name"], cleaned["reporter_phone"], cleaned["name_public"]) == ("", None, False)


def test_details_need_both_coordinates_or_none():
    form = forms.DetailsForm({"description": "Panne", "latitude": "7.18"})
    assert not form.is_valid() and "longitude" in form.errors
    form = forms.DetailsForm({"description": "Panne", "latitude": "95", "longitude": "2"})
    assert "latitude" in form.errors


def test_place_refuses_a_village_outside_the_chosen_arrondissement(water, village):
    other = ArrondissementFactory(commune=water.commune)
    data = {"category": water.pk, "arrondissement": other.pk, "village": village.pk}
    form = forms.PlaceForm(data, commune=water.commune, categories=active_categories(water.commune))
    assert not form.is_valid() and "village" in form.errors


def test_place_groups_villages_by_arrondissement(water, village):
    VillageFactory(arrondissement=ArrondissementFactory(commune=water.commune, name="Lissèzoun"))
    form = forms.PlaceForm(commune=water.commune, categories=active_categories(water.commune))
    groups = [label for label, _choices in list(form.fields["village"].choices)[1:]]
    assert groups == ["Lissèzoun", "Passagon"]


def test_place_only_offers_categories_of_the_commune(water, toffo):
    from palabre.grievances.models import Category

    foreign = Category.objects.get(commune=toffo, code="water")
    data = {"category": foreign.pk, "arrondissement": ArrondissementFactory(commune=water.commune).pk}
    form = forms.PlaceForm(data, commune=water.commune, categories=active_categories(water.commune))
    assert "category" in form.errors


def test_tracking_code_is_normalised():
    form = forms.TrackingForm({"code": " boh 7k3m "})
    assert form.is_valid() and form.cleaned_data["code"] == "BOH-7K3M"
    assert not forms.TrackingForm({"code": "BOH"}).is_valid()


def test_support_needs_a_phone_unless_signed_in(citizen):
    assert not forms.SupportForm({"phone": ""}).is_valid()
    assert forms.SupportForm({"phone": ""}, user=citizen).is_valid()


def test_rating_is_one_to_five():
    assert forms.RatingForm({"rating": "5"}).is_valid()
    assert not forms.RatingForm({"rating": "6"}).is_valid()
