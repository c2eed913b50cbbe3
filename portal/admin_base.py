"""Admin building blocks shared by every app."""

from django.contrib import admin
from django.db.models import FileField, Model

from portal.files.storage import PrivateFiles


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


def private_file_fields(model: type[Model]) -> list[str]:
    """The model's file fields in private storage (``portal.files``). The admin links a file
    to its URL, and a private file has none (permission-checked views serve it), so such a
    field on an admin page answers 500: list these in the ModelAdmin's ``exclude``."""
    return [
        field.name
        for field in model._meta.fields
        if isinstance(field, FileField) and isinstance(field.storage, PrivateFiles)
    ]


def readonly_model_fields(model: type[Model]) -> list[str]:
    """Every field of the model for ``readonly_fields``, except its private files (see
    ``private_file_fields``, which go to ``exclude``)."""
    private = set(private_file_fields(model))
    return [field.name for field in model._meta.fields if field.name not in private]
