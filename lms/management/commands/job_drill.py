"""`manage.py job_drill`: the fault drill's job (deploy/fault_drill.sh), for a staging site.

manage.py job_drill enqueue --seconds 30     # prints the task's id
manage.py job_drill status <id>              # STATUS ATTEMPTS WORKER,... (tab-separated)
"""

from django.core.management.base import BaseCommand, CommandError
from django_tasks_db.models import DBTaskResult

from lms.platform.drill import drill_wait


class Command(BaseCommand):
    help = "Queue the fault drill's job, or say what became of it (deploy/fault_drill.sh)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["enqueue", "status"])
        parser.add_argument("task_id", nargs="?")
        parser.add_argument("--seconds", type=float, default=30)

    def handle(self, *args, action, task_id=None, seconds=30, **options):
        if action == "enqueue":
            self.stdout.write(str(drill_wait.enqueue(seconds).id))
            return
        if not task_id:
            raise CommandError("status needs the task's id")
        found = DBTaskResult.objects.filter(pk=task_id).first()
        if found is None:
            raise CommandError(f"no task {task_id}")
        workers = ",".join(found.worker_ids) or "-"
        self.stdout.write(f"{found.status}\t{len(found.worker_ids)}\t{workers}")
