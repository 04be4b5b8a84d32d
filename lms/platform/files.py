"""Files kept out of reach of any URL: uploaded imports, drill evidence."""

import uuid
from pathlib import Path

from django.core.files.storage import storages
from django.utils import timezone


def private_storage():
    """The storage of files never served directly (STORAGES["private"], under PRIVATE_ROOT)."""
    return storages["private"]


def unguessable_name(folder: str, filename: str) -> str:
    """A name nobody can guess, keeping the file's suffix; its own name is kept beside it."""
    suffix = Path(filename).suffix.lower()[:8]
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"
