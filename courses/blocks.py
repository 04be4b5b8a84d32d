"""The blocks a lesson is written with.

Every block renders on the server and reads without JavaScript; the knowledge
check uses a few lines of script for instant feedback, and falls back to a
"show the answer" disclosure.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link", "hr"]


def field_error(field: str, message) -> StructBlockValidationError:
    """A StructBlock's validation error, shown beside one of its fields."""
    return StructBlockValidationError(block_errors={field: ValidationError(message)})


VIDEO_EXTENSIONS = (".mp4", ".webm", ".ogg", ".ogv", ".m4v", ".mov")


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Heading")
        template = "courses/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        max_length=255,
        help_text=_("What the image shows, for people who cannot see it. Defaults to its title."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "courses/blocks/image.html"


class VideoBlock(blocks.StructBlock):
    """A video played by the browser itself: an uploaded file or a direct link to one."""

    document = DocumentChooserBlock(
        label=_("Video file"),
        required=False,
        help_text=_("An MP4 or WebM file uploaded to the documents library."),
    )
    url = blocks.URLBlock(
        label=_("or video address"),
        required=False,
        help_text=_("A direct link to an MP4 or WebM file, e.g. on the company's video server."),
    )
    poster = ImageChooserBlock(label=_("Poster image"), required=False)
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)
    transcript = blocks.TextBlock(
        label=_("Transcript"),
        required=False,
        help_text=_("What is said in the video, for people who cannot hear it or play it."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"

    def clean(self, value):
        value = super().clean(value)
        document, url = value.get("document"), value.get("url")
        if bool(document) == bool(url):
            raise field_error("url", _("Choose a video file or give its address, not both."))
        name = (document.file.name if document else url).lower().split("?")[0]
        if not name.endswith(VIDEO_EXTENSIONS):
            field = "document" if document else "url"
            raise field_error(
                field, _("Browsers play MP4, WebM and Ogg video; this is not one of them.")
            )
        return value


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Link text"), required=False, help_text=_("Defaults to the document's title.")
    )
    description = blocks.CharBlock(label=_("Description"), required=False, max_length=255)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "courses/blocks/document.html"


class KeyRuleBlock(blocks.StructBlock):
    """A rule of the service manual, quoted and cited by its clause number."""

    clause = blocks.RegexBlock(
        label=_("Manual clause"),
        regex=r"^\d+(\.\d+){0,3}$",
        error_messages={"invalid": _("Give the clause number, e.g. 3.1.2.")},
        help_text=_("The clause of the service manual, e.g. 3.1.2."),
    )
    rule = blocks.TextBlock(label=_("Rule"))
    note = blocks.RichTextBlock(
        label=_("What it means in practice"), required=False, features=RICH_TEXT_FEATURES
    )

    class Meta:
        icon = "warning"
        label = _("Key rule")
        template = "courses/blocks/key_rule.html"


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False)
    items = blocks.ListBlock(blocks.CharBlock(label=_("Item")), label=_("Items"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Checklist")
        template = "courses/blocks/checklist.html"


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"))
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)
    feedback = blocks.CharBlock(label=_("Feedback when chosen"), required=False, max_length=500)


class KnowledgeCheckBlock(blocks.StructBlock):
    """A question to check understanding, answered on the spot and never graded."""

    question = blocks.TextBlock(label=_("Question"))
    choices = blocks.ListBlock(ChoiceBlock(), label=_("Answers"), min_num=2)
    explanation = blocks.RichTextBlock(
        label=_("Explanation"), required=False, features=RICH_TEXT_FEATURES
    )

    class Meta:
        icon = "help"
        label = _("Knowledge check")
        template = "courses/blocks/knowledge_check.html"

    def clean(self, value):
        value = super().clean(value)
        if not any(choice["correct"] for choice in value["choices"]):
            raise field_error("choices", _("Mark at least one answer correct."))
        return value


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES + ["h3", "h4"])
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentBlock()
    key_rule = KeyRuleBlock()
    checklist = ChecklistBlock()
    knowledge_check = KnowledgeCheckBlock()
