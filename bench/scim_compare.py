"""SCIM filters at 1M users, two versions of the code interleaved on one kept dataset.

bench.scim_filter builds a dataset and times one version; on a shared machine the load
changes by the minute, so a before/after comparison must alternate the two versions
call by call, on the same data and the same filter values. This keeps the data (a SQLite
file, a PostgreSQL server left running) and runs each version in its own worker process
(`--before` is a directory holding the other version's `admin_portal` package).

    nice -n 10 .venv/bin/python -m bench.scim_compare sqlite-build var/scim1m.db
    nice -n 10 .venv/bin/python -m bench.scim_compare pg-start var/pg_url
    .venv/bin/python -m bench.scim_compare compare sqlite:///var/scim1m.db --before /tmp/main
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.report import loadavg, percentile, verdict

ROOT = Path(__file__).resolve().parent.parent


def _worker(url: str, rows: int) -> int:
    """Serve timing requests on stdin/stdout: {"shape": i, "seed": s} -> {"ms", "matches"}."""
    os.environ.setdefault("ADMIN_PORTAL_SECRET_KEY", "bench-secret-key")
    import admin_portal
    from admin_portal.db import make_engine
    from bench.scim_filter import build_shapes
    from bench.users_search import build_tree

    print(f"worker: {admin_portal.__file__}", file=sys.stderr, flush=True)
    engine = make_engine(url)
    shapes = build_shapes(engine, rows, build_tree().orgs[0][0])
    print(json.dumps([s.name for s in shapes]), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        shape = shapes[request["shape"]]
        elapsed = shape.run(random.Random(request["seed"]))
        matches = shape.description.rsplit("[", 1)[-1].rstrip("]")
        print(json.dumps({"ms": elapsed * 1000, "matches": matches}), flush=True)
    return 0


def _spawn(url: str, rows: int, source: Path | None) -> subprocess.Popen[str]:
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = f"{source}{os.pathsep}{ROOT}"
    return subprocess.Popen(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "bench.scim_compare", "worker", url, "--rows", str(rows)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=source or ROOT,  # `-m` puts the working directory first on sys.path
        env=env,
    )


def _ask(worker: subprocess.Popen[str], shape: int, seed: int) -> dict[str, object]:
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(json.dumps({"shape": shape, "seed": seed}) + "\n")
    worker.stdin.flush()
    return dict(json.loads(worker.stdout.readline()))


def compare(url: str, rows: int, before: Path | None, repeat: int, only: list[str]) -> str:
    started, load_start = datetime.now(UTC), loadavg()
    workers = {"after": _spawn(url, rows, None)}
    if before is not None:
        workers["before"] = _spawn(url, rows, before)
    names: list[str] = []
    for worker in workers.values():
        assert worker.stdout is not None
        names = json.loads(worker.stdout.readline())
    chosen = [i for i, n in enumerate(names) if not only or any(o in n for o in only)]
    times: dict[tuple[str, int], list[float]] = {}
    matches: dict[int, str] = {}
    for i in chosen:  # warm-up
        for w in workers.values():
            for seed in range(3):
                _ask(w, i, -1 - seed)
    order = random.Random(1)
    for rep in range(repeat):
        for i in chosen:
            labels = list(workers)
            order.shuffle(labels)
            for label in labels:
                answer = _ask(workers[label], i, rep)
                times.setdefault((label, i), []).append(float(answer["ms"]))  # type: ignore[arg-type]
                if label == "after":
                    matches[i] = str(answer["matches"])
    for w in workers.values():
        assert w.stdin is not None
        w.stdin.close()
        w.wait()
    cols = ["shape"]
    if before is not None:
        cols += ["before p50", "before p95"]
    cols += ["after p50", "after p95", "after max", "≤ 25 ms", "matches (last)"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for i in chosen:
        cells = [names[i]]
        if before is not None:
            b = times[("before", i)]
            cells += [f"{percentile(b, 50):.1f}", f"{percentile(b, 95):.1f}"]
        a = times[("after", i)]
        cells += [
            f"{percentile(a, 50):.1f}",
            f"{percentile(a, 95):.1f}",
            f"{max(a):.1f}",
            verdict(percentile(a, 95)),
            matches[i],
        ]
        lines.append("| " + " | ".join(cells) + " |")
    head = (
        f"{url.split(':', 1)[0]}, {started:%Y-%m-%d %H:%M}-{datetime.now(UTC):%H:%M} UTC, "
        f"{os.cpu_count()} CPUs, load average {load_start} at start, {loadavg()} at end; "
        f"{repeat} calls per shape and version, interleaved"
    )
    return head + "\n\n" + "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.scim_compare")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sqlite-build")
    p.add_argument("path", type=Path)
    p.add_argument("--rows", type=int, default=1_000_000)
    p = sub.add_parser("pg-start")
    p.add_argument("url_file", type=Path)
    p.add_argument("--rows", type=int, default=1_000_000)
    p = sub.add_parser("worker")
    p.add_argument("url")
    p.add_argument("--rows", type=int, default=1_000_000)
    p = sub.add_parser("compare")
    p.add_argument("url")
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--before", type=Path, default=None)
    p.add_argument("--repeat", type=int, default=40)
    p.add_argument("--only", action="append", default=[])
    args = parser.parse_args(argv)
    os.environ.setdefault("ADMIN_PORTAL_SECRET_KEY", "bench-secret-key")
    if args.command == "worker":
        return _worker(args.url, args.rows)
    if args.command == "compare":
        print(compare(args.url, args.rows, args.before, args.repeat, args.only), flush=True)
        return 0
    from bench.users_search import build_tree

    tree = build_tree()
    began = time.perf_counter()
    if args.command == "sqlite-build":
        from bench.scim_filter import load_sqlite

        args.path.parent.mkdir(parents=True, exist_ok=True)
        print(load_sqlite(args.path, args.rows, tree), flush=True)
    else:
        from bench.users_search import load_postgres, start_postgres

        server, url = start_postgres()
        args.url_file.write_text(url)
        print(url, getattr(server, "base", ""), flush=True)
        print(load_postgres(url, args.rows, tree), flush=True)
    print(f"{time.perf_counter() - began:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
