"""How the LRS's answers are read and how long a refused statement waits (assessments/xapi/
lrs.py): no database, no network."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from assessments.xapi.lrs import MAX_DELAY, Answer, Lrs, retry_delay


@given(st.integers(min_value=1, max_value=500))
def test_the_wait_grows_from_a_minute_to_at_most_a_day(attempts):
    assert datetime.timedelta(minutes=1) <= retry_delay(attempts) <= MAX_DELAY
    assert retry_delay(attempts + 1) >= retry_delay(attempts)


def test_the_first_waits():
    minutes = [retry_delay(n) / datetime.timedelta(minutes=1) for n in range(1, 7)]
    assert minutes == [1, 2, 4, 8, 16, 32]
    assert retry_delay(20) == MAX_DELAY


def test_what_counts_as_taken():
    assert Answer(200, '["id"]').taken(5) and Answer(204, "").taken(5)
    assert Answer(409, "Conflict").taken(1)  # held already: that statement is there
    assert not Answer(409, "Conflict").taken(2)  # which of the two? sent again one by one
    assert Answer(400, "Statement already exists").taken(1)
    assert not Answer(400, "verb: field required").taken(1)
    assert not Answer(401, "Invalid authentication credentials").taken(1)
    assert not Answer(503, "").taken(1)


def test_the_request_speaks_xapi_1_0_3_with_basic_authentication():
    lrs = Lrs("https://lrs.example.com/xAPI/", "key", "secret")
    assert lrs.statements_url == "https://lrs.example.com/xAPI/statements"
    headers = lrs.headers()
    assert headers["X-Experience-API-Version"] == "1.0.3"
    assert headers["Authorization"] == "Basic a2V5OnNlY3JldA=="  # key:secret
    assert "Authorization" not in Lrs("https://lrs.example.com/xAPI", "", "").headers()
