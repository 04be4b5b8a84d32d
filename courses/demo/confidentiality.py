# Chinese text is written with its own full-width punctuation.
# ruff: noqa: RUF001
"""The demo's information-security text (manual chapter 8) and the staff's acknowledgements.

Called by `manage.py seed_demo` after the demo training (`courses.receivers`). Safe to run
again: the text and the acknowledgements are made once, while no information-security text
exists.

The text has two versions: version 1 (the rules of 8.1 and customer information, 8.2.1),
published 800 days ago, and version 2 (adds 8.2.2, company information), 420 days ago. Most
staff acknowledged version 2 within the last year; the demo learner E1001 and the newest hire
have never acknowledged it (the newcomer sees it first in their onboarding); `EXPIRED`
acknowledged version 2 over a year ago; `OLD_VERSION` acknowledged only version 1.
"""

from __future__ import annotations

import datetime
import zlib

from django.db import transaction
from django.utils import timezone
from wagtail.models import Revision

from courses.models.acknowledgements import Acknowledgement, ConfidentialityPage
from courses.models.pages import TrainingHomePage
from lms.models.accounts import StaffProfile, StaffStatus

TITLE = "信息安全与保密守则"


SUMMARY = (
    "依据《快递公司客户服务质量手册》第八章编写。每位员工阅读本守则并确认遵守；"
    "守则发布新版本或距上次确认满一年时，须重新阅读并确认。"
)


VERSION_NOTE = (
    "新增 8.2.2 公司内部信息保密：内部敏感信息的分类、加密、办公区域安全防范与泄露应急处理。"
)


NEVER = ["E1001"]  # and the newest hire


EXPIRED = ["E1008"]


OLD_VERSION = ["E1011", "E1015"]


V1_DAYS_AGO = 800


V2_DAYS_AGO = 420


def _text(html: str) -> dict:
    return {"type": "text", "value": html}


def _heading(text: str) -> dict:
    return {"type": "heading", "value": text}


def _list(items: list[str]) -> str:
    return "<ol>" + "".join(f"<li>{item}</li>" for item in items) + "</ol>"


BODY_8_1 = [
    _heading("一、总则（手册 8.1.1）"),
    _text(
        "<p>为保证客户信息及公司内部信息的保密性和安全性，本守则规定了快递公司信息安全管理的"
        "基本原则、组织架构、责任划分及具体措施。</p>"
    ),
    _heading("二、管理原则（手册 8.1.2）"),
    _text(
        _list(
            [
                "合法性原则：信息安全管理应符合国家相关法律法规要求，保证客户和公司合法权益。",
                "保密性原则：对客户信息和公司内部敏感信息进行有效保护，防止泄露、篡改和丢失。",
                "完整性原则：保证信息在传输、存储、处理过程中不被非法篡改，保持信息完整性。",
                "可用性原则：保证客户信息和公司内部信息在合法范围内可被正常访问和使用。",
            ]
        )
    ),
    _heading("三、组织架构与责任划分（手册 8.1.3、8.1.4）"),
    _text(
        "<p>公司设立信息安全管理部门，负责信息安全管理工作的组织、协调、监督和检查。</p>"
        + _list(
            [
                "公司高层：对信息安全管理工作负总责，保证信息安全管理制度的有效实施。",
                "信息安全管理部门：负责制定和实施信息安全管理制度，组织信息安全培训和宣传，"
                "监督信息安全管理工作的落实。",
                "各部门负责人：负责本部门信息安全管理工作，保证部门内部信息保密和安全。",
                "<b>员工：遵守信息安全管理制度，履行保密义务，积极参与信息安全防护。</b>",
            ]
        )
    ),
    _heading("四、信息安全管理措施（手册 8.1.5）"),
    _text(
        _list(
            [
                "制定信息安全管理制度：包括信息保密制度、信息访问控制制度、信息传输安全制度等。",
                "加强信息基础设施建设：提高信息系统安全防护能力，采用防火墙、加密技术等手段"
                "保护信息传输安全。",
                "开展信息安全培训：提高员工信息安全意识，保证员工掌握必要的信息安全知识和技能。",
                "实施信息安全检查：定期对信息系统进行安全检查，发现和整改安全隐患。",
                "建立信息安全应急机制：制定信息安全应急预案，保证在信息安全事件发生时能够迅速应对。",
            ]
        )
    ),
    _heading("五、客户信息保密（手册 8.2.1）"),
    {
        "type": "key_rule",
        "value": {
            "clause": "8.2.1",
            "rule": "对涉及客户信息的员工进行保密教育，签订保密协议，明确保密责任。",
            "note": (
                "<p>本页的确认即为你对客户信息保密责任的书面承诺，"
                "系统记录确认的版本、时间和本人。</p>"
            ),
        },
    },
    _text(
        _list(
            [
                "对客户信息进行分类管理，根据信息重要性采取相应的保密措施。",
                "客户信息存储、传输和处理过程中采用加密技术，保证信息安全。",
                "对涉及客户信息的员工进行保密教育，签订保密协议，明确保密责任。",
                "建立客户信息泄露应急处理机制，及时采取措施防止信息泄露。",
            ]
        )
    ),
]


BODY_8_2_2 = [
    _heading("六、公司内部信息保密（手册 8.2.2）"),
    _text(
        _list(
            [
                "对内部敏感信息进行分类管理，根据信息重要性采取相应的保密措施。",
                "内部敏感信息存储、传输和处理过程中采用加密技术，保证信息安全。",
                "对涉及内部敏感信息的员工进行保密教育，签订保密协议，明确保密责任。",
                "加强办公区域安全防范，限制外来人员访问，防止内部信息泄露。",
                "建立内部信息泄露应急处理机制，及时采取措施防止信息泄露。",
            ]
        )
    ),
]


PROMISE = [
    {
        "type": "checklist",
        "value": {
            "title": "我承诺",
            "items": [
                "遵守公司信息安全管理制度，履行保密义务。",
                "不泄露、不篡改、不丢失客户信息和公司内部敏感信息。",
                "只在工作需要的范围内访问和使用客户信息。",
                "发现信息泄露或安全隐患，立即按应急机制报告。",
            ],
        },
    }
]


def load_demo_confidentiality(stdout=None) -> None:
    """Publish the information-security text (two versions) and the demo's acknowledgements,
    once."""
    training = TrainingHomePage.objects.first()
    if training is None or ConfidentialityPage.objects.exists():
        return
    now = timezone.now()
    with transaction.atomic():
        page = _text_in_two_versions(training, now)
        made = _acknowledgements(page, now)
    if stdout is not None:
        stdout.write(
            f"Demo information-security text: version {page.version}, {made} acknowledgements."
        )


def _text_in_two_versions(training, now) -> ConfidentialityPage:
    v1_at = now - datetime.timedelta(days=V1_DAYS_AGO)
    v2_at = now - datetime.timedelta(days=V2_DAYS_AGO)
    page = ConfidentialityPage(
        title=TITLE,
        slug="information-security",
        summary=SUMMARY,
        body=BODY_8_1 + PROMISE,
        version=1,
    )
    training.add_child(instance=page)
    first = page.save_revision()
    first.publish()
    page = ConfidentialityPage.objects.get(pk=page.pk)
    page.body = BODY_8_1 + BODY_8_2_2 + PROMISE
    page.version = 2
    page.version_note = VERSION_NOTE
    second = page.save_revision()
    second.publish()
    Revision.objects.filter(pk=first.pk).update(created_at=v1_at)
    Revision.objects.filter(pk=second.pk).update(created_at=v2_at)
    ConfidentialityPage.objects.filter(pk=page.pk).update(
        first_published_at=v1_at, last_published_at=v2_at
    )
    page = ConfidentialityPage.objects.get(pk=page.pk)
    page._demo_revisions = (first.pk, second.pk)
    return page


def _acknowledgements(page: ConfidentialityPage, now) -> int:
    first, second = page._demo_revisions
    profiles = list(
        StaffProfile.objects.filter(status=StaffStatus.ACTIVE)
        .select_related("user")
        .order_by("-hire_date", "user__username")
    )
    newest = [
        p.user.username
        for p in profiles
        if p.user.username.startswith("E") and p.user.username not in NEVER
    ][:1]
    never = set(NEVER + newest)
    rows = []
    for profile in profiles:
        number = profile.user.username
        if number in never:
            continue
        hired = timezone.make_aware(
            datetime.datetime.combine(profile.hire_date, datetime.time(9, 30))
        )
        if number in OLD_VERSION:
            at = max(now - datetime.timedelta(days=V1_DAYS_AGO - 30), hired)
            rows.append(_ack(profile, page, 1, first, at))
        elif number in EXPIRED:
            at = now - datetime.timedelta(days=V2_DAYS_AGO - 20)
            rows.append(_ack(profile, page, 2, second, at))
        else:
            # Within the last year, not before they were hired: a spread of days and times.
            spread = zlib.crc32(number.encode()) % 300
            at = now - datetime.timedelta(days=spread + 3, minutes=spread * 7)
            rows.append(
                _ack(profile, page, 2, second, max(at, hired + datetime.timedelta(hours=2)))
            )
    Acknowledgement.objects.bulk_create(rows)
    return len(rows)


def _ack(profile, page, version: int, revision_id: int, at) -> Acknowledgement:
    return Acknowledgement(
        user=profile.user,
        page=page,
        title=page.title,
        version=version,
        revision_id=revision_id,
        acknowledged_at=at,
    )
