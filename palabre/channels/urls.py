from django.urls import path

from palabre.channels import views

app_name = "channels"

urlpatterns = [
    path("", views.demo_messages, name="demo_messages"),
]
