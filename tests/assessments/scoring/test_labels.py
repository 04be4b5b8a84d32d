"""The scoring's words for the models' choices are the models' own, in both languages."""

import pytest
from django.utils import translation

from assessments.models.metrics import ComplaintCategory, SurveySource
from assessments.scoring.labels import CATEGORY_LABELS, POSITION_LABELS, SOURCE_LABELS
from lms.models.accounts import Position


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("labels", "choices"),
    [
        (SOURCE_LABELS, SurveySource),
        (CATEGORY_LABELS, ComplaintCategory),
        (POSITION_LABELS, Position),
    ],
)
def test_the_scoring_names_each_choice_as_its_model_does(language, labels, choices):
    with translation.override(language):
        assert {code: str(label) for code, label in labels.items()} == {
            code: str(label) for code, label in choices.choices
        }
