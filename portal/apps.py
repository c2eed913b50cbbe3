from typing import Any

from django.apps import AppConfig

from portal.programs import HomePanel, NavGroup, NavItem, PortalApp


class PortalConfig(PortalApp, AppConfig):
    name = "portal"
    verbose_name = "WQIP Portal"
    nav_groups = (
        NavGroup("home", "Home", order=0),
        NavGroup("cases", "Cases", order=30),  # My work; disputes and inquiries add theirs
        NavGroup("inbox", "Inbox", order=80),
        NavGroup("admin", "Admin", order=90),
    )

    def ready(self) -> None:
        from portal.celery import app as celery_app  # the project's Celery app, made current

        del celery_app
        from portal.jobs.notices import JOB_NOTICE_KINDS
        from portal.notifications.kinds import register_kind

        for kind in JOB_NOTICE_KINDS:
            register_kind(kind)
        from portal.ops import beat, logs

        logs.connect_task_context()
        from portal.home import connect_home_cache

        connect_home_cache()
        from portal.usercache import connect_user_cache

        connect_user_cache()
        beat.connect_beat_lock()
        from auditlog.registry import auditlog

        from portal.models import (
            Facility,
            LiaisonAssignment,
            OrganisationMembership,
            User,
        )
        from portal.notifications.kinds import register_kind
        from portal.registry.state_sources import REGISTRY_IMPORT_WAITING, STATE_FILE_WAITING

        register_kind(REGISTRY_IMPORT_WAITING)
        register_kind(STATE_FILE_WAITING)
        auditlog.register(User, exclude_fields=["password", "last_login"])
        auditlog.register(Facility)
        auditlog.register(OrganisationMembership)
        auditlog.register(LiaisonAssignment)

    def nav(self, user: Any) -> list[NavItem]:
        from portal.navigation import portal_nav_items

        return portal_nav_items(user)

    def home_panels(self, user: Any) -> list[HomePanel]:
        from portal.home import portal_home_panels

        return portal_home_panels(user=user)

    def job_kinds(self) -> list[Any]:
        from portal.notifications.jobs import REMINDER_SWEEP_JOB_KIND

        return [REMINDER_SWEEP_JOB_KIND]

    def load_demo_data(self, *, stdout=None):  # type: ignore[no-untyped-def]
        from portal.demo import load_portal_demo_data

        return load_portal_demo_data(stdout=stdout)
