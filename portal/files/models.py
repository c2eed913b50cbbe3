"""Uploaded files kept in private storage: the abstract model every app's uploads extend."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import Storage
from django.db import models

from portal.files.storage import PRIVATE_STORAGE
from portal.files.uploads import (
    download_name,
    stored_upload_path,
)


def private_storage() -> Storage:
    """The storage of every private upload (``STORAGES["private"]``: local disk or a bucket)."""
    return PRIVATE_STORAGE


class StoredUpload(models.Model):
    """An uploaded file kept in private storage (checked by portal.uploads), served only
    through permission-checked views. It is stored under a generated name with the extension
    of the type detected from its content (``stored_upload_path``), never the uploaded name;
    the original name, cleaned, is kept as data for display and ``download_name``."""

    file = models.FileField(storage=private_storage, upload_to=stored_upload_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def storage_folder(self) -> str:
        """The folder this upload's file is stored in (one per owner)."""
        raise NotImplementedError

    @property
    def stored_name(self) -> str:
        """The file's name in private storage, given when the file was saved."""
        assert self.file.name, "the file is not stored yet"
        return self.file.name

    @property
    def download_name(self) -> str:
        """The file name for Content-Disposition: ends in the detected type's extension."""
        return download_name(self.original_name, self.content_type)
