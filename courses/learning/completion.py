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
