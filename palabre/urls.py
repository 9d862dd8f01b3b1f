"""Top-level routes. Every commune page lives under /<commune-slug>/."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("compte/", include("palabre.accounts.urls")),
    path("demo/", include("palabre.channels.urls")),
    path("national/", include("palabre.reports.urls")),
    path("<slug:commune_slug>/gestion/", include("palabre.accounts.urls_commune")),
    path("api/open311/v2/", include("palabre.grievances.open311.urls")),
    path("<slug:commune_slug>/plaintes/", include("palabre.grievances.urls")),
    path("<slug:commune_slug>/budget/", include("palabre.budgeting.urls")),
    path("channels/", include("palabre.channels.webhook_urls")),
    path("simulator/", include("palabre.channels.simulator_urls")),
    path("plateforme/passerelles/", include("palabre.channels.gateway_urls")),
    path("<slug:commune_slug>/gestion/canaux/", include("palabre.channels.urls_commune")),
    path("<slug:commune_slug>/gestion/sms/", include("palabre.channels.sms.urls")),
    path("", include("palabre.territory.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
