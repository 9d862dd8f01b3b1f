"""The platform administrator's gateway setup pages, mounted at /plateforme/passerelles/."""

from django.urls import path

from palabre.channels import views

app_name = "gateways"

urlpatterns = [
    path("", views.gateway_list, name="list"),
    path("<slug:gateway_name>/", views.gateway_detail, name="detail"),
]
