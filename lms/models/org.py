"""The organisation tree: company → region → branch/station → team."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class OrgUnitKind(models.TextChoices):
    COMPANY = "company", _("Company")
    REGION = "region", _("Region")
    STATION = "station", _("Branch / station")
    TEAM = "team", _("Team")


# The kind a child of each kind may have, top to bottom.
CHILD_KIND = {
    OrgUnitKind.COMPANY: OrgUnitKind.REGION,
    OrgUnitKind.REGION: OrgUnitKind.STATION,
    OrgUnitKind.STATION: OrgUnitKind.TEAM,
}


class OrgUnit(MP_Node):
    """A node of the tree, stored as a materialised path.

    "Everyone under this unit" is one indexed prefix match on `path`
    (see `lms.selectors.staff_under_unit`), never a recursive walk.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgUnitKind.choices)
    code = models.SlugField(
        _("code"),
        max_length=50,
        unique=True,
        help_text=_("A short, stable identifier used by imports, e.g. sh-pudong."),
    )

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self) -> str:
        return self.name

    @property
    def depth_indent(self) -> str:
        return "\u3000" * (self.depth - 1)

    def full_path_names(self) -> list[str]:
        """Names from the company down to this unit, e.g. 华东区/上海/浦东站."""
        return [unit.name for unit in self.get_ancestors()] + [self.name]


class UnitRobots(models.Model):
    """The group robots of one org unit: the DingTalk and WeCom group chats of a station or a
    team. Its staff, and the staff of the units below without robots of their own, are
    @-mentioned there (lms.notifications.robots resolves whose robot is whose).

    The webhooks and the secret are kept as given (the robots need them in full) but shown
    back masked (`lms.notifications.robots.masked`)."""

    unit = models.OneToOneField(
        OrgUnit, on_delete=models.CASCADE, related_name="robots", verbose_name=_("org unit")
    )
    dingtalk_webhook = models.CharField(_("DingTalk robot webhook"), max_length=500, blank=True)
    dingtalk_secret = models.CharField(_("DingTalk robot secret"), max_length=200, blank=True)
    wecom_webhook = models.CharField(_("WeCom robot webhook"), max_length=500, blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("group robots of an org unit")
        verbose_name_plural = _("group robots of org units")

    def __str__(self) -> str:
        return str(self.unit)
