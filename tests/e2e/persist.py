"""cellar e2e: the board's data disk (boot 4): the Debian cell, persistence
across a board reboot, a full disk.  tests/e2e/run calls it as

    import persist as e2e_persist        # tests/e2e/ is on sys.path
    e2e_persist.boot4(report, timeout, tmp, Boot, Fail)

The harness makes a small data disk (images/data-disk.sh --from): the cell
list `cells.conf` (config/demo.conf plus a cell `debian`, console only, with
`persist`) and `images/debian.erofs` (images/debian-cell.sh, built once and
cached), with 64 MiB free.  Three QEMU runs, all with
`cellar.config=/data/cells.conf`:

  4a  the Debian cell reaches multi-user (READY=1, its console's "Reached
      target", `systemctl is-system-running` after a root login on its
      console); a file written in work (persist) and one in personal (none);
      work updated from the admin console to images/work-2.erofs (its
      /etc/cellar-release says "work 2"), confirmed, its file kept;
      the disk filled from work: ENOSPC there, personal, the admin console
      and work's file unharmed; Ctrl-Alt-Del: init unmounts /data.
  4b  the same disk: work's file is there, work still runs its update
      (slot a, version 2), personal's is gone, Debian kept its machine-id;
      ACPI power-off.  On the host, after each run: the
      file system is clean (e2fsck -fn), the image on it is unchanged
      (SHA-256), cellar's id ranges (cellar/idmap) are the same.
  4c  no disk, cellar.data= naming a device that does not exist: init says
      so, starts cellmgr with its built-in cell list, work and personal run.
"""
import hashlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import time

from input import switch_console as switch  # tests/e2e/ is on sys.path

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.environ.get("OUT_DIR", os.path.join(TOP, "out"))
DEBIAN = os.path.join(OUT, "cells", "debian.erofs")
FREE_MIB = 64  # what the disk has free for the cells: filling it stays quick
CONFIG = "/data/cells.conf"

DEBIAN_CELL = """
[cell debian]
# Debian bookworm with systemd (images/debian-cell.sh), from the data disk.
image = /data/images/debian.erofs
# Its screen is VT 3 (Ctrl-Alt-F3, Ctrl-a 3), where systemd's getty@tty1
# puts a login; no network.  systemd's defaults for the rest (init,
# SIGRTMIN+3 to halt).
devices = display input
vt = 3
stop_signal = SIGRTMIN+3
stop_timeout = 20s
memory = 256M
pids = 512
rlimit_nofile = 1024:524288
persist = /data/cells/debian

[cell nogpu]
# A compositor cell on a board with no DRM card (the demo board loads no
# DRM driver): it fails alone, saying why (issue 15).
image = /cells/work.erofs
devices = display input gpu
vt = 5
restart = never
"""

_Fail = Exception  # tests/e2e/run's Fail, set by boot4()


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def debugfs(disk, request):
    """One debugfs request on the (unmounted) disk image; its output."""
    r = subprocess.run(["debugfs", "-R", request, disk], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def disk_state(disk, tmp):
    """What the host sees on the disk once QEMU is gone: e2fsck's verdict,
    the image's SHA-256, the id ranges file, work's and personal's layers."""
    r = subprocess.run(["e2fsck", "-fn", disk], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise _Fail(f"e2fsck -fn {disk}: status {r.returncode}: {r.stdout.decode(errors='replace')[-600:]}")
    img = os.path.join(tmp, "debian-after.erofs")
    debugfs(disk, f"dump /images/debian.erofs {img}")
    if not os.path.exists(img):
        raise _Fail("debugfs: no /images/debian.erofs on the data disk")
    digest = sha256(img)
    os.unlink(img)
    idmap, _ = debugfs(disk, "cat /cellar/idmap")
    ranges = sorted(l for l in idmap.splitlines() if l and not l.startswith("#"))
    cells, _ = debugfs(disk, "ls /cells")
    return {"sha256": digest, "idmap": ranges, "cells": cells.split()}


def prepare(tmp, st):
    """The disk: cells.conf and images/debian.erofs, FREE_MIB free."""
    # debootstrap once (about a minute; then cached in OUT/cache); a
    # quick no-op when the image is up to date.  --demo-login: root
    # logs in without a password (docs/images.md).
    r = subprocess.run([os.path.join(TOP, "images", "debian-cell.sh"), "--demo-login", DEBIAN],
                       env=dict(os.environ, OUT_DIR=OUT), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise _Fail(f"images/debian-cell.sh: {r.stdout.decode(errors='replace')[-600:]}")
    src = os.path.join(tmp, "data4-src")
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(os.path.join(src, "images"))
    with open(os.path.join(TOP, "config", "demo.conf")) as f:
        conf = f.read()
    # One module more than the image's own list asks for (llc: in the
    # image as bridge's dependency): init's count shows it read this list.
    conf, n = re.subn(r"^modules = (.*)$", r"modules = \1 llc", conf, count=1, flags=re.M)
    if n != 1:
        raise _Fail("config/demo.conf has no 'modules = ' line")
    st["modules"] = len(re.search(r"^modules = (.*)$", conf, re.M).group(1).split())
    # work's trial of an update (issue 18) is confirmed after 5 s of running.
    conf, n = re.subn(r"^\[cell work\]\n", "[cell work]\nupdate_window = 5s\n", conf, count=1,
                      flags=re.M)
    if n != 1:
        raise _Fail("config/demo.conf has no [cell work]")
    with open(os.path.join(src, "cells.conf"), "w") as f:
        f.write(conf + DEBIAN_CELL)
    work2(tmp, os.path.join(src, "images", "work-2.erofs"))
    shutil.copyfile(DEBIAN, os.path.join(src, "images", "debian.erofs"))
    st["sha256"] = sha256(DEBIAN)
    img_mib = os.path.getsize(DEBIAN) >> 20
    # ext4's own metadata (journal, inode tables of a 1 KiB-block "small"
    # file system) takes about a tenth; the cells' share is then FREE_MIB.
    size = (img_mib + FREE_MIB) * 11 // 10 + 16
    st["disk"] = os.path.join(tmp, "data4.ext4")
    cmd = [os.path.join(TOP, "images", "data-disk.sh"), "--size", f"{size}M", "--from", src, st["disk"]]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    shutil.rmtree(src, ignore_errors=True)
    if r.returncode != 0:
        raise _Fail(f"images/data-disk.sh: {r.stdout.decode(errors='replace')}")
    out = subprocess.run(["dumpe2fs", "-h", st["disk"]], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout
    f = dict(re.findall(r"^(Free blocks|Block size):\s+(\d+)", out, re.M))
    free = int(f["Free blocks"]) * int(f["Block size"]) >> 20
    return f"{size} MiB ext4: debian.erofs {img_mib} MiB, {free} MiB free"


def work2(tmp, image):
    """A second image of work: its staged tree (images/busybox-cell.sh)
    with /etc/cellar-release saying "work 2", as erofs."""
    tree = os.path.join(tmp, "work-2")
    shutil.rmtree(tree, ignore_errors=True)
    subprocess.run(["cp", "-a", os.path.join(OUT, "stage", "cell-work"), tree], check=True)
    with open(os.path.join(tree, "etc", "cellar-release"), "w") as f:
        f.write("work 2\n")
    r = subprocess.run(["mkfs.erofs", "--quiet", "-zlz4hc", "--all-root", "-T0", image, tree],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    shutil.rmtree(tree, ignore_errors=True)
    if r.returncode != 0:
        raise _Fail(f"mkfs.erofs {image}: {r.stdout.decode(errors='replace')}")


def sh(b, line, marker, timeout=60):
    """Types `line; echo MARKER-$((1+1))` in the front cell's shell and
    returns the output before the marker (the typed line's echo cannot
    match: it has $((1+1)), not 2)."""
    since = b.serial.pos()
    b.type_line(f"{line}; echo {marker}-$((1+1))")
    m = b.expect(rf"^{marker}-2\s*$", since, timeout)
    out = b.serial.text[since:m.start()]
    return out.split("\n", 1)[1] if "\n" in out else ""


def debian_login(b):
    """Ctrl-a 3 to debian's console, root without a password at its getty."""
    since = switch(b, 3, "debian")
    b.type_line("")
    b.expect(r"login: ", since, 60)
    since = b.serial.pos()
    b.type_line("root")
    b.expect(r"root@debian:~# ", since, 90)


def started(b, st, cells=("work", "personal", "debian")):
    for cell in cells:
        m = b.expect(rf"cellmgr: cell {cell} started \(pid \d+\)", st["init"])
        st[f"{cell}_started"] = b.serial.arrival(m.end())
    b.started_after = max(st[f"{c}_started"] for c in cells) - b.t0
    return "%.1f s after launch" % b.started_after


def boot_common(b, tmp, st, dev="/dev/vda"):
    b.case("QEMU starts with the test's data disk", lambda: b.launch(tmp))

    def init_ran():
        st["init"] = b.expect(r"^cellar-init: ").start()
        m = b.expect(rf"^cellar-init: data: mounted {dev} \(ext4, rw\) on /data", st["init"])
        b.expect(rf"^cellar-init: started cellmgr \(pid \d+\) with --config {CONFIG}$", m.end())
        return m.group(0)
    b.case(f"init mounts {dev} on /data, starts cellmgr --config {CONFIG}", init_ran)

    def modules():
        # Issue 14: [host] modules of the list on the disk load once the
        # disk is mounted, before cellmgr; its one name more than the
        # image's list (llc) shows whose list it is.
        m = b.expect(rf"^cellar-init: data: mounted {dev} ", st["init"])
        s, e = b.modules_pass(m.end(), CONFIG)
        b.expect(rf"^cellar-init: started cellmgr \(pid \d+\) with --config {CONFIG}$", e.end())
        if s.group(1) != str(st.get("modules")):
            raise _Fail(f"{s.group(1)} modules asked for, {CONFIG} has {st.get('modules')}: {s.group(0)}")
        return s.group(0).split("modules: ")[1] + "; " + e.group(0).split("modules: ")[1]
    b.case(f"init loads the [host] modules of {CONFIG} after mounting it, in a child", modules)
    b.case("cellmgr starts work, personal and debian", lambda: started(b, st))
    b.case("a gpu cell on a board without a DRM card fails alone, naming what is missing",
           lambda: b.expect(r"cellmgr: cell nogpu: devices gpu: no DRM card on this board[^\n]*",
                            st["init"]).group(0))


def debian_ready(b, st):
    m = b.expect(r"cellmgr: cell debian is ready", st["init"], 240)
    t = b.serial.arrival(m.end()) - st["debian_started"]
    st["ready_s"] = t
    fields = dict(l.split(": ", 1) for l in b.admin_cmd("status debian").splitlines() if ": " in l)
    if fields.get("state") != "ready":
        raise _Fail(f"status debian: {fields}")
    log = b.admin_cmd("log debian")
    if not re.search(r"Reached target .*Multi-User System", log):
        raise _Fail(f"no 'Reached target ... Multi-User System' in log debian: {log[-800:]!r}")
    return f"READY=1 {t:.1f} s after its start; status: ready; its console: Reached target Multi-User System"


def boot4(report, timeout, tmp, Boot, Fail):
    global _Fail
    _Fail = Fail
    st = {"token": secrets.token_hex(8)}
    started_after = None

    # -- 4a: first boot on a fresh disk ---------------------------------------------
    b = Boot(4, report, timeout, root_disk=False, admin=True, data=None,
             append=f"cellar.config={CONFIG}")
    try:
        b.case("a fresh data disk: cells.conf (demo + debian) and images/debian.erofs",
               lambda: prepare(tmp, st))
        b.data = st.get("disk")
        boot_common(b, tmp, st)
        b.case("the Debian cell reaches multi-user.target", lambda: debian_ready(b, st))

        def system_running():
            debian_login(b)
            # Short lines: the console is 80 columns, a wrapped echo is harder to read back.
            out = sh(b, "systemctl is-system-running --wait", "sysstate", 120)
            m = re.search(r"^(running|degraded)\s*$", out, re.M)
            if not m:
                raise Fail(f"systemctl is-system-running: {out.strip()!r}")
            note = m.group(1)
            if note == "degraded":
                failed = sh(b, "systemctl --failed --plain --no-legend --no-pager", "failed")
                note += ": failed units " + ", ".join(l.split()[0] for l in failed.splitlines() if "." in l)
            ids = re.findall(r"^([0-9a-f]{32})\s*$", sh(b, "cat /etc/machine-id", "mid"), re.M)
            if not ids:
                raise Fail("no machine-id in /etc/machine-id")
            st["machine_id"] = ids[-1]
            return f"{note}; machine-id {st['machine_id']}"
        b.case("root logs in on debian's console; systemctl is-system-running: running", system_running)

        def screen_login():
            # Issue 22: debian is in front (Ctrl-a 3 above), so its VT is on
            # the screen; getty@tty1 (it wants /dev/tty0: the cell's own VT)
            # puts a login there, and the board's keyboard logs in.
            e2e = sys.modules["__main__"]
            e2e.wait_screen(b.qmp, ["debian login:"], ["Welcome to the work cell"], 120)
            e2e.type_keys(b.qmp, "root\n")
            e2e.wait_screen(b.qmp, ["root@debian"], [], 60)
            e2e.type_keys(b.qmp, "tty; who; loginctl --no-pager --no-legend list-sessions\n")
            text = e2e.wait_screen(b.qmp, ["/dev/tty1"], [], 30)
            time.sleep(2)
            text = e2e.vga_text(b.qmp)
            if not re.search(r"^root\s+tty1\b", text, re.M):
                raise Fail(f"who lists no root on tty1: {text!r}")
            if not re.search(r"root\s+\S*\s*tty1", text.split("loginctl", 1)[-1]):
                raise Fail(f"loginctl shows no session on tty1: {text!r}")
            shot = e2e.screenshot(b.qmp, tmp, "screen-debian")
            # Away to work: work's screen, none of debian's; and back: the
            # session is still there.
            switch(b, 1, "work")
            e2e.wait_screen(b.qmp, ["root@work"], ["root@debian", "debian login:"], 30)
            switch(b, 3, "debian")
            e2e.wait_screen(b.qmp, ["root@debian"], ["root@work"], 30)
            e2e.type_keys(b.qmp, "clear; echo again-$((6*7)) $(tty)\n")
            e2e.wait_screen(b.qmp, ["again-42 /dev/tty1"], [], 30)
            failed = sh(b, "systemctl --failed --plain --no-legend --no-pager", "failed2")
            if "getty" in failed or "autovt" in failed:
                raise Fail(f"failed units: {failed!r}")
            return f"login: on VT 3, root logged in on tty1 (who, loginctl), kept across a switch; {shot}"
        b.case("debian's screen (its VT) shows login:, root logs in with the board's keyboard; "
               "who and loginctl show tty1; the session survives a switch away and back", screen_login)

        def write_files():
            switch(b, 1, "work")
            out = sh(b, f"echo keep-{st['token']} > /persist-check && sync && cat /persist-check", "w1")
            if f"keep-{st['token']}" not in out:
                raise Fail(f"work: {out!r}")
            switch(b, 2, "personal")
            out = sh(b, f"echo gone-{st['token']} > /pristine-check && cat /pristine-check", "w2")
            if f"gone-{st['token']}" not in out:
                raise Fail(f"personal: {out!r}")
        b.case("a file written in work (persist) and one in personal (no persist)", write_files)

        def update_work():
            since = b.serial.pos()
            out = b.admin_cmd("update work /data/images/work-2.erofs --version 2", timeout=120)
            if "slot a" not in out:
                raise Fail(f"admin console: {out!r}")
            b.expect(r"cellmgr: cell work: update to .* confirmed", since, 90)
            switch(b, 1, "work")
            out = sh(b, "cat /etc/cellar-release /persist-check", "u1")
            if "work 2" not in out or f"keep-{st['token']}" not in out:
                raise Fail(f"work after its update: {out!r}")
            st["updated"] = True
            return "slot a, confirmed after 5 s; /etc/cellar-release: work 2"
        b.case("update of work from the admin console: its new image runs, confirmed, "
               "its persistent file kept", update_work)

        def full_disk():
            switch(b, 1, "work")
            t0 = time.monotonic()
            out = sh(b, "dd if=/dev/zero of=/big bs=1M 2>&1; echo dd-status-$?", "full", 300)
            took = time.monotonic() - t0
            if "No space left on device" not in out or not re.search(r"dd-status-[1-9]", out):
                raise Fail(f"dd did not fail with ENOSPC: {out.strip()[-400:]!r}")
            written = re.search(r"(\d+)\+\d+ records in", out)
            out = sh(b, "cat /persist-check", "full2")
            if f"keep-{st['token']}" not in out:
                raise Fail(f"after the fill, work: {out!r}")
            switch(b, 2, "personal")
            out = sh(b, "cat /pristine-check", "full3", 60)
            if f"gone-{st['token']}" not in out:
                raise Fail(f"personal after the fill: {out!r}")
            rows = b.admin_rows()
            bad = {c: r for c, r in rows.items() if r[0] not in ("running", "ready") and c != "nogpu"}
            if set(rows) != {"work", "personal", "debian", "nogpu"} or bad or rows["nogpu"][0] != "failed":
                raise Fail(f"admin list after the fill: {rows}")
            # Give the room back: the next boot starts on a usable disk.
            switch(b, 1, "work")
            sh(b, "rm /big; sync", "full4")
            return (f"dd wrote {written.group(1) if written else '?'} MiB in {took:.0f} s, then "
                    "ENOSPC; work's file intact; personal and the admin console answer")
        b.case("a full disk: ENOSPC in work; work's file, personal and cellmgr unharmed", full_disk)

        def reboot():
            st["cad"] = b.serial.pos()
            b.qmp.cmd("send-key", keys=[{"type": "qcode", "data": k} for k in ("ctrl", "alt", "delete")],
                      **{"hold-time": 200})
            b.expect(r"^cellar-init: rebooting", st["cad"])
            m = b.expect(r"^cellar-init: data: (unmounted /data|/data is busy: remounted read-only)",
                         st["cad"], 120)
            rc = b.wait_exit(timeout)
            return f"{m.group(0)}; QEMU exit status {rc}"
        b.case("Ctrl-Alt-Del: the cells stop, init unmounts /data and reboots", reboot)

        def host_check():
            d = disk_state(st["disk"], tmp)
            st["after_a"] = d
            if d["sha256"] != st["sha256"]:
                raise Fail(f"debian.erofs changed on the disk: {d['sha256']} != {st['sha256']}")
            names = [l.split()[0] for l in d["idmap"]]
            if sorted(names) != ["debian", "nogpu", "personal", "work"]:
                raise Fail(f"cellar/idmap: {d['idmap']}")
            if "work" not in d["cells"] or "personal" in d["cells"]:
                raise Fail(f"/cells on the disk: {d['cells']}")
            out, _ = debugfs(st["disk"], "cat /cells/work/upper/persist-check")
            if f"keep-{st['token']}" not in out:
                raise Fail(f"work's file on the disk: {out!r}")
            return f"e2fsck clean; image unchanged; idmap {d['idmap']}"
        b.case("host: the disk is clean, the image unchanged, work's file in its layer", host_check)
    finally:
        b.close()
    started_after = getattr(b, "started_after", None)

    # -- 4b: the same disk again ----------------------------------------------------
    b = Boot("4b", report, timeout, root_disk=False, admin=True, data=st.get("disk"),
             append=f"cellar.config={CONFIG}")
    try:
        b.failed = "after_a" not in st  # its checks are then "not reached"
        boot_common(b, tmp, st)

        def work_kept():
            b.expect(r"Welcome to the work cell", st["init"])
            out = sh(b, "cat /persist-check /big 2>&1", "k1")
            if f"keep-{st['token']}" not in out:
                raise Fail(f"work's /persist-check: {out!r}")
            return f"/persist-check: keep-{st['token']}"
        b.case("work's file survived the reboot", work_kept)

        def update_kept():
            if not st.get("updated"):
                raise Fail("the update in 4a did not happen")
            fields = dict(l.split(": ", 1) for l in b.admin_cmd("status work").splitlines()
                          if ": " in l)
            out = sh(b, "cat /etc/cellar-release", "u2")
            if fields.get("slot") != "a" or fields.get("version") != "2" or "work 2" not in out:
                raise Fail(f"status: {fields} /etc/cellar-release: {out!r}")
            return "status: slot a, version 2; /etc/cellar-release: work 2"
        b.case("work's update survived the reboot (status: slot a, version 2)", update_kept)

        def personal_pristine():
            switch(b, 2, "personal")
            out = sh(b, "test -e /pristine-check && echo still-$((2*3)) || echo absent-$((2*4))", "p1")
            if "absent-8" not in out:
                raise Fail(f"personal's /pristine-check is still there: {out!r}")
        b.case("personal's file is gone (pristine image)", personal_pristine)

        def debian_again():
            debian_ready(b, st)
            debian_login(b)
            out = sh(b, "cat /etc/machine-id", "mid")
            if st.get("machine_id") not in out:
                raise Fail(f"machine-id {out.strip()!r}, before the reboot {st.get('machine_id')}")
            return f"ready {st['ready_s']:.1f} s after its start; machine-id {st['machine_id']} kept"
        b.case("debian is ready again and kept its machine-id (persist)", debian_again)

        def poweroff():
            since = b.serial.pos()
            b.qmp.cmd("system_powerdown")
            b.expect(r"^cellar-init: powering off", since)
            b.expect(r"^cellar-init: data: unmounted /data", since, 120)
            rc = b.wait_exit(timeout)
            if rc != 0:
                raise Fail(f"QEMU exit status {rc}")
        b.case("ACPI power-off: init unmounts /data, QEMU exits 0", poweroff)

        def host_check():
            d = disk_state(st["disk"], tmp)
            if d["sha256"] != st["sha256"]:
                raise Fail("debian.erofs changed on the disk")
            if d["idmap"] != st["after_a"]["idmap"]:
                raise Fail(f"cellar/idmap changed: {st['after_a']['idmap']} -> {d['idmap']}")
            return "e2fsck clean; image and id ranges unchanged"
        b.case("host: the disk is clean, image and id ranges unchanged", host_check)
    finally:
        b.close()

    # -- 4c: a data disk that is not there --------------------------------------------
    b = Boot("4c", report, timeout, root_disk=False, data=None,
             append=f"cellar.data=/dev/vdx cellar.config={CONFIG}")
    try:
        b.case("QEMU starts without a data disk, cellar.data=/dev/vdx", lambda: b.launch(tmp))

        def logged():
            st["init"] = b.expect(r"^cellar-init: ").start()
            m1 = b.expect(r"^cellar-init: data: /dev/vdx did not appear: No such file or directory",
                          st["init"], 60)
            b.expect(r"^cellar-init: data: \*\*\* NO DATA DISK", m1.end(), 10)
            m2 = b.expect(rf"^cellar-init: cellar.config={CONFIG}: No such file or directory", m1.end(), 30)
            b.expect(r"^cellar-init: cellmgr gets its default cell list /etc/cellar/cells.conf instead",
                     m2.end(), 10)
            # No second pass of module loading: the list cellmgr gets is the one init read first.
            if "requested loaded (" in b.serial.text[m1.end():m2.start()]:
                raise Fail("init loaded modules after the switch although cellar.config= cannot be read")
            return f"{m1.group(0)} / {m2.group(0)}"
        b.case("init logs the missing device and the missing cell list", logged)
        b.case("the built-in cell list runs: work and personal start",
               lambda: started(b, st, ("work", "personal")))
    finally:
        b.close()
    return started_after
