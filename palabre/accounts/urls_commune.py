from django.urls import path

from palabre.accounts import views_commune

app_name = "commune_staff"
urlpatterns = [
    path("", views_commune.home_view, name="home"),
    path("membres/", views_commune.members_view, name="members"),
    path("membres/<int:pk>/retirer/", views_commune.member_remove_view, name="member_remove"),
]
