"""The public verification page: each state of a certificate, nothing more than the masked
name, the serial number, the issuing company, kind, subject, dates and status; the same answer
for unknown and malformed codes; and the rate limit."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.certificates import verification
from tests.factories import TODAY, in_english, make_certificate

pytestmark = pytest.mark.django_db


# The page ----------------------------------------------------------------------------------


def page_of(client, code):
    response = client.get(f"/verify/{code}/")
    return response, response.content.decode()


def test_a_valid_course_certificate(client, people, course):
    user = people["learner"].user  # 王喆, L001, 浦东收派组
    certificate = make_certificate(user, course=course, expires_on=TODAY + datetime.timedelta(99))
    response, page = page_of(in_english(client), certificate.code)
    page = same_page(page)  # the language switcher's "next" holds the address, code and all
    assert response.status_code == 200
    assert 'data-verification="valid"' in page
    assert "This certificate is valid." in page
    assert "王*" in page and "王喆" not in page
    assert "Course completion" in page and "客户服务知识" in page
    assert certificate.issued_at.strftime("%Y") in page
    # The serial number printed on the certificate, to compare with the paper.
    assert f"<dd data-serial>{certificate.serial}</dd>" in page
    # Nothing more: no full name, employee number, unit, position, code.
    for secret in ("王喆", "L001", "浦东", "courier", certificate.code):
        assert secret not in page, secret
    assert response.headers["Cache-Control"].startswith("max-age=0")
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_a_cycle_certificate_with_a_three_character_name(client, people, cycle):
    certificate = make_certificate(people["trainer"].user, cycle=cycle, name="林海峰")
    response, page = page_of(in_english(client), certificate.code)
    assert response.status_code == 200
    assert "林*峰" in page and "林海峰" not in page
    assert "Cycle assessment" in page and "2026年第三季度考核" in page
    assert "Does not expire" in page
    assert "TR01" not in page and certificate.serial in page
    assert "data-issuer" not in page  # its template names no issuing company


def test_an_expired_certificate(client, people, course):
    certificate = make_certificate(
        people["learner"].user,
        course=course,
        issued_on=TODAY - datetime.timedelta(days=400),
        expires_on=TODAY - datetime.timedelta(days=1),
    )
    response, page = page_of(in_english(client), certificate.code)
    assert response.status_code == 200
    assert 'data-verification="expired"' in page and "This certificate has expired." in page


def test_a_revoked_certificate_shows_no_reason(client, people, course):
    certificate = make_certificate(people["learner"].user, course=course, revoked=True)
    response, page = page_of(in_english(client), certificate.code)
    assert response.status_code == 200
    assert 'data-verification="revoked"' in page and "has been revoked" in page
    assert "名字印错了" not in page and "wrong name" not in page
    assert people["hr"].full_name not in page


def test_a_reissued_certificate_shows_revoked_and_its_successor_valid(client, people, course):
    user = people["learner"].user
    new = make_certificate(user, course=course)
    old = make_certificate(user, course=course, revoked=True, superseded_by=new)
    response, page = page_of(in_english(client), old.code)
    assert response.status_code == 200
    assert 'data-verification="revoked"' in page
    assert new.serial not in page and new.code not in page and "re-issued" not in page
    _response, page = page_of(client, new.code)
    assert 'data-verification="valid"' in page


def test_codes_are_read_however_they_are_typed(client, people, course):
    certificate = make_certificate(people["learner"].user, course=course, code="ABCD0123EFGH4567")
    for typed in ("ABCD-0123-EFGH-4567", "abcd0123efgh4567", "abcd-o123-efgh-4567"):
        response, page = page_of(client, typed)
        assert response.status_code == 200, typed
        assert 'data-verification="valid"' in page
    response = client.get("/verify/", {"code": " abcd 0123-efgh 4567 "})
    assert response.status_code == 302
    assert response.url == "/verify/ABCD-0123-EFGH-4567/"
    assert client.get(response.url).status_code == 200
    assert certificate.code == "ABCD0123EFGH4567"


def same_page(html: str) -> str:
    """The page without what differs by request alone (the CSRF token, the path)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    return re.sub(r'name="next" value="[^"]*"', "", html)


def test_unknown_and_malformed_codes_get_the_same_answer(client, people, course):
    make_certificate(people["learner"].user, course=course, code="ABCD0123EFGH4567")
    answers = []
    for code in ("ABCD0123EFGH4568", "XYZ", "ABCD0123EFGH45678", "ABCD-0123-EFGH-456U", "%E4%BD"):
        response, page = page_of(in_english(client), code)
        assert response.status_code == 404, code
        assert "There is no certificate with this code." in page
        answers.append(same_page(page))
    assert len(set(answers)) == 1
    # Through the form too: a redirect to the same answer.
    response = client.get("/verify/", {"code": "not a code!"})
    assert response.status_code == 302
    assert same_page(client.get(response.url).content.decode()) == answers[0]


def test_unknown_and_malformed_codes_cost_the_same_queries(client, people, course):
    """The code is looked up whatever it is (one query): a malformed one is not turned away
    sooner than an unknown one. (A 404 of this site also goes through Wagtail's redirects,
    two more queries, for unknown and malformed alike; a found code's page says it is found
    anyway.)"""
    certificate = make_certificate(people["learner"].user, course=course)
    client.get("/verify/ZZZZZZZZZZZZZZZZ/")  # the site's look-up cached, as on a warm server
    with CaptureQueriesContext(connection) as found:
        client.get(f"/verify/{certificate.code}/")
    assert len(found) == 1
    shapes = []
    for code in ("ABCD0123EFGH4568", "malformed", "ABCD0123EFGH456"):
        with CaptureQueriesContext(connection) as missing:
            client.get(f"/verify/{code}/")
        assert missing[0]["sql"].startswith(found[0]["sql"].split(" WHERE ")[0])
        shapes.append([re.sub(r"'[^']*'", "?", q["sql"]) for q in missing.captured_queries])
    assert shapes[0] == shapes[1] == shapes[2]


def test_the_form(client):
    page = in_english(client).get("/verify/").content.decode()
    assert 'name="code"' in page and "Verify a certificate" in page
    assert "Sign in" in page  # the public layout: no sign-in needed
    response = client.get("/verify/", {"code": "  -- "})
    assert response.status_code == 200
    assert "Type the code printed on the certificate." in response.content.decode()
    assert client.post("/verify/").status_code == 405


def test_the_page_is_in_chinese_by_default(client, people, course):
    certificate = make_certificate(people["learner"].user, course=course)
    page = client.get(f"/verify/{certificate.code}/").content.decode()
    assert 'lang="zh-Hans"' in page and "王*" in page


# The rate limit ----------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """The rate limit's clock, moved by hand."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(verification.time, "time", lambda: now[0])
    return now


def exhaust(client, code, n):
    return [client.get(f"/verify/{code}/").status_code for _ in range(n)]


def check_the_minute_limit(client, settings, clock, certificate):
    settings.LMS_VERIFY_PER_MINUTE = 3
    # Found and not found both count.
    assert exhaust(client, certificate.code, 2) == [200, 200]
    assert exhaust(client, "ABCD0123EFGH4568", 1) == [404]
    response = in_english(client).get(f"/verify/{certificate.code}/")
    assert response.status_code == 429
    assert "Too many certificates have been looked up" in response.content.decode()
    assert 0 < int(response.headers["Retry-After"]) <= 61
    assert certificate.serial not in response.content.decode()
    # Another address is not held up.
    assert client.get(f"/verify/{certificate.code}/", REMOTE_ADDR="10.0.0.9").status_code == 200
    clock[0] += 61  # the next minute
    assert exhaust(client, certificate.code, 3) == [200, 200, 200]
    assert client.get(f"/verify/{certificate.code}/").status_code == 429


def test_too_many_lookups_a_minute_are_refused_until_the_next(
    client, settings, clock, people, course
):
    certificate = make_certificate(people["learner"].user, course=course)
    check_the_minute_limit(client, settings, clock, certificate)


def test_the_rate_limit_with_redis(client, settings, clock, people, course, redis_cache):
    certificate = make_certificate(people["learner"].user, course=course)
    check_the_minute_limit(client, settings, clock, certificate)


def test_too_many_lookups_a_day_are_refused_until_the_next(
    client, settings, clock, people, course
):
    settings.LMS_VERIFY_PER_DAY = 5
    certificate = make_certificate(people["learner"].user, course=course)
    clock[0] = 86400 * 20000 + 100  # early in a day
    statuses = []
    for _ in range(6):
        statuses.append(client.get(f"/verify/{certificate.code}/").status_code)
        clock[0] += 120  # a new minute each time
    assert statuses == [200] * 5 + [429]
    clock[0] = 86400 * 20001 + 1
    assert client.get(f"/verify/{certificate.code}/").status_code == 200


def test_the_form_itself_is_not_counted(client, settings, clock):
    settings.LMS_VERIFY_PER_MINUTE = 1
    assert exhaust(client, "ABCD0123EFGH4568", 1) == [404]
    for _ in range(3):
        assert client.get("/verify/").status_code == 200


def test_the_issuing_company_and_its_seal_are_named(client, people, course):
    from django.core.files.images import ImageFile
    from wagtail.images.models import Image

    from assessments.demo.seal import COMPANY, seal_png
    from tests.factories import template_for

    template = template_for("course")
    template.issuer_name = COMPANY
    template.seal = Image.objects.create(
        title="seal", file=ImageFile(io.BytesIO(seal_png(size=96)), name="seal.png")
    )
    template.save()
    seal_url = template.seal.file.url
    certificate = make_certificate(people["learner"].user, course=course)
    # The template edited after the certificate was issued: the certificate keeps its own.
    template.issuer_name, template.seal = "另一家公司", None
    template.save()
    client.get("/verify/ZZZZZZZZZZZZZZZZ/")  # the site's look-up cached
    with CaptureQueriesContext(connection) as queries:
        response, page = page_of(client, certificate.code)
    assert len(queries) == 1  # the seal comes with the certificate
    assert response.status_code == 200
    assert "发证单位" in page and f"<span>{COMPANY}</span></dd>" in page
    assert "另一家公司" not in page
    assert f'src="{seal_url}"' in page and f"{COMPANY}的印章" in page
    assert f"<dd data-serial>{certificate.serial}</dd>" in page
    assert "证书编号" in page
