"""The voice prompts page, mounted under /<commune>/gestion/canaux/ (namespace channels_staff)."""

from django.urls import path

from palabre.channels.voice import views

urlpatterns = [
    path("voix/", views.prompts_page, name="voice_prompts"),
    path("voix/<int:pk>/retirer/", views.prompt_delete, name="voice_prompt_delete"),
]
