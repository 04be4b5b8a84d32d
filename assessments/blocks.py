"""How a question's answers are edited in the admin: one block, of the question's type."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from courses.blocks import field_error

WEIGHT_HELP = _(
    "Percent of the question's mark: 100 for right, 0 for wrong, negative to penalise."
)


def _weight(default=100):
    return blocks.DecimalBlock(
        label=_("Weight (%)"),
        default=default,
        min_value=-100,
        max_value=100,
        help_text=WEIGHT_HELP,
    )


def _feedback():
    return blocks.CharBlock(label=_("Feedback"), required=False, max_length=1000)


def _weighted_answers(text_label, max_length: int, weight: int, **list_options):
    """A list of answers, each with its weight and feedback (choice and short answers)."""
    return blocks.ListBlock(
        blocks.StructBlock(
            [
                ("text", blocks.CharBlock(label=text_label, max_length=max_length)),
                ("weight", _weight(weight)),
                ("feedback", _feedback()),
            ]
        ),
        **list_options,
    )


class SingleChoiceBlock(blocks.StructBlock):
    choices = _weighted_answers(
        _("Answer"),
        1000,
        0,
        label=_("Answers"),
        min_num=2,
        help_text=_("Give the right answer 100; a nearly right one may earn part of the mark."),
    )

    class Meta:
        label = _("Single choice")
        icon = "radio-full"

    def clean(self, value):
        value = super().clean(value)
        if not any(c["weight"] == 100 for c in value["choices"]):
            raise field_error("choices", _("Give one answer the weight 100: the right one."))
        return value


class MultipleChoiceBlock(blocks.StructBlock):
    choices = _weighted_answers(_("Answer"), 1000, 0, label=_("Answers"), min_num=2)

    class Meta:
        label = _("Multiple choice")
        icon = "tick-inverse"

    def clean(self, value):
        value = super().clean(value)
        positive = sum(c["weight"] for c in value["choices"] if c["weight"] > 0)
        if round(positive, 2) != 100:  # thirds are written 33.33333 (Moodle's rule)
            raise field_error(
                "choices",
                _("The positive weights must add up to 100; they add up to %(sum)s.")
                % {"sum": positive},
            )
        return value


class TrueFalseBlock(blocks.StructBlock):
    correct = blocks.ChoiceBlock(
        label=_("The statement is"), choices=[("true", _("True")), ("false", _("False"))]
    )
    true_feedback = blocks.CharBlock(
        label=_("Feedback to 'true'"), required=False, max_length=1000
    )
    false_feedback = blocks.CharBlock(
        label=_("Feedback to 'false'"), required=False, max_length=1000
    )

    class Meta:
        label = _("True or false")
        icon = "check"


class ShortAnswerBlock(blocks.StructBlock):
    answers = _weighted_answers(
        _("Accepted answer"),
        255,
        100,
        label=_("Accepted answers"),
        min_num=1,
        help_text=_(
            "Compared ignoring case, surrounding spaces and full-width characters; "
            "* matches anything."
        ),
    )

    class Meta:
        label = _("Short answer")
        icon = "edit"


class NumericalBlock(blocks.StructBlock):
    answers = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("value", blocks.DecimalBlock(label=_("Number"), required=False)),
                (
                    "tolerance",
                    blocks.DecimalBlock(label=_("± tolerance"), required=False, min_value=0),
                ),
                ("low", blocks.DecimalBlock(label=_("or from"), required=False)),
                ("high", blocks.DecimalBlock(label=_("to"), required=False)),
                (
                    "any_number",
                    blocks.BooleanBlock(
                        label=_("or any other number"),
                        required=False,
                        help_text=_("Catches every other number, e.g. for its feedback."),
                    ),
                ),
                ("weight", _weight()),
                ("feedback", _feedback()),
            ]
        ),
        label=_("Accepted numbers"),
        min_num=1,
    )

    class Meta:
        label = _("Numerical")
        icon = "order"

    def clean(self, value):
        value = super().clean(value)
        for answer in value["answers"]:
            exact = answer["value"] is not None
            ranged = answer["low"] is not None and answer["high"] is not None
            if answer.get("any_number") and not exact and not ranged:
                continue
            if exact == ranged or answer.get("any_number"):
                raise field_error(
                    "answers",
                    _(
                        "Give each answer one of: a number (with a tolerance), a range, "
                        "or any other number."
                    ),
                )
            if ranged and answer["low"] > answer["high"]:
                raise field_error("answers", _("A range must start below where it ends."))
        return value


class MatchingBlock(blocks.StructBlock):
    pairs = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("prompt", blocks.CharBlock(label=_("Prompt"), required=False, max_length=500)),
                ("answer", blocks.CharBlock(label=_("Matching answer"), max_length=500)),
            ]
        ),
        label=_("Pairs"),
        min_num=2,
        help_text=_("Leave a prompt empty to add a wrong answer to choose from."),
    )

    class Meta:
        label = _("Matching")
        icon = "list-ul"

    def clean(self, value):
        value = super().clean(value)
        if sum(1 for pair in value["pairs"] if pair["prompt"]) < 2:
            raise field_error("pairs", _("Give at least two prompts to match."))
        return value


class EssayBlock(blocks.StaticBlock):
    class Meta:
        label = _("Essay (graded by hand)")
        icon = "doc-full"
        admin_text = _("The learner writes an answer; a trainer grades it.")


class AnswersBlock(blocks.StreamBlock):
    single = SingleChoiceBlock()
    multiple = MultipleChoiceBlock()
    truefalse = TrueFalseBlock()
    short = ShortAnswerBlock()
    numerical = NumericalBlock()
    matching = MatchingBlock()
    essay = EssayBlock()

    class Meta:
        min_num = 1
        max_num = 1
