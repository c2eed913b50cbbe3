"""Permission matrix rows of the registry updates from the state's files (issue 24): finance
analysts and program admins upload, review, apply and discard; only program admins set the
download addresses. Columns follow tests.roles.ROLES."""

from django.urls import reverse

EDITORS = (302, 403, 403, 403, 403, 200, 403, 200)
EDITORS_POST = (302, 403, 403, 403, 403, 302, 403, 302)
PROGRAM_ADMIN_ONLY = (302, 403, 403, 403, 403, 403, 403, 200)


def staged_import(world):  # type: ignore[no-untyped-def]
    """A pending import renaming facility A (made once per world)."""
    from portal.models import RegistryImport
    from portal.registry.state_import import registry_fingerprint

    if "registry_import" not in world.extra:
        facility = world.facility_a
        world.extra["registry_import"] = RegistryImport.objects.create(
            files=[{"source": "cdph_listing", "name": "listing.csv", "size": 10, "sha256": "0"}],
            vintage={"id_column": "HCAI_ID", "facilities": 1, "other_types": 0},
            counts={"new": 0, "changed": 1, "closed": 0, "reopened": 0, "missing": 0,
                    "eligibility_flips": 0, "unchanged": 1, "not_added": 0},
            changes=[{
                "kind": "changed", "facility_id": facility.pk, "name": facility.name,
                "cdph_facid": facility.cdph_facid, "line": 2,
                "changes": {"name": [facility.name, "Renamed By The State"]},
                "values": {"name": "Renamed By The State"},
                "eligible_before": True, "eligible_after": True, "notes": [],
            }],
            registry_fingerprint=registry_fingerprint(),
        )  # fmt: skip
    return world.extra["registry_import"]


def _import_state(world):  # type: ignore[no-untyped-def]
    from portal.models import Facility, RegistryImport

    staged = RegistryImport.objects.get(pk=staged_import(world).pk)
    return (staged.status, Facility.objects.get(pk=world.facility_a.pk).name)


def _addresses(world):  # type: ignore[no-untyped-def]
    from portal.models import StateFileAddress

    return sorted(StateFileAddress.objects.values_list("source", "url", "enabled"))


CASES = {
    "portal:registry_import_list": (lambda w: reverse("portal:registry_import_list"), EDITORS),
    "portal:registry_import_detail": (
        lambda w: reverse("portal:registry_import_detail", args=[staged_import(w).pk]),
        EDITORS,
    ),
    # POST only: a GET is 405 for whoever may reach it
    "portal:registry_import_apply": (
        lambda w: reverse("portal:registry_import_apply", args=[staged_import(w).pk]),
        (302, 403, 403, 403, 403, 405, 403, 405),
    ),
    "portal:registry_import_discard": (
        lambda w: reverse("portal:registry_import_discard", args=[staged_import(w).pk]),
        (302, 403, 403, 403, 403, 405, 403, 405),
    ),
    "portal:state_file_addresses": (
        lambda w: reverse("portal:state_file_addresses"),
        PROGRAM_ADMIN_ONLY,
    ),
}

POST_CASES = {
    "portal:registry_import_apply": (
        lambda w: reverse("portal:registry_import_apply", args=[staged_import(w).pk]),
        lambda w: {},
        EDITORS_POST,
        _import_state,
    ),
    "portal:registry_import_discard": (
        lambda w: reverse("portal:registry_import_discard", args=[staged_import(w).pk]),
        lambda w: {},
        EDITORS_POST,
        _import_state,
    ),
    "portal:state_file_addresses": (
        lambda w: reverse("portal:state_file_addresses"),
        lambda w: {
            "cdph_listing-url": "https://data.example.test/listing.csv",
            "cdph_listing-enabled": "on",
        },
        (302, 403, 403, 403, 403, 403, 403, 302),
        _addresses,
    ),
}


def fetched_file(world):  # type: ignore[no-untyped-def]
    """A pending fetched enforcement file (our citations.csv layout, no row for the world)."""
    from django.core.files.base import ContentFile

    from portal.models import FetchedStateFile

    if "fetched_file" not in world.extra:
        body = (
            b"FACID,PENALTY_NUMBER,PENALTY_ISSUE_DATE,VIOLATION_FROM_DATE,"
            b"CLASS_ASSESSED_INITIAL,CLASS_ASSESSED_FINAL\n"
            + world.facility_a.cdph_facid.encode()
            + b",77,2024-01-02,2024-01-01,A,\n"
        )
        fetched = FetchedStateFile(
            source="cdph_enforcement", name="sea.csv", size=len(body), sha256="0" * 64,
            preview={"created": 1, "updated": 0, "unchanged": 0, "skipped": 0},
        )  # fmt: skip
        fetched.file.save("matrix.bin", ContentFile(body), save=False)
        fetched.save()
        world.extra["fetched_file"] = fetched
    return world.extra["fetched_file"]


def _fetched_state(world):  # type: ignore[no-untyped-def]
    from portal.models import FetchedStateFile
    from programs.wqip.models import Citation

    return (
        FetchedStateFile.objects.get(pk=fetched_file(world).pk).status,
        Citation.objects.count(),
    )


CASES.update(
    {
        "portal:fetched_file_detail": (
            lambda w: reverse("portal:fetched_file_detail", args=[fetched_file(w).pk]),
            EDITORS,
        ),
        "portal:fetched_file_import": (
            lambda w: reverse("portal:fetched_file_import", args=[fetched_file(w).pk]),
            (302, 403, 403, 403, 403, 405, 403, 405),
        ),
        "portal:fetched_file_discard": (
            lambda w: reverse("portal:fetched_file_discard", args=[fetched_file(w).pk]),
            (302, 403, 403, 403, 403, 405, 403, 405),
        ),
    }
)
POST_CASES.update(
    {
        "portal:fetched_file_import": (
            lambda w: reverse("portal:fetched_file_import", args=[fetched_file(w).pk]),
            lambda w: {},
            EDITORS_POST,
            _fetched_state,
        ),
        "portal:fetched_file_discard": (
            lambda w: reverse("portal:fetched_file_discard", args=[fetched_file(w).pk]),
            lambda w: {},
            EDITORS_POST,
            _fetched_state,
        ),
    }
)
