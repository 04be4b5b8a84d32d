"""Print (and e-mail, where there is an address) one-time set-password links."""

from django.core.management.base import BaseCommand, CommandError

from lms import services
from lms.models.accounts import User
from lms.platform.auth import keeps_password


class Command(BaseCommand):
    help = "Send new one-time set-password links to the given employee numbers and print them."

    def add_arguments(self, parser):
        parser.add_argument("employee_numbers", nargs="+", metavar="EMPLOYEE_NUMBER")

    def handle(self, *args, employee_numbers, **options):
        users = {u.username: u for u in User.objects.filter(username__in=employee_numbers)}
        unknown = [n for n in employee_numbers if n not in users]
        if unknown:
            raise CommandError(f"No account with employee number: {', '.join(unknown)}")
        inactive = [n for n in employee_numbers if not users[n].is_active]
        if inactive:
            raise CommandError(
                f"These people have left; reinstate them first: {', '.join(inactive)}"
            )
        company_sign_in = [n for n in employee_numbers if not keeps_password(users[n])]
        if company_sign_in:
            raise CommandError(
                "These people sign in with the company account (LMS_SSO_ONLY), a set-password "
                f"link would not work for them: {', '.join(company_sign_in)}"
            )
        for number in employee_numbers:
            invitation = services.staff_invite(user=users[number])
            emailed = " (e-mailed)" if invitation.emailed else ""
            self.stdout.write(f"{number}\t{invitation.url}{emailed}")
