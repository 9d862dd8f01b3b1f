from django.urls import path

from palabre.territory import views

app_name = "territory"
urlpatterns = [
    path("", views.national_home, name="national_home"),
    path("<slug:commune_slug>/", views.commune_home, name="commune_home"),
]
