"""What, besides its lessons, a course needs before it counts as complete.

`courses` cannot import `assessments`, yet a course is complete only when the
quizzes it requires are passed. So this module keeps a registry: a higher app
registers a provider, a function `(user, course) -> list[Requirement]`, and
the course page lists the requirements and counts them. When something a
provider checks changes (a quiz is passed), that app calls
`courses.learning.services.enrolment_refresh_completion(user=..., course=...)`.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Requirement:
    label: str
    met: bool
    url: str = ""


Provider = Callable[[object, object], list[Requirement]]


_providers: list[Provider] = []


def register_requirement_provider(provider: Provider) -> Provider:
    """Register `provider`; usable as a decorator. Registering twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister_requirement_provider(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def requirements_for(user, course) -> list[Requirement]:
    """Every extra requirement of `course` for `user`, from every registered provider."""
    return [req for provider in _providers for req in provider(user, course)]


# Several courses at once ---------------------------------------------------------------------

ManyProvider = Callable[[object, list], dict[int, list[Requirement]]]

_many: dict[Provider, ManyProvider] = {}


def register_requirements_many(provider: Provider, many: ManyProvider) -> None:
    """`many(user, courses)` answers as `provider` does for each course, in a fixed number of
    queries: "My learning" asks it for every course whose lessons are all done."""
    _many[provider] = many


def requirements_for_many(user, courses) -> dict[int, list[Requirement]]:
    """`requirements_for` of each course (pages with pk, path and depth), by course pk."""
    result: dict[int, list[Requirement]] = {course.pk: [] for course in courses}
    if not courses:
        return result
    for provider in _providers:
        many = _many.get(provider)
        if many is not None:
            found = many(user, list(courses))
            for course in courses:
                result[course.pk].extend(found.get(course.pk, []))
        else:
            for course in courses:
                result[course.pk].extend(provider(user, course))
    return result


def first_unmet(requirements: list[Requirement]) -> Requirement | None:
    """What to do next once the lessons are done: the first requirement not met that has a
    page to go to."""
    return next((req for req in requirements if not req.met and req.url), None)
