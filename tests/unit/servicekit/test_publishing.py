"""The producer pool's key is built once per distinct settings (servicekit.publishing)."""

from kombu.pools import producers
from nameko.amqp import publish
from servicekit import publishing

URI = "amqp://guest:guest@127.0.0.1:5672/unit-publishing"


def test_the_same_settings_name_the_same_pool():
    first = publishing.pool_key(URI, None, None, {"confirm_publish": False})
    again = publishing.pool_key(URI, None, None, {"confirm_publish": False})
    assert first is again
    assert producers[first] is producers[again]


def test_other_settings_name_another_pool():
    unconfirmed = publishing.pool_key(URI, None, None, {"confirm_publish": False})
    confirmed = publishing.pool_key(URI, None, None, {"confirm_publish": True})
    elsewhere = publishing.pool_key(URI + "-2", None, None, {"confirm_publish": False})
    tls = publishing.pool_key(URI, {"cert_reqs": 2}, None, {"confirm_publish": False})
    assert len({id(k) for k in (unconfirmed, confirmed, elsewhere, tls)}) == 4
    assert confirmed.transport_options["confirm_publish"] is True
    assert tls.ssl == {"cert_reqs": 2}


def test_install_makes_nameko_publish_through_it(monkeypatch):
    monkeypatch.setattr(publish, "get_producer", publish.get_producer)  # restored afterwards
    publishing.install()
    assert publish.get_producer is publishing.get_producer
