# ruff: noqa: T201  (a command-line benchmark prints its results)
"""`make bench` / `python -m tests.bench [SIZES...]`: the claims import, bed-day computation and
export, timed side by side with the plain-SQL baseline (issue 17).

For each size: one generated claims file, timed two ways on the same file and database server
(`--mode`, both by default):

- **commands**: the project's three commands (`manage.py import_claims`, `compute_bed_days`,
  `export_bed_days`), each a process of its own as an operator runs them, start-up included,
  against the baseline as a process of its own (`python -m tests.bench.baseline`);
- **in-process**: the same three commands called in this process, which is already started, as
  the job worker runs the import and the computation, against the baseline's steps called in
  this process too (`tests.bench.baseline.run`): the work itself, no start-up on either side.

Both exports must be byte-identical. Prints the seconds of each step, the totals and their
ratio, then the timed report pages. The project's bytecode is compiled first, as the image has
it (Dockerfile), so no process compiles the project's modules from source.

Uses its own database: DATABASE_URL with the suffix `_bench` (created when missing), or the
embedded PostgreSQL when DATABASE_URL is not set. Sizes are claim lines: 1M 5M by default
(`100k` or any number for a quick run).
"""

from __future__ import annotations

import argparse
import compileall
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"100k": 100_000, "1M": 1_000_000, "5M": 5_000_000}
DEFAULT_SIZES = ["1M", "5M"]


def _bench_database_url() -> str | None:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    parts = urlparse(url)
    name = parts.path.lstrip("/") + "_bench"
    import psycopg

    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parts._replace(path="/" + name))


def _peak_memory_mb() -> float:
    """The largest resident set of the commands run so far (and of this process)."""
    return (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024
    )


def _run(*args: str) -> tuple[float, str]:
    """Seconds of one process (start-up included) and its standard output."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return seconds, done.stdout


@dataclass(frozen=True)
class Run:
    """One side-by-side run: the project's steps and the baseline's (seconds)."""

    project: dict[str, float]
    baseline: dict[str, float]  # "total" (the process) and its steps

    @property
    def project_total(self) -> float:
        return sum(self.project.values())

    @property
    def ratio(self) -> float:
        return self.project_total / self.baseline["total"]


@dataclass(frozen=True)
class Measurement:
    lines: int
    mode: str
    runs: list[Run]
    qualifying: int
    peak_mb: float

    @property
    def best_project(self) -> Run:
        return min(self.runs, key=lambda r: r.project_total)

    @property
    def best_baseline(self) -> Run:
        return min(self.runs, key=lambda r: r.baseline["total"])

    @property
    def ratio(self) -> float:
        """Best project total over best baseline total (the least disturbed of each)."""
        return self.best_project.project_total / self.best_baseline.baseline["total"]


def _run_project(path: Path, out: Path, year: int) -> dict[str, float]:
    _truncate_project()
    _checkpoint()
    seconds = {}
    seconds["import"], _ = _run("manage.py", "import_claims", str(path))
    seconds["compute"], _ = _run("manage.py", "compute_bed_days", "--program-year", str(year))
    seconds["export"], _ = _run(
        "manage.py", "export_bed_days", "--program-year", str(year), "--out", str(out)
    )
    return seconds


def _run_project_in_process(path: Path, out: Path, year: int) -> dict[str, float]:
    """The same commands called in this (started) process, as the job worker runs them."""
    from django.core.management import call_command

    _truncate_project()
    _checkpoint()
    steps = {
        "import": ["import_claims", str(path)],
        "compute": ["compute_bed_days", "--program-year", str(year)],
        "export": ["export_bed_days", "--program-year", str(year), "--out", str(out)],
    }
    seconds = {}
    for step, args in steps.items():
        started = time.perf_counter()
        call_command(*args, stdout=io.StringIO())
        seconds[step] = time.perf_counter() - started
    return seconds


def _run_baseline_in_process(path: Path, out: Path, year: int) -> dict[str, float]:
    from tests.bench import baseline

    _drop_baseline_tables()
    _checkpoint()
    seconds = baseline.run(_libpq_url(), path, year=year, out=out)
    return {"total": sum(seconds.values()), **seconds}


def _drop_baseline_tables() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bl_claim_line, bl_bed_days")


def _run_baseline(path: Path, out: Path, year: int) -> dict[str, float]:
    _drop_baseline_tables()
    _checkpoint()
    total, output = _run(
        "-m",
        "tests.bench.baseline",
        _libpq_url(),
        str(path),
        "--program-year",
        str(year),
        "--out",
        str(out),
    )
    return {"total": total, **json.loads(output)}


MODES = {
    "commands": (_run_project, _run_baseline),
    "in-process": (_run_project_in_process, _run_baseline_in_process),
}


def _measure(path: Path, workdir: Path, year: int, runs: int, mode: str) -> list[Run]:
    """``runs`` side-by-side runs, the order swapped each time; both exports compared."""
    project_out = workdir / "project.csv"
    baseline_out = workdir / "baseline.csv"
    run_project, run_baseline = MODES[mode]
    measured = []
    for number in range(runs):
        if number % 2 == 0:
            project = run_project(path, project_out, year)
            baseline = run_baseline(path, baseline_out, year)
        else:
            baseline = run_baseline(path, baseline_out, year)
            project = run_project(path, project_out, year)
        if project_out.read_bytes() != baseline_out.read_bytes():
            raise SystemExit(f"{path.name}: the baseline's export differs from the project's")
        measured.append(Run(project=project, baseline=baseline))
        print(f"  {mode} run {number + 1}: {_describe(measured[-1])}", flush=True)
    return measured


def _describe(run: Run) -> str:
    p = run.project
    steps = ", ".join(f"{k} {v:.1f}" for k, v in run.baseline.items() if k != "total")
    return (
        f"project {run.project_total:.1f} s (import {p['import']:.1f}, compute "
        f"{p['compute']:.1f}, export {p['export']:.1f}); baseline {run.baseline['total']:.1f} s "
        f"({steps}); ratio {run.ratio:.2f}"
    )


def _truncate_project() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE wqip_beddaylinerange, wqip_beddaymemberrange, "
            "wqip_beddaymonth, wqip_beddaysummary, wqip_beddaycomputation, "
            "wqip_claimline, wqip_claim"
        )


def _libpq_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db["HOST"] or "127.0.0.1"
    if host.startswith("/"):  # the embedded PostgreSQL: a socket folder
        return f"postgres://{db['USER']}{password}@/{db['NAME']}?host={host}"
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _checkpoint() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("sizes", nargs="*", default=DEFAULT_SIZES, help="100k, 1M, 5M or a number")
    parser.add_argument("--keep-files", action="store_true")
    parser.add_argument(
        "--runs", type=int, default=1, help="side-by-side runs per size (order swapped each run)"
    )
    parser.add_argument(
        "--mode",
        choices=[*MODES, "both"],
        default="both",
        help="commands (a process each, start-up included), in-process, or both",
    )
    args = parser.parse_args(argv)
    modes = list(MODES) if args.mode == "both" else [args.mode]
    # the project's bytecode, as the image has it (Dockerfile): with PYTHONDONTWRITEBYTECODE set
    # (as in the image and on this machine) each command would compile ≈180 modules again
    for package in ("portal", "payments", "disputes", "programs"):
        compileall.compile_dir(ROOT / package, quiet=1)

    url = _bench_database_url()
    if url:
        os.environ["DATABASE_URL"] = url
    else:
        os.environ.setdefault("WQIP_VAR_DIR", str(Path(tempfile.gettempdir()) / "wqip-bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from portal.models import Facility
    from portal.registry.services import bulk_create_facilities
    from programs.wqip.models import BedDaySummary
    from tests.bench.generator import YEAR, facilities, write_claims_file
    from tests.bench.pages import RUNS, time_report_pages

    call_command("migrate", verbosity=0)
    print(f"database: {connection.settings_dict['NAME']}; CPUs: {os.cpu_count()}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="wqip-bench-"))
    page_timings = []
    results = []
    for label in args.sizes:
        size = SIZES.get(label) or int(label)
        path = workdir / f"claims_{size}.csv"
        write_claims_file(path, size)
        if not Facility.objects.exists():
            bulk_create_facilities(Facility(**row) for row in facilities())
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE portal_facility")
            cursor.execute("VACUUM ANALYZE portal_organisation")
        print(f"{size:,} lines:", flush=True)
        for mode in modes:
            runs = _measure(path, workdir, YEAR, args.runs, mode)
            qualifying = sum(
                BedDaySummary.objects.filter(program_year=YEAR).values_list(
                    "qualifying_days", flat=True
                )
            )
            results.append(
                Measurement(
                    lines=size,
                    mode=mode,
                    runs=runs,
                    qualifying=qualifying,
                    peak_mb=_peak_memory_mb(),
                )
            )
        page_timings += time_report_pages(YEAR)
        if not args.keep_files:
            path.unlink()
    for name in ("project.csv", "baseline.csv"):
        (workdir / name).unlink(missing_ok=True)
    if not args.keep_files:
        workdir.rmdir()
    _print_table(results)
    print(
        f"\nbed-day report pages, facility with the most claim lines, best of {RUNS} warm renders:"
    )
    print(f"{'facility claim lines':>21} {'ms':>7} {'queries':>8}  page")
    for t in page_timings:
        print(f"{t.claim_lines:>21,} {t.best_ms:>7.1f} {t.queries:>8}  {t.page}")
    return 0


def _print_table(results: list[Measurement]) -> None:
    print(
        "\nbest of the runs for each side (project: its three commands; ratio = project total /"
        " baseline total; commands: a process each, in-process: called in the started bench"
        " process):"
    )
    print(
        f"{'lines':>10} {'mode':>10} {'runs':>4} {'import s':>9} {'compute s':>10} {'export s':>9} "
        f"{'project s':>10} {'baseline s':>11} {'ratio':>6} {'run ratios':>18} "
        f"{'qualifying':>11} {'peak MB':>8}"
    )
    for r in results:
        p = r.best_project
        ratios = " ".join(f"{run.ratio:.2f}" for run in r.runs)
        print(
            f"{r.lines:>10,} {r.mode:>10} {len(r.runs):>4} {p.project['import']:>9.1f} "
            f"{p.project['compute']:>10.1f} {p.project['export']:>9.1f} {p.project_total:>10.1f} "
            f"{r.best_baseline.baseline['total']:>11.1f} {r.ratio:>6.2f} {ratios:>18} "
            f"{r.qualifying:>11,} {r.peak_mb:>8.0f}"
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
