"""Sending a stored private file to the browser (an attachment, a letter, a document)."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def stored_file_response(file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """The file as a download; a 404 (not a 500) when the stored file has gone missing."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The file is missing.") from exc
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
