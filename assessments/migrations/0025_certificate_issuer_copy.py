"""Each certificate keeps the issuing company's name and seal it was issued under: copied
from its template when issued, so that a later edit of the template changes no certificate
issued before. Certificates issued before this migration get their template's as it is now."""

import django.db.models.deletion
from django.db import migrations, models


def copy_issuer(apps, schema_editor):
    Certificate = apps.get_model("assessments", "Certificate")
    CertificateTemplate = apps.get_model("assessments", "CertificateTemplate")
    for template in CertificateTemplate.objects.all():
        Certificate.objects.filter(template_id=template.pk).update(
            issuer_name=template.issuer_name, seal_id=template.seal_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0024_import_source"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="issuer_name",
            field=models.CharField(blank=True, max_length=100, verbose_name="issuing company"),
        ),
        migrations.AddField(
            model_name="certificate",
            name="seal",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtailimages.image",
                verbose_name="company seal",
            ),
        ),
        migrations.RunPython(copy_issuer, migrations.RunPython.noop),
    ]
