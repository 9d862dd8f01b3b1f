from django.urls import path

from palabre.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.national_overview, name="national_overview"),
]
