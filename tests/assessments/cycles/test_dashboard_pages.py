"""The cycle dashboard page: HR's whole picture, trainers' read-only share, filters, queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from assessments.models import CycleState
from lms.models import StaffProfile, User
from tests.factories import computed_result, in_english, make_cycle, save_results

pytestmark = pytest.mark.django_db

JULY = datetime.date(2026, 7, 1)


def url(cycle, **query):
    params = "&".join(f"{key}={value}" for key, value in query.items())
    return f"/assessment/cycles/{cycle.pk}/dashboard/" + (f"?{params}" if params else "")


def bulk_staff(unit, count, prefix, position="courier"):
    """Many people at once, without the services (which would make this test slow)."""
    numbers = [f"{prefix}{n:04d}" for n in range(count)]
    User.objects.bulk_create(User(username=number, password="!") for number in numbers)
    users = User.objects.filter(username__in=numbers).order_by("username")
    return StaffProfile.objects.bulk_create(
        StaffProfile(
            user=user,
            full_name=f"员工{user.username}",
            org_unit=unit,
            position=position,
            hire_date=datetime.date(2025, 1, 1),
        )
        for user in users
    )


def section(page, marker):
    """The table (or list) the attribute `marker` opens, as text."""
    start = page.index(marker)
    return page[start : page.index("</table>", start)]


@pytest.fixture
def cycle(people):
    cycle = make_cycle(days=89, state=CycleState.COMPUTED, computed_at=timezone.now())
    save_results(
        computed_result(cycle, people["learner"], (90, 80, 70, 60)),
        computed_result(cycle, people["colleague"], (80, None, 70, 95)),
        computed_result(cycle, people["xihu"], (50, 40, None, None)),
        computed_result(cycle, people["south"], (100, 90, 95, 100)),
        computed_result(cycle, people["trainer"], (None, None, None, None)),
        computed_result(cycle, people["hr"], (85, 85, 85, 85)),
        computed_result(cycle, people["admin"], (75, 70, 65, 60)),
    )
    return cycle


def test_hr_sees_every_section_of_the_dashboard(people, login, cycle):
    client = in_english(login(people["hr"]))
    response = client.get(url(cycle))
    assert response.status_code == 200
    board = response.context["board"]
    assert board.grades.people == 7
    assert dict(board.grades.grades) == {
        "excellent": 1,  # south 96.3
        "good": 2,  # hr 85, colleague 81.7
        "pass": 2,  # admin 67.5, learner 75
        "fail": 1,  # xihu 45
        "": 1,  # the trainer: no data at all
    }
    assert board.grades.eligible == 4
    page = response.content.decode()
    for text in (
        "How the scores spread",
        "Median",
        "Averages by org unit (Branch / station)",
        "Missing data",
        "Largest changes since the last cycle",
        "There is no earlier computed cycle to compare with.",
        "<svg",
    ):
        assert text in page, text
    assert page.count('class="card" data-part=') == 5
    knowledge = board.parts[0]
    assert (knowledge.count, knowledge.no_data) == (6, 1)
    # averages by branch: the company and the east region hold people directly
    labels = [a.label for a in board.units]
    assert labels == ["测试快递 itself", "华东区 itself", "浦东站", "西湖站", "天河站"]
    missing = section(page, "data-missing")
    assert "L002" in missing and "L003" in missing and "TR01" in missing
    assert "L001" not in missing and "L004" not in missing
    assert re.search(r"L003</td>.*Work efficiency, Teamwork and communication", missing, re.S)


def test_the_dashboard_of_a_draft_cycle_says_it_has_no_results(people, login):
    draft = make_cycle(days=89, state=CycleState.DRAFT)
    page = in_english(login(people["hr"])).get(url(draft)).content.decode()
    assert "This cycle has not been computed yet" in page and 'class="chart"' not in page


def test_learners_are_refused_and_trainers_do_not_see_drafts(people, login, cycle):
    draft = make_cycle(
        "草稿", starts_on=datetime.date(2027, 1, 1), days=89, state=CycleState.DRAFT
    )
    client = login(people["learner"])
    assert client.get(url(cycle)).status_code == 403
    assert client.get(f"/assessment/cycles/{cycle.pk}/export.xlsx").status_code == 403
    client = login(people["trainer"])
    assert client.get(url(draft)).status_code == 404
    assert client.get(f"/assessment/cycles/{draft.pk}/export.xlsx").status_code == 404
    assert client.get(url(cycle)).status_code == 200
    client.logout()
    assert client.get(url(cycle)).status_code == 302


def test_a_trainer_sees_only_the_staff_they_follow(people, login, cycle):
    client = in_english(login(people["trainer"]))
    response = client.get(url(cycle))
    board = response.context["board"]
    assert sorted(r.employee_number for r in board.rows) == ["L001", "L002", "L003", "TR01"]
    page = response.content.decode()
    assert "L004" not in page and "黄丽" not in page and "天河站" not in page
    assert "/compute/" not in page and "/finalise/" not in page and "/policy/" not in page
    # the unit filter offers the trainer's units only
    choices = [label.strip("\u3000") for _value, label in board_choices(response)]
    assert choices == ["All units", "华东区", "浦东站", "浦东收派组", "西湖站"]


def board_choices(response):
    return list(response.context["filters"].fields["unit"].choices)


def test_filters_by_unit_and_position_apply_to_every_section(people, login, org, cycle):
    client = in_english(login(people["hr"]))
    board = client.get(url(cycle, unit=org["pudong"].pk)).context["board"]
    assert sorted(r.employee_number for r in board.rows) == ["L001", "L002"]
    assert board.grades.people == 2 and [a.label for a in board.units] == ["浦东站"]
    assert [r.employee_number for r in board.missing] == ["L002"]
    board = client.get(url(cycle, position="hr")).context["board"]
    assert [r.employee_number for r in board.rows] == ["HR01"]
    board = client.get(url(cycle, unit=org["east"].pk, level="team")).context["board"]
    assert [a.label for a in board.units] == ["华东区 itself", "浦东收派组", "西湖站 itself"]
    page = client.get(url(cycle, unit=org["east"].pk, position="courier")).content.decode()
    assert f"export.xlsx?unit={org['east'].pk}&amp;position=courier" in page
    assert f'<option value="{org["east"].pk}" selected>' in page
    assert '<option value="courier" selected>' in page


def test_a_unit_outside_the_trainers_units_is_refused_and_shows_nothing_more(
    people, login, org, cycle
):
    client = in_english(login(people["trainer"]))
    response = client.get(url(cycle, unit=org["south"].pk, position="nonsense", level="x"))
    assert response.status_code == 200
    assert set(response.context["filters"].errors) == {"unit", "position", "level"}
    page = response.content.decode()
    assert "Select a valid choice" in page and "L004" not in page
    board = response.context["board"]
    assert sorted(r.employee_number for r in board.rows) == ["L001", "L002", "L003", "TR01"]
    assert response.context["level_label"] == "Branch / station"
    assert client.get(url(cycle, unit="abc")).status_code == 200


def test_the_largest_changes_compare_with_the_last_computed_cycle(people, login, cycle):
    earlier = make_cycle(
        "第三季度", starts_on=JULY, days=89, state=CycleState.FINALISED, computed_at=timezone.now()
    )
    save_results(
        computed_result(earlier, people["learner"], (60, 60, 60, 60)),  # 75 now: +15
        computed_result(earlier, people["south"], (100, 100, 100, 100)),  # 96.3 now: -3.7
        computed_result(earlier, people["hr"], (85, 85, 85, 85)),  # unchanged
        computed_result(earlier, people["trainer"], (70, 70, 70, 70)),  # no overall now
    )
    page = in_english(login(people["hr"])).get(url(cycle)).content.decode()
    assert "The overall score compared with 第三季度." in page
    rises, falls = section(page, 'data-changes="rises"'), section(page, 'data-changes="falls"')
    assert "L001" in rises and "60.0" in rises and "75.0" in rises and "+15.0" in rises
    assert "L004" in falls and "-3.7" in falls
    assert "HR01" not in rises + falls and "TR01" not in rises + falls


def test_the_tables_turn_into_cards_on_a_phone(people, login, cycle):
    page = in_english(login(people["hr"])).get(url(cycle)).content.decode()
    assert page.count('<table class="stack"') == 2
    assert 'data-label="Employee number"' in page and 'data-label="Overall"' in page
    with open("static/css/site.css", encoding="utf-8") as css:
        style = css.read()
    assert "td[data-label]::before" in style and ".chart svg { max-width: 100%" in style


def test_missing_people_link_to_their_page_and_are_paged(people, login, org, cycle):
    profiles = bulk_staff(org["xihu"], 60, "M")
    save_results(*(computed_result(cycle, p, (None, 70, 70, 70)) for p in profiles))
    client = in_english(login(people["hr"]))
    page = client.get(url(cycle, unit=org["xihu"].pk)).content.decode()
    assert section(page, "data-missing").count("<tr>") == 1 + 50
    assert f"?unit={org['xihu'].pk}&amp;missing_page=2" in page
    second = client.get(url(cycle, unit=org["xihu"].pk, missing_page=2)).content.decode()
    assert section(second, "data-missing").count("<tr>") == 1 + 11
    person = reverse("cycles:person", args=[cycle.pk, profiles[0].user_id])
    assert f'href="{person}" data-person-link' in page


@pytest.mark.parametrize("who", ["hr", "trainer"])
def test_the_dashboard_makes_a_fixed_number_of_queries(
    people, login, org, cycle, who, django_assert_max_num_queries
):
    earlier = make_cycle(
        "第三季度", starts_on=JULY, days=89, state=CycleState.FINALISED, computed_at=timezone.now()
    )
    client = login(people[who])
    # the person and their roles read once, then kept (lms.platform.user_cache)
    client.get(url(cycle))
    counts = []
    for size, prefix in ((60, "A"), (140, "B")):
        profiles = bulk_staff(org["pudong-team"], size, prefix)
        save_results(
            *(
                computed_result(cycle, p, (60 + n % 40, 70, None, 80))
                for n, p in enumerate(profiles)
            )
        )
        save_results(*(computed_result(earlier, p, (70, 70, 70, 70)) for p in profiles))
        with django_assert_max_num_queries(15) as queries:
            response = client.get(url(cycle, unit=org["east"].pk, position="courier"))
        assert response.status_code == 200
        assert len(response.context["board"].rows) >= size
        assert len(response.context["board"].rises) == 20
        counts.append(len(queries))
    assert counts[0] == counts[1]  # 60 people, then 200: the same queries
    with translation.override("zh-hans"):
        assert (
            gettext("Dashboard") in client.get(f"/assessment/cycles/{cycle.pk}/").content.decode()
        )
