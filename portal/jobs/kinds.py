"""Kinds of job: what an app declares so that the core can run, recover, fail and retry its
jobs without knowing the app. Apps declare them in ``PortalApp.job_kinds()`` (their
AppConfig); ``register_job_kind`` adds one directly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from portal.jobs.models import JOB_KINDS, Job

# (stage, fraction 0..1): what a job's work calls as it goes; it refreshes the heartbeat
Progress = Callable[[str, float], None]


class JobRefused(Exception):
    """The job ran and its input was refused (a bad file...): the job fails with this reason,
    without retrying."""


class UnknownJobKind(LookupError):
    pass


@dataclass(frozen=True)
class JobKind:
    key: str
    label: str
    # does the work (idempotent: it may run again after a crash); returns a one-line summary
    run: Callable[[Job, Progress], str]
    # the page of the app's row (empty: none)
    target_url: Callable[[Job], str] | None = None
    # the job failed for good (job.error says why): mark the app's row failed
    on_failed: Callable[[Job], None] | None = None
    # a failed job is retried: put the app's row back to queued
    on_retry: Callable[[Job], None] | None = None
    # a refused input notifies the starter (False: the starter saw the refusal on the page)
    notify_refusal: bool = True


_collected = False


def register_job_kind(kind: JobKind) -> JobKind:
    JOB_KINDS[kind.key] = kind
    return kind


def _collect() -> None:
    """Every installed app's ``job_kinds()`` (once, after the app registry is ready)."""
    global _collected
    if _collected:
        return
    from django.apps import apps

    for config in apps.get_app_configs():
        declare = getattr(config, "job_kinds", None)
        if declare is not None:
            for kind in declare():
                JOB_KINDS.setdefault(kind.key, kind)
    _collected = True


def get_job_kind(key: str) -> JobKind:
    _collect()
    try:
        kind: JobKind = JOB_KINDS[key]
    except KeyError:
        raise UnknownJobKind(f"unknown kind of job '{key}'") from None
    return kind


def job_kind_label(key: str) -> str:
    try:
        return get_job_kind(key).label
    except UnknownJobKind:
        return key
