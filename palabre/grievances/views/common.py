"""What the complaint views share beyond core.pages: the filters of a list as a query string."""

from django.http import HttpRequest


def query_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, without the page number (for the pager's links)."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
