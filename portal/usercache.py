"""Small per-user values that every page needs, kept in the shared cache so a page reads them
without a query: the inbox badge's unread count, and whether a plan user has TOTP set up
(``RequireStaffMFAMiddleware``).

Each value is dropped when a row it is computed from is written: the model signals connected
by ``connect_user_cache`` (``Notice``, allauth's ``Authenticator``), and an explicit
``forget_user_value`` after a queryset ``update()`` (which sends no signal). It is dropped at the
write and again at the commit, so a page that read the old rows while the writing transaction
was open cannot keep them. ``USER_CACHE_SECONDS`` bounds anything else (a write in raw SQL).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

USER_CACHE_SECONDS = 60
UNREAD_NOTICES = "unread-notices"
MFA_ENABLED = "mfa-enabled"


def _key(name: str, user_id: int) -> str:
    return f"user:{name}:{user_id}"


def cached_user_value(name: str, user_id: int, compute: Callable[[], T]) -> T:
    """The user's value from the cache, else ``compute()`` stored for next time."""
    key = _key(name, user_id)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, USER_CACHE_SECONDS)
    return value


def forget_user_value(name: str, user_id: int | None) -> None:
    """The value is stale: dropped now, and again when the current transaction commits."""
    if user_id is None:
        return
    key = _key(name, user_id)
    cache.delete(key)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: cache.delete(key))


def _notice_written(sender: object, instance: object, **kwargs: object) -> None:
    forget_user_value(UNREAD_NOTICES, getattr(instance, "user_id", None))


def _authenticator_written(sender: object, instance: object, **kwargs: object) -> None:
    forget_user_value(MFA_ENABLED, getattr(instance, "user_id", None))


def connect_user_cache() -> None:
    from allauth.mfa.models import Authenticator

    from portal.models import Notice

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_notice_written, sender=Notice, dispatch_uid=f"user-cache-notice-{name}")
        signal.connect(
            _authenticator_written, sender=Authenticator, dispatch_uid=f"user-cache-mfa-{name}"
        )
