"""The filing form's code step in Debian's chromium with JavaScript off (issue 8): a typed number is
proved with the code sent to it, and nothing typed is lost on a wrong code."""

import re

import pytest

from tests import test_browser
from tests.test_browser import latest_login_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

page = test_browser.page  # the fixture: chromium, JavaScript off


def test_a_typed_number_is_proved_with_a_code_without_javascript(page, live_server):
    from palabre.grievances.models import Complaint
    from palabre.grievances.services import categories_ensure_defaults
    from palabre.territory.models import Commune

    bohicon = Commune.objects.get(slug="bohicon")
    categories_ensure_defaults(commune=bohicon)
    page.goto(f"{live_server.url}/bohicon/plaintes/deposer/")
    page.select_option("select[name=category]", label="Eau potable")
    page.select_option("select[name=arrondissement]", index=1)
    page.get_by_role("button", name="Continuer").click()
    page.fill("textarea[name=description]", "La pompe du quartier est en panne.")
    page.fill("input[name=reporter_name]", "Codjo")
    page.fill("input[name=reporter_phone]", "97 55 44 33")
    page.get_by_role("button", name="Déposer la plainte").click()
    assert page.get_by_text("pas encore déposée").is_visible()
    assert not Complaint.objects.exists()
    page.fill("input[name=code]", "000000" if latest_login_code() != "000000" else "111111")
    page.get_by_role("button", name="Confirmer et déposer la plainte").click()
    assert page.get_by_text(re.compile("pas le bon")).is_visible()
    page.fill("input[name=code]", latest_login_code())
    page.get_by_role("button", name="Confirmer et déposer la plainte").click()
    complaint = Complaint.objects.get()
    assert page.url.endswith("/bohicon/plaintes/deposer/merci/")
    assert complaint.description == "La pompe du quartier est en panne."
    assert str(complaint.reporter_phone) == "+2290197554433" and complaint.reporter_name == "Codjo"
