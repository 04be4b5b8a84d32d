"""The default certificate templates: one active template of each kind, wording in Chinese
and English (HR edits them in the admin; a certificate keeps the template it was issued with).
"""

from django.db import migrations

TEMPLATES = [
    {
        "kind": "course",
        "name": "结业证书 (默认 default)",
        "layout": "landscape",
        "title_zh": "结业证书",
        "title_en": "Certificate of Completion",
        "body_zh": "兹证明 {name} \uff08工号 {employee_number}\uff09 "
        "已完成课程\u300a{course}\u300b的全部学习与考核\uff0c成绩合格\uff0c特发此证\u3002",
        "body_en": "This is to certify that {name} (employee number {employee_number}) has "
        "completed the course \u201c{course}\u201d and passed its assessments.",
        "signatory_name": "",
        "signatory_title": "培训部 Training Department",
        "valid_months": 24,
    },
    {
        "kind": "cycle",
        "name": "考核证书 (默认 default)",
        "layout": "landscape",
        "title_zh": "考核证书",
        "title_en": "Assessment Certificate",
        "body_zh": "兹证明 {name} \uff08工号 {employee_number}\uff09 参加{cycle}\uff0c"
        "经知识掌握\u3001客户满意度\u3001工作效率\u3001团队协作与沟通四项综合评定\uff0c"
        "综合得分 {overall}\uff0c等级为\u201c{grade}\u201d\uff0c特发此证\u3002",
        "body_en": "This is to certify that {name} (employee number {employee_number}) took "
        "part in {cycle} and, assessed on knowledge, customer satisfaction, work efficiency "
        "and teamwork, passed with an overall score of {overall} ({grade}).",
        "signatory_name": "",
        "signatory_title": "人力资源部 Human Resources",
        "valid_months": 12,
    },
]


def create(apps, schema_editor):
    CertificateTemplate = apps.get_model("assessments", "CertificateTemplate")
    for data in TEMPLATES:
        if CertificateTemplate.objects.filter(kind=data["kind"], active=True).exists():
            continue
        CertificateTemplate.objects.create(active=True, **data)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0011_certificates")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
