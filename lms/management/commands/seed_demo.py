"""Load the demo organisation, staff and accounts. Safe to run again."""

from django.core.management.base import BaseCommand
from django.db import transaction

from lms import services
from lms.demo import company
from lms.models.accounts import StaffProfile, User
from lms.models.org import OrgUnit
from lms.roles import Role
from lms.signals import demo_seeded


class Command(BaseCommand):
    help = "Create the demo org tree, about 40 staff and a demo account for each role."

    def handle(self, *args, **options):
        with transaction.atomic():
            self._people()
        # Courses, quizzes and the rest load their demo content on this signal.
        demo_seeded.send(sender=company, stdout=self.stdout)

    def _people(self):
        units = self._org_units()
        created = 0
        for index, (number, name, unit, position, roles, trainer_units, email) in enumerate(
            company.DEMO_ACCOUNTS
        ):
            profile, new = self._staff(index, number, name, units[unit], position, email)
            created += new
            services.staff_set_roles(user=profile.user, roles=[Role(r) for r in roles])
            if trainer_units:
                services.trainer_assign_units(
                    profile=profile, units=[units[code] for code in trainer_units]
                )
            user = profile.user
            user.set_password(company.DEMO_PASSWORD)
            user.is_superuser = Role.ADMINISTRATOR.value in roles
            user.save(update_fields=["password", "is_superuser"])
        offset = len(company.DEMO_ACCOUNTS)
        for index, (number, name, unit, position) in enumerate(company.STAFF, start=offset):
            profile, new = self._staff(index, number, name, units[unit], position, "")
            created += new
            if new:
                profile.user.set_password(company.DEMO_PASSWORD)
                profile.user.save(update_fields=["password"])
        for number, left_on in company.LEAVERS:
            profile = StaffProfile.objects.get(user__username=number)
            services.staff_mark_left(profile=profile, on=left_on)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(units)} org units, {StaffProfile.objects.count()} staff "
                f"({created} new)."
            )
        )

    def _org_units(self) -> dict[str, OrgUnit]:
        units: dict[str, OrgUnit] = {u.code: u for u in OrgUnit.objects.all()}
        for code, name, kind, parent in company.ORG_UNITS:
            if code not in units:
                parent_unit = OrgUnit.objects.get(pk=units[parent].pk) if parent else None
                units[code] = services.orgunit_create(
                    name=name, kind=kind, code=code, parent=parent_unit
                )
        return units

    def _staff(self, index, number, name, unit, position, email) -> tuple[StaffProfile, bool]:
        existing = (
            StaffProfile.objects.filter(user__username=number).select_related("user").first()
        )
        if existing:
            return existing, False
        if User.objects.filter(username=number).exists():
            raise SystemExit(f"{number} exists without a staff profile; remove it first.")
        profile = services.staff_create(
            employee_number=number,
            full_name=name,
            org_unit=unit,
            position=position,
            hire_date=company.hire_date_for(index),
            email=email,
        )
        return profile, True
