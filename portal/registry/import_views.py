"""Registry import pages (issue 24): upload the state's files, review what they would change,
apply or discard; the download addresses of the monthly refresh."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.http import AuthenticatedRequest
from portal.accounts.permissions import role_required
from portal.files.csvio import MAX_REPORTED_ERRORS, CsvImportError
from portal.files.uploads import sanitise_filename
from portal.models import FacilityType, FetchedStateFile, RegistryImport, Role, StateSource
from portal.registry.forms import StateFileAddressForm, StateFilesUploadForm
from portal.registry.state_diff import KIND_LABELS, STATE_FIELDS
from portal.registry.state_import import (
    ImportNotPending,
    StateFile,
    apply_registry_import,
    discard_registry_import,
    stage_registry_import,
)
from portal.registry.state_sources import (
    FETCHED_FILE_HANDLERS,
    FetchedFileNotPending,
    decide_fetched_file,
    save_addresses,
    source_addresses,
)

REGISTRY_EDITORS = (Role.FINANCE_ANALYST, Role.PROGRAM_ADMIN)
CHANGES_PAGE_SIZE = 100
FIELD_ORDER = {key: index for index, key in enumerate(STATE_FIELDS)}
UPLOAD_FIELDS = (
    ("listing", StateSource.LISTING),
    ("crosswalk", StateSource.CROSSWALK),
    ("bed_types", StateSource.BED_TYPES),
)


@role_required(*REGISTRY_EDITORS)
@require_http_methods(["GET", "POST"])
def registry_import_list(request: AuthenticatedRequest) -> HttpResponse:
    form = StateFilesUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        with tempfile.TemporaryDirectory() as folder:
            files: dict[str, StateFile] = {}
            for field, source in UPLOAD_FIELDS:
                upload = form.cleaned_data.get(field)
                if not upload:  # absent, or False when a client sends the "clear" box
                    continue
                path = Path(folder) / field
                with open(path, "wb") as handle:
                    for chunk in upload.chunks():
                        handle.write(chunk)
                files[field] = StateFile(source, path, sanitise_filename(upload.name or field))
            try:
                staged = stage_registry_import(
                    listing=files["listing"],
                    crosswalk=files.get("crosswalk"),
                    bed_types=files.get("bed_types"),
                    actor=request.user,
                )
            except CsvImportError as exc:
                head = f"{exc.source}: " if exc.source else ""
                errors = [f"{head}{e}" for e in exc.errors[:MAX_REPORTED_ERRORS]]
            else:
                return redirect(staged.get_absolute_url())
    imports = RegistryImport.objects.select_related("created_by", "decided_by")[:50]
    fetched = FetchedStateFile.objects.filter(status=FetchedStateFile.Status.PENDING)
    return render(
        request,
        "portal/registry_imports/import_list.html",
        {"form": form, "errors": errors, "imports": imports, "fetched": fetched},
    )


def _shown(key: str, value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if key == "facility_type":
        return str(dict(FacilityType.choices).get(value, value))
    return str(value)


def _rows(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **change,
            "kind_label": KIND_LABELS.get(change["kind"], change["kind"]),
            "fields": [
                {
                    "label": STATE_FIELDS.get(key, key),
                    "before": _shown(key, before),
                    "after": _shown(key, after),
                }
                for key, (before, after) in sorted(
                    change["changes"].items(), key=lambda item: FIELD_ORDER.get(item[0], 99)
                )
            ],
            "flips": change["eligible_before"] is not None
            and change["eligible_before"] != change["eligible_after"],
        }
        for change in changes
    ]


@role_required(*REGISTRY_EDITORS)
def registry_import_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    staged = get_object_or_404(
        RegistryImport.objects.select_related("created_by", "decided_by"), pk=pk
    )
    kind = request.GET.get("kind", "")
    changes = staged.changes
    if kind == "flips":
        changes = [
            c
            for c in changes
            if c["eligible_before"] is not None and c["eligible_before"] != c["eligible_after"]
        ]
    elif kind in KIND_LABELS:
        changes = [c for c in changes if c["kind"] == kind]
    else:
        kind = ""
    page = Paginator(changes, CHANGES_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/registry_imports/import_detail.html",
        {
            "staged": staged,
            "page": page,
            "rows": _rows(list(page.object_list)),
            "kind": kind,
            "kinds": [(k, label, staged.counts.get(k, 0)) for k, label in KIND_LABELS.items()],
            "querystring": query.urlencode(),
        },
    )


@role_required(*REGISTRY_EDITORS)
@require_POST
def registry_import_apply(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    staged = get_object_or_404(RegistryImport, pk=pk)
    try:
        apply_registry_import(registry_import=staged, actor=request.user)
    except ImportNotPending as exc:
        messages.error(request, str(exc))
    else:
        counts = staged.counts
        messages.success(
            request,
            f"Applied: {counts['new']} new, {counts['changed']} changed, {counts['closed']} "
            f"closed, {counts['missing']} no longer listed, {counts['reopened']} active again.",
        )
    return redirect(staged.get_absolute_url())


@role_required(*REGISTRY_EDITORS)
@require_POST
def registry_import_discard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    staged = get_object_or_404(RegistryImport, pk=pk)
    try:
        discard_registry_import(registry_import=staged, actor=request.user)
    except ImportNotPending as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Discarded: the registry was not changed.")
    return redirect(staged.get_absolute_url())


@role_required(Role.PROGRAM_ADMIN)
@require_http_methods(["GET", "POST"])
def state_file_addresses(request: AuthenticatedRequest) -> HttpResponse:
    addresses = source_addresses()
    forms = [
        (
            address,
            StateFileAddressForm(
                request.POST or None,
                prefix=address.source,
                initial={"url": address.url, "enabled": address.enabled},
            ),
        )
        for address in addresses
    ]
    if request.method == "POST" and all(form.is_valid() for _, form in forms):
        save_addresses(
            values={address.source: form.cleaned_data for address, form in forms},
            actor=request.user,
        )
        messages.success(request, "Download addresses saved.")
        return redirect("portal:state_file_addresses")
    return render(request, "portal/registry_imports/addresses.html", {"forms": forms})


@role_required(*REGISTRY_EDITORS)
def fetched_file_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    fetched = get_object_or_404(FetchedStateFile.objects.select_related("decided_by"), pk=pk)
    handler = FETCHED_FILE_HANDLERS.get(fetched.source)
    return render(
        request,
        "portal/registry_imports/fetched_file.html",
        {"fetched": fetched, "title": handler.title if handler else fetched.get_source_display()},
    )


def _decide(request: AuthenticatedRequest, pk: int, *, apply: bool) -> HttpResponse:
    fetched = get_object_or_404(FetchedStateFile, pk=pk)
    try:
        outcome = decide_fetched_file(fetched=fetched, actor=request.user, apply=apply)
    except FetchedFileNotPending as exc:
        messages.error(request, str(exc))
    except CsvImportError as exc:  # the registry changed so that a row is now checked
        messages.error(request, f"Not imported: {str(exc).splitlines()[1].strip()}")
    else:
        messages.success(request, "Imported: " + outcome if apply else "Discarded.")
    return redirect(fetched.get_absolute_url())


@role_required(*REGISTRY_EDITORS)
@require_POST
def fetched_file_import(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, apply=True)


@role_required(*REGISTRY_EDITORS)
@require_POST
def fetched_file_discard(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, apply=False)
