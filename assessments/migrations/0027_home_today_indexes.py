"""Indexes for HR's home page: the eligible results of a cycle (counted from the index for
"certificates to issue") and the certificates in force never printed ("to print")."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessments", "0026_certificate_printed_at")]

    operations = [
        migrations.AddIndex(
            model_name="assessmentresult",
            index=models.Index(
                condition=models.Q(("eligible", True)), fields=["cycle"], name="result_eligible"
            ),
        ),
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(
                condition=models.Q(("printed_at__isnull", True), ("revoked_at__isnull", True)),
                fields=["expires_on"],
                name="certificate_to_print",
            ),
        ),
    ]
