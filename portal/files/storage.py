"""Where uploads are kept: local disk (PRIVATE_MEDIA_ROOT), or an S3-compatible bucket when
``WQIP_S3_BUCKET`` is set (settings: STORAGES "default" and "private", django-storages).

Either way a stored upload has no URL: permission-checked views stream it. Code that needs a
real file on disk (PostgreSQL COPY of a claims file, read by byte ranges in parallel) asks
``local_file(field_file)``, which copies an object to a temporary file and removes it after.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.db.models.fields.files import FieldFile
from django.utils.functional import LazyObject, cached_property, empty


class PrivateFiles:
    """Marks a storage whose files have no URL (the admin leaves such fields out)."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


class PrivateStorage(PrivateFiles, FileSystemStorage):  # type: ignore[misc]
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


class _PrivateStorageProxy(LazyObject):
    """``storages["private"]``, looked up at first use and again after STORAGES changes."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]


PRIVATE_STORAGE: Storage = _PrivateStorageProxy()  # type: ignore[assignment]


def _storages_changed(*, setting: str, **kwargs: object) -> None:
    if setting == "STORAGES":
        PRIVATE_STORAGE._wrapped = empty  # type: ignore[attr-defined]


setting_changed.connect(_storages_changed, dispatch_uid="portal.files.storage.private")


@contextmanager
def local_file(field_file: FieldFile) -> Iterator[Path]:
    """A path on local disk holding the stored file: the file itself on local storage, else
    a temporary copy (``WQIP_TEMP_DIR``, default the system's), removed on exit."""
    try:
        path = field_file.path
    except NotImplementedError:  # object storage: no local path
        pass
    else:
        yield Path(path)
        return
    suffix = PurePath(field_file.name or "").suffix
    handle, name = tempfile.mkstemp(prefix="wqip-", suffix=suffix, dir=settings.WQIP_TEMP_DIR)
    try:
        with os.fdopen(handle, "wb") as target, field_file.open("rb") as source:
            shutil.copyfileobj(source, target, 1024 * 1024)
        yield Path(name)
    finally:
        os.unlink(name)
