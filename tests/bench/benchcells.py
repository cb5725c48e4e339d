"""What bench-footprint and bench-scale share: a busybox root, a cell list of
N idle cells, and a supervising cellmgr whose log tells when each cell runs.

Not a benchmark itself (tests/bench/run runs only bench-*)."""
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import harness  # noqa: E402
from harness import BUILD, CELLCTL, CELLMGR, TOP, stop  # noqa: E402,F401 (bench-footprint's)

BUILD_INIT = os.environ.get("CELLAR_BUILD_INIT", os.path.join(TOP, "build-init"))
# The board build (scripts/build.sh): cellmgr, cellctl, cellar-shim static
# against musl; bench-footprint measures it beside build/'s glibc one.
BUILD_BOARD = os.environ.get("CELLAR_BUILD_BOARD", os.path.join(TOP, "build-board"))

# Prints one line on its console, then waits for its stop signal.
# (busybox sh runs a trap only between commands: wait, not sleep, is
# what the stop signal interrupts.)
IDLE_INIT = ("#!/bin/sh\necho idle\ntrap 'exit 0' USR2\n"
             "while :; do sleep 3600 & wait; done\n")


def make_rootfs(root, applets=("sh", "true", "sleep", "echo"), inits=None):
    """The benchmarks' busybox root (bench-start's too): a root user, an
    os-release, and by default the idle init as /sbin/idle."""
    harness.make_rootfs(root, applets, {"idle": IDLE_INIT} if inits is None else inits,
                        dirs=("root", "run", "mnt", "usr"),
                        files={"etc/passwd": "root:x:0:0:root:/root:/bin/sh\n",
                               "etc/group": "root:x:0:\n", "etc/os-release": "ID=busybox\n"})


def write_conf(path, root, n):
    with open(path, "w") as f:
        f.write("[host]\nhostname = bench\n")
        for i in range(n):
            f.write(f"\n[cell c{i}]\nimage = {root}\ninit = /sbin/idle\n"
                    "stop_signal = SIGUSR2\nstop_timeout = 5s\n")


def mem_of(pid):
    """(VmRSS, Pss) in KiB of a process, or (0, 0) when it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(k) for k in f.read().split()]
    except OSError:
        return []


class Manager:
    """A supervising cellmgr on its own state directory (a tmpfs, as /run
    is on a board), with the time of each "cell NAME started" line."""

    def __init__(self, work, conf, exe=CELLMGR):
        self.work = work
        self.state = tempfile.mkdtemp(prefix="state-", dir=work)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0700", "bench-state", self.state],
                       check=True)
        self.started = {}
        self.stopped = False
        self.lines = []
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [exe, "--config", conf, "--state-dir", self.state,
             "--data-dir", os.path.join(work, "data")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            now = time.monotonic()
            self.lines.append(line.rstrip())
            f = line.split()
            # "cellmgr: cell NAME started (pid N)"
            if len(f) >= 4 and f[1] == "cell" and f[3] == "started":
                self.started[f[2]] = now - self.t0

    def wait_running(self, n, timeout=120):
        end = time.monotonic() + timeout
        while len(self.started) < n and time.monotonic() < end:
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        return len(self.started) >= n

    def shims(self):
        return [k for k in children(self.proc.pid) if _comm(k) == "cellar-shim"]

    def stop(self):
        if self.stopped:
            return
        self.stopped = True
        stop(self.proc, timeout=60)
        subprocess.run(["umount", "-l", self.state])
        shutil.rmtree(self.state, ignore_errors=True)


def _comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return ""


def own_mount_view(argv):
    """Re-runs the benchmark in a private mount namespace (its tmpfs
    mounts vanish with it); returns in the new process."""
    if not os.environ.get("BENCH_OWN_MOUNTS"):
        os.environ["BENCH_OWN_MOUNTS"] = "1"
        os.execvp("unshare", ["unshare", "--mount", "--propagation", "private",
                              sys.executable, *argv])
