"""Which client a request comes from (gateway.clients): the peer, or behind trusted proxies the
right-most X-Forwarded-For address that is none of them."""

import pytest
from servicekit.config import ConfigError

from gateway import clients

PROXIES = clients.Proxies(clients.networks("10.0.0.0/8, 192.168.1.5, fd00::/8"))


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("10.1.2.3", ["198.51.100.7"], "198.51.100.7"),
        # the client wrote the left part itself; our proxy appended what it saw
        ("10.1.2.3", ["1.1.1.1, 2.2.2.2, 198.51.100.7"], "198.51.100.7"),
        # two of our proxies in a row
        ("10.1.2.3", ["6.6.6.6, 198.51.100.7, 192.168.1.5"], "198.51.100.7"),
        # several headers are one list, in order
        ("10.1.2.3", ["6.6.6.6", "198.51.100.7, 10.9.9.9"], "198.51.100.7"),
        # garbage left of the real address never counts
        ("10.1.2.3", ["not-an-ip, , 198.51.100.7"], "198.51.100.7"),
        # only our proxies in the chain: the first of them
        ("10.1.2.3", ["10.4.4.4, 10.5.5.5"], "10.4.4.4"),
        ("10.1.2.3", [], "10.1.2.3"),
        ("fd00::1", ["2001:DB8:0::1"], "2001:db8::1"),
        ("10.1.2.3", ["::ffff:198.51.100.7"], "198.51.100.7"),
    ],
)
def test_behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_hop(peer, forwarded, client):
    assert PROXIES.client(peer, forwarded) == client


@pytest.mark.parametrize("peer", ["203.0.113.9", "127.0.0.1", "10.1.2.3x"])
def test_an_untrusted_peer_is_the_client_whatever_its_header_says(peer):
    assert PROXIES.client(peer, ["198.51.100.7"]) == peer


def test_without_trusted_proxies_every_header_is_ignored():
    assert clients.Proxies().client("10.1.2.3", ["198.51.100.7"]) == "10.1.2.3"


def test_no_peer_address_is_one_unknown_client():
    assert PROXIES.client(None, ["198.51.100.7"]) == clients.UNKNOWN


@pytest.mark.parametrize("text", ["10.0.0.0/33", "proxy.example", "10.0.0.1/8/2"])
def test_a_value_that_is_no_network_refuses_the_start(text):
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        clients.networks(text)


def test_an_empty_setting_trusts_nobody():
    assert clients.networks("") == () and clients.networks(" , ") == ()


class TestTheStart:
    def test_trust_proxy_refuses_the_start_naming_its_replacement(self, monkeypatch):
        from gateway.service import configure

        monkeypatch.setenv("TRUST_PROXY", "1")
        with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
            configure({})

    def test_a_bad_network_refuses_the_start(self, monkeypatch):
        from gateway.service import configure

        monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8,nonsense")
        with pytest.raises(ConfigError, match="nonsense"):
            configure({})
