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
   buffer within 2 s anyway, and cellmgr logs the override (mgr/vt.c).
"""
import re
import time

WORK_BANNER = "Welcome to the work cell"
PERSONAL_BANNER = "Welcome to the personal cell"

# docs/security.md's fenced list (mgr/seccomp.c vt_fenced_ioctls).
FENCED = ("TIOCLINUX TIOCSTI TIOCCONS VT_ACTIVATE VT_SETACTIVATE VT_DISALLOCATE VT_RESIZE "
          "VT_RESIZEX VT_LOCKSWITCH VT_UNLOCKSWITCH KIOCSOUND KDMKTONE KDSETLED KDADDIO KDDELIO "
          "KDENABIO KDDISABIO KDMAPDISP KDUNMAPDISP PIO_SCRNMAP PIO_UNISCRNMAP KDSKBENT KDSKBSENT "
          "KDSKBDIACR KDSKBDIACRUC KDSETKEYCODE KDSIGACCEPT KDKBDREP PIO_FONT PIO_FONTX "
          "PIO_FONTRESET KDFONTOP PIO_CMAP").split()
ALLOWED = "VT_GETSTATE KDGETMODE KDSETMODE VT_GETMODE VT_SETMODE KDGKBMODE KDSKBMODE".split()

# Characters typed on the board's keyboard (US layout): QEMU qcodes.
QCODES = {" ": ["spc"], "-": ["minus"], "/": ["slash"], ".": ["dot"], ">": ["shift", "dot"],
          "&": ["shift", "7"], "\n": ["ret"]}


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
