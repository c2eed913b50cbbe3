"""Checks for uploaded documents: type by content (magic bytes), size, safe names; the name a
checked upload is stored under and the name it is downloaded as."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

# content type -> (leading bytes, extension used for the stored name)
SIGNATURES: dict[str, tuple[bytes, str]] = {
    "application/pdf": (b"%PDF-", "pdf"),
    "image/png": (b"\x89PNG\r\n\x1a\n", "png"),
    "image/jpeg": (b"\xff\xd8\xff", "jpg"),
}
EXTENSIONS = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
TYPE_LABELS = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str


def human_size(size: int) -> str:
    if size >= 1024 * 1024 * 1024:
        return f"{size / (1024 * 1024 * 1024):.1f} GB"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def detect_content_type(head: bytes) -> str | None:
    """The type the bytes really are, or None when not an allowed type."""
    for content_type, (magic, _) in SIGNATURES.items():
        if head.startswith(magic):
            return content_type
    return None


def sanitise_filename(name: str, *, max_length: int = 150) -> str:
    """A display name safe for headers and file systems: no path, no control characters."""
    base = PurePath(name.replace("\\", "/")).name
    base = unicodedata.normalize("NFKC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = re.sub(r'[<>:"/\\|?*;]', "_", base).strip(" .")
    if not base:
        base = "document"
    if len(base) > max_length:
        stem, dot, ext = base.rpartition(".")
        if dot and len(ext) <= 10:
            base = stem[: max_length - len(ext) - 1] + "." + ext
        else:
            base = base[:max_length]
    return base


def check_upload(upload: UploadedFile, *, allowed_types: tuple[str, ...]) -> CheckedUpload:
    """Refuse (ValidationError) anything too large or whose content is not an allowed type."""
    limit = settings.WQIP_UPLOAD_MAX_BYTES
    original_name = sanitise_filename(upload.name or "document")
    size = upload.size or 0
    if size > limit:
        raise ValidationError(
            f"“{original_name}” is {human_size(size)}; files can be at most "
            f"{human_size(limit)}. Nothing was uploaded.",
            code="too_large",
        )
    if size == 0:
        raise ValidationError(f"“{original_name}” is empty.", code="empty")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = detect_content_type(head)
    allowed_labels = " or ".join(TYPE_LABELS[t] for t in allowed_types)
    if content_type is None or content_type not in allowed_types:
        raise ValidationError(
            f"“{original_name}” is not a {allowed_labels} file (checked by its content, "
            "not its name). Nothing was uploaded.",
            code="bad_type",
        )
    claimed = EXTENSIONS.get(PurePath(original_name).suffix.lower().lstrip("."))
    if claimed is not None and claimed != content_type:
        raise ValidationError(
            f"“{original_name}” has a name ending that does not match its content "
            f"({TYPE_LABELS[content_type]}). Nothing was uploaded.",
            code="type_mismatch",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        content_type=content_type,
        extension=SIGNATURES[content_type][1],
        size=size,
        sha256=digest.hexdigest(),
        original_name=original_name,
    )


def stored_upload_path(instance: Any, filename: str) -> str:
    """``upload_to`` of every stored upload (portal.models.opt_in.StoredUpload).

    The stored name is generated: the owner's folder (``instance.storage_folder()``), a uuid4
    and the extension of the type detected from the content (``instance.content_type``, set
    from check_upload). ``filename``, the uploaded name, is ignored: it is kept, cleaned, only
    as data (``original_name``), so ``poly.html`` holding a PDF is stored as ``<uuid>.pdf``.
    """
    signature = SIGNATURES.get(instance.content_type)
    if signature is None:
        raise ValueError(
            f"no stored name for content type {instance.content_type!r}: "
            "check the upload with check_upload first"
        )
    return f"{instance.storage_folder()}/{uuid.uuid4().hex}.{signature[1]}"


def download_name(original_name: str, content_type: str) -> str:
    """The name a stored upload is downloaded as (Content-Disposition): the cleaned original
    name, ending in the extension of the type detected from the content.

    A name that already ends in one of the type's extensions is kept (``W-9.PDF``,
    ``photo.jpeg``); otherwise the extension is appended and the rest kept, so ``poly.html``
    holding a PDF downloads as ``poly.html.pdf`` and opens as a PDF when saved. Rows stored
    before names were generated get the same treatment when served.
    """
    name = sanitise_filename(original_name)
    if EXTENSIONS.get(PurePath(name).suffix.lower().lstrip(".")) == content_type:
        return name
    signature = SIGNATURES.get(content_type)
    return f"{name}.{signature[1] if signature else 'bin'}"


# --- large uploads (claims files): streamed to a temporary file, with a limit of their own ----
# Django writes an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file as it
# arrives; these refuse a request body above the limit before it is read (Content-Length), and
# stop reading one that grows past it (chunked bodies).
MULTIPART_OVERHEAD_BYTES = 64 * 1024  # boundaries, headers and the CSRF field around the file


def body_too_large(request: Any, limit: int) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > limit + MULTIPART_OVERHEAD_BYTES


class SizeLimitUploadHandler(FileUploadHandler):
    """First among the request's upload handlers: counts the bytes of each file and stops the
    upload (nothing kept) when one passes ``limit``."""

    def __init__(self, request: Any, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
