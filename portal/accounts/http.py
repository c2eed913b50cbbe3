"""The request type of signed-in pages. ``LoginRequiredMiddleware`` sends anonymous visitors to
the sign-in page before any view that is not ``login_not_required`` runs, so a view's
``request.user`` is a :class:`~portal.accounts.models.User`; annotating views with
``AuthenticatedRequest`` tells the type checker so."""

from __future__ import annotations

from django.http import HttpRequest

from portal.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
