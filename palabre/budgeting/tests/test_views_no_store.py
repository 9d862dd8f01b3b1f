"""Every budgeting download tells browsers and proxies not to store it (issue 8, robustness)."""

from palabre.budgeting.tests import test_views_results
from palabre.budgeting.tests.test_views_results import _url

voted = test_views_results.voted
computed = test_views_results.computed
published = test_views_results.published


def test_results_downloads_are_never_stored(client, published, commune_envelope):
    for response in (
        client.get(_url("results_csv", published)),
        client.get(_url("results_pabulib", published, commune_envelope.pk)),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
