"""The blocks a drill is written with: its roles, its steps and its rubric."""

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StreamBlockValidationError

from courses.blocks import field_error


class RoleBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Role"), max_length=60, help_text=_("For example: 客户, 客服"))
    brief = blocks.TextBlock(label=_("What the person playing it does and knows"))

    class Meta:
        icon = "user"
        label = _("Role")


class LevelBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Level"), max_length=40, help_text=_("For example: 优秀"))
    descriptor = blocks.TextBlock(label=_("What the trainer sees at this level"))
    points = blocks.DecimalBlock(label=_("Points"), min_value=0, max_digits=5, decimal_places=1)

    class Meta:
        icon = "list-ol"
        label = _("Level")


class CriterionBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("Criterion"), max_length=80)
    description = blocks.TextBlock(label=_("What is observed"), required=False)
    weight = blocks.DecimalBlock(
        label=_("Weight"),
        min_value=0,
        max_digits=5,
        decimal_places=1,
        help_text=_("How much this criterion counts against the others."),
    )
    levels = blocks.ListBlock(LevelBlock(), label=_("Levels"), min_num=2)

    class Meta:
        icon = "tick"
        label = _("Criterion")

    def clean(self, value):
        value = super().clean(value)
        if value["weight"] is None or value["weight"] <= 0:
            raise field_error("weight", _("The weight must be more than 0."))
        points = [level["points"] for level in value["levels"]]
        if len(set(points)) != len(points):
            raise field_error("levels", _("Two levels give the same points."))
        if points and max(points) <= 0:
            raise field_error("levels", _("At least one level must give points."))
        return value


class RubricBlock(blocks.StreamBlock):
    criterion = CriterionBlock()

    class Meta:
        min_num = 1

    def clean(self, value):
        value = super().clean(value)
        names = [child.value["name"].strip() for child in value]
        if len(set(names)) != len(names):
            error = ValidationError(_("Two criteria have the same name."))
            raise StreamBlockValidationError(non_block_errors=ErrorList([error]))
        return value
