from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = "WQIP Portal"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from portal.models import (
            Facility,
            FacilityMembership,
            LiaisonAssignment,
            OptIn,
            ProgramYear,
            User,
        )

        auditlog.register(User, exclude_fields=["password", "last_login"])
        auditlog.register(Facility)
        auditlog.register(FacilityMembership)
        auditlog.register(LiaisonAssignment)
        auditlog.register(ProgramYear)
        auditlog.register(OptIn)
