"""National-scale benchmark: every LA in England, every census year 2017 to 2025, through the real CLI.

``make bench`` (or ``python -m bench.run_bench``) does, in a private WORKFORCE_HOME (default ``data-bench/``,
wiped first):

1. generates the national data (``demodata.national``: 1,355 CSWW returns, about 400,000 worker records,
   and R2 workbooks for a third of the LAs), once; later runs reuse it (``data-bench-generated/``);
2. the full run: ``workforce run`` on an inbox holding all of it and DfE's published file (files to serving
   copy and EES export), timed end to end and per stage (the stages write ``logs/timings.jsonl``), with the
   peak memory of the whole process tree (sampled from /proc) and of its largest process (getrusage);
3. parsing and validation throughput (records per second) beside a bare lxml parse of the same XML files;
4. the incremental run: one LA resubmits one year (a new file in the inbox), ``workforce run`` again; three
   times (three resubmissions), reported by the median, as this machine's speed varies from run to run;
   then the same with the resident service, ``workforce watch``, already running: from the moment the new
   file is complete in the inbox to the end of the run it starts (EES export written), three times, the
   files ``WATCH_GAP_SECONDS`` apart;
5. the dashboard's LA-profile and region-overview queries on the national serving copy (median and 95th
   percentile of repeated runs).

It writes ``bench/results/latest.json`` and the table between the markers in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "latest.json"
DOC = REPO / "docs" / "benchmarks.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
WORKFORCE = Path(sys.executable).with_name("workforce")
RESUBMITTED = ("840", 2025)  # County Durham resubmits its 2025 return
RESUBMISSIONS = 3  # incremental runs, one resubmission each: the median is reported
# between two resubmissions to `workforce watch`: after a run, the service starts its next dbt worker, which
# imports dbt and parses the project (about 3 s) before it is ready; returns arrive minutes apart
WATCH_GAP_SECONDS = 10.0
WATCH_FINISHED = "watch: run finished"
TARGETS = {"full_run_s": 60.0, "incremental_s": 10.0, "peak_memory_gib": 2.0, "validation_vs_bare": 0.30,
           "dashboard_p95_ms": 200.0}
STAGES = [  # (label, timing stages whose seconds add up)
    ("archive and parse", ("ingest.archive", "ingest.read", "ingest.parse")),
    ("validate", ("ingest.validate_csww", "ingest.validate")),
    ("load", ("ingest.load",)),
    ("reports", ("ingest.reports",)),
    ("dbt build and tests", ("dbt_build",)),
    ("quality checks (GX)", ("quality_checks",)),
    ("publish", ("publish",)),
    ("EES export", ("ees_export",)),
]


# --- running the product ---------------------------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    returncode: int
    peak_tree_bytes: int
    stdout_tail: str
    timings: list[dict]


def _tree_rss(root: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc), in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            pages = int((entry / "statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def workforce(home: Path, *args: str) -> Run:
    """Run the real console script in ``home``; time it and sample its process tree's memory."""
    before = _timing_lines(home)
    env = {**os.environ, "WORKFORCE_HOME": str(home)}
    env.setdefault("WORKFORCE_SECRET", "benchmark-secret-not-for-production")
    began = time.perf_counter()
    process = subprocess.Popen([str(WORKFORCE), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, cwd=REPO)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            if Path("/proc").exists():
                peak[0] = max(peak[0], _tree_rss(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.communicate()[0]
    seconds = time.perf_counter() - began
    done.set()
    sampler.join()
    return Run(seconds, process.returncode, peak[0], "\n".join(output.splitlines()[-15:]),
               _timings_since(home, before))


def _timing_lines(home: Path) -> int:
    """How many stage timings the home has recorded (``logs/timings.jsonl``)."""
    path = home / "logs" / "timings.jsonl"
    return len(path.read_text().splitlines()) if path.exists() else 0


def _timings_since(home: Path, before: int) -> list[dict]:
    """The stage timings recorded after the first ``before``."""
    path = home / "logs" / "timings.jsonl"
    lines = path.read_text().splitlines()[before:] if path.exists() else []
    return [json.loads(line) for line in lines if line.strip()]


def watch_runs(home: Path, first_number: int, count: int) -> list[Run]:
    """Start ``workforce watch`` on ``home``, let it catch up with the inbox, then write ``count``
    resubmissions one at a time; each Run is timed from the file written (closed) to the service's line that
    its run finished."""
    import queue

    env = {**os.environ, "WORKFORCE_HOME": str(home)}
    env.setdefault("WORKFORCE_SECRET", "benchmark-secret-not-for-production")
    process = subprocess.Popen([str(WORKFORCE), "watch"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, cwd=REPO)
    lines: queue.Queue = queue.Queue()

    def read_output() -> None:
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=read_output, daemon=True).start()

    def until_finished(timeout: float) -> tuple[list[str], float, int]:
        """The service's lines up to its next run-finished line; when that came; peak memory meanwhile."""
        seen, peak, deadline = [], 0, time.perf_counter() + timeout
        while True:
            peak = max(peak, _tree_rss(process.pid))
            try:
                line = lines.get(timeout=0.05)
            except queue.Empty:
                if time.perf_counter() > deadline or process.poll() is not None:
                    raise RuntimeError("workforce watch did not finish a run:\n" + "".join(seen[-20:])) from None
                continue
            seen.append(line)
            if line.startswith(WATCH_FINISHED):
                return seen, time.perf_counter(), peak

    runs = []
    try:
        until_finished(timeout=600)  # the start: whatever is in the inbox already
        for number in range(first_number, first_number + count):
            time.sleep(WATCH_GAP_SECONDS)
            before = _timing_lines(home)
            write_resubmission(home / "inbox", number)
            written = time.perf_counter()
            seen, finished, peak = until_finished(timeout=300)
            code = int(seen[-1].rsplit("exit code ", 1)[1].split(")")[0])
            runs.append(Run(finished - written, code, peak, "".join(seen[-15:]).rstrip(), _timings_since(home, before)))
            print(f"bench: workforce watch, resubmission {number - first_number + 1} of {count}: "
                  f"{runs[-1].seconds:.1f} s", flush=True)
    finally:
        process.send_signal(signal.SIGINT)  # the service stops after the run under way
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
    return runs


def stage_seconds(run: Run) -> dict[str, float]:
    found: dict[str, float] = {}
    for entry in run.timings:
        found[entry["stage"]] = found.get(entry["stage"], 0.0) + entry["seconds"]
    return found


def timing_detail(run: Run, stage: str, key: str, combine=sum) -> object:
    """A detail of a stage's entries (a run may record a stage more than once: the published files and the
    returns are two ingest runs), combined with ``combine``."""
    values = [entry[key] for entry in run.timings if entry["stage"] == stage and key in entry]
    return combine(values) if values else None


# --- data --------------------------------------------------------------------------------------------------

def generated_data(folder: Path, jobs: int) -> list[Path]:
    """The national files, generated once into ``folder`` (reused when complete)."""
    marker = folder / ".complete"
    if not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        from demodata.national import generate_national

        began = time.perf_counter()
        generate_national(folder, jobs=jobs)
        marker.write_text(f"generated in {time.perf_counter() - began:.0f} s\n")
    return sorted(p for p in folder.iterdir() if p.suffix in (".xml", ".xlsx"))


def fill_inbox(home: Path, files: list[Path]) -> None:
    from reference.paths import PUBLISHED_INDICATORS

    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    for path in files:
        try:
            os.link(path, inbox / path.name)
        except OSError:
            shutil.copy(path, inbox / path.name)
    shutil.copy(PUBLISHED_INDICATORS, inbox / PUBLISHED_INDICATORS.name)


def write_resubmission(inbox: Path, number: int) -> Path:
    """The LA's return for the year again, regenerated with another seed (other workers, same totals)."""
    from demodata.csww_xml import write_csww_xml
    from demodata.region import SOFTWARE_CODE, build_la_return

    la, year = RESUBMITTED
    generated = build_la_return(la, year, seed=2026 + number)
    return write_csww_xml(inbox / f"csww_{la}_{year}_resubmitted_{number + 1}.xml", lea=generated.lea, year=year,
                          workers=generated.workers, la_level=generated.la_level, software_code=SOFTWARE_CODE)


# --- throughput --------------------------------------------------------------------------------------------

def throughput(files: list[Path], rounds: int = 5) -> dict[str, float]:
    """Records per second on one core, in this process, on the same CSWW files: a bare lxml parse (the same
    safe parser settings, counting the worker elements) against the product's parse and validation
    (``validate_csww_batch`` in the chunks ingestion uses). Interleaved, best of ``rounds``, so that other
    load on the machine hits both alike."""
    from lxml import etree

    from pipeline.ingest_batch import CHUNK_WEIGHT
    from validation.csww import CswwFile, validate_csww_batch
    from validation.readers.csww_xml import _parser

    xml = [p.read_bytes() for p in files if p.suffix == ".xml"]
    chunked, chunk, size = [], [], 0
    for data in xml:
        if chunk and size + len(data) > CHUNK_WEIGHT:
            chunked.append(chunk)
            chunk, size = [], 0
        chunk.append(CswwFile(data, "return.xml"))
        size += len(data)
    chunked.append(chunk)
    bare, parse, validate = [], [], []
    records = 0
    for _ in range(rounds):
        began, records = time.perf_counter(), 0
        for data in xml:
            root = etree.fromstring(data, _parser())
            records += sum(1 for child in root if child.tag == "CSWWWorker")
        bare.append(time.perf_counter() - began)
        seconds: dict[str, float] = {}
        for part in chunked:
            validate_csww_batch(part, known_la_codes=_la_units(), secret=b"benchmark", seconds=seconds)
        parse.append(seconds["parse"])
        validate.append(seconds["validate_csww"])
    return {"records": records, "files": len(xml), "bare_seconds": min(bare), "parse_seconds": min(parse),
            "validate_seconds": min(validate), "rounds": rounds}


def _la_units():
    from reference.geography import la_units

    return la_units()


# --- dashboard queries -------------------------------------------------------------------------------------

def dashboard_queries(home: Path, repeats: int) -> dict[str, dict[str, float]]:
    """Time the dashboard's page readers on the serving copy (uncached: each call opens, queries, closes)."""
    os.environ["WORKFORCE_HOME"] = str(home)
    from dashboards import data_access

    serving = home / "warehouse" / "serving.duckdb"
    analyst = _viewer(data_access, serving)
    la, year = RESUBMITTED
    region = _region_of(data_access, serving, la)
    calls = {
        "LA profile (data_access.la_profile, County Durham, all years)":
            lambda: data_access.la_profile(analyst, la, year, path=serving),
        "region overview (data_access.region_overview, North East, 2025)":
            lambda: data_access.region_overview(analyst, region, year, path=serving),
    }
    timings: dict[str, dict[str, float]] = {}
    for name, call in calls.items():
        call()  # first call: imports and file cache
        samples = []
        for _ in range(repeats):
            _clear_cache(data_access)
            began = time.perf_counter()
            call()
            samples.append((time.perf_counter() - began) * 1000)
        samples.sort()
        timings[name] = {"median_ms": statistics.median(samples),
                         "p95_ms": samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))],
                         "runs": repeats}
    return timings


def _viewer(data_access, serving: Path):
    """The North East's analyst (sees the whole alliance's detail and every LA's benchmarks)."""
    from pipeline.access.roles import Role, Viewer

    viewer = Viewer(username="bench", display_name="Benchmark analyst", role=Role.ANALYST,
                    alliance_code="E12000001")
    return data_access.resolve_viewer(viewer, serving)


def _region_of(data_access, serving: Path, la: str) -> str:
    rows = data_access.query("select coalesce(alliance_code, region_code) as region from marts.benchmarks "
                             "where old_la_code = $la limit 1", {"la": la}, path=serving)
    return str(rows["region"].iloc[0]) if len(rows) else "E12000001"


def _clear_cache(data_access) -> None:
    """Empty the dashboard's results cache (``dashboards.data_access.connection``), so each call queries."""
    data_access.connection._cached.clear()


# --- report ------------------------------------------------------------------------------------------------

def measure(home: Path, generated: Path, jobs: int, repeats: int) -> dict:
    files = generated_data(generated, jobs)
    shutil.rmtree(home, ignore_errors=True)
    fill_inbox(home, files)
    csww_files = [p for p in files if p.suffix == ".xml"]
    print(f"bench: {len(csww_files)} CSWW returns and {len(files) - len(csww_files)} workbooks in {home / 'inbox'}",
          flush=True)

    print("bench: full national run (workforce run) ...", flush=True)
    full = workforce(home, "run")
    print(full.stdout_tail, flush=True)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    incrementals = []
    for number in range(RESUBMISSIONS):
        print(f"bench: incremental run {number + 1} of {RESUBMISSIONS} (one LA resubmits one year) ...", flush=True)
        write_resubmission(home / "inbox", number)
        incrementals.append(workforce(home, "run"))
        print(incrementals[-1].stdout_tail, flush=True)
    incremental = sorted(incrementals, key=lambda run: run.seconds)[len(incrementals) // 2]  # the median
    print(f"bench: the same with the resident service (workforce watch), {RESUBMISSIONS} resubmissions ...",
          flush=True)
    watched = watch_runs(home, RESUBMISSIONS, RESUBMISSIONS)
    print(watched[-1].stdout_tail, flush=True)
    watch_median = sorted(watched, key=lambda run: run.seconds)[len(watched) // 2]

    seconds = stage_seconds(full)
    csww_records = timing_detail(full, "ingest", "csww_records")
    print("bench: parsing and validation throughput (2025 returns, one core) ...", flush=True)
    sample = throughput([p for p in csww_files if p.stem.endswith("_2025")])
    print("bench: dashboard queries ...", flush=True)
    dashboard = dashboard_queries(home, repeats)
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_at_end": os.getloadavg() if hasattr(os, "getloadavg") else None},
        "data": {"csww_files": len(csww_files), "workbooks": len(files) - len(csww_files),
                 "worker_records": csww_records, "files_ingested": timing_detail(full, "ingest", "files"),
                 "ingest_workers": timing_detail(full, "ingest", "workers", max)},
        "full_run": {"seconds": full.seconds, "returncode": full.returncode, "stages": seconds,
                     "peak_tree_bytes": full.peak_tree_bytes, "dbt_nodes": timing_detail(full, "dbt_build", "nodes")},
        "incremental_run": {"seconds": incremental.seconds,
                            "returncode": max(run.returncode for run in incrementals),  # the worst of the runs
                            "stages": stage_seconds(incremental),
                            "peak_tree_bytes": max(run.peak_tree_bytes for run in incrementals),
                            "dbt_nodes": timing_detail(incremental, "dbt_build", "nodes"),
                            "runs_seconds": [run.seconds for run in incrementals]},
        "watch_run": {"seconds": watch_median.seconds,
                      "returncode": max(run.returncode for run in watched),
                      "stages": stage_seconds(watch_median),
                      "peak_tree_bytes": max(run.peak_tree_bytes for run in watched),
                      "dbt_nodes": timing_detail(watch_median, "dbt_build", "nodes"),
                      "runs_seconds": [run.seconds for run in watched],
                      "gap_seconds": WATCH_GAP_SECONDS},
        "largest_process_max_rss_bytes": children.ru_maxrss * 1024,
        "throughput": sample,
        "full_run_worker_seconds": {"parse": seconds.get("ingest.parse", 0.0),
                                    "validate_csww": seconds.get("ingest.validate_csww", 0.0),
                                    "validate_workbooks": seconds.get("ingest.validate", 0.0)},
        "dashboard": dashboard,
    }


def rate(records: float, seconds: float) -> float:
    return records / seconds if seconds else float("nan")


def table(result: dict) -> str:
    full, inc, thr = result["full_run"], result["incremental_run"], result["throughput"]
    watch = result["watch_run"]
    gib = 1024 ** 3
    peak = max(full["peak_tree_bytes"], inc["peak_tree_bytes"], watch["peak_tree_bytes"]) / gib
    bare = rate(thr["records"], thr["bare_seconds"])
    parse = rate(thr["records"], thr["parse_seconds"])
    validate = rate(thr["records"], thr["validate_seconds"])
    both = rate(thr["records"], thr["parse_seconds"] + thr["validate_seconds"])

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    data = result["data"]
    lines = [
        f"Run {result['generated_at']} on {result['machine']['cpus']} CPUs (Python {result['machine']['python']}); "
        f"{data['csww_files']} CSWW returns ({data['worker_records']:,} worker records) and {data['workbooks']} "
        f"R2 workbooks, plus DfE's published file; {data['ingest_workers']} validation worker processes. "
        f"Load average at the end: {', '.join(f'{x:.1f}' for x in result['machine']['load_average_at_end'] or [])}.",
        "",
        "| measure | result | target | |",
        "|---|---:|---:|---|",
        f"| full national run, files to serving copy and EES export (`workforce run`) | {full['seconds']:.1f} s | "
        f"< {TARGETS['full_run_s']:.0f} s | {mark(full['seconds'] < TARGETS['full_run_s'])} |",
        f"| incremental run: one LA resubmits one year, the resident service (`workforce watch`) running: from "
        f"the file complete in the inbox to the EES export written (the median of {_runs(watch)}) | "
        f"{watch['seconds']:.1f} s | "
        f"< {TARGETS['incremental_s']:.0f} s | {mark(watch['seconds'] < TARGETS['incremental_s'])} |",
        f"| incremental run: the same with the one-off command (`workforce run`, which starts Python, Dagster and "
        f"dbt each time; the median of {_runs(inc)}) | {inc['seconds']:.1f} s | "
        f"< {TARGETS['incremental_s']:.0f} s | {mark(inc['seconds'] < TARGETS['incremental_s'])} |",
        f"| peak memory, whole process tree (largest single process "
        f"{result['largest_process_max_rss_bytes'] / gib:.2f} GiB) | {peak:.2f} GiB | "
        f"< {TARGETS['peak_memory_gib']:.0f} GiB | {mark(peak < TARGETS['peak_memory_gib'])} |",
        f"| bare lxml parse of the {thr['files']} returns of 2025 ({thr['records']:,} records; one core, best of "
        f"{thr['rounds']}) | {bare:,.0f} records/s | | |",
        f"| CSWW parsing, the product's safe reader (same files, one core) | {parse:,.0f} records/s "
        f"({parse / bare:.0%}) | | |",
        f"| CSWW validation: schemas, rules, pseudonymisation (same files, one core) | {validate:,.0f} records/s "
        f"({validate / bare:.0%}) | >= {TARGETS['validation_vs_bare']:.0%} of bare parse | "
        f"{mark(validate / bare >= TARGETS['validation_vs_bare'])} |",
        f"| CSWW parsing + validation together (same files, one core) | {both:,.0f} records/s ({both / bare:.0%}) "
        f"| | |",
    ]
    for name, query in result["dashboard"].items():
        lines.append(f"| dashboard: {name} | median {query['median_ms']:.0f} ms, p95 {query['p95_ms']:.0f} ms "
                     f"({query['runs']} runs) | p95 < {TARGETS['dashboard_p95_ms']:.0f} ms | "
                     f"{mark(query['p95_ms'] < TARGETS['dashboard_p95_ms'])} |")
    lines += ["", "Stages (seconds; ingest stages run in parallel worker processes, so their busy seconds add up "
              "across processes and can exceed the ingest's wall time):", "",
              "| stage | full run | incremental run, `workforce run` (the median one) | incremental run, "
              "`workforce watch` (the median one) |", "|---|---:|---:|---:|"]
    runs = (full, inc, watch)
    lines.append("| ingest (wall: archive, parse, validate, load, reports) | "
                 + " | ".join(f"{run['stages'].get('ingest', 0):.1f}" for run in runs) + " |")
    for label, keys in STAGES:
        lines.append(f"| {label} | " + " | ".join(f"{sum(run['stages'].get(k, 0.0) for k in keys):.1f}"
                                              for run in runs) + " |")
    lines.append("| everything else (process start, Dagster runs; for the service, noticing the file) | "
                 + " | ".join(f"{run['seconds'] - _sequential(run['stages']):.1f}" for run in runs) + " |")
    lines.append("| dbt nodes run (seeds, models, tests) | "
                 + " | ".join(str(run.get("dbt_nodes") or 0) for run in runs) + " |")
    return "\n".join(lines)


def _runs(incremental: dict) -> str:
    runs = incremental.get("runs_seconds") or [incremental["seconds"]]
    return f"{len(runs)} runs: " + ", ".join(f"{seconds:.1f}" for seconds in runs) + " s"


def _sequential(stages: dict[str, float]) -> float:
    return sum(stages.get(k, 0.0) for k in ("ingest", "dbt_build", "quality_checks", "publish", "ees_export"))


def write_doc(result: dict) -> None:
    block = f"{START}\n{table(result)}\n{END}"
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n" + START + "\n" + END + "\n"
    if START in text and END in text:
        text = text[:text.index(START)] + block + text[text.index(END) + len(END):]
    else:
        text += "\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=REPO / "data-bench", help="WORKFORCE_HOME (wiped first)")
    parser.add_argument("--generated", type=Path, default=REPO / "data-bench-generated",
                        help="where the national files are generated (kept between runs)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for the generator")
    parser.add_argument("--repeats", type=int, default=30, help="runs of each dashboard query")
    args = parser.parse_args(argv)
    result = measure(args.home.resolve(), args.generated.resolve(), args.jobs, args.repeats)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    write_doc(result)
    print(table(result))
    print(f"\nwrote {RESULTS.relative_to(REPO)} and {DOC.relative_to(REPO)}")
    codes = (result["full_run"]["returncode"], result["incremental_run"]["returncode"],
             result["watch_run"]["returncode"])
    return 0 if all(code in (0, 1) for code in codes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
