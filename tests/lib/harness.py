"""What the Python test layers share: where the built programs are, a busybox
root to boot cells from, cellctl against a socket, reading a file that may
not be there, waiting, and stopping a cellmgr without leaving its cells
behind.

CELLAR_BUILD names the build directory (default build/), read once at import:
a layer with another default sets it before importing this module.
"""
import os
import shutil
import signal
import subprocess
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("CELLAR_BUILD", os.path.join(TOP, "build"))
CELLMGR = os.path.join(BUILD, "mgr", "cellmgr")
CELLCTL = os.path.join(BUILD, "mgr", "cellctl")
PROBE = os.path.join(BUILD, "tests", "probe", "probe")
SNIFF = os.path.join(BUILD, "tests", "probe", "sniff")
BUSYBOX = "/bin/busybox" if os.path.exists("/bin/busybox") else shutil.which("busybox")

# Every root has these; dirs= adds others (a /run, for one, makes cellmgr
# mount /run/host in the cell).
ROOT_DIRS = ("bin", "sbin", "etc", "proc", "sys", "dev", "tmp")


def make_rootfs(root, applets, inits=None, dirs=(), links=None, files=None, copies=None):
    """A busybox root filesystem in directory root, which it returns.

    applets: the busybox applets linked in /bin.  inits: {name: script},
    each written to /sbin/NAME, executable.  dirs: directories beyond
    ROOT_DIRS.  links: {path: target}, symbolic links (a per-cell name for
    one init, so that each cell's pid 1 has its own comm).  files: {path:
    text}.  copies: {path: host file}, e.g. the probe.  Paths are relative to
    root.  /tmp is world-writable and sticky, as on any system.  It may run
    again on the same root (a benchmark's work directory): what is there is
    replaced, links that exist are kept.
    """
    for d in ROOT_DIRS + tuple(dirs):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    os.chmod(os.path.join(root, "tmp"), 0o1777)
    for path, src in {"bin/busybox": BUSYBOX, **(copies or {})}.items():
        shutil.copy(src, os.path.join(root, path))
    for path, text in (files or {}).items():
        with open(os.path.join(root, path), "w") as f:
            f.write(text)
    for name, text in (inits or {}).items():
        path = os.path.join(root, "sbin", name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)
    all_links = {f"bin/{a}": "busybox" for a in applets}
    all_links.update(links or {})
    for path, target in all_links.items():
        link = os.path.join(root, path)
        if not os.path.lexists(link):
            os.symlink(target, link)
    return root


def make_erofs(root, image, *options):
    """An erofs image of directory root, every file owned by root; returns image."""
    subprocess.run(["mkfs.erofs", "--quiet", "--all-root", *options, image, root], check=True)
    return image


def read(path, default=""):
    """The text of a file (bytes that are not UTF-8 replaced), or default
    when it cannot be read: a cell's file may be gone, or not yet there."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return default


def wait_for(pred, timeout=10.0, step=0.05):
    """Calls pred every step seconds until it returns something true, and
    returns that; after timeout seconds, what a last call returns."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def ctl(sock, *args, timeout=30, stdin=None, user=None, wrap=(), text=True):
    """cellctl --socket SOCK ARGS: (status, stdout, stderr).

    stdin: text for cellctl's standard input; without it /dev/null, never
    ours: a terminal would make every exec interactive.  user: the uid (and
    gid) to run it as.  wrap: a command that runs cellctl (valgrind).  One
    that has not ended after timeout seconds is killed: (124, "", "cellctl
    timed out"), as timeout(1) says it.  text=False: bytes, as printed.
    """
    def drop():
        os.setgroups([])
        os.setgid(user)
        os.setuid(user)
    feed = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
    try:
        p = subprocess.run([*wrap, CELLCTL, "--socket", sock, *args], capture_output=True,
                           text=text, timeout=timeout,
                           preexec_fn=drop if user is not None else None, **feed)
    except subprocess.TimeoutExpired:
        return 124, "" if text else b"", "cellctl timed out" if text else b"cellctl timed out"
    return p.returncode, p.stdout, p.stderr


def cell_pids(sock):
    """{name: host pid} of the cells `cellctl list` shows with a process."""
    rc, out, _ = ctl(sock, "list")
    pids = {}
    for line in out.splitlines() if rc == 0 else []:
        f = line.split()
        if len(f) >= 3 and f[2].isdigit() and int(f[2]) > 0:
            pids[f[0]] = int(f[2])
    return pids


def kill_pids(pids):
    """SIGKILL to each pid that still runs."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def stop(proc, sock=None, timeout=15.0):
    """Stops cellmgr process proc: SIGTERM, then SIGKILL when it has not
    exited after timeout seconds.  Returns its exit status, None when it had
    to be killed (or there was none).  Cells outlive a killed cellmgr by
    design: given its socket, the cells it listed before the SIGTERM are
    killed by pid after a SIGKILL, so that none is left behind.
    """
    if proc is None:
        return None
    rc = proc.poll()
    if rc is not None:
        return rc
    pids = cell_pids(sock).values() if sock else ()
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    proc.kill()
    proc.wait()
    kill_pids(pids)
    return None
