from palabre.channels.models import ConsoleMessage


def recent_console_messages(*, limit: int = 50) -> list[ConsoleMessage]:
    """The latest SMS the console gateway "sent", newest first."""
    return list(ConsoleMessage.objects.order_by("-id")[:limit])
