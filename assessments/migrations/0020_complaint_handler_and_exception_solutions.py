"""Complaints name their handler (the 24-hour reply is theirs, manual 4.3.1); efficiency
counts exceptions offered a solution within 2 hours (3.1.5's second half); and the scoring
policy gets a new version, made from the latest one: efficiency scored on bands, exception
handling's two halves, and the parts that apply to each position. Cycles keep the version
they were computed with."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


NOTE = "按岗位适用的考核部分、效率评分区间、异常处理两项时效、投诉回复时效计入处理人员"

# The bands of DEFAULT_POLICY (assessments.scoring.arithmetic), where they are explained.
BANDS = {
    "pickups": ["0.70", "0.95"],
    "deliveries": ["0.75", "0.98"],
    "queries": ["0.70", "0.95"],
    "exceptions": ["0.60", "0.95"],
    "solutions": ["0.60", "0.95"],
    "accuracy": ["0.99", "0.999"],
}
EVERY_PART = ("knowledge", "satisfaction", "efficiency", "teamwork")
PARTS = {
    "courier": dict.fromkeys(EVERY_PART, "required"),
    "customer_service": dict.fromkeys(EVERY_PART, "required"),
    "station_staff": {
        "knowledge": "required",
        "satisfaction": "if_data",
        "efficiency": "required",
        "teamwork": "required",
    },
}


def _half(value: str) -> str:
    from decimal import Decimal

    half = (Decimal(value) / 2).normalize()
    return str(half.quantize(Decimal(1)) if half.as_tuple().exponent > 0 else half)


def add_version(apps, schema_editor):
    ScoringPolicy = apps.get_model("assessments", "ScoringPolicy")
    last = ScoringPolicy.objects.order_by("-version").first()
    if last is None or "measure_bands" in last.data:
        return
    data = {key: value for key, value in last.data.items() if key != "measure_targets"}
    data["measure_bands"] = BANDS
    measures = {}
    for position, weights in last.data["position_measures"].items():
        weights = dict(weights)
        if "exceptions" in weights:  # the weight of exceptions, shared by its two halves
            weights["exceptions"] = weights["solutions"] = _half(weights["exceptions"])
        measures[position] = weights
    data["position_measures"] = measures
    data["position_parts"] = {p: PARTS[p] for p in measures if p in PARTS}
    ScoringPolicy.objects.create(version=last.version + 1, data=data, note=NOTE)


def remove_version(apps, schema_editor):
    ScoringPolicy = apps.get_model("assessments", "ScoringPolicy")
    AssessmentCycle = apps.get_model("assessments", "AssessmentCycle")
    last = ScoringPolicy.objects.order_by("-version").first()
    if last is not None and last.note == NOTE and not AssessmentCycle.objects.filter(policy=last):
        last.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0019_retraining_rules'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='complaint',
            name='handler',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='handled by'),
        ),
        migrations.AddField(
            model_name='efficiencyrecord',
            name='exceptions_solved',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='exceptions offered a solution within 2 hours'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['handler', 'received_at'], name='complaint_handler_received'),
        ),
        migrations.AddConstraint(
            model_name='efficiencyrecord',
            constraint=models.CheckConstraint(condition=models.Q(('exceptions_solved__lte', models.F('exceptions')), ('exceptions_solved__isnull', True), _connector='OR'), name='efficiency_exceptions_solved_within_total'),
        ),
        migrations.RunPython(add_version, remove_version),
    ]
