"""Provider webhooks, mounted at /channels/ (see docs/channels.md for each route's fields)."""

from django.urls import path

from palabre.channels import views
from palabre.channels.voice import views as voice_views

app_name = "webhooks"

urlpatterns = [
    path("whatsapp/webhook/", views.whatsapp_webhook, name="whatsapp"),
    path("voice/prompts/<int:pk>/", voice_views.prompt_audio, name="voice_prompt"),
    path("<slug:gateway_name>/<slug:kind>/", views.inbound_webhook, name="inbound"),
]
