"""A learner's response as the attempt keeps it: read from a form, written to and read from
JSON."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from assessments.questions.data import Question as QuestionData
from assessments.questions.data import QuestionType, Response

# Answering ----------------------------------------------------------------------


def response_from(content: QuestionData, item_order: list[int], data: dict) -> Response:
    """A learner's submitted form values as a `Response`, refusing anything malformed."""
    try:
        if content.qtype == QuestionType.SINGLE:
            value = data.get("choice")
            return Response(choice=_index(value, item_order))
        if content.qtype == QuestionType.MULTIPLE:
            return Response(
                choices=frozenset(_index(v, item_order) for v in data.get("choices") or [])
            )
        if content.qtype == QuestionType.TRUE_FALSE:
            truth = data.get("truth")
            return Response(truth=None if truth in (None, "") else str(truth) in ("true", "1"))
        if content.qtype == QuestionType.MATCHING:
            answers = {
                int(prompt): content.pairs[_index(choice, item_order)].answer
                for prompt, choice in (data.get("matches") or {}).items()
                if choice not in (None, "")
            }
            prompts = {i for i, pair in enumerate(content.pairs) if pair.prompt}
            if not set(answers) <= prompts:
                raise ValueError("unknown prompt")
            return Response(matches=answers)
        return Response(text=str(data.get("text") or "")[:10_000])
    except (TypeError, ValueError, IndexError, KeyError) as error:
        raise ValidationError(_("This answer could not be read.")) from error


def _index(value, order: list[int]) -> int | None:
    if value in (None, ""):
        return None
    index = int(value)
    if index not in order:
        raise ValueError(f"no option {index}")
    return index


def response_to_json(response: Response) -> dict:
    return {
        "choice": response.choice,
        "choices": sorted(response.choices),
        "truth": response.truth,
        "text": response.text,
        "matches": {str(k): v for k, v in response.matches.items()},
    }


def response_from_json(data: dict | None) -> Response:
    if not data:
        return Response()
    return Response(
        choice=data.get("choice"),
        choices=frozenset(data.get("choices") or ()),
        truth=data.get("truth"),
        text=data.get("text") or "",
        matches={int(k): v for k, v in (data.get("matches") or {}).items()},
    )
