"""The task that delivers notifications over their external channels."""

from django_tasks import task

from lms.notifications import delivery
from lms.platform.jobs import job_kind


@job_kind(
    label="Notifications: deliver by e-mail, DingTalk, WeCom",
    rerun_safe=True,
    why="each delivery is claimed and recorded as sent: one already sent is skipped, one that "
    "failed waits for its next try",
)
@task()
def deliver_notifications(notification_ids: list[int]) -> int:
    return delivery.deliver_due(notification_ids=notification_ids)
