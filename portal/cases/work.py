""" "My work": one queue of every case a liaison holds or nobody holds (the team queue),
whatever app it comes from. Each app lists its own (``PortalApp.case_work``); the core knows
no kind of case."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.apps import apps

from portal.cases.roles import is_any_case_worker
from portal.models import User
from portal.programs import CaseWorkItem, PortalApp

FAR_FUTURE = datetime.date.max


@dataclass(frozen=True)
class MyWork:
    items: list[CaseWorkItem]
    total: int
    by_state: list[tuple[str, int]]
    by_kind: list[tuple[str, str, int]]  # (kind, label, count)
    overdue: int


def all_case_work(user: User) -> list[CaseWorkItem]:
    if not is_any_case_worker(user):
        return []
    items: list[CaseWorkItem] = []
    for config in apps.get_app_configs():
        if isinstance(config, PortalApp):
            items.extend(config.case_work(user))
    return items


def my_work(
    *, user: User, kind: str = "", state: str = "", holder: str = "", due: str = ""
) -> MyWork:
    """The user's queue, next due first (cases without a clock last); ``kind`` (an app's
    kind key), ``state`` (a state label), ``holder`` ("me" or "queue"), ``due``
    ("overdue")."""
    everything = all_case_work(user)
    kinds = Counter((i.kind, i.kind_label) for i in everything)
    rows = everything
    if kind:
        rows = [i for i in rows if i.kind == kind]
    if holder == "me":
        rows = [i for i in rows if i.assignee_id == user.pk]
    elif holder == "queue":
        rows = [i for i in rows if i.is_unassigned]
    if due == "overdue":
        rows = [i for i in rows if i.is_overdue]
    states = Counter(i.state for i in rows)
    if state:
        rows = [i for i in rows if i.state == state]
    rows.sort(key=lambda i: (i.due_on or FAR_FUTURE, i.reference))
    return MyWork(
        items=rows,
        total=len(rows),
        by_state=sorted(states.items()),
        by_kind=[(k, label, n) for (k, label), n in sorted(kinds.items())],
        overdue=sum(1 for i in rows if i.is_overdue),
    )
