from lms.models.accounts import Position, StaffProfile, StaffStatus, User
from lms.models.audit import AuditEvent
from lms.models.integrations import IntegrationToken, TokenScope
from lms.models.jobs import JobLease
from lms.models.notifications import (
    Channel,
    Delivery,
    DeliveryState,
    Notification,
    NotificationPreference,
)
from lms.models.org import OrgUnit, OrgUnitKind, UnitRobots
from lms.models.pages import HomePage

__all__ = [
    "AuditEvent",
    "Channel",
    "Delivery",
    "DeliveryState",
    "HomePage",
    "IntegrationToken",
    "JobLease",
    "Notification",
    "NotificationPreference",
    "OrgUnit",
    "OrgUnitKind",
    "Position",
    "StaffProfile",
    "StaffStatus",
    "TokenScope",
    "UnitRobots",
    "User",
]
