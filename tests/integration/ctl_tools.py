"""Issue 17's operator tools, checked from the ctl layer (tests/integration/ctl).

Live figures in list, status and top (and how unknown ones show: "-" and
null, never 0), "did you mean" for cellctl commands and cell names, the
message when no cellmgr is behind the socket, --version, the bash
completion against the running cellmgr, what meson installs, and cellmgr
exiting when no cell of its list is usable.
"""
import json
import os
import re
import socket
import subprocess

from harness import BUILD, CELLCTL, CELLMGR, TOP, ctl

FIGURES = ("memory", "memory_max", "cpu_usec", "pids", "pids_max", "io_read_bytes",
           "io_write_bytes")


def run(*cmd, timeout=30, env=None):
    p = subprocess.run(list(cmd), capture_output=True, text=True, stdin=subprocess.DEVNULL,
                       timeout=timeout, env=env)
    return p.returncode, p.stdout, p.stderr


def expected_unknown(note):
    """The figures this host cannot give, from list --json's "figures" note."""
    if note is None:
        return set()
    if note.startswith("hybrid"):
        return {"memory", "memory_max", "pids", "pids_max", "io_read_bytes", "io_write_bytes"}
    if note.startswith("no cgroup v2"):
        return {"memory_max", "cpu_usec", "pids", "pids_max", "io_read_bytes",
                "io_write_bytes"}
    missing = set()
    for ctrl, keys in (("memory", ("memory", "memory_max")), ("pids", ("pids", "pids_max")),
                       ("io", ("io_read_bytes", "io_write_bytes"))):
        if re.search(rf"\b{ctrl}\b", note.split(" controller")[0]):
            missing.update(keys)
    return missing


def check_figures(t, sock):
    rc, out, err = ctl(sock, "list", "--json")
    doc = json.loads(out) if rc == 0 else {}
    note = doc.get("figures")
    unknown = expected_unknown(note)
    cell = next((c for c in doc.get("cells", []) if c["name"] == "alpha"), {})
    def wrong(k):
        v = cell.get(k, 0)
        if k in unknown:
            return v is not None
        return not (isinstance(v, int) or v == "max")
    bad = [k for k in FIGURES if wrong(k)]
    t.check("issue 17: list --json has memory, memory_max, cpu_usec, pids, pids_max and I/O "
            f"bytes; the figures this host lacks are null ({', '.join(sorted(unknown)) or 'none'}"
            f": {note or 'every controller'}), the others numbers",
            rc == 0 and cell and not bad and "figures" in doc, f"{bad} {out}{err}")
    t.check("issue 17: CPU time is real on this host (cpu.stat is a core cgroup2 file)",
            "cpu_usec" in unknown or (isinstance(cell.get("cpu_usec"), int)
                                      and cell["cpu_usec"] > 0), str(cell))
    rc, out, err = ctl(sock, "list")
    row = next((l.split() for l in out.splitlines() if l.split()[:1] == ["alpha"]), [])
    cols = dict(zip(("memory", "front", "memory_max", "cpu", "pids", "io"), row[5:]))
    want_dash = [c for c, k in (("memory", "memory"), ("memory_max", "memory_max"),
                                ("pids", "pids")) if k in unknown]
    t.check("issue 17: list text shows unknown figures as '-' (never 0) and the known ones "
            "(MEMMAX CPU PIDS IO after FRONT)",
            rc == 0 and len(row) == 11 and all(cols[c] == "-" for c in want_dash)
            and ("io_read_bytes" not in unknown or cols["io"] == "-/-")
            and all(cols[c] not in ("0", "0B") for c in cols)
            and ("cpu_usec" in unknown or re.fullmatch(r"[0-9.]+s|\d+m\d\ds|\d+h\d\dm", cols["cpu"])),
            f"{row}")
    rc, out, err = ctl(sock, "status", "alpha")
    kv = dict(l.split(": ", 1) for l in out.splitlines() if ": " in l)
    t.check("issue 17: status NAME has the figures, '-' for the unknown ones",
            rc == 0 and all(k in kv for k in FIGURES)
            and all(kv[k] == "-" for k in unknown) and
            all(kv[k] != "-" for k in FIGURES if k not in unknown), str(kv))
    return note, unknown


def check_top(t, sock, note, unknown):
    rc, out, err = ctl(sock, "top", "--json", "-n", "2", "-d", "0.3")
    try:
        docs = [json.loads(l) for l in out.splitlines()]
    except ValueError:
        docs = []
    last = docs[-1] if docs else {}
    cells = {c["name"]: c for c in last.get("cells", [])}
    a = cells.get("alpha", {})
    t.check("issue 17: top --json -n 2: two JSON lines with each cell's pids, CPU %, memory "
            "and I/O rates; unknown ones null, the note says why",
            rc == 0 and len(docs) == 2 and set(cells) >= {"alpha", "gamma"}
            and last.get("figures") == note
            and (a.get("memory") is None) == ("memory" in unknown)
            and (a.get("pids") is None) == ("pids" in unknown)
            and (a.get("io_read_per_s") is None) == ("io_read_bytes" in unknown)
            and ("cpu_usec" in unknown or isinstance(a.get("cpu_percent"), (int, float))),
            out + err)
    rc, out, err = ctl(sock, "top", "-n", "1", "-d", "0.2")
    lines = out.splitlines()
    row = next((l.split() for l in lines if l.split()[:1] == ["alpha"]), [])
    t.check("issue 17: top (text): a header, one row per cell, '-' for unknown figures, and "
            "a note saying why they are missing",
            rc == 0 and any(l.split()[:3] == ["NAME", "STATE", "PIDS"] for l in lines)
            and len(row) == 8 and (note is None or f"note: {note}" in lines)
            and (row[2] == "-") == ("pids" in unknown), out + err)
    rc, out, err = ctl(sock, "top", "-d", "0")
    t.check("issue 17: top -d 0 is a usage error (2)", rc == 2 and "-d" in err, err)


def check_suggestions(t, sock):
    rc, out, err = ctl(sock, "stauts", "alpha")
    t.check("issue 17: an unknown command suggests the nearest one",
            rc == 2 and err == "cellctl: unknown command 'stauts' (did you mean 'status'?) "
            "(cellctl --help)\n", f"rc {rc} {err!r}")
    rc, out, err = ctl(sock, "status", "alpah")
    t.check("issue 17: an unknown cell suggests the nearest cell of the running cellmgr",
            rc == 1 and err == "cellctl: no cell 'alpah' (did you mean 'alpha'?)\n",
            f"rc {rc} {err!r}")


def check_unreachable(t, base):
    path = os.path.join(base, "nobody.sock")
    rc, out, err = ctl(path, "list")
    t.check("issue 17: no cellmgr behind the socket: 'cannot reach cellmgr at PATH: no such "
            "file (is cellmgr running? --socket PATH)'",
            rc == 1 and err == f"cellctl: cannot reach cellmgr at {path}: no such file "
            "(is cellmgr running? --socket PATH)\n", f"rc {rc} {err!r}")
    stale = os.path.join(base, "stale.sock")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.bind(stale)
    s.close()
    rc, out, err = ctl(stale, "top", "-n", "1")
    t.check("issue 17: a socket left by a cellmgr that is gone: 'connection refused' (top too)",
            rc == 1 and err == f"cellctl: cannot reach cellmgr at {stale}: connection refused "
            "(is cellmgr running? --socket PATH)\n", f"rc {rc} {err!r}")


def check_versions(t):
    with open(os.path.join(TOP, "meson.build")) as f:
        version = re.search(r"version\s*:\s*'([^']+)'", f.read()).group(1)
    got = [run(exe, "--version") for exe in (CELLCTL, CELLMGR)]
    t.check(f"issue 17: cellctl --version and cellmgr --version print meson's version {version}",
            got == [(0, f"cellctl {version}\n", ""), (0, f"cellmgr {version}\n", "")], str(got))


def complete(sock, words):
    """COMPREPLY of the bash completion for the words (the last one being completed)."""
    script = (f'source "{TOP}/completion/cellctl"; COMP_WORDS=("$@"); '
              'COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _cellctl; printf "%s\\n" "${COMPREPLY[@]}"')
    env = dict(os.environ, PATH=os.path.dirname(CELLCTL) + ":" + os.environ.get("PATH", ""))
    rc, out, err = run("bash", "-c", script, "bash", "cellctl", "--socket", sock, *words,
                       env=env)
    return sorted(l for l in out.splitlines() if l)


def check_completion(t, sock):
    got = {
        "commands": complete(sock, ["st"]),
        "names": complete(sock, ["status", ""]),
        "exec": complete(sock, ["exec", "g"]),
        "options": complete(sock, ["status", "alpha", "--"]),
        "after exec's cell": complete(sock, ["exec", "alpha", ""]),
    }
    want = {
        "commands": ["start", "status", "stop"],
        "names": ["alpha", "gamma"],
        "exec": ["gamma"],
        "options": ["--json"],
        "after exec's cell": [],
    }
    t.check("issue 17: bash completion: commands, cell names from the running cellmgr "
            "(through --socket), options", got == want, f"{got}")
    rc, out, err = run("meson", "introspect", "--installed", BUILD)
    dests = set(json.loads(out).values()) if rc == 0 else set()
    need = ["share/bash-completion/completions/cellctl", "man1/cellctl.1", "man8/cellmgr.8",
            "man5/cells.conf.5", "man7/cellar-init.7"]
    t.check("issue 17: meson installs the completion and the four man pages",
            all(any(d.endswith(n) for d in dests) for n in need),
            f"{[n for n in need if not any(d.endswith(n) for d in dests)]}")


def check_no_usable_cell(t, base, root):
    for name, text, last in (
            ("typo", f"[cell solo]\nimage = {root}\nimgae = x\n",
             "no usable cell (1 error above): nothing to run, exiting"),
            ("empty", "# nothing yet\n", "no usable cell: nothing to run, exiting")):
        conf = os.path.join(base, f"unusable-{name}.conf")
        with open(conf, "w") as f:
            f.write(text)
        state = os.path.join(base, f"unusable-{name}")
        rc, out, err = run(CELLMGR, "--config", conf, "--state-dir", state, "--data-dir",
                           os.path.join(base, "data"), timeout=20)
        lines = (out + err).splitlines()
        t.check(f"issue 17: cellmgr with a list in which no cell is usable ({name}) says so "
                "in its last line and exits 1",
                rc == 1 and lines and lines[-1] == f"cellmgr: {conf}: {last}"
                and (name != "typo" or any("(did you mean 'image'?)" in l for l in lines)),
                f"rc {rc}: {lines[-4:]}")


def check_all(t, sock, base, root):
    note, unknown = check_figures(t, sock)
    check_top(t, sock, note, unknown)
    check_suggestions(t, sock)
    check_unreachable(t, base)
    check_versions(t)
    check_completion(t, sock)
    check_no_usable_cell(t, base, root)
