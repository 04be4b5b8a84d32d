"""What customers said, shown where it counts: staff read their customers' comments on their own
result (never who the customer was); HR and trainers read a person's comments and complaints
on the person page; the dashboard counts a cycle's complaints by category and org unit."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from assessments.cycles import feedback
from assessments.cycles.dashboard import CATEGORIES, Row, Tally, Tree, Unit, complaint_breakdown
from assessments.models import Complaint, CycleState, SurveyResult
from lms.audit import PersonalRecord
from lms.models.audit import AuditAction, AuditEvent
from tests.factories import computed_result, in_english, make_cycle, save_results

pytestmark = pytest.mark.django_db

D = Decimal
TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(month, day, hour=9, minute=0):
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def survey(profile, reference, day, *, comment="", score=4, scale="1-5", source="phone"):
    return SurveyResult.objects.create(
        user=profile.user, reference=reference, date=day, source=source, score=D(score),
        scale=scale, comment=comment,
    )  # fmt: skip


def complaint(profile, reference, received, *, category="service", at_fault=True, **more):
    return Complaint.objects.create(
        user=profile.user, reference=reference, received_at=received, category=category,
        company_at_fault=at_fault, **more,
    )  # fmt: skip


@pytest.fixture
def cycle(people):
    """The fourth quarter, computed, with results for four couriers in three stations."""
    cycle = make_cycle(state=CycleState.COMPUTED, computed_at=timezone.now())
    save_results(
        *(
            computed_result(cycle, people[who], (80, 80, 80, 80))
            for who in ("learner", "colleague", "xihu", "south")
        )
    )
    return cycle


@pytest.fixture
def said(people, cycle):
    """The learner's surveys (two comments in the quarter, one before it, one without a
    comment), a colleague's comment, and complaints about the learner and the south."""
    learner = people["learner"]
    survey(
        learner, "ORDER-13800138000", datetime.date(2026, 10, 5), comment="态度很好。送货准时。"
    )
    survey(
        learner, "ORDER-2", datetime.date(2026, 11, 20), comment="包裹有破损。", score=D(3),
        scale="0-10", source="mystery_shopper",
    )  # fmt: skip
    survey(learner, "ORDER-3", datetime.date(2026, 9, 30), comment="上季度的评价。")
    survey(learner, "ORDER-4", datetime.date(2026, 10, 6))
    survey(people["colleague"], "ORDER-5", datetime.date(2026, 10, 7), comment="同事的评价。")
    complaint(
        learner, "C-1", at(10, 8), category="service", at_fault=True,
        first_contact_at=at(10, 8, 15), resolved_at=at(10, 10), outcome="已道歉并对快递员培训。",
    )  # fmt: skip
    complaint(learner, "C-2", at(12, 1), category="transport", at_fault=False)
    complaint(learner, "C-OLD", at(9, 30), category="information")
    complaint(people["south"], "C-3", at(11, 2), category="information", at_fault=True)
    return learner


# My assessment -------------------------------------------------------------------------------


def test_staff_read_their_customers_comments_without_who_the_customer_was(
    said, people, login, django_assert_max_num_queries
):
    client = in_english(login(people["learner"]))
    with django_assert_max_num_queries(10):
        response = client.get("/assessment/mine/")
    assert response.status_code == 200
    page = response.content.decode()
    comments = page[
        page.index("data-comments") : page.index("</section>", page.index("data-comments"))
    ]
    assert "What customers said" in comments and "1 comment" not in comments
    assert "2 comments" in comments
    # newest first, with the date and the score given on its scale
    assert comments.index("包裹有破损。") < comments.index("态度很好。送货准时。")
    assert "3 of 10" in comments and "4 of 5" in comments and "Nov. 20, 2026" in comments
    # never the survey's reference (an order number, a phone), nor how the customer was asked
    assert "ORDER-" not in page and "13800138000" not in page
    assert "Mystery shopping" not in comments and "Source" not in comments
    # only the quarter's comments, and only the learner's own
    assert "上季度的评价。" not in page and "同事的评价。" not in page
    # complaints are for HR and trainers, not on one's own page
    assert "data-complaints" not in page and "C-1" not in page


def test_another_learner_never_reads_someone_elses_comments(said, people, cycle, login):
    client = login(people["colleague"])
    page = client.get("/assessment/mine/").content.decode()
    assert "同事的评价。" in page
    assert "态度很好" not in page and "包裹有破损" not in page
    person = f"/assessment/cycles/{cycle.pk}/people/{people['learner'].user.pk}/"
    assert client.get(person).status_code == 404
    assert client.get(f"/assessment/mine/{cycle.pk}/?comments=2").status_code == 200


def test_without_comments_the_section_says_so(people, cycle, login):
    page = in_english(login(people["xihu"])).get("/assessment/mine/").content.decode()
    assert "data-no-comments" in page and "No comments in this period." in page


def test_many_comments_come_a_page_at_a_time(people, cycle, login):
    learner = people["learner"]
    start = datetime.date(2026, 10, 1)
    for n in range(25):
        day = start + datetime.timedelta(days=n)
        survey(learner, f"S-{n}", day, comment=f"第{n}条评价。")
    client = in_english(login(learner))
    first = client.get("/assessment/mine/")
    assert [c.text for c in first.context["comments"]][:2] == ["第24条评价。", "第23条评价。"]
    assert len(first.context["comments"]) == 20 and first.context["comments"].count == 25
    page = first.content.decode()
    assert "25 comments" in page and "Page 1 of 2" in page
    assert 'href="?comments=2#comments-title"' in page
    second = client.get("/assessment/mine/?comments=2").context["comments"]
    assert [c.text for c in second] == [f"第{n}条评价。" for n in range(4, -1, -1)]
    # a page past the end is the last; a page that is not a number, the first
    assert client.get("/assessment/mine/?comments=999").context["comments"].number == 2
    assert client.get("/assessment/mine/?comments=x").context["comments"].number == 1
    assert client.get("/assessment/mine/?comments=-3").context["comments"].number == 1


# The person page -----------------------------------------------------------------------------


def person_url(cycle, profile, query=""):
    return f"/assessment/cycles/{cycle.pk}/people/{profile.user.pk}/{query}"


@pytest.mark.parametrize("who", ["trainer", "hr"])
def test_trainers_and_hr_read_a_persons_comments_and_complaints(
    said, people, cycle, login, who, django_assert_max_num_queries
):
    client = in_english(login(people[who]))
    with django_assert_max_num_queries(12):
        response = client.get(person_url(cycle, people["learner"]))
    assert response.status_code == 200
    page = response.content.decode()
    comments = page[page.index("data-comments") : page.index("data-complaints")]
    assert "包裹有破损。" in comments and "Mystery shopping" in comments
    assert "上季度的评价。" not in comments and "同事的评价。" not in comments
    complaints = page[page.index("data-complaints") :]
    rows = re.findall(r"<tr data-complaint>(.*?)</tr>", complaints, re.S)
    assert [re.search(r"C-\w+", row).group() for row in rows] == ["C-2", "C-1"]
    newest, oldest = rows
    assert "Transport" in newest and "Not at fault" in newest
    assert "Not contacted yet" in newest and "Not closed yet" in newest
    assert "Not contacted yet" not in oldest and "Not closed yet" not in oldest
    assert "Service" in oldest and "At fault" in oldest
    assert "已道歉并对快递员培训。" in oldest and "10/08/2026" in oldest
    assert "C-OLD" not in page and "C-3" not in page
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_VIEWED)
    assert event.subject_id == people["learner"].user.pk
    assert event.details["record"] == PersonalRecord.RESULT
    assert (event.details["comments"], event.details["complaints"]) == (2, 2)


def test_a_trainer_out_of_scope_reads_nothing_of_the_person(said, people, cycle, login):
    client = login(people["trainer"])  # trainer of 华东区
    response = client.get(person_url(cycle, people["south"]))
    assert response.status_code == 404
    assert "C-3" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_VIEWED).exists()


def test_the_person_pages_lists_page_apart(people, cycle, login):
    learner = people["learner"]
    for n in range(22):
        complaint(learner, f"C-{n:02d}", at(10, 1 + n))
        survey(learner, f"S-{n}", datetime.date(2026, 10, 1 + n), comment=f"评价{n}。")
    client = in_english(login(people["hr"]))
    response = client.get(person_url(cycle, learner, "?complaints=2&comments=1"))
    assert response.context["complaints"].number == 2
    assert [c.reference for c in response.context["complaints"]] == ["C-01", "C-00"]
    assert response.context["comments"].number == 1
    page = response.content.decode()
    # each list's links keep the other list's page
    assert 'href="?complaints=2&amp;comments=2#comments-title"' in page
    assert 'href="?comments=1&amp;complaints=1#complaints-title"' in page


# The dashboard -------------------------------------------------------------------------------


def dashboard(client, cycle, **query):
    params = "&".join(f"{k}={v}" for k, v in query.items())
    return client.get(f"/assessment/cycles/{cycle.pk}/dashboard/?{params}")


def test_hr_sees_the_complaints_by_category_and_unit(
    said, people, org, cycle, login, django_assert_max_num_queries
):
    complaint(people["colleague"], "C-4", at(10, 20), category="service", at_fault=False)
    client = in_english(login(people["hr"]))
    with django_assert_max_num_queries(15):
        response = dashboard(client, cycle)
    assert response.status_code == 200
    board = response.context["board"].complaints
    assert board.total == Tally(received=4, at_fault=2)
    assert {code: tally for code, _label, tally in board.categories} == {
        "service": Tally(2, 1),
        "transport": Tally(1, 0),
        "information": Tally(1, 1),
        "other": Tally(0, 0),
    }
    by_unit = {group.label: group.total for group in board.units}
    assert by_unit == {"浦东站": Tally(3, 1), "西湖站": Tally(0, 0), "天河站": Tally(1, 1)}
    pudong = next(g for g in board.units if g.label == "浦东站")
    assert pudong.categories[CATEGORIES.index("service")] == Tally(2, 1)
    page = response.content.decode()
    assert "By org unit (Branch / station)" in page
    assert "2 (1 at fault)" in page  # 浦东站's service complaints
    for code in CATEGORIES:
        assert f'data-category="{code}"' in page
    # by team: the learner's and the colleague's team holds 浦东站's complaints
    teams = dashboard(client, cycle, level="team").context["board"].complaints
    assert {g.label: g.total.received for g in teams.units}["浦东收派组"] == 3


def test_a_trainer_counts_only_the_complaints_of_their_scope(said, people, org, cycle, login):
    client = login(people["trainer"])  # trainer of 华东区
    board = dashboard(client, cycle).context["board"].complaints
    assert board.total == Tally(received=2, at_fault=1)  # the learner's two, not the south's
    assert "天河站" not in [group.label for group in board.units]
    # the filters apply: one station
    xihu = dashboard(client, cycle, unit=org["xihu"].pk).context["board"].complaints
    assert xihu.total == Tally(0, 0)
    assert "data-no-complaints" in dashboard(client, cycle, unit=org["xihu"].pk).content.decode()


# The arithmetic ------------------------------------------------------------------------------


TREE = Tree.of(
    [
        Unit(1, "0001", "公司", "company"),
        Unit(2, "00010001", "甲站", "station"),
        Unit(3, "000100010001", "甲组", "team"),
        Unit(4, "00010002", "乙站", "station"),
    ]
)


def row(user_id, unit_id):
    return Row(
        user_id, f"E{user_id}", f"员工{user_id}", unit_id, "", "courier", (None,) * 5, "", False
    )


counts = st.lists(
    st.tuples(
        st.integers(1, 8),
        st.sampled_from(CATEGORIES),
        st.booleans(),
        st.integers(1, 5),
    ),
    max_size=20,
)


@given(counts)
def test_every_complaint_of_the_people_shown_is_counted_once(counts):
    rows = [row(1, 3), row(2, 2), row(3, 4), row(4, None), row(5, 1)]
    with translation.override("en"):
        breakdown = complaint_breakdown(rows, counts, TREE, "station")
    shown = [(u, c, f, n) for u, c, f, n in counts if u <= 5]
    received = sum(n for *_rest, n in shown)
    at_fault = sum(n for _u, _c, fault, n in shown if fault)
    assert breakdown.total == Tally(received, at_fault)
    assert sum((t for _c, _l, t in breakdown.categories), Tally()) == breakdown.total
    assert sum((g.total for g in breakdown.units), Tally()) == breakdown.total
    for group in breakdown.units:
        assert group.total.at_fault <= group.total.received
    labels = [g.label for g in breakdown.units]
    assert labels == ["公司 itself", "甲站", "乙站", "No org unit"]


def test_the_period_is_the_cycles_days_in_the_sites_zone(settings):
    cycle = make_cycle(starts_on=datetime.date(2026, 10, 1), days=91)
    start, end = feedback.period_of(cycle)
    assert start.date() == datetime.date(2026, 10, 1)
    assert end.date() == datetime.date(2027, 1, 1) and end.hour == 0
