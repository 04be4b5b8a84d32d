"""Write the bank's questions (or one category's) to standard output."""

from django.core.management.base import BaseCommand, CommandError

from assessments.questions import files, selectors


class Command(BaseCommand):
    help = "Export questions as GIFT, Moodle XML, CSV or XLSX to standard output."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["gift", "xml", "csv", "xlsx"], default="gift")
        parser.add_argument("--category", default="", help="Only this category path and below.")
        parser.add_argument(
            "--language", default="zh", help="Column headers of CSV/XLSX: zh or en."
        )

    def handle(self, *args, format, category, language, **options):
        node = None
        if category:
            node = selectors.find_category(category)
            if node is None:
                raise CommandError(f"No category {category!r}.")
        questions = [q.to_data() for q in selectors.questions_in(node)]
        data = files.write(questions, format, language)
        binary = getattr(self.stdout._out, "buffer", None)
        if binary is not None:
            self.stdout.flush()
            binary.write(data)  # the bytes as they are, XLSX included
            binary.flush()
        elif format == "xlsx":
            raise CommandError("XLSX is binary: send standard output to a file.")
        else:
            self.stdout.write(data.decode("utf-8-sig"), ending="")
        self.stderr.write(f"{len(questions)} questions exported.")
