"""Attacks on what cellmgr does as host root in trees a cell controls, and
on the masks over /proc and /sys (issue 13: finding 1 and the locked
masks).  Called by tests/escape/run with its suite, cellmgr and cells.

Cell p has a persistent layer (its upper directory is <base>/persist-p/upper
on the host): what a cell leaves there, or an image ships, is what cellmgr
finds at the cell's next start.
"""
import os
import subprocess
import time

# What the cell's root tries on each mask: every attempt must fail.
MASKS = ("/proc/keys", "/proc/timer_list", "/proc/kallsyms", "/proc/kmsg", "/proc/acpi",
         "/proc/sys", "/proc/sys/net", "/sys/firmware", "/sys/kernel/debug", "/dev", "/proc",
         "/run/host")


def mask_attacks(s, p):
    """umount, umount -l and mount --move of each mask, a read-write remount
    of /proc/sys and /run/host, and a fresh proc that would show what the
    masks hide: all refused, and the masks still there afterwards."""
    script = "mkdir -p /mnt/m\n"
    for m in MASKS:
        script += (f"[ -e {m} ] || {{ echo '{m} absent'; }}\n"
                   f"umount {m} 2>/dev/null; echo '{m} umount' $?\n"
                   f"umount -l {m} 2>/dev/null; echo '{m} umount-l' $?\n"
                   f"mount --move {m} /mnt/m 2>/dev/null; echo '{m} move' $?\n")
    script += ("mount -o remount,rw /proc/sys 2>/dev/null; echo '/proc/sys remount-rw' $?\n"
               "mount -o remount,bind,rw /proc/sys 2>/dev/null; echo '/proc/sys bind-rw' $?\n"
               "mount -o remount,bind,rw /run/host 2>/dev/null; echo '/run/host bind-rw' $?\n"
               "mount -t proc proc /mnt/m 2>/dev/null; echo 'fresh proc' $?\n"
               "mount -t sysfs sysfs /mnt/m 2>/dev/null; echo 'fresh sysfs' $?\n"
               "grep -c . /proc/keys 2>/dev/null; echo 'keys lines' $?\n"
               "echo 1 > /proc/sys/kernel/panic 2>/dev/null; echo 'write panic' $?\n")
    out = p.run(script, timeout=30)
    results = {}
    for line in out.splitlines():
        parts = line.rsplit(" ", 1)
        if len(parts) == 2 and parts[1].lstrip("-").isdigit():
            results[parts[0]] = int(parts[1])
    absent = {l.split()[0] for l in out.splitlines() if l.endswith(" absent")}
    for m in MASKS:
        if m in absent:
            continue
        for how in ("umount", "umount-l", "move"):
            rc = results.get(f"{m} {how}")
            s.attack("fs", f"{how.replace('-l', ' -l')} {m} (locked mask) [locked_masks]",
                     "refused", "refused" if rc not in (None, 0) else f"rc={rc}",
                     rc not in (None, 0))
    for key in ("/proc/sys remount-rw", "/proc/sys bind-rw", "/run/host bind-rw"):
        rc = results.get(key)
        s.attack("fs", f"{key.split()[0]}: {key.split()[1]} remount [locked_masks]", "refused",
                 "refused" if rc not in (None, 0) else f"rc={rc}", rc not in (None, 0))
    for key in ("fresh proc", "fresh sysfs"):
        rc = results.get(key)
        s.attack("fs", f"mount a {key} beside the masked one [locked_masks]", "EPERM",
                 "refused" if rc not in (None, 0) else f"rc={rc}", rc not in (None, 0))
    rc = results.get("write panic")
    s.attack("fs", "write /proc/sys/kernel/panic after the attempts [locked_masks]",
             "still read-only", "refused" if rc not in (None, 0) else f"rc={rc}",
             rc not in (None, 0))


def snapshot(path):
    out = []
    for dirpath, dirs, files in os.walk(path):
        for n in dirs + files:
            out.append(os.path.relpath(os.path.join(dirpath, n), path))
    return sorted(out)


def dev_symlink_attack(s, mgr, p, base, wait_for):
    """Finding 1: the cell's layer holds /dev (then /run, /proc, /sys) as a
    symlink to a host directory.  cellmgr, as host root, must create
    nothing there at the cell's next start: the start fails naming the
    entry, the directory stays empty, the other cells run on."""
    # The runtime route: /dev cannot be taken away from inside.
    out = p.run("umount -l /dev 2>&1; echo rc=$?; rm -rf /dev 2>&1; "
                "ln -s / /dev 2>&1; echo ln=$?")
    s.attack("fs", "unmount /dev and leave a symlink in its place, from inside [finding1]",
             "refused (the mount is locked)",
             out.replace("\n", " ").strip()[:160], "rc=0" not in out)
    target = os.path.join(base, "hostdir")
    os.makedirs(target, exist_ok=True)
    bait = subprocess.Popen(["sleep", "600"], cwd=target)
    upper = os.path.join(base, "persist-p", "upper")
    others = {n: r[2] for n, r in mgr.rows().items() if n != "p"}
    try:
        # A host directory reached through a magic link, and plainly.
        for entry, link in (("dev", f"/proc/{bait.pid}/cwd"), ("dev", target),
                            ("run", f"/proc/{bait.pid}/cwd"), ("proc", target),
                            ("sys", f"/proc/{bait.pid}/cwd")):
            path = os.path.join(upper, entry)
            subprocess.run(["rm", "-rf", path], check=False)
            os.symlink(link, path)
            t0 = len(mgr.log())
            mgr.ctl("restart", "p")
            line = wait_for(lambda: next(
                (l for l in mgr.log()[t0:].splitlines() if "cell p:" in l and
                 f"/{entry}" in l and "directory" in l), None), 10) or ""
            left = snapshot(target)
            rows = mgr.rows()
            s.attack("fs", f"/{entry} in the cell's persistent layer is a symlink to a host "
                     f"directory ({'magic link' if 'cwd' in link else 'plain'}) [finding1]",
                     "nothing created on the host; the start fails naming the entry",
                     f"host directory: {left or 'empty'}; "
                     f"cellmgr: {line.split('cellmgr: ')[-1][:120] or 'no message'}",
                     not left and bool(line) and rows.get("p", [0, ""])[1] != "running")
            mgr.ctl("stop", "p")
            os.unlink(path)
            os.mkdir(path, 0o755)
            os.chown(path, *owner_of(upper))
        mgr.ctl("start", "p")
        back = wait_for(lambda: mgr.rows().get("p", [0, ""])[1] in ("running", "ready"), 10)
        rows = mgr.rows()
        kept = all(rows.get(n, [0, 0, 0])[2] == pid for n, pid in others.items())
        s.attack("res", "the other cells, and p once its layer is mended [finding1]",
                 "others untouched, p starts again",
                 f"p {'running' if back else rows.get('p')}; others "
                 f"{'untouched' if kept else 'changed'}", bool(back) and kept)
    finally:
        bait.kill()
        bait.wait()


def owner_of(path):
    st = os.stat(path)
    return st.st_uid, st.st_gid


def run_all(s, mgr, p, base, wait_for):
    mask_attacks(s, p)
    dev_symlink_attack(s, mgr, p, base, wait_for)
