from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from palabre.accounts.queries import demo_staff_codes
from palabre.channels.queries import recent_console_messages


@never_cache
def demo_messages(request):
    """Demo only: the SMS the console gateway sent (login codes) and the staff accounts' current codes."""
    if not settings.DEMO_MODE:
        raise Http404
    context = {"sms_list": recent_console_messages(limit=50), "staff_codes": demo_staff_codes()}
    return render(request, "channels/demo_messages.html", context)
