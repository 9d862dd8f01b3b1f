"""Open311 GeoReport v2 under /api/open311/v2/: every resource ends with .xml or .json."""

from django.urls import re_path

from palabre.grievances.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>[A-Za-z0-9]+)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<service_code>[\w-]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.request_list, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[\w-]+)" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[\w-]+)" + FMT, views.token_detail, name="token"),
    re_path(r"^servicerequestupdates" + FMT, views.update_list, name="updates"),
]
