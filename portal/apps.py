from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "WQIP Portal"

    def ready(self) -> None:
        from portal.celery import app as celery_app  # the project's Celery app, made current

        del celery_app
        from auditlog.registry import auditlog

        from portal.models import (
            Facility,
            FacilityMembership,
            LiaisonAssignment,
            User,
        )

        auditlog.register(User, exclude_fields=["password", "last_login"])
        auditlog.register(Facility)
        auditlog.register(FacilityMembership)
        auditlog.register(LiaisonAssignment)

    def nav_items(self, user):  # type: ignore[no-untyped-def]
        from portal.navigation import portal_nav_items

        return portal_nav_items(user)

    def load_demo_data(self, *, stdout=None):  # type: ignore[no-untyped-def]
        from portal.demo import load_portal_demo_data

        return load_portal_demo_data(stdout=stdout)
