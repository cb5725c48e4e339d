"""cellar e2e: the VT ioctl fence and the VT_PROCESS override (issue 5).

Checks run inside boot 3 (no boot of their own: boots cost ~12 s each);
tests/e2e/input.py's boot3 calls

    vt.checks(b, Fail)

after its input checks, with work in front (VT 1) and the serial console
on work.  The probe must run with the cell's VT as its controlling tty (the
kernel itself refuses most VT ioctls to anyone else, which would make a
fence test prove nothing), and the session that holds work's tty1 is its
screen shell: so the commands are typed on the board's keyboard (QMP
input-send-event, routed to work's input copy, fed to its VT), with the
output going to a file in work's /tmp that the serial shell reads.

1. `probe vt-fence /dev/tty1`: every fenced request (docs/security.md, "VT
   and keyboard ioctls") fails with EPERM, plain and with bit 32 of the
   request set; VT_SETMODE, KDSETMODE, KDSKBMODE to their current values and
   the reads still work.
2. `probe vt-hold /dev/tty1 --seconds 20 &` (VT_PROCESS, never releases),
   then Ctrl-a 2 on the serial console: personal's screen is on the VGA text
   buffer within 2 s anyway, and cellmgr logs the override (mgr/seat/vt.c).
3. `probe vt-keymap /dev/tty1` (KDGKBENT over the whole kernel keymap): no
   console switch, Boot, SAK, Last_Console, Spawn_Console, Show_State,
   Show_Memory or Show_Registers entry is left (issue 13, finding 10).
4. work prints a window title (OSC) and a screen clear (CSI) to its console
   while in the background; on Ctrl-a 1 the board's console replays them
   as text (\x1b...), the raw serial bytes hold no such sequence (finding 10).
5. work chmods its tty1 0666; the admin console's `status work` shows the
   host's /dev/tty1 0666; once work is stopped, it shows root's node with
   the mode it had before work got it (cellmgr logs it: `back to 0MMM`),
   writable by no one else (finding 10); work is started again and brought
   back to the front.
6. A plain busybox getty on work's tty1 (its screen shell execs it): the
   screen shows `work login:`, root logs in with the board's keyboard, on
   /dev/tty1 (issue 22); its exit brings the screen shell back.
"""
import re
import sys
import time

WORK_BANNER = "Welcome to the work cell"
PERSONAL_BANNER = "Welcome to the personal cell"

# docs/security.md's fenced list (mgr/start/seccomp.c vt_fenced_ioctls).
FENCED = ("TIOCLINUX TIOCSTI TIOCCONS VT_ACTIVATE VT_SETACTIVATE VT_DISALLOCATE VT_RESIZE "
          "VT_RESIZEX VT_LOCKSWITCH VT_UNLOCKSWITCH KIOCSOUND KDMKTONE KDSETLED KDADDIO KDDELIO "
          "KDENABIO KDDISABIO KDMAPDISP KDUNMAPDISP PIO_SCRNMAP PIO_UNISCRNMAP KDSKBENT KDSKBSENT "
          "KDSKBDIACR KDSKBDIACRUC KDSETKEYCODE KDSIGACCEPT KDKBDREP PIO_FONT PIO_FONTX "
          "PIO_FONTRESET KDFONTOP PIO_CMAP").split()
ALLOWED = "VT_GETSTATE KDGETMODE KDSETMODE VT_GETMODE VT_SETMODE KDGKBMODE KDSKBMODE".split()

# Characters typed on the board's keyboard (US layout): QEMU qcodes.
QCODES = {" ": ["spc"], "-": ["minus"], "/": ["slash"], ".": ["dot"], ">": ["shift", "dot"],
          "&": ["shift", "7"], "\n": ["ret"], ";": ["semicolon"], "$": ["shift", "4"],
          "(": ["shift", "9"], ")": ["shift", "0"], "*": ["shift", "8"]}


def _key(b, qcode, down):
    b.qmp.cmd("input-send-event", events=[
        {"type": "key", "data": {"down": down, "key": {"type": "qcode", "data": qcode}}}])
    time.sleep(0.025)


def type_on_screen(b, text):
    for ch in text:
        keys = QCODES.get(ch, [ch])
        for k in keys:
            _key(b, k, True)
        for k in reversed(keys):
            _key(b, k, False)


def vga_text(qmp):
    """The 80x25 characters at the start of the VGA text buffer (as in
    tests/e2e/run)."""
    out = qmp.cmd("human-monitor-command", **{"command-line": "xp /4000bx 0xb8000"})
    data = []
    for line in out.splitlines():
        if ":" in line:
            data += [int(x, 16) for x in line.split(":", 1)[1].split()]
    chars = bytes(data[0::2]).decode("cp437")
    return "\n".join(chars[i:i + 80].rstrip() for i in range(0, min(len(chars), 2000), 80))


def run(b, line, marker, timeout=60):
    since = b.serial.pos()
    b.type_line(f"{line}; echo ={marker}-$((1+1))")
    m = b.expect(rf"^={marker}-2", since, timeout)
    return b.serial.text[since:m.start()]


def wait_file(b, path, pattern, marker):
    """Polls (in the front cell's serial shell, up to 20 s) until path has a
    line matching the grep pattern; returns the file's text."""
    return run(b, f"for i in $(seq 100); do grep -q '{pattern}' {path} 2>/dev/null && break; "
                  f"sleep 0.2; done; cat {path}", marker, 60)


def switch_console(b, n, cell):
    """Ctrl-a N on the serial console (as input.py's); returns where the
    serial text stood before."""
    since = b.serial.pos()
    b.serial.send(b"\x01")
    time.sleep(0.2)
    b.serial.send(str(n).encode())
    b.expect(rf"cellmgr: console: cell {cell}", since, 60)
    time.sleep(0.5)
    return since


def checks(b, Fail):
    def fence():
        # A fresh line on work's screen shell (keys typed earlier in boot 3
        # may sit on it), then the probe, typed there.
        type_on_screen(b, "\n")
        type_on_screen(b, "probe vt-fence /dev/tty1 >/tmp/vtf\n")
        out = wait_file(b, "/tmp/vtf", "^vt.end=1", "vt-a")
        kv = dict(re.findall(r"^(vt(?:fence|allow)?\.[\w.]+)=(\S*)\s*$", out, re.M))
        if kv.get("vt.end") != "1":
            raise Fail(f"probe vt-fence did not finish: {out[-600:]!r}")
        if kv.get("vt.ctty") not in ("yes", "acquired"):
            raise Fail(f"the probe did not have work's VT as controlling tty (vt.ctty="
                       f"{kv.get('vt.ctty')}): the kernel's own EPERM would hide the fence")
        bad = [f"{k}={kv.get(k)}" for n in FENCED for k in (f"vtfence.{n}", f"vtfence.{n}.hi")
               if kv.get(k) != "blocked:EPERM"]
        bad += [f"vtallow.{n}={kv.get('vtallow.' + n)}" for n in ALLOWED
                if kv.get("vtallow." + n) != "ok"]
        if bad:
            raise Fail("fence: " + ", ".join(bad))
        return (f"VT {kv.get('vt.number')}, ctty {kv['vt.ctty']}: {len(FENCED)} requests x 2 "
                f"(plain, bit 32) blocked:EPERM; {len(ALLOWED)} allowed ok")
    b.case("work's VT: every fenced VT/keyboard ioctl gets EPERM, also with bit 32 set; "
           "VT_SETMODE/KDSETMODE/KDSKBMODE and reads still work", fence)

    def hold():
        type_on_screen(b, "probe vt-hold /dev/tty1 --seconds 20 >/tmp/vth &\n")
        out = wait_file(b, "/tmp/vth", "^vthold.change=.*mode=process", "vt-b")
        if "vthold.setmode=ok" not in out or not re.search(r"vthold\.change=\S+ mode=process active=1", out):
            raise Fail(f"vt-hold did not take VT_PROCESS on VT 1: {out[-400:]!r}")
        since = b.serial.pos()
        b.serial.send(b"\x01")
        time.sleep(0.2)
        t0 = time.monotonic()
        b.serial.send(b"2")
        text = ""
        while time.monotonic() - t0 < 2.0:
            text = vga_text(b.qmp)
            if PERSONAL_BANNER in text and WORK_BANNER not in text:
                break
            time.sleep(0.1)
        else:
            shown = " | ".join(l for l in text.splitlines() if l.strip())[:400]
            raise Fail(f"2 s after Ctrl-a 2 the screen still is not personal's: {shown}")
        t_screen = time.monotonic() - t0
        m = b.expect(r"cellmgr: (?:warning: )?vt: VT 1 \(cell work\) did not let go within (\d+) ms: forcing it",
                     since, 10)
        m2 = b.expect(r"cellmgr: vt: VT 2 active (\d+\.\d+) ms after the switch was asked", since, 10)
        b.expect(r"cellmgr: console: cell personal", since, 10)
        # Back to work: its holder saw the override (VT_AUTO, VT 2 active).
        since = b.serial.pos()
        b.serial.send(b"\x01")
        time.sleep(0.2)
        b.serial.send(b"1")
        b.expect(r"cellmgr: console: cell work", since, 30)
        time.sleep(0.5)
        out = run(b, "cat /tmp/vth", "vt-c")
        if not re.search(r"vthold\.change=\S+ mode=auto active=2", out):
            raise Fail(f"work's holder did not see VT_AUTO with VT 2 active: {out[-400:]!r}")
        return (f"screen changed {t_screen * 1000:.0f} ms after Ctrl-a 2 (polled 0.1 s); "
                f"cellmgr forced VT 1 after {m.group(1)} ms, VT 2 active {m2.group(1)} ms after the ask")
    b.case("a cell holding VT_PROCESS on its VT and never releasing it cannot stop a switch "
           "(Ctrl-a 2: personal's screen within 2 s; cellmgr logs the override)", hold)

    def keymap():
        out = run(b, "probe vt-keymap /dev/tty1", "vt-k")
        kv = dict(re.findall(r"^vtkeymap\.(\w+)=(\S*)\s*$", out, re.M))
        if kv.get("end") != "1" or "error" in kv:
            raise Fail(f"probe vt-keymap did not finish: {out[-600:]!r}")
        counts = {k: int(v) for k, v in kv.items() if k not in ("end", "tables", "entries")}
        if int(kv.get("tables", 0)) < 1 or int(kv.get("entries", 0)) < 128 or len(counts) != 10:
            raise Fail(f"the probe read too little of the keymap: {kv}")
        left = {k: v for k, v in counts.items() if v}
        if left:
            raise Fail(f"entries left in the kernel keymap: {left}")
        m = b.expect(r"cellmgr: input: kernel keymap: (\d+) switch/boot/SAK/spawn/show entries removed",
                     0, 5)
        return (f"{kv['tables']} tables, {kv['entries']} entries read: none of {len(counts)} "
                f"kinds left (cellmgr removed {m.group(1)})")
    b.case("the kernel keymap has no console switch, Boot, SAK, Last_Console, Spawn_Console, "
           "Show_State/Memory/Registers entry (probe vt-keymap in work, KDGKBENT)", keymap)

    def replay():
        # Printed while work is in the background: only the replay on the
        # switch back shows it on the board's console.
        # (a computed marker: the typed line's echo, replayed too, must not match)
        run(b, "(sleep 3; printf 'bg-%s=\\033]0;pwned\\007\\033[2J end\\n' $((40+2)) "
               ">/dev/console) & true", "vt-r")
        switch_console(b, 2, "personal")
        time.sleep(5)
        with open(b.serial.log.name, "rb") as f:
            start = len(f.read())
        since = switch_console(b, 1, "work")
        b.expect(r"bg-42=", since, 10)
        time.sleep(0.5)
        with open(b.serial.log.name, "rb") as f:
            raw = f.read()[start:]
        shown = b"bg-42=\\x1b]0;pwned\\x07\\x1b[2J end"
        if shown not in raw or b"\x1b]0;pwned" in raw or b"\x1b[2J" in raw:
            i = raw.find(b"bg-42=")
            raise Fail(f"the replay on the board's console: {raw[max(0, i - 40):i + 80]!r}")
        return "replayed as " + shown.decode()
    b.case("the board console's replay on Ctrl-a 1 shows work's background OSC/CSI "
           "sequences as text, no ESC byte of theirs on the serial line", replay)

    def vt_mode():
        out = run(b, "chmod 0666 /dev/tty1; ls -ln /dev/tty1", "vt-m")
        if "crw-rw-rw-" not in out:
            raise Fail(f"work could not chmod its tty1 0666: {out[-300:]!r}")

        def vt_field():
            fields = dict(l.split(": ", 1) for l in b.admin_cmd("status work").splitlines()
                          if ": " in l)
            m = re.match(r"1 \(/dev/tty1 uid (\d+) gid (\d+) mode (0\d+)\)", fields.get("vt", ""))
            if not m:
                raise Fail(f"status work has no vt line for /dev/tty1: {fields}")
            return int(m.group(1)), int(m.group(2)), int(m.group(3), 8)
        uid, gid, mode = vt_field()
        if mode != 0o666 or uid == 0:
            raise Fail(f"while work runs, the host's /dev/tty1 is {uid}:{gid} {mode:04o}, "
                       "expected work's root and 0666")
        since = b.serial.pos()
        if b.admin_cmd("stop work").strip():
            raise Fail("stop work replied")
        b.admin_until(lambda r: r.get("work", ("",))[0] == "stopped", "work stopped")
        uid2, gid2, mode2 = vt_field()
        if uid2 != 0 or mode2 & 0o002:
            raise Fail(f"after work stopped, the host's /dev/tty1 is {uid2}:{gid2} {mode2:04o}: "
                       "still writable by anyone")
        # ... and exactly as before work first got it, which cellmgr read then.
        m = b.expect(r"cellmgr: vt: cell work left /dev/tty1 mode 0666: back to (0\d+)", since, 10)
        if mode2 != int(m.group(1), 8):
            raise Fail(f"after work stopped, the host's /dev/tty1 is {uid2}:{gid2} "
                       f"{mode2:04o}, cellmgr says back to {m.group(1)}")
        since = b.serial.pos()
        if b.admin_cmd("start work").strip():
            raise Fail("start work replied")
        b.admin_until(lambda r: r.get("work", ("",))[0] in ("running", "ready"), "work running")
        b.admin_cmd("switch work")
        b.expect(r"cellmgr: console: cell work", since, 30)
        b.expect(r"Welcome to the work cell", since, 60)
        run(b, "true", "vt-w", 60)
        uid3, gid3, mode3 = vt_field()
        return (f"running: {uid}:{gid} {mode:04o}; stopped: {uid2}:{gid2} {mode2:04o}; "
                f"started again: {uid3}:{gid3} {mode3:04o}")
    b.case("work chmods its tty1 0666; once work stops, the host's /dev/tty1 is root's with "
           "its mode from before (admin console: status work)", vt_mode)

    def busybox_getty():
        # Issue 22: a plain busybox getty on a busybox cell's tty1 puts a
        # login on its screen, and the board's keyboard logs in there.  The
        # screen shell becomes the getty (same tty, same session); when the
        # login shell exits, busybox init respawns the screen as before.
        e2e = sys.modules["__main__"]
        e2e.wait_screen(b.qmp, [WORK_BANNER], [], 60)
        type_on_screen(b, "\n")
        type_on_screen(b, "exec getty 38400 tty1\n")
        e2e.wait_screen(b.qmp, ["work login:"], [], 30)
        type_on_screen(b, "root\n")
        # root has no password in the demo cells: busybox login may still
        # ask for one, and an empty line is it.
        end = time.monotonic() + 20
        while time.monotonic() < end:
            text = e2e.vga_text(b.qmp)
            after = text.split("work login:", 1)[-1]
            if "Password:" in after:
                type_on_screen(b, "\n")
                break
            if "root@work" in after:
                break
            time.sleep(0.5)
        type_on_screen(b, "clear; echo getty-login-$((6*7)) $(tty) $(id -u)\n")
        text = e2e.wait_screen(b.qmp, ["getty-login-42 /dev/tty1 0"], [], 30)
        type_on_screen(b, "exit\n")
        e2e.wait_screen(b.qmp, [WORK_BANNER], ["getty-login-42"], 30)
        return next(l for l in text.splitlines() if "getty-login-42" in l).strip()
    b.case("busybox getty on work's tty1: the screen shows 'work login:', root logs in with the "
           "board's keyboard, on /dev/tty1", busybox_getty)

    def restart_keeps_screen():
        # cellctl restart of a display cell: the new instance has its
        # screen (the old one's end must not give its VT back to root
        # after the new one took it).
        since = b.serial.pos()
        if b.admin_cmd("restart work").strip():
            raise Fail("restart work replied")
        b.expect(r"cellmgr: cell work started", since, 60)
        b.admin_until(lambda r: r.get("work", ("",))[0] in ("running", "ready"), "work running")
        e2e = sys.modules["__main__"]
        e2e.wait_screen(b.qmp, [WORK_BANNER], [], 60)
        type_on_screen(b, "echo restarted-$((6*7))\n")
        e2e.wait_screen(b.qmp, ["restarted-42"], [], 30)
        return "the restarted work's screen shell answers typed keys"
    b.case("cellctl restart of a display cell: the new instance has its screen", restart_keeps_screen)
