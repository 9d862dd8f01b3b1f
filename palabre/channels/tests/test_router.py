import pytest

from palabre.channels import router
from palabre.channels.router import InboundContext, MenuEntry, RegistryConflict, SmsKeyword

CONTEXT = InboundContext(
    phone="+2290197123456", commune=None, language="fr", channel="ussd", gateway="console"
)


def handler(context, args):
    return "ok"


def other(context, args):
    return "autre"


@pytest.fixture(autouse=True)
def empty_registry():
    with router.temporary_registry():
        yield


def test_sms_keywords_are_a_table_listed_in_help_order():
    router.register_sms_keywords(
        SmsKeyword("follow", {"fr": ["SUIVI"]}, handler, order=20),
        SmsKeyword("complaint", {"fr": ["PLAINTE", "PLAINTES"], "fon": ["XOXO"]}, handler, order=10),
    )
    keywords = router.sms_keywords()
    assert [item.command for item in keywords] == ["complaint", "follow"]
    assert keywords[0].words == {"fr": ("PLAINTE", "PLAINTES"), "fon": ("XOXO",)}


def test_registering_twice_the_same_handler_is_harmless_another_handler_conflicts():
    router.register_sms_keywords(SmsKeyword("complaint", {"fr": ["PLAINTE"]}, handler))
    router.register_sms_keywords(SmsKeyword("complaint", {"fr": ["PLAINTE"]}, handler))
    assert len(router.sms_keywords()) == 1
    with pytest.raises(RegistryConflict):
        router.register_sms_keywords(SmsKeyword("complaint", {"fr": ["PLAINTE"]}, other))
    router.register_menu(router.USSD, MenuEntry("complaints", "Plaintes", handler))
    with pytest.raises(RegistryConflict):
        router.register_menu(router.USSD, MenuEntry("complaints", "Plaintes", other))


def test_ussd_menus_in_order_and_only_available_ones_for_a_context():
    router.register_menu(
        router.USSD,
        MenuEntry("budget", "Budget", other, order=20, available=lambda context: context.language == "fon"),
        MenuEntry("complaints", "Plaintes", handler, order=10),
    )
    assert [entry.key for entry in router.ussd_menus()] == ["complaints", "budget"]
    assert [entry.key for entry in router.ussd_menus(CONTEXT)] == ["complaints"]
    assert router.ussd_menus()[0].factory is handler


def test_voice_flows_are_a_registry_of_their_own():
    router.register_menu(router.VOICE, MenuEntry("complaints", "Plaintes", handler, order=1))
    assert [entry.key for entry in router.voice_flows(CONTEXT)] == ["complaints"]
    assert router.ussd_menus() == []


def test_an_unknown_menu_is_refused():
    with pytest.raises(KeyError):
        router.register_menu("fax", MenuEntry("complaints", "Plaintes", handler))


def test_temporary_registry_restores_what_was_there():
    router.register_menu(router.USSD, MenuEntry("complaints", "Plaintes", handler))
    with router.temporary_registry():
        assert router.ussd_menus() == []
    with router.temporary_registry(keep=True):
        router.register_menu(router.USSD, MenuEntry("budget", "Budget", other))
        assert len(router.ussd_menus()) == 2
    assert [entry.key for entry in router.ussd_menus()] == ["complaints"]
