"""The finance uploads of WQIP inputs (per-diem exhibits, CDPH citations, opt-in decisions) as
jobs (portal.jobs): the upload is stored privately, a job row records it, and the import runs
at once in the request (these files are small). Should the web process die in the middle,
recovery hands the job to a worker, which reads the stored file."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage

from portal.files.csvio import CsvImportError
from portal.jobs.kinds import JobKind, JobRefused, Progress
from portal.jobs.models import Job
from portal.jobs.services import enqueue_job, run_job
from portal.models import User
from programs.wqip.services.citations import import_citations
from programs.wqip.services.opt_in_import import import_opt_ins
from programs.wqip.services.per_diems import import_per_diems

PER_DIEMS_IMPORT_JOB = "wqip.per_diems_import"
CITATIONS_IMPORT_JOB = "wqip.citations_import"
OPT_INS_IMPORT_JOB = "wqip.opt_ins_import"
MAX_ERRORS_SHOWN = 200


def import_upload_now(
    *, kind: str, uploaded_file: Any, actor: User, label: str, params: dict[str, Any] | None = None
) -> Job:
    """Store the upload, record the job, run it now; the finished job (its summary, or the
    refusal's lines in ``error``)."""
    name = Path(uploaded_file.name).name[:100]
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}.csv", uploaded_file)
    job = enqueue_job(
        kind=kind,
        started_by=actor,
        label=f"{label} {name}",
        params={**(params or {}), "file": stored, "source_name": name},
        send=False,
    )
    run_job(job_id=job.pk)
    job.refresh_from_db()
    return job


def _refusing(run: Callable[[Path, Job], str]) -> Callable[[Job, Progress], str]:
    """A job that reads its stored file; a refused file fails it with the refusal's lines."""

    def job_run(job: Job, progress: Progress) -> str:
        progress("importing", 0.0)
        path = Path(default_storage.path(job.params["file"]))
        try:
            return run(path, job)
        except CsvImportError as exc:
            lines = [str(error) for error in exc.errors[:MAX_ERRORS_SHOWN]]
            raise JobRefused("\n".join(lines)) from exc

    return job_run


def _per_diems(path: Path, job: Job) -> str:
    summary = import_per_diems(
        path=path,
        program_year=int(job.params["program_year"]),
        kind=job.params["exhibit"],
        received_on=datetime.date.fromisoformat(job.params["received_on"]),
        actor=job.started_by,
        source_name=job.params["source_name"],
    )
    return f"{summary.created} per diems loaded, {summary.deleted} replaced"


def _citations(path: Path, job: Job) -> str:
    return str(import_citations(path=path, actor=job.started_by))


def _opt_ins(path: Path, job: Job) -> str:
    return str(import_opt_ins(path=path, actor=job.started_by))


WEB_IMPORT_JOB_KINDS = [
    JobKind(
        key=PER_DIEMS_IMPORT_JOB,
        label="Per-diem exhibit import",
        run=_refusing(_per_diems),
        notify_refusal=False,
    ),
    JobKind(
        key=CITATIONS_IMPORT_JOB,
        label="CDPH citations import",
        run=_refusing(_citations),
        notify_refusal=False,
    ),
    JobKind(
        key=OPT_INS_IMPORT_JOB,
        label="Opt-in decisions import",
        run=_refusing(_opt_ins),
        notify_refusal=False,
    ),
]
