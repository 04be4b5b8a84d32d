"""When each certificate was last in a printout, for HR's "to print" (issued, in force, never
printed). Filled from the print jobs done before: each certificate of a finished job gets the
job's time. The small batches printed at once before this migration recorded no list of
certificates (only their number, in the audit log): those certificates count as not printed."""

from django.db import migrations, models

CHUNK = 500


def from_print_jobs(apps, schema_editor):
    Certificate = apps.get_model("assessments", "Certificate")
    PrintJob = apps.get_model("assessments", "PrintJob")
    # Oldest first: a certificate printed twice keeps the later time.
    for job in PrintJob.objects.filter(state="done").order_by("created_at", "pk"):
        ids = list(job.certificate_ids or [])
        when = job.finished_at or job.created_at
        for start in range(0, len(ids), CHUNK):
            Certificate.objects.filter(pk__in=ids[start : start + CHUNK]).update(printed_at=when)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0025_certificate_issuer_copy")]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="printed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last printed"),
        ),
        migrations.RunPython(from_print_jobs, migrations.RunPython.noop),
    ]
