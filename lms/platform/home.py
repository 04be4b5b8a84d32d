"""The home page's "what needs me today": sections that higher apps register, grouped by role.

`lms` cannot import courses or assessments, so each app registers its sections in its
`ready()` (`home_sections.register`). A section belongs to one audience (the learner, the
trainer, HR); the home page shows the audiences of the person's roles, each with its sections
that have something waiting, or "nothing waiting". A section's function returns its template
context, or None when nothing waits; it must run a fixed number of queries whatever the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from lms.roles import HR_ROLES, MANAGERS, TRAINERS, Role, roles_of


class Audience(StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"
    HR = "hr"


AUDIENCE_TITLES = {
    Audience.LEARNER: _("My learning today"),
    Audience.TRAINER: _("My trainees today"),
    Audience.HR: _("HR today"),
}


def audiences_of(user) -> list[Audience]:
    """The audiences a person belongs to, in the order the home page shows them: what
    their work needs first, their own learning last (everyone learns)."""
    roles = roles_of(user)
    audiences = []
    if roles & HR_ROLES:
        audiences.append(Audience.HR)
    if roles & TRAINERS:
        audiences.append(Audience.TRAINER)
    if Role.LEARNER in roles or not roles & MANAGERS:
        audiences.append(Audience.LEARNER)
    return audiences


@dataclass(frozen=True)
class HomeSection:
    name: str
    audience: Audience
    template: str
    context: Callable  # (request, user) -> dict | None (None: nothing waiting)
    order: int = 50


@dataclass(frozen=True)
class AudienceBlock:
    audience: Audience
    title: str
    sections: list[str]  # rendered HTML, one per section with something waiting


class HomeSectionRegistry:
    def __init__(self):
        self._sections: dict[str, HomeSection] = {}

    def register(self, section: HomeSection) -> None:
        self._sections[section.name] = section

    def sections(self, audience: Audience) -> list[HomeSection]:
        found = [s for s in self._sections.values() if s.audience == audience]
        return sorted(found, key=lambda s: (s.order, s.name))

    def render(self, request, user) -> list[AudienceBlock]:
        """Each of the person's audiences, with the HTML of its sections that have something."""
        blocks = []
        for audience in audiences_of(user):
            html = []
            for section in self.sections(audience):
                context = section.context(request, user)
                if context is not None:
                    html.append(render_to_string(section.template, context, request=request))
            blocks.append(AudienceBlock(audience, AUDIENCE_TITLES[audience], html))
        return blocks


home_sections = HomeSectionRegistry()
