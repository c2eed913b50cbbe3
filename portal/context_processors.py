from typing import Any

from django.conf import settings
from django.http import HttpRequest

from portal.navigation import nav_for


def portal(request: HttpRequest) -> dict[str, Any]:
    return {
        "session_timeout_seconds": settings.SESSION_COOKIE_AGE,
        "session_warning_seconds": settings.WQIP_IDLE_WARNING_SECONDS,
        "main_nav": nav_for(request) if hasattr(request, "user") else [],
    }
