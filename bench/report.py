"""The benchmarks' results tables: percentiles, the verdict column, the markdown table,
and the machine facts every results file records (date, CPUs, load average)."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from pathlib import Path

TARGET_P95_MS = 25.0


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank p-th percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def verdict(p95_ms: float, *, ok: str = "yes", target_ms: float = TARGET_P95_MS) -> str:
    """The "≤ 25 ms" column: `ok` when the p95 meets the target, "MISS" when not."""
    return ok if p95_ms <= target_ms else "MISS"


def timing_row(name: str, seconds: Sequence[float], *extra: str) -> tuple[str, ...]:
    """(name, p50 ms, p95 ms, max ms, verdict, *extra) from call times in seconds."""
    ms = [t * 1000 for t in seconds]
    p95 = percentile(ms, 95)
    return (
        name,
        f"{percentile(ms, 50):.1f}",
        f"{p95:.1f}",
        f"{max(ms):.1f}",
        verdict(p95),
        *extra,
    )


def render(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """A markdown table, columns padded to their widest cell."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    return "\n".join([line, sep, *body])


def machine() -> str:
    """ "Linux 6.x, 2 cores (CPU model)": what the results ran on."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu})"


def loadavg() -> str:
    """The 1/5/15-minute load averages, "1.2 / 0.9 / 0.7"."""
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())
