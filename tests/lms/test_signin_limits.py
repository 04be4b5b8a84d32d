"""Sign-in limits behind the load balancer: on the real client's address, and on the account
in a way that a stranger can slow down but never lock out."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.checks import Error
from django.test import Client

from lms.models.audit import AuditAction, AuditEvent
from lms.platform.checks import one_client_address
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "10.0.0.2"  # the load balancer: every request comes from it
TOO_MANY = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def behind_the_proxy(settings):
    settings.USE_X_FORWARDED_FOR = True
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.LANGUAGE_CODE = "en"


def sign_in(address, login, password=PASSWORD, *, written_by_client=""):
    """A sign-in from `address` through the proxy, on a browser of its own."""
    client = Client()
    forwarded = f"{written_by_client}, {address}" if written_by_client else address
    response = client.post(
        LOGIN,
        {"login": login, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    signed_in = SESSION_KEY in client.session
    limited = response.status_code == 200 and TOO_MANY in response.content.decode()
    return signed_in, limited


def test_two_addresses_through_the_proxy_are_limited_separately(make_staff):
    make_staff(number="E3001")
    # One address tries ten accounts and is stopped...
    for i in range(10):
        assert sign_in("203.0.113.7", f"X{i:04d}", "wrong") == (False, False)
    assert sign_in("203.0.113.7", "E3001") == (False, True)
    # ...the proxy's other clients are not.
    assert sign_in("198.51.100.4", "E3001") == (True, False)
    login = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert login.ip_address == "198.51.100.4"  # the address the limits count, as the audit log


def test_what_the_client_writes_in_x_forwarded_for_does_not_make_a_new_address(make_staff):
    make_staff(number="E3002")
    for i in range(10):
        sign_in("203.0.113.7", f"X{i:04d}", "wrong", written_by_client=f"192.0.2.{i}")
    assert sign_in("203.0.113.7", "E3002", written_by_client="192.0.2.99") == (False, True)


def test_one_address_hammering_an_account_does_not_stop_it_elsewhere(make_staff):
    make_staff(number="E3003", email="e3003@example.com")
    for i in range(5):
        assert sign_in("203.0.113.7", "E3003", f"wrong-{i}") == (False, False)
    # That address waits, whichever name of the account it uses...
    assert sign_in("203.0.113.7", "E3003", "wrong-again") == (False, True)
    assert sign_in("203.0.113.7", "e3003@EXAMPLE.com", "wrong-again") == (False, True)
    # ...the owner, on the phone network, signs in.
    assert sign_in("198.51.100.4", "E3003") == (True, False)


def test_a_stranger_cannot_lock_out_an_account(make_staff):
    make_staff(number="E3004")
    # A stranger with many addresses fails as often as the limits let each of them.
    addresses = [f"203.0.113.{n}" for n in range(1, 7)]
    for address in addresses:
        for i in range(5):
            sign_in(address, "E3004", f"guess-{i}")
    # The account is under attack: each address now gets one try per period...
    fresh = "192.0.2.50"
    assert sign_in(fresh, "E3004", "guess") == (False, False)
    assert sign_in(fresh, "E3004", "guess") == (False, True)
    # ...and the owner's right password, from an address of their own, signs in first time.
    assert sign_in("198.51.100.4", "E3004") == (True, False)
    # Signing in gave the try back: the owner is not slowed on that address afterwards.
    assert sign_in("198.51.100.4", "E3004") == (True, False)


def test_a_stranger_cannot_lock_out_the_company_either(make_staff):
    make_staff(number="E3005")
    for n in range(1, 4):
        for i in range(12):
            sign_in(f"203.0.113.{n}", f"X{i:04d}", "wrong")
    assert sign_in("198.51.100.4", "E3005") == (True, False)


def test_the_audit_log_and_the_limits_read_the_same_address(settings):
    assert one_client_address(None) == []
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert [type(e) for e in one_client_address(None)] == [Error]


def test_new_addresses_in_ones_own_ipv6_network_are_the_same_address(make_staff):
    make_staff(number="E3006")
    for i in range(5):
        sign_in(f"2001:db8:1:2::{i + 1:x}", "E3006", f"wrong-{i}")
    assert sign_in("2001:db8:1:2::99", "E3006") == (False, True)
    assert sign_in("2001:db8:9:9::1", "E3006") == (True, False)
