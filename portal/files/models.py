"""Uploaded files kept in private storage: the abstract model every app's uploads extend."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import cached_property

from portal.files.uploads import (
    download_name,
    stored_upload_path,
)


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (read at use, so test settings apply); no public URL."""

    _location: str | None  # set by FileSystemStorage.__init__ (the stubs leave it out)

    @cached_property
    def base_location(self) -> str:
        return self._value_or_setting(self._location, str(settings.PRIVATE_MEDIA_ROOT))

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        # setting_changed sends every setting's name; the stubs allow only the four Django reads
        super()._clear_cached_properties(setting, **kwargs)  # type: ignore[arg-type]
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


def private_storage() -> FileSystemStorage:
    return PrivateStorage()


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
