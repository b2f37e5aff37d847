"""Run one process and measure it: wall time, CPU time, peak memory, and the mirror's counters.

Shared by compare_urlwatch.py and scale_check.py. Each process is started by a small launcher
(a fresh ``python -S``) that times it and reaps it with `os.wait4`: that child's own CPU time
(user + system) and ``ru_maxrss``, its peak resident set size. The launcher is needed because
Linux carries the RSS high-water mark of the process that calls exec over into ``ru_maxrss``:
a child forked straight from this (large) process would report at least this process's size.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass

from mirror import Mirror

# argv: result file, then the command (an absolute path first). Writes "wall cpu maxrss code".
_LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as f:
    cpu = usage.ru_utime + usage.ru_stime
    f.write(f"{wall} {cpu} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


@dataclass(frozen=True)
class Run:
    """One process: its cost, what it asked of the mirror, and what it printed."""

    wall: float  # seconds
    cpu: float  # seconds, user + system
    peak_mb: float  # peak resident set size (ru_maxrss), MiB
    requests: int
    not_modified: int
    bytes: int  # on the wire, both ways, headers included
    code: int
    stdout: str
    stderr: str


def run(cmd: Sequence[str], env: dict[str, str], mirror: Mirror | None = None) -> Run:
    """Run `cmd` to completion, output to files (never a full pipe), and measure it."""
    if mirror:
        mirror.reset()
    with tempfile.TemporaryDirectory() as tmp:
        result, out, err = (os.path.join(tmp, name) for name in ("result", "out", "err"))
        with open(out, "wb") as fo, open(err, "wb") as fe:
            subprocess.run(
                [sys.executable, "-S", "-c", _LAUNCHER, result, *cmd],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=fo,
                stderr=fe,
                check=True,
            )
        with open(result) as fr:
            wall, cpu, maxrss, code = fr.read().split()
        with open(out, "rb") as fo, open(err, "rb") as fe:
            stdout = fo.read().decode("utf-8", "replace")
            stderr = fe.read().decode("utf-8", "replace")
    counters = mirror.reset() if mirror else None
    return Run(
        wall=float(wall),
        cpu=float(cpu),
        peak_mb=int(maxrss) / 1024,  # KiB on Linux
        requests=counters.requests if counters else 0,
        not_modified=counters.not_modified if counters else 0,
        bytes=counters.bytes if counters else 0,
        code=int(code),
        stdout=stdout,
        stderr=stderr,
    )


def check(r: Run, cmd: Sequence[str], ok: Sequence[int] = (0, 1)) -> Run:
    """`r`, or RuntimeError with its stderr when it exited with another code."""
    if r.code not in ok:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.code}: {r.stderr.strip()[-1500:]}")
    return r


def median(runs: Sequence[Run]) -> Run:
    """A Run holding the median of each measure (counters and output from the last run)."""
    last = runs[-1]
    return Run(
        wall=statistics.median(r.wall for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
        peak_mb=statistics.median(r.peak_mb for r in runs),
        requests=round(statistics.median(r.requests for r in runs)),
        not_modified=round(statistics.median(r.not_modified for r in runs)),
        bytes=round(statistics.median(r.bytes for r in runs)),
        code=last.code,
        stdout=last.stdout,
        stderr=last.stderr,
    )


def child_env(home: str, pycache: str) -> dict[str, str]:
    """The environment of every measured process, the same for both tools.

    HOME is a scratch directory; bytecode goes to a scratch PYTHONPYCACHEPREFIX (as an installed
    program's is cached, without writing into the source tree); loopback bypasses any proxy.
    """
    drop = ("ADVISOR_", "PYTHONPROFILEIMPORTTIME", "PYTHONDONTWRITEBYTECODE", "URLWATCH")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(
        HOME=home,
        NO_COLOR="1",
        PYTHONPYCACHEPREFIX=pycache,
        no_proxy="127.0.0.1,localhost",
        NO_PROXY="127.0.0.1,localhost",
    )
    return env
