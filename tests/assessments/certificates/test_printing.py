"""Printing certificates: a cycle, a branch or a selection joined into one PDF (in print order,
from the stored files, never rendered again), large batches in the background with progress
and a download, the audit log, and the operators' commands."""

import datetime
import io
import re
import shutil
import subprocess
from io import StringIO
from urllib.parse import quote

import pikepdf
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from assessments.certificates import printing, selectors
from assessments.certificates.tasks import print_certificates
from assessments.models import Certificate, CycleState, PrintJob, PrintJobState
from lms.models import AuditEvent
from lms.models.audit import AuditAction
from tests.factories import assessment_result as result
from tests.factories import certify, in_english, make_cycle, queued_task

pytestmark = pytest.mark.django_db

JULY = datetime.date(2026, 7, 1)


@pytest.fixture
def cycle(db):
    """Finalised: certificates are issued for finalised cycles only."""
    return make_cycle("2026年第三季度考核", starts_on=JULY, state=CycleState.FINALISED)


def pages_of(data: bytes) -> list[str]:
    """What each page of a joined PDF of stand-ins says (see `tiny_pdf`)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        texts = []
        for page in pdf.pages:
            page.contents_coalesce()
            texts.append(re.search(rb"\((.*?)\) Tj", page.Contents.read_bytes())[1].decode())
        return texts


def page_count(data: bytes) -> int:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


@pytest.fixture
def branch(people, cycle, templates):
    """Certificates of the cycle: two in Pudong (one revoked besides), one in Xihu (east), one
    in Tianhe (south), and one of another cycle."""
    c = templates["cycle"]
    return {
        "colleague": certify(people["colleague"], cycle=cycle, template=c),
        "learner": certify(people["learner"], cycle=cycle, template=c),
        "revoked": certify(people["trainer"], cycle=cycle, template=c, revoked=True),
        "xihu": certify(people["xihu"], cycle=cycle, template=c),
        "south": certify(people["south"], cycle=cycle, template=c),
        "other": certify(
            people["hr"],
            cycle=make_cycle("另一周期", starts_on=JULY, state=CycleState.FINALISED),
            template=c,
        ),
    }


def test_printing_a_branch_makes_one_pdf_a_page_per_certificate_in_order(
    people, login, cycle, branch
):
    east = people["trainer"].org_unit
    client = login(people["hr"])
    page = client.get(f"/assessment/certificates/print/?cycle={cycle.pk}&org_unit={east.pk}")
    assert page.context["count"] == 3
    response = client.post(
        "/assessment/certificates/print/", {"cycle": cycle.pk, "org_unit": east.pk}
    )
    assert response["Content-Type"] == "application/pdf"
    # Named by cycle and unit, with a plain ASCII name for clients that cannot read it.
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificates-cycle-{cycle.pk}-unit-{east.pk}.pdf"; '
        f"filename*=UTF-8''{quote('证书-2026年第三季度-华东区.pdf')}"
    )
    texts = pages_of(response.content)
    # By org unit in tree order (浦东站's team before 西湖站), then employee number.
    expected = [branch[name].serial for name in ("learner", "colleague", "xihu")]
    assert [text.strip() for text in texts] == expected
    event = AuditEvent.objects.get(action=AuditAction.CERTIFICATE_PRINTED)
    assert event.actor == people["hr"].user
    assert event.details["count"] == 3
    assert event.details["filter"]["cycle"] == cycle.name
    assert event.details["filter"]["org_unit"] == "测试快递/华东区"
    assert not PrintJob.objects.exists()


def test_a_selection_from_the_list_prints_only_those_in_force(people, login, cycle, branch):
    client = login(people["hr"])
    ids = [branch["south"].pk, branch["revoked"].pk, branch["learner"].pk]
    page = client.get("/assessment/certificates/print/", {"ids": ids})
    assert page.context["count"] == 2
    response = client.post("/assessment/certificates/print/", {"ids": ids})
    assert [t.strip() for t in pages_of(response.content)] == [
        branch["learner"].serial,
        branch["south"].serial,
    ]
    event = AuditEvent.objects.get(action=AuditAction.CERTIFICATE_PRINTED)
    assert event.details["filter"] == {"selection": 3}


def test_one_certificate_prints_inline_for_the_browser(people, login, branch):
    client = login(people["hr"])
    response = client.post(
        "/assessment/certificates/print/", {"ids": [branch["xihu"].pk], "inline": "on"}
    )
    assert response["Content-Disposition"].startswith("inline;")
    assert pages_of(response.content) == [branch["xihu"].serial]


def test_nothing_to_print_or_nothing_chosen_says_so(people, login, cycle, branch):
    client = in_english(login(people["hr"]))
    tianhe = people["south"].org_unit
    response = client.post(
        "/assessment/certificates/print/",
        {"cycle": branch["other"].cycle_id, "org_unit": tianhe.pk},
    )
    assert response.status_code == 200
    assert "Nothing to print" in response.content.decode()
    response = client.post("/assessment/certificates/print/", {})
    assert "Choose a cycle, an org unit, those not printed yet or certificates" in (
        response.content.decode()
    )
    response = client.post("/assessment/certificates/print/", {"ids": ["x"]})
    assert response.status_code == 200 and "Choose certificates" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.CERTIFICATE_PRINTED).exists()


def test_a_large_batch_runs_in_the_background_with_progress_then_downloads(
    people, login, cycle, branch, templates, make_staff, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    monkeypatch.setattr(printing, "SMALL_BATCH", 3)
    client = in_english(login(people["hr"]))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/assessment/certificates/print/", {"cycle": cycle.pk})
    job = PrintJob.objects.get()
    assert response.url == f"/assessment/certificates/print/{job.pk}/"
    assert job.count == 4 and job.created_by == people["hr"].user
    assert job.state == PrintJobState.QUEUED
    # Queued (as the commit would queue it), not done yet: the page polls its status.
    PrintJob.objects.filter(pk=job.pk).update(task_id=queued_task(print_certificates, job.pk))
    job.refresh_from_db()
    printing.progress_reporter(job)(40)
    status = f"/assessment/certificates/print/{job.pk}/status/"
    assert client.get(status).json() == {"state": "queued", "running": True, "percent": 40}
    page = client.get(response.url).content.decode()
    assert f'data-progress="{status}"' in page and "js/progress.js" in page
    assert "/download/" not in page
    assert client.get(f"/assessment/certificates/print/{job.pk}/download/").status_code == 404

    for callback in callbacks:  # the commit: the task runs (the immediate backend)
        callback()
    job.refresh_from_db()
    assert job.state == PrintJobState.DONE and job.percent == 100 and job.size > 0
    assert client.get(status).json() == {"state": "done", "running": False, "percent": None}
    page = client.get(response.url).content.decode()
    assert "data-progress" not in page and "Download the PDF" in page
    download = client.get(f"/assessment/certificates/print/{job.pk}/download/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        f'attachment; filename="certificates-cycle-{cycle.pk}.pdf"; '
        f"filename*=UTF-8''{quote('证书-2026年第三季度.pdf')}"
    )
    texts = pages_of(b"".join(download.streaming_content))
    assert [t.strip() for t in texts] == [
        branch[name].serial for name in ("learner", "colleague", "xihu", "south")
    ]
    event = AuditEvent.objects.get(action=AuditAction.CERTIFICATE_PRINTED)
    assert event.details == {"count": 4, "filter": {"cycle_id": cycle.pk, "cycle": cycle.name}}
    assert event.object_id == str(job.pk)
    listing = client.get("/assessment/certificates/print/").content.decode()
    assert f'href="/assessment/certificates/print/{job.pk}/"' in listing


def test_a_job_skips_certificates_revoked_since_it_was_asked(people, cycle, branch):
    ids = [branch[name].pk for name in ("learner", "colleague", "xihu")]
    job = PrintJob.objects.create(certificate_ids=ids, count=3, created_by=people["hr"].user)
    Certificate.objects.filter(pk=branch["colleague"].pk).update(revoked_at="2026-11-27T00:00Z")
    job = printing.print_job_run(job)
    assert job.state == PrintJobState.DONE and job.count == 2
    with job.file.open("rb") as file:
        assert page_count(file.read()) == 2
    # Those in the file are printed; the one left out is not.
    printed = set(
        Certificate.objects.filter(printed_at=job.finished_at).values_list("pk", flat=True)
    )
    assert printed == {branch["learner"].pk, branch["xihu"].pk}


def _home_to_print(client) -> int | None:
    """The number HR's home page gives as "not printed yet" (None: no such line)."""
    html = client.get("/").content.decode()
    found = re.search(r"(\d+) certificates? not printed yet", html)
    return int(found[1]) if found else None


def test_not_printed_yet_is_what_no_printout_held_on_home_and_printing_pages(
    people, login, cycle, branch, templates, monkeypatch, no_mfa_enforcement,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """ "To print" is the certificates in force, rendered and in no printout yet: the home page
    counts them, the printing page chooses the same ones, and printing them (at once or by a
    job) takes them off, whenever other prints happen in between."""
    client = in_english(login(people["hr"]))
    not_rendered = certify(
        people["admin"], cycle=cycle, template=templates["cycle"], rendered=False
    )
    in_force = {"learner", "colleague", "xihu", "south", "other"}
    assert _home_to_print(client) == len(in_force)  # not the revoked, nor the one rendering
    page = client.get("/assessment/certificates/print/", {"unprinted": "on"})
    assert page.context["count"] == len(in_force)
    assert not_rendered.pk not in {c.pk for c in selectors.certificates_for_print(unprinted=True)}
    # A print of one of them at once: the others are still to print (unlike "since the last
    # print", which a print of anything reset).
    client.post("/assessment/certificates/print/", {"ids": [branch["south"].pk]})
    assert _home_to_print(client) == len(in_force) - 1
    # A job of the rest, chosen by "not printed yet".
    monkeypatch.setattr(printing, "SMALL_BATCH", 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/assessment/certificates/print/", {"unprinted": "on"})
    job = PrintJob.objects.get()
    assert response.url == f"/assessment/certificates/print/{job.pk}/"
    assert job.count == len(in_force) - 1 and job.filters == {"unprinted": True}
    assert job.state == PrintJobState.DONE  # the immediate task backend
    assert _home_to_print(client) is None
    assert client.get("/assessment/certificates/print/", {"unprinted": "on"}).context["count"] == 0
    # Printing a certificate again keeps it printed; a new one is to print.
    new = make_cycle("新周期", state=CycleState.FINALISED)
    certify(people["south"], cycle=new, template=templates["cycle"])
    assert _home_to_print(client) == 1


def test_a_failing_job_is_marked_failed(people, cycle, branch, monkeypatch):
    job = PrintJob.objects.create(certificate_ids=[branch["learner"].pk], count=1)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(printing, "merge_certificates", broken)
    with pytest.raises(OSError):
        printing.print_job_run(job)
    job.refresh_from_db()
    assert job.state == PrintJobState.FAILED and "disk full" in job.failure
    assert printing.print_job_progress(job) is None


def test_old_print_jobs_lose_their_pdf_and_stalled_ones_stop_waiting(
    people, login, cycle, branch, settings
):
    settings.LMS_PRINT_JOB_DAYS = 7
    now = timezone.now()
    ids = [branch["learner"].pk]
    old, recent = (
        printing.print_job_run(PrintJob.objects.create(certificate_ids=ids, count=1))
        for _ in range(2)
    )
    old_file = old.file.name
    PrintJob.objects.filter(pk=old.pk).update(finished_at=now - datetime.timedelta(days=8))
    waiting = PrintJob.objects.create(certificate_ids=ids, count=1)
    PrintJob.objects.filter(pk=waiting.pk).update(created_at=now - datetime.timedelta(hours=25))
    queued_now = PrintJob.objects.create(certificate_ids=ids, count=1)

    assert printing.print_jobs_tidy(now=now) == {"print_files_removed": 1, "print_jobs_stalled": 1}
    assert printing.print_jobs_tidy(now=now) == {"print_files_removed": 0, "print_jobs_stalled": 0}

    old.refresh_from_db()
    assert old.state == PrintJobState.DONE and not old.file
    assert not old.file.storage.exists(old_file)
    recent.refresh_from_db()
    assert recent.file and recent.file.storage.exists(recent.file.name)
    assert PrintJob.objects.get(pk=waiting.pk).state == PrintJobState.FAILED
    assert PrintJob.objects.get(pk=queued_now.pk).state == PrintJobState.QUEUED
    assert Certificate.objects.get(pk=branch["learner"].pk).pdf  # the certificate's own PDF

    client = in_english(login(people["hr"]))
    page = client.get(f"/assessment/certificates/print/{old.pk}/").content.decode()
    assert "The PDF was removed 7 days after the job finished" in page
    assert client.get(f"/assessment/certificates/print/{old.pk}/download/").status_code == 404
    page = client.get(f"/assessment/certificates/print/{waiting.pk}/").content.decode()
    assert "No task worker finished this print job within a day" in page


def test_org_units_are_found_by_code_or_by_path(org):
    find = selectors.find_org_unit
    assert find("pudong") == org["pudong"]
    assert find("华东区/浦东站") == org["pudong"]
    assert find(" 华东区 / 浦东站 / 浦东收派组 ") == org["pudong-team"]
    assert find("测试快递/华南区/天河站") == org["tianhe"]
    assert find("华南区/浦东站") is None
    assert find("nowhere") is None and find("") is None


# Rendering: a certificate not rendered yet is rendered once, then only copied ---------------


def test_printing_renders_what_is_not_rendered_yet_once_and_keeps_the_fonts(
    people, login, cycle, templates, tmp_path
):
    from assessments.certificates.pdf import certificate_render

    waiting = certify(people["learner"], cycle=cycle, template=templates["cycle"], rendered=False)
    done = certificate_render(
        certify(people["xihu"], cycle=cycle, template=templates["cycle"], rendered=False)
    )
    before = (done.pdf.name, done.sha256, done.rendered_at)
    client = login(people["hr"])
    response = client.post("/assessment/certificates/print/", {"cycle": cycle.pk})
    waiting.refresh_from_db()
    done.refresh_from_db()
    assert waiting.rendered_at is not None and waiting.pdf
    assert (done.pdf.name, done.sha256, done.rendered_at) == before  # never rendered again
    assert page_count(response.content) == 2
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils (pdffonts, pdftotext) is not installed")
    merged = tmp_path / "merged.pdf"
    merged.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", merged], capture_output=True, text=True, check=True)
    rows = fonts.stdout.splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts.stdout  # emb
    text = subprocess.run(["pdftotext", merged, "-"], capture_output=True, text=True).stdout
    assert "王喆" in text and "刘䶮" in text
    assert text.index("王喆") < text.index("刘䶮")  # 浦东站 before 西湖站


# The commands -----------------------------------------------------------------------------


def test_print_certificates_writes_one_pdf_of_a_branch(people, cycle, branch, tmp_path):
    out = tmp_path / "pudong.pdf"
    stdout, stderr = StringIO(), StringIO()
    call_command(
        "print_certificates",
        "--cycle", cycle.name, "--org-unit", "华东区/浦东站", "--out", str(out),
        stdout=stdout, stderr=stderr,
    )  # fmt: skip
    assert [t.strip() for t in pages_of(out.read_bytes())] == [
        branch["learner"].serial,
        branch["colleague"].serial,
    ]
    assert "2 certificates" in stdout.getvalue() and "100%" in stderr.getvalue()
    assert not (tmp_path / "pudong.pdf.part").exists()
    event = AuditEvent.objects.get(action=AuditAction.CERTIFICATE_PRINTED)
    assert event.actor is None and event.actor_label == "manage.py print_certificates"
    assert event.details["count"] == 2 and event.details["filter"]["org_unit"]
    call_command(
        "print_certificates", "--cycle", cycle.name, "--org-unit", "east", "--out", str(out),
        "--no-progress", stdout=StringIO(),
    )  # fmt: skip
    assert page_count(out.read_bytes()) == 3


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--cycle", "没有这个周期"], "no such assessment cycle"),
        (["--cycle", "2026年第三季度考核", "--org-unit", "火星站"], "no such org unit"),
        (["--cycle", "2026年第三季度考核", "--org-unit", "tianhe"], "nothing to print"),
    ],
)
def test_print_certificates_fails_with_exit_status_1(cycle, org, arguments, message, tmp_path):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError) as error:
        call_command("print_certificates", *arguments, "--out", str(out), stdout=StringIO())
    assert message in str(error.value) and error.value.returncode == 1
    assert not out.exists()


def test_issue_certificates_issues_to_the_eligible_and_renders_them(
    people, cycle, templates, no_rendering
):
    for who in ("learner", "colleague", "south"):
        result(cycle, people[who])
    result(cycle, people["xihu"], eligible=False)
    stdout, stderr = StringIO(), StringIO()
    call_command(
        "issue_certificates", "--cycle", cycle.name, "--org-unit", "华东区",
        stdout=stdout, stderr=stderr,
    )  # fmt: skip
    issued = Certificate.objects.filter(cycle=cycle)
    assert {c.user for c in issued} == {people["learner"].user, people["colleague"].user}
    assert all(c.rendered_at and c.pdf and len(c.sha256) == 64 for c in issued)
    assert "2 certificates issued" in stdout.getvalue() and "100%" in stderr.getvalue()
    call_command("issue_certificates", "--cycle", cycle.name, "--no-progress", stdout=stdout)
    assert Certificate.objects.filter(cycle=cycle).count() == 3
    again = StringIO()
    call_command("issue_certificates", "--cycle", cycle.name, stdout=again)
    assert "holds a certificate already" in again.getvalue()
    assert Certificate.objects.filter(cycle=cycle).count() == 3


def test_issue_certificates_refuses_an_unfinalised_cycle_or_an_unknown_one(people, templates):
    computed = make_cycle("未定稿周期", starts_on=JULY, state=CycleState.COMPUTED)
    result(computed, people["learner"])
    for arguments, message in (
        (["--cycle", computed.name], "only for a finalised cycle"),
        (["--cycle", "没有这个周期"], "no such assessment cycle"),
    ):
        with pytest.raises(CommandError) as error:
            call_command("issue_certificates", *arguments, stdout=StringIO())
        assert message in str(error.value) and error.value.returncode == 1
    assert not Certificate.objects.exists()


def test_print_file_names_are_safe_and_say_what_was_printed():
    when = datetime.datetime(2026, 10, 8, 9, 5, tzinfo=datetime.UTC)
    name = printing.print_filename
    assert name({"cycle_id": 3, "cycle": "2026年第三季度考核"}) == (
        "证书-2026年第三季度.pdf",
        "certificates-cycle-3.pdf",
    )
    both = {"cycle_id": 3, "cycle": "Q3", "org_unit_id": 9, "org_unit": "迅捷/华东区/上海浦东站"}
    assert name(both) == ("证书-Q3-上海浦东站.pdf", "certificates-cycle-3-unit-9.pdf")
    # a selection: by when it was printed (local time)
    assert name({"selection": 2}, when) == (
        "证书-20261008-1705.pdf",
        "certificates-20261008-1705.pdf",
    )
    # nothing that could break out of the header or the folder
    bad = {"cycle_id": 1, "cycle": 'a"b\r\nc/..\\d:*?<>|', "org_unit_id": 2, "org_unit": "x/y"}
    unicode_name, ascii_name = name(bad)
    assert unicode_name == "证书-a b c .. d-y.pdf" and ascii_name.isascii()
    header = printing.content_disposition(bad)
    assert "\r" not in header and "\n" not in header and header.count('"') == 2
    assert header.endswith("filename*=UTF-8''%E8%AF%81%E4%B9%A6-a%20b%20c%20..%20d-y.pdf")
