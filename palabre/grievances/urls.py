"""Complaint pages under /<commune-slug>/plaintes/: citizens' pages, then officers' under gestion/."""

from django.urls import path, re_path

from palabre.grievances.open311 import views as open311_views
from palabre.grievances.views import exports, office, public, settings

CODE = r"(?P<code>[A-Za-z]{3}-?[A-Za-z0-9]{4,6})"

app_name = "grievances"
urlpatterns = [
    path("", public.complaint_list, name="list"),
    path("deposer/", public.complaint_file, name="file"),
    path("deposer/merci/", public.complaint_filed, name="filed"),
    path("suivi/", public.tracking, name="tracking"),
    path("suivi/<slug:action>/", public.tracking_action, name="tracking_action"),
    path("carte/", public.complaint_map, name="map"),
    path("carte/contour.json", public.commune_outline, name="outline"),
    path("statistiques/", public.statistics, name="statistics"),
    path("gestion/", office.queue, name="queue"),
    path("gestion/confidentielles/", office.queue, {"confidential": True}, name="confidential_queue"),
    path("gestion/attribuer/", office.bulk_assign, name="bulk_assign"),
    path("gestion/export.csv", exports.export_csv, name="export_csv"),
    path("gestion/export.xlsx", exports.export_xlsx, name="export_xlsx"),
    # Before the complaint routes: "open311" would read as a tracking code (OPE-N311).
    path("gestion/open311/", open311_views.api_keys, name="open311_keys"),
    path("gestion/open311/<int:pk>/revoquer/", open311_views.api_key_revoke_view, name="open311_key_revoke"),
    path("gestion/reglages/", settings.category_list, name="settings"),
    path("gestion/reglages/ajouter/", settings.category_add, name="category_add"),
    path("gestion/reglages/<int:pk>/", settings.category_edit, name="category_edit"),
    path(
        "gestion/reglages/<int:pk>/desactiver/",
        settings.category_set_active,
        {"active": False},
        name="category_deactivate",
    ),
    path(
        "gestion/reglages/<int:pk>/reactiver/",
        settings.category_set_active,
        {"active": True},
        name="category_reactivate",
    ),
    path("gestion/reglages/<int:pk>/modeles/", settings.templates, name="templates"),
    path(
        "gestion/reglages/<int:pk>/modeles/<int:template_pk>/", settings.template_edit, name="template_edit"
    ),
    path(
        "gestion/reglages/<int:pk>/modeles/<int:template_pk>/supprimer/",
        settings.template_delete,
        name="template_delete",
    ),
    re_path(rf"^gestion/{CODE}/$", office.complaint, name="office_complaint"),
    re_path(rf"^gestion/{CODE}/message-vocal/$", office.complaint_recording, name="office_recording"),
    re_path(rf"^gestion/{CODE}/(?P<action>[a-z]+)/$", office.complaint_action, name="office_action"),
    re_path(rf"^{CODE}/$", public.complaint_detail, name="detail"),
    re_path(rf"^{CODE}/soutenir/$", public.complaint_support, name="support"),
]
