"""The object-storage backend (``STORAGES`` when ``WQIP_S3_BUCKET`` is set), in a module of its
own so that only a process that uses it imports boto3 (``STORAGES`` names it by its path)."""

from __future__ import annotations

from storages.backends.s3 import S3Storage

from portal.files.storage import PrivateFiles


class PrivateS3Storage(PrivateFiles, S3Storage):  # type: ignore[misc]
    """Objects in the configured bucket: no ACL (the bucket's own, private), no URL, never
    overwritten (a name taken gets a suffix)."""

    default_acl = None
    file_overwrite = False
