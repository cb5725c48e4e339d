"""cellctl console NAME (issue 17, item 2), for the ctl layer: a terminal
on a cell's console through cellmgr, from a pty the test holds as the
admin's terminal.  Its own cellmgr and cell, whose init is a shell on its
console.

Checked: the window size is the terminal's (stty size in the cell), what
is typed runs there and its output comes back; the console is still
logged; a second console takes it over (the first ends, saying so); Ctrl-]
q detaches and the cell runs on; no descriptor of the admin's terminal is
in any process of the cell; an unknown cell and the admin console's
refusal are errors.
"""
import fcntl
import os
import select
import shutil
import signal
import struct
import subprocess
import tempfile
import termios
import time

from harness import CELLCTL, CELLMGR, ctl, make_rootfs, read, stop, wait_for

SHELL_INIT = "#!/bin/sh\necho console-ready\nexec /bin/sh\n"


def become_session():
    """In the child: a session of its own, with the pty as its terminal
    (so that a resize sends it SIGWINCH, as a terminal emulator's does)."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Term:
    """cellctl console NAME on a pty of ours, rows x cols."""

    def __init__(self, sock, name, rows, cols):
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.slave_dev = os.ttyname(slave)
        self.proc = subprocess.Popen([CELLCTL, "--socket", sock, "console", name],
                                     stdin=slave, stdout=slave, stderr=slave,
                                     preexec_fn=become_session)
        os.close(slave)
        self.out = b""

    def read_until(self, needle, timeout=10.0):
        end = time.monotonic() + timeout
        while needle not in self.out and time.monotonic() < end:
            r, _, _ = select.select([self.master], [], [], 0.1)
            if r:
                try:
                    self.out += os.read(self.master, 65536)
                except OSError:
                    break
        return needle in self.out

    def resize(self, rows, cols):
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def type(self, data):
        os.write(self.master, data)

    def wait(self, timeout=10.0):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def cell_fds_on(name_pid, dev):
    """Descriptors of the cell's processes (its init's pid namespace) that
    are the terminal dev."""
    want = os.readlink(f"/proc/{name_pid}/ns/pid")
    hits = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            if os.readlink(f"/proc/{p}/ns/pid") != want:
                continue
            for fd in os.listdir(f"/proc/{p}/fd"):
                if os.readlink(f"/proc/{p}/fd/{fd}") == dev:
                    hits.append(f"{p}:{fd}")
        except OSError:
            continue
    return hits


def check_console(t):
    base = tempfile.mkdtemp(prefix="cellar-console-")
    root = make_rootfs(os.path.join(base, "rootfs"), "sh echo stty cat sleep ls".split(),
                       inits={"shell": SHELL_INIT})
    state, sock = os.path.join(base, "state"), os.path.join(base, "ctl.sock")
    conf = os.path.join(base, "cells.conf")
    with open(conf, "w") as f:
        f.write(f"[cell con]\nimage = {root}\ninit = /sbin/shell\n")
    log_path = os.path.join(base, "cellmgr.log")
    terms = []
    try:
        with open(log_path, "w") as log:
            mgr = subprocess.Popen([CELLMGR, "--config", conf, "--state-dir", state,
                                    "--socket", sock, "--data-dir", os.path.join(base, "data")],
                                   stdout=log, stderr=subprocess.STDOUT, cwd="/")
        try:
            checks(t, sock, state, log_path, terms)
        finally:
            for term in terms:
                term.close()
            stop(mgr, sock)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def pid_of(sock, name):
    for line in ctl(sock, "list")[1].splitlines():
        f = line.split()
        if f and f[0] == name and f[1] in ("running", "ready"):
            return int(f[2])
    return 0


def checks(t, sock, state, log_path, terms):
    pid = wait_for(lambda: pid_of(sock, "con"), 15)
    up = pid and wait_for(lambda: "console-ready" in read(os.path.join(state, "con.log")), 10)
    if not t.check("console: the cell with a shell on its console runs", bool(up), read(log_path)):
        return
    a = Term(sock, "con", 33, 101)
    terms.append(a)
    attached = a.read_until(b"Ctrl-] q detaches")
    a.type(b"stty size; echo MARK-$((40+2))\r")
    t.check("console NAME: attached, says how to detach, the cell's shell answers what is typed",
            attached and a.read_until(b"MARK-42"), repr(a.out[-400:]))
    t.check("console: the cell's terminal has the admin's window size (stty size: 33 101)",
            b"33 101" in a.out, repr(a.out[-400:]))
    t.check("console: what it shows is still logged (<state>/con.log)",
            "MARK-42" in read(os.path.join(state, "con.log")), read(os.path.join(state, "con.log")))
    hits = cell_fds_on(pid, a.slave_dev)
    t.check("console: no descriptor of the admin's terminal is in any process of the cell",
            not hits, f"{a.slave_dev}: {hits}")
    b = Term(sock, "con", 40, 120)
    terms.append(b)
    b.read_until(b"Ctrl-] q detaches")
    rc_a = a.wait()
    a.read_until(b"closed by cellmgr", 2)
    b.type(b"echo TAKEN-$((1+1)); stty size\r")
    t.check("console: a second console takes it over: the first ends (1), saying so",
            rc_a == 1 and b"taken over" in a.out and b"closed by cellmgr" in a.out
            and b.read_until(b"TAKEN-2") and b.read_until(b"40 120"), repr(a.out[-300:])
            + repr(b.out[-300:]))
    b.resize(50, 132)
    time.sleep(0.3)
    b.type(b"echo SIZE; stty size\r")
    t.check("console: a resize of the admin's terminal follows into the cell (50 132)",
            b.read_until(b"50 132"), repr(b.out[-300:]))
    b.type(b"\x1dq")
    rc_b = b.wait()
    b.read_until(b"detached", 2)
    time.sleep(0.5)
    t.check("console: Ctrl-] q detaches (0), and the cell runs on (same pid)",
            rc_b == 0 and b"detached" in b.out and pid_of(sock, "con") == pid,
            f"rc={rc_b} {b.out[-200:]!r} pid {pid} -> {pid_of(sock, 'con')}")
    rc, out, err = ctl(sock, "console", "nosuch")
    t.check("console of an unknown cell: one error line, status 1",
            rc == 1 and err.startswith("cellctl: no cell 'nosuch'"), repr(err))
