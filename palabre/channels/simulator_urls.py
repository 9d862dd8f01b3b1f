"""The phone simulator, mounted at /simulator/ (see channels/simulator.py)."""

from django.urls import path

from palabre.channels import simulator

app_name = "simulator"

urlpatterns = [
    path("", simulator.simulator, name="phone"),
    path("ussd/", simulator.simulator_ussd, name="ussd"),
    path("sms/", simulator.simulator_sms, name="sms"),
    path("raccrocher/", simulator.simulator_hangup, name="hangup"),
]
