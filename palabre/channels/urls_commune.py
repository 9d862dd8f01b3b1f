"""The commune administrators' channels page, mounted at /<commune>/gestion/canaux/."""

from django.urls import include, path

from palabre.channels import views

app_name = "channels_staff"

urlpatterns = [
    path("", views.channels_home, name="home"),
    path("demandes/<int:pk>/bloquer/", views.block_view, name="block"),
    path("numeros/<int:pk>/debloquer/", views.unblock_view, name="unblock"),
    path("", include("palabre.channels.voice.urls")),
]
