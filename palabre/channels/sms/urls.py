"""Staff pages of SMS announcements, under /<commune>/gestion/sms/."""

from django.urls import path

from palabre.channels.sms import views

app_name = "sms_staff"
urlpatterns = [
    path("", views.history_view, name="history"),
    path("nouvelle/", views.new_view, name="new"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/envoyer/", views.confirm_view, name="confirm"),
    path("<int:pk>/annuler/", views.cancel_view, name="cancel"),
]
