from django.conf import settings


def platform(request):
    """Values every page needs."""
    return {"demo_mode": settings.DEMO_MODE}
