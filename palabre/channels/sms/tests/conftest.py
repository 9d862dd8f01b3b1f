import pytest

from palabre.channels.router import InboundContext
from palabre.channels.sms_models import SmsSubscription
from palabre.core.choices import Channel

PHONE = "+2290197000001"


@pytest.fixture
def subscribe():
    """subscribe(commune, n, arrondissement=None, language="fr") -> the n subscribed numbers."""

    def make(commune, count, arrondissement=None, language="fr", start=0):
        phones = [f"+22901971{commune.pk:02d}{start + index:03d}" for index in range(count)]
        for phone in phones:
            SmsSubscription.objects.create(
                commune=commune, arrondissement=arrondissement, phone=phone, language=language
            )
        return phones

    return make


@pytest.fixture
def context_for():
    def make(commune=None, language="fr", phone=PHONE, inbound_id=None):
        return InboundContext(
            phone=phone,
            commune=commune,
            language=language,
            channel=Channel.SMS,
            gateway="test",
            inbound_id=inbound_id,
        )

    return make
