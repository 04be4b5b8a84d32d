"""Import a GIFT, Moodle XML, CSV or XLSX file of questions into the bank: all of it, or
nothing. Questions the bank already has are updated, not copied."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.questions import services
from assessments.questions.problems import QuestionImportError


class Command(BaseCommand):
    help = (
        "Import questions from FILE (GIFT .gift/.txt, Moodle XML .xml, CSV or XLSX, by "
        "extension). The whole file is checked first; on any error nothing is imported and "
        "every problem is listed. Questions the bank has (same ID number, or same title in "
        "the category) are updated."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--category",
            default="",
            help="Category path (e.g. 客户服务知识/投诉处理) for questions the file puts in none.",
        )

    def handle(self, *args, file, category, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        try:
            made = services.questions_import_file(path.name, data, default_category=category)
        except QuestionImportError as error:
            for problem in error.problems:
                self.stderr.write(problem.message)
            raise CommandError(
                f"{file}: nothing imported ({len(error.problems)} problems)."
            ) from None
        for skipped in made.skipped:
            self.stderr.write(skipped.message)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(made)} questions imported from {file}: {len(made.added)} added, "
                f"{len(made.updated)} updated, {len(made.unchanged)} unchanged."
            )
        )
