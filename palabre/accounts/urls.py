from django.urls import path

from palabre.accounts import views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("connexion/code/", views.verify_view, name="verify"),
    path("connexion/nouveau-code/", views.resend_view, name="resend"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("personnel/connexion/", views.staff_login_view, name="staff_login"),
    path("personnel/verification/", views.staff_verify_view, name="staff_verify"),
    path("personnel/application/", views.staff_enrol_view, name="staff_enrol"),
    path("personnel/mot-de-passe/", views.staff_password_view, name="staff_password"),
    path("profil/", views.profile_view, name="profile"),
    path("mes-donnees/", views.my_data_view, name="my_data"),
    path("mes-donnees/telecharger/", views.my_data_download_view, name="my_data_download"),
    path("supprimer/", views.delete_view, name="delete"),
]
