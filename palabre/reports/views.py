from django.shortcuts import render

from palabre.accounts.permissions import access_national_statistics
from palabre.core.choices import Channel
from palabre.reports.queries import SMALL_COUNT_THRESHOLD, national_participation


def national_overview(request):
    access_national_statistics(request)
    context = {
        "rows": national_participation(),
        "channels": Channel.choices,
        "threshold": SMALL_COUNT_THRESHOLD,
    }
    return render(request, "reports/national_overview.html", context)
