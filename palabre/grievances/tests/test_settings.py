"""The commune's complaint settings: services (categories, response templates) and their pages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import MembershipFactory
from palabre.core.models import AuditEvent
from palabre.grievances import services
from palabre.grievances.models import Category, ResponseTemplate


def url(name, commune, *args):
    return reverse(f"grievances:{name}", args=[commune.slug, *args])


def settings_of(category, **overrides):
    """The keyword arguments of category_update: the category's current values, then `overrides`."""
    fields = (
        "name",
        "description",
        "is_sensitive",
        "ack_working_days",
        "resolve_working_days",
        "responsible_service",
        "head",
        "default_assignee",
        "is_active",
        "position",
    )
    return {field: getattr(category, field) for field in fields} | overrides


def form_data(category, **overrides):
    """What the edit form posts for the category as it is, then `overrides`."""
    data = {
        "name": category.name,
        "description": category.description,
        "ack_working_days": category.ack_working_days,
        "resolve_working_days": category.resolve_working_days,
        "responsible_service": category.responsible_service,
        "head": category.head_id or "",
        "default_assignee": category.default_assignee_id or "",
        "position": category.position,
    }
    if category.is_sensitive:
        data["is_sensitive"] = "on"
    if category.is_active:
        data["is_active"] = "on"
    return data | overrides


def audit_actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


@pytest.fixture
def admin(bohicon, staff):
    return staff(bohicon, "commune_admin")


@pytest.fixture
def template(water):
    return ResponseTemplate.objects.create(
        category=water, title="Pompe réparée", body="La pompe a été réparée par le service technique."
    )


# --- Services: categories -------------------------------------------------------------------------------


def test_category_update_changes_the_settings_and_audits_the_fields(water, admin, officer):
    category = services.category_update(
        **settings_of(
            water,
            name="Eau et forages",
            ack_working_days=3,
            resolve_working_days=10,
            responsible_service="  Service technique ",
            head=officer,
            default_assignee=officer,
        ),
        category=water,
        by=admin,
    )
    category.refresh_from_db()
    assert category.name == "Eau et forages"
    assert (category.ack_working_days, category.resolve_working_days) == (3, 10)
    assert category.responsible_service == "Service technique"
    assert category.head == officer and category.default_assignee == officer
    event = AuditEvent.objects.get(action="grievances.category_updated")
    assert event.actor_id == admin.pk and event.commune_id == water.commune_id
    assert event.target_id == str(water.pk)
    assert event.data == {
        "code": "water",
        "changed": [
            "name",
            "ack_working_days",
            "resolve_working_days",
            "responsible_service",
            "head",
            "default_assignee",
        ],
    }


def test_category_update_without_change_records_nothing(water, admin):
    before = audit_actions()
    services.category_update(**settings_of(water), category=water, by=admin)
    assert audit_actions() == before


@pytest.mark.parametrize("role", ["complaints_officer", "secretary_general", "mayor", "focal_point"])
def test_only_the_commune_admin_changes_categories(water, staff, bohicon, role):
    with pytest.raises(PermissionDenied):
        services.category_update(**settings_of(water, name="Eau"), category=water, by=staff(bohicon, role))
    water.refresh_from_db()
    assert water.name == "Eau potable"


def test_an_admin_of_another_commune_cannot_change_categories(water, staff, toffo):
    with pytest.raises(PermissionDenied):
        services.category_update(
            **settings_of(water, name="Eau"), category=water, by=staff(toffo, "commune_admin")
        )
    with pytest.raises(PermissionDenied):
        services.category_add(commune=water.commune, name="Pêche", by=staff(toffo, "commune_admin"))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "Donnez un nom à la catégorie."),
        ({"name": "routes et pistes"}, "name", "La commune a déjà une catégorie « routes et pistes »."),
        ({"ack_working_days": 0}, "ack_working_days", "entre 1 et 30 jours ouvrés"),
        ({"ack_working_days": 31, "resolve_working_days": 40}, "ack_working_days", "entre 1 et 30"),
        ({"resolve_working_days": 0}, "resolve_working_days", "entre 1 et 250 jours ouvrés"),
        ({"resolve_working_days": 251}, "resolve_working_days", "entre 1 et 250"),
        ({"ack_working_days": 5, "resolve_working_days": 4}, "resolve_working_days", "plus court"),
        ({"position": 1000}, "position", "L'ordre est un nombre entre 0 et 999."),
        ({"responsible_service": "x" * 121}, "responsible_service", "120 caractères"),
    ],
)
def test_category_update_refuses_invalid_values(water, admin, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        services.category_update(**settings_of(water, **overrides), category=water, by=admin)
    assert any(message in text for text in error.value.message_dict[field])
    water.refresh_from_db()
    assert water.name == "Eau potable" and water.ack_working_days == 2
    assert not AuditEvent.objects.filter(action="grievances.category_updated").exists()


def test_every_problem_is_reported_at_once(water, admin):
    with pytest.raises(ValidationError) as error:
        services.category_update(
            **settings_of(water, name="", ack_working_days=0, position=5000), category=water, by=admin
        )
    assert set(error.value.message_dict) == {"name", "ack_working_days", "position"}


def test_head_and_default_assignee_must_handle_complaints_in_the_commune(water, admin, staff, bohicon, toffo):
    planner = staff(bohicon, "planning_officer")
    outsider = staff(toffo, "complaints_officer")
    with pytest.raises(ValidationError) as error:
        services.category_update(
            **settings_of(water, head=planner, default_assignee=outsider), category=water, by=admin
        )
    expected = ["Choisissez une personne qui traite les plaintes de la commune."]
    assert error.value.message_dict == {"head": expected, "default_assignee": expected}


def test_a_sensitive_category_takes_focal_points_only(gbv, admin, officer, focal_point):
    with pytest.raises(ValidationError) as error:
        services.category_update(**settings_of(gbv, head=officer), category=gbv, by=admin)
    assert error.value.message_dict["head"] == [
        "Pour une catégorie sensible, choisissez un point focal des plaintes sensibles."
    ]
    services.category_update(
        **settings_of(gbv, head=focal_point, default_assignee=focal_point), category=gbv, by=admin
    )
    gbv.refresh_from_db()
    assert gbv.head == focal_point and gbv.default_assignee == focal_point


def test_making_a_category_sensitive_checks_its_people(water, admin, officer):
    services.category_update(**settings_of(water, head=officer), category=water, by=admin)
    water.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.category_update(**settings_of(water, is_sensitive=True), category=water, by=admin)
    assert "point focal" in error.value.message_dict["head"][0]
    services.category_update(**settings_of(water, is_sensitive=True, head=None), category=water, by=admin)
    water.refresh_from_db()
    assert water.is_sensitive and water.head is None


def test_an_inactive_handler_cannot_be_chosen(water, admin, officer):
    officer.is_active = False
    officer.save()
    with pytest.raises(ValidationError) as error:
        services.category_update(**settings_of(water, default_assignee=officer), category=water, by=admin)
    assert "default_assignee" in error.value.message_dict


def test_category_add_creates_an_active_category_at_the_end(bohicon, admin, officer):
    category = services.category_add(
        commune=bohicon,
        name="Éclairage du marché",
        ack_working_days=1,
        resolve_working_days=5,
        responsible_service="Service technique",
        default_assignee=officer,
        by=admin,
    )
    assert category.code == "eclairage-du-marche"
    assert category.is_active and not category.is_sensitive
    assert category.position == 13  # after the 13 defaults (positions 0 to 12)
    assert category.default_assignee == officer
    event = AuditEvent.objects.get(action="grievances.category_added")
    assert event.data == {"code": "eclairage-du-marche", "is_sensitive": False}
    assert event.actor_id == admin.pk and event.target_id == str(category.pk)


def test_category_codes_never_collide_nor_take_a_default_code(bohicon, admin):
    first = services.category_add(commune=bohicon, name="Pêche", by=admin)
    services.category_update(**settings_of(first, name="Pêche ancienne"), category=first, by=admin)
    second = services.category_add(commune=bohicon, name="Pêche", by=admin)
    other = services.category_add(commune=bohicon, name="Other", by=admin)
    assert (first.code, second.code, other.code) == ("peche", "peche-2", "other-2")


def test_category_add_validates_like_update(bohicon, admin, officer):
    with pytest.raises(ValidationError) as error:
        services.category_add(commune=bohicon, name="Eau potable", is_sensitive=True, head=officer, by=admin)
    assert set(error.value.message_dict) == {"name", "head"}
    assert Category.objects.filter(commune=bohicon).count() == 13


def test_a_category_is_deactivated_then_reactivated_never_deleted(water, admin, file_complaint):
    complaint = file_complaint()
    services.category_set_active(category=water, is_active=False, by=admin)
    water.refresh_from_db()
    assert not water.is_active
    complaint.refresh_from_db()
    assert complaint.category == water
    services.category_set_active(category=water, is_active=True, by=admin)
    water.refresh_from_db()
    assert water.is_active
    assert audit_actions()[-2:] == ["grievances.category_deactivated", "grievances.category_reactivated"]


def test_the_last_active_category_cannot_be_deactivated(bohicon, water, admin):
    Category.objects.filter(commune=bohicon).exclude(pk=water.pk).update(is_active=False)
    with pytest.raises(ValidationError) as error:
        services.category_set_active(category=water, is_active=False, by=admin)
    assert "au moins une catégorie active" in error.value.message_dict["is_active"][0]
    with pytest.raises(ValidationError) as error:
        services.category_update(**settings_of(water, is_active=False), category=water, by=admin)
    assert "is_active" in error.value.message_dict
    water.refresh_from_db()
    assert water.is_active


def test_category_set_active_is_for_the_admin_only(water, officer):
    with pytest.raises(PermissionDenied):
        services.category_set_active(category=water, is_active=False, by=officer)


# --- Services: response templates ----------------------------------------------------------------------


def test_response_templates_are_added_changed_and_deleted_with_an_audit_each(water, admin):
    first = services.response_template_save(
        category=water, title=" Pompe réparée ", body="La pompe fonctionne.", by=admin
    )
    second = services.response_template_save(
        category=water, title="Forage prévu", body="Un forage est prévu.", by=admin
    )
    assert (first.title, first.position, second.position) == ("Pompe réparée", 0, 1)
    services.response_template_save(
        category=water, template=first, title="Pompe réparée", body="Réparée le 3 mars.", by=admin
    )
    first.refresh_from_db()
    assert first.body == "Réparée le 3 mars."
    second_id = second.pk
    services.response_template_delete(template=second, by=admin)
    assert list(ResponseTemplate.objects.filter(category=water)) == [first]
    events = AuditEvent.objects.filter(action__startswith="grievances.response_template").order_by("id")
    assert [(event.action, event.data) for event in events] == [
        ("grievances.response_template_added", {"category": "water"}),
        ("grievances.response_template_added", {"category": "water"}),
        ("grievances.response_template_changed", {"category": "water"}),
        ("grievances.response_template_deleted", {"category": "water", "template_id": second_id}),
    ]


@pytest.mark.parametrize(
    ("title", "body", "field", "message"),
    [
        ("", "Texte", "title", "Donnez un titre au modèle."),
        ("x" * 121, "Texte", "title", "Le titre ne doit pas dépasser 120 caractères."),
        ("pompe RÉPARÉE", "Texte", "title", "Cette catégorie a déjà un modèle « pompe RÉPARÉE »."),
        ("Titre", "  ", "body", "Écrivez le texte de la réponse."),
        ("Titre", "x" * 2001, "body", "Le texte ne doit pas dépasser 2 000 caractères."),
    ],
)
def test_response_template_refuses_invalid_values(water, admin, template, title, body, field, message):
    with pytest.raises(ValidationError) as error:
        services.response_template_save(category=water, title=title, body=body, by=admin)
    assert error.value.message_dict[field] == [message]
    assert ResponseTemplate.objects.count() == 1


def test_response_template_may_keep_its_own_title(water, admin, template):
    services.response_template_save(
        category=water, template=template, title="Pompe réparée", body="Nouveau texte.", by=admin
    )
    template.refresh_from_db()
    assert template.body == "Nouveau texte."


def test_response_templates_are_for_the_admin_of_the_commune(water, template, officer, staff, toffo, gbv):
    other_admin = staff(toffo, "commune_admin")
    with pytest.raises(PermissionDenied):
        services.response_template_save(category=water, title="T", body="B", by=officer)
    with pytest.raises(PermissionDenied):
        services.response_template_delete(template=template, by=other_admin)
    admin = staff(water.commune, "commune_admin")
    with pytest.raises(PermissionDenied):
        services.response_template_save(category=gbv, template=template, title="T", body="B", by=admin)
    assert ResponseTemplate.objects.filter(pk=template.pk).exists()


# --- Pages ----------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin):
    return sign_in_verified(client, admin)


def test_the_admin_sees_every_category_with_its_routing(admin_client, bohicon, water, officer, template):
    Category.objects.filter(pk=water.pk).update(responsible_service="Service des eaux", head=officer)
    Category.objects.filter(commune=bohicon, code="markets").update(is_active=False)
    response = admin_client.get(url("settings", bohicon))
    assert response.status_code == 200
    text = response.text
    assert "Eau potable" in text and "Service des eaux" in text and officer.display_name in text
    assert "Violences basées sur le genre" in text and "sensible" in text
    assert "désactivée" in text and "Réactiver" in text
    assert "1 modèle" in text
    assert f'href="{url("category_edit", bohicon, water.pk)}"' in text
    assert url("category_add", bohicon) in text


def test_the_category_list_has_a_fixed_number_of_queries(
    admin_client, bohicon, water, officer, django_assert_max_num_queries
):
    for number in range(10):
        ResponseTemplate.objects.create(category=water, title=f"Modèle {number}", body="Texte")
    Category.objects.filter(commune=bohicon).update(head=officer, default_assignee=officer)
    with django_assert_max_num_queries(10):
        response = admin_client.get(url("settings", bohicon))
    assert response.status_code == 200


def test_the_admin_edits_a_category(admin_client, bohicon, water, officer):
    response = admin_client.post(
        url("category_edit", bohicon, water.pk),
        form_data(
            water,
            name="Eau et forages",
            resolve_working_days=10,
            responsible_service="Service technique",
            default_assignee=officer.pk,
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == url("settings", bohicon)
    water.refresh_from_db()
    assert water.name == "Eau et forages" and water.resolve_working_days == 10
    assert water.default_assignee == officer
    assert AuditEvent.objects.filter(action="grievances.category_updated").exists()


def test_the_edit_form_shows_the_current_values(admin_client, bohicon, water, focal_point):
    Category.objects.filter(pk=water.pk).update(responsible_service="Service des eaux")
    response = admin_client.get(url("category_edit", bohicon, water.pk))
    assert response.status_code == 200
    assert 'value="Eau potable"' in response.text and 'value="Service des eaux"' in response.text
    assert "(point focal)" in response.text


def test_the_edit_form_keeps_what_was_typed_and_says_what_to_fix(admin_client, bohicon, water):
    response = admin_client.post(
        url("category_edit", bohicon, water.pk),
        form_data(
            water,
            name="Eau des forages",
            responsible_service="Service hydraulique",
            ack_working_days=6,
            resolve_working_days=4,
        ),
    )
    assert response.status_code == 400
    text = response.text
    assert "plus court que le délai d&#x27;accusé de réception" in text
    assert 'value="Eau des forages"' in text and 'value="Service hydraulique"' in text
    assert 'value="6"' in text and 'value="4"' in text
    water.refresh_from_db()
    assert water.name == "Eau potable"


def test_the_edit_form_refuses_a_non_focal_point_for_a_sensitive_category(
    admin_client, bohicon, gbv, officer
):
    response = admin_client.post(url("category_edit", bohicon, gbv.pk), form_data(gbv, head=officer.pk))
    assert response.status_code == 400
    assert "Pour une catégorie sensible, choisissez un point focal" in response.text
    gbv.refresh_from_db()
    assert gbv.head is None


def test_the_edit_form_refuses_someone_outside_the_commune(admin_client, bohicon, water, staff, toffo):
    outsider = staff(toffo, "complaints_officer")
    response = admin_client.post(url("category_edit", bohicon, water.pk), form_data(water, head=outsider.pk))
    assert response.status_code == 400
    assert "Choisissez une personne qui traite les plaintes de la commune." in response.text


def test_the_edit_form_says_when_a_number_is_not_one(admin_client, bohicon, water):
    response = admin_client.post(
        url("category_edit", bohicon, water.pk), form_data(water, ack_working_days="deux")
    )
    assert response.status_code == 400
    assert "Saisissez un nombre entier de jours ouvrés." in response.text
    assert 'value="deux"' in response.text


def test_the_admin_adds_a_category(admin_client, bohicon):
    response = admin_client.post(
        url("category_add", bohicon),
        {"name": "Pêche", "ack_working_days": "2", "resolve_working_days": "20", "position": ""},
    )
    assert response.status_code == 302
    category = Category.objects.get(commune=bohicon, code="peche")
    assert category.is_active and category.resolve_working_days == 20 and category.position == 13
    follow = admin_client.get(response["Location"])
    assert "La catégorie « Pêche » a été ajoutée." in follow.text


def test_the_add_form_keeps_what_was_typed(admin_client, bohicon):
    response = admin_client.post(
        url("category_add", bohicon),
        {
            "name": "Santé",
            "responsible_service": "Centre de santé",
            "ack_working_days": "2",
            "resolve_working_days": "20",
        },
    )
    assert response.status_code == 400
    assert "La commune a déjà une catégorie « Santé »." in response.text
    assert 'value="Centre de santé"' in response.text
    assert Category.objects.filter(commune=bohicon).count() == 13


def test_the_admin_deactivates_and_reactivates_a_category(admin_client, bohicon, water):
    response = admin_client.post(url("category_deactivate", bohicon, water.pk))
    assert response.status_code == 302
    water.refresh_from_db()
    assert not water.is_active
    admin_client.post(url("category_reactivate", bohicon, water.pk))
    water.refresh_from_db()
    assert water.is_active
    assert admin_client.get(url("category_deactivate", bohicon, water.pk)).status_code == 405


def test_deactivating_the_last_active_category_is_refused_with_a_message(admin_client, bohicon, water):
    Category.objects.filter(commune=bohicon).exclude(pk=water.pk).update(is_active=False)
    response = admin_client.post(url("category_deactivate", bohicon, water.pk), follow=True)
    assert "au moins une catégorie active" in response.text
    water.refresh_from_db()
    assert water.is_active


def test_the_admin_manages_response_templates(admin_client, bohicon, water, template):
    page = admin_client.get(url("templates", bohicon, water.pk))
    assert page.status_code == 200
    assert "Pompe réparée" in page.text and "Ajouter un modèle" in page.text
    response = admin_client.post(
        url("templates", bohicon, water.pk), {"title": "Forage prévu", "body": "Un forage est prévu."}
    )
    assert response.status_code == 302
    assert ResponseTemplate.objects.filter(category=water, title="Forage prévu").exists()
    response = admin_client.post(
        url("template_edit", bohicon, water.pk, template.pk), {"title": "Pompe réparée", "body": "Réparée."}
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "Réparée."
    response = admin_client.post(url("template_delete", bohicon, water.pk, template.pk))
    assert response.status_code == 302
    assert not ResponseTemplate.objects.filter(pk=template.pk).exists()
    assert [action for action in audit_actions() if action.startswith("grievances.response_template")] == [
        "grievances.response_template_added",
        "grievances.response_template_changed",
        "grievances.response_template_deleted",
    ]


def test_the_template_forms_keep_what_was_typed(admin_client, bohicon, water, template):
    response = admin_client.post(url("templates", bohicon, water.pk), {"title": "Forage prévu", "body": ""})
    assert response.status_code == 400
    assert "Écrivez le texte de la réponse." in response.text
    assert 'value="Forage prévu"' in response.text
    response = admin_client.post(
        url("template_edit", bohicon, water.pk, template.pk), {"title": "", "body": "Texte changé"}
    )
    assert response.status_code == 400
    assert "Donnez un titre au modèle." in response.text and "Texte changé" in response.text
    template.refresh_from_db()
    assert template.title == "Pompe réparée"


def test_a_template_is_reached_through_its_own_category_only(admin_client, bohicon, water, gbv, template):
    assert admin_client.get(url("template_edit", bohicon, gbv.pk, template.pk)).status_code == 404
    assert admin_client.post(url("template_delete", bohicon, gbv.pk, template.pk)).status_code == 404
    assert ResponseTemplate.objects.filter(pk=template.pk).exists()


def test_officers_see_the_templates_when_resolving(client, officer, file_complaint, template):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=officer)
    sign_in_verified(client, officer)
    response = client.get(url("office_complaint", complaint.commune, complaint.code))
    assert template.body in response.text


# --- Who may open the pages -----------------------------------------------------------------------------


def test_the_secretary_general_reads_the_settings_without_changing_them(
    client, staff, bohicon, water, template
):
    sign_in_verified(client, staff(bohicon, "secretary_general"))
    response = client.get(url("settings", bohicon))
    assert response.status_code == 200
    assert "Eau potable" in response.text
    assert url("category_add", bohicon) not in response.text
    assert f'href="{url("category_edit", bohicon, water.pk)}"' not in response.text
    templates_page = client.get(url("templates", bohicon, water.pk))
    assert templates_page.status_code == 200
    assert "Pompe réparée" in templates_page.text and "Ajouter un modèle" not in templates_page.text
    for name, args in [
        ("category_add", ()),
        ("category_edit", (water.pk,)),
        ("template_edit", (water.pk, template.pk)),
    ]:
        assert client.get(url(name, bohicon, *args)).status_code == 404
    refused_posts = [
        url("category_deactivate", bohicon, water.pk),
        url("templates", bohicon, water.pk),
        url("template_delete", bohicon, water.pk, template.pk),
        url("category_edit", bohicon, water.pk),
    ]
    for address in refused_posts:
        assert client.post(address, {"title": "T", "body": "B", "name": "X"}).status_code == 404
    water.refresh_from_db()
    assert water.is_active and water.name == "Eau potable"
    assert ResponseTemplate.objects.filter(category=water).count() == 1


def every_settings_page(commune, category, template):
    return [
        url("settings", commune),
        url("category_add", commune),
        url("category_edit", commune, category.pk),
        url("templates", commune, category.pk),
        url("template_edit", commune, category.pk, template.pk),
    ]


def test_an_admin_of_another_commune_gets_404(client, staff, toffo, bohicon, water, template):
    sign_in_verified(client, staff(toffo, "commune_admin"))
    assert client.get(url("settings", toffo)).status_code == 200
    for address in every_settings_page(bohicon, water, template):
        assert client.get(address).status_code == 404
    assert client.post(url("category_deactivate", bohicon, water.pk)).status_code == 404
    assert client.post(url("template_delete", bohicon, water.pk, template.pk)).status_code == 404
    water.refresh_from_db()
    assert water.is_active


def test_a_category_of_another_commune_is_404_even_for_an_admin(admin_client, toffo):
    toffo_water = Category.objects.get(commune=toffo, code="water")
    assert admin_client.get(url("category_edit", toffo_water.commune, toffo_water.pk)).status_code == 404
    bohicon_slug_with_toffo_category = reverse("grievances:category_edit", args=["bohicon", toffo_water.pk])
    assert admin_client.get(bohicon_slug_with_toffo_category).status_code == 404


@pytest.mark.parametrize("role", ["complaints_officer", "focal_point", "mayor", "planning_officer"])
def test_other_staff_roles_get_404(client, staff, bohicon, water, template, role):
    sign_in_verified(client, staff(bohicon, role))
    for address in every_settings_page(bohicon, water, template):
        assert client.get(address).status_code == 404


def test_a_citizen_and_an_anonymous_visitor_get_404(client, citizen, bohicon, water, template):
    for address in every_settings_page(bohicon, water, template):
        assert client.get(address).status_code == 404
    client.force_login(citizen)
    for address in every_settings_page(bohicon, water, template):
        assert client.get(address).status_code == 404


def test_an_admin_without_the_second_factor_gets_404(client, admin, bohicon):
    client.force_login(admin)
    assert client.get(url("settings", bohicon)).status_code == 404


def test_settings_are_404_where_the_commune_does_not_offer_complaints(admin_client, bohicon):
    bohicon.modules = [module for module in bohicon.modules if module != "complaints"]
    bohicon.save()
    assert admin_client.get(url("settings", bohicon)).status_code == 404


def test_the_queue_links_to_the_settings_for_admins_and_the_secretary_general(
    client, staff, bohicon, officer
):
    sign_in_verified(client, officer)
    assert url("settings", bohicon) not in client.get(url("queue", bohicon)).text
    secretary = staff(bohicon, "secretary_general")
    sign_in_verified(client, secretary)
    assert url("settings", bohicon) in client.get(url("queue", bohicon)).text
    both = staff(bohicon, "complaints_officer")
    MembershipFactory(user=both, commune=bohicon, role="commune_admin")
    sign_in_verified(client, both)
    assert url("settings", bohicon) in client.get(url("queue", bohicon)).text
