"""cellar e2e on the arm64 board: `tests/e2e/run --arch arm64`.

One boot of board/qemu-arm64's machine (QEMU virt, Cortex-A57, TCG,
Debian's arm64 kernel with a device tree) with the images of out-arm64/
(scripts/build.sh --arch arm64), through tests/e2e/run's machinery (Boot,
Serial, QMP, Report: passed in as `run`):

- boot: init's kernel config check finds every option of the board's
  fragment, every module loads, cellmgr watches virt's gpio-keys power
  button, both cells start;
- a switch with the hotkey (Ctrl-Alt-F2 on the virtio keyboard) and one
  with `switch` on the admin console (virtio console, hvc0) each move the
  screen, the keyboard and the serial console to the other cell;
- AArch32: a 32-bit ARM busybox (busybox-static:armhf, the cells'
  /bin/busybox32) runs in a cell as a compat process, and its VT_ACTIVATE
  on the cell's own VT (chvt) gets EPERM from the seccomp filter, which
  covers AUDIT_ARCH_ARM with the same rules (docs/security.md);
- a cell restart (`restart` on the admin console), back in front
  with a new pid: screen, serial console and keyboard reach the new one;
- the power button (QMP system_powerdown: a gpio-keys KEY_POWER): every cell
  stops, /data is unmounted, QEMU exits 0 and e2fsck finds the data disk
  clean.

The screen: virtio-gpu with fbcon has no text buffer to read (x86's VGA
text mode does), so a QMP screendump is read by colour: each cell's prompt
is bold in its own colour (images/busybox-cell.sh: work yellow, personal
green), drawn by fbcon in the VGA palette's bright colours.  The screen
shows a cell when its colour is there and the other's is not.  The
keyboard: a line typed with QMP input-send-event in the front cell's screen
shell writes a file in that cell's /tmp, read from the serial console.
"""
import collections
import os
import re
import subprocess
import time

WORK_BANNER = "Welcome to the work cell"
PERSONAL_BANNER = "Welcome to the personal cell"
# fbcon's bright yellow and bright green (the VGA palette: 0x55/0xff).
COLOUR = {"work": (0xff, 0xff, 0x55), "personal": (0x55, 0xff, 0x55)}
OTHER = {"work": "personal", "personal": "work"}

# Characters typed on the board's keyboard (US layout): QEMU qcodes.
QCODES = {" ": ["spc"], "-": ["minus"], "/": ["slash"], ".": ["dot"], ">": ["shift", "dot"],
          "$": ["shift", "4"], "?": ["shift", "slash"], ";": ["semicolon"], "\n": ["ret"]}


def boot_arm64(report, timeout, tmp, run):
    Fail = run.Fail
    b = run.Boot("arm64", report, timeout, root_disk=False, admin=True)
    st = {}

    def key(qcode, down):
        b.qmp.cmd("input-send-event", events=[
            {"type": "key", "data": {"down": down, "key": {"type": "qcode", "data": qcode}}}])
        time.sleep(0.025)

    def type_keys(text):
        for ch in text:
            keys = QCODES.get(ch, [ch])
            for k in keys:
                key(k, True)
            for k in reversed(keys):
                key(k, False)

    def serial_run(line, marker, timeout=60):
        """Types `line; echo =MARKER-2` on the serial console; returns the output."""
        since = b.serial.pos()
        b.type_line(f"{line}; echo ={marker}-$((1+1))")
        m = b.expect(rf"^={marker}-2", since, timeout)
        return b.serial.text[since:m.start()]

    def screen(name):
        """QMP screendump: {cell: pixels of its prompt colour}; the picture
        is kept as OUT/e2e/arm64-NAME.png."""
        ppm_path = os.path.join(run.OUT, "e2e", f"arm64-{name}.ppm")
        if os.path.exists(ppm_path):
            os.unlink(ppm_path)
        b.qmp.cmd("screendump", filename=ppm_path)
        data = b""
        for _ in range(50):  # QEMU writes it from its main loop
            if os.path.exists(ppm_path) and os.path.getsize(ppm_path) > 1000:
                time.sleep(0.2)
                with open(ppm_path, "rb") as f:
                    data = f.read()
                break
            time.sleep(0.1)
        if not data:
            raise Fail(f"screendump {ppm_path}: nothing written")
        w, h = run.ppm_to_png(data, os.path.join(run.OUT, "e2e", f"arm64-{name}.png"))
        pix = data[len(data) - w * h * 3:]
        seen = collections.Counter(zip(pix[0::3], pix[1::3], pix[2::3]))
        counts = {cell: seen.get(rgb, 0) for cell, rgb in COLOUR.items()}
        counts["size"] = f"{w}x{h}"
        return counts

    def wait_screen(cell, name, timeout=30):
        """Until the screen shows cell's colour and not the other's."""
        deadline = time.monotonic() + timeout
        while True:
            c = screen(name)
            if c[cell] > 50 and c[OTHER[cell]] == 0:
                return f"{c[cell]} {cell}-coloured pixels, none of {OTHER[cell]} ({c['size']})"
            if time.monotonic() > deadline:
                raise Fail(f"the screen does not show {cell}: {c} (out-arm64/e2e/arm64-{name}.png)")
            time.sleep(0.5)

    def keyboard_lands(cell, tag):
        """A line typed on the keyboard runs in cell's screen shell: it
        writes its host name to /tmp/TAG there, read on the serial console
        (which must be on cell)."""
        type_keys(f"hostname >/tmp/{tag}\n")
        out = ""
        for _ in range(20):
            out = serial_run(f"echo {tag}-$(cat /tmp/{tag} 2>/dev/null)-end", f"{tag}r")
            if f"{tag}-{cell}-end" in out:
                return f"typed 'hostname >/tmp/{tag}' ran in {cell}"
            time.sleep(0.5)
        raise Fail(f"the line typed on the keyboard did not run in {cell}'s screen shell: {out!r}")

    def console_on(cell):
        out = serial_run("echo e2e-$((6*7))-$(hostname)", f"con{cell}")
        if f"e2e-42-{cell}" not in out:
            raise Fail(f"the serial console is not on {cell}: {out!r}")

    try:
        b.case("QEMU starts (virt, Cortex-A57, virtio GPU/keyboard/tablet, admin console on virtconsole)",
               lambda: b.launch(tmp))

        def init_ran():
            st["init"] = b.expect(r"^cellar-init: ").start()
        b.case("init runs (cellar-init: lines on ttyAMA0)", init_ran)

        def kconfig():
            m = b.expect(r"^cellar-init: kconfig: [^\n]*(has all \d+ options|missing)[^\n]*", st["init"], 60)
            if "missing" in m.group(0):
                lines = re.findall(r"^cellar-init: kconfig: [^\n]*", b.serial.text[st["init"]:], re.M)
                raise Fail("; ".join(lines))
            return m.group(0).split("kconfig: ")[1]
        b.case("init checks the kernel's options against the board's fragment: none missing", kconfig)

        def modules():
            m = b.expect(r"^cellar-init: modules: (\d+) of (\d+) requested loaded[^\n]*", st["init"], 60)
            if m.group(1) != m.group(2):
                raise Fail(m.group(0))
            return m.group(0).split("modules: ")[1]
        b.case("init loads every module of config/demo-arm64.conf", modules)

        def started():
            t = b.cells_started(st["init"])
            print(f"# boot arm64: both cells started {t:.1f} s after QEMU launch", flush=True)
            return f"{t:.1f} s after launch"
        b.case("cellmgr starts cells work and personal", started)

        def power_key():
            return b.expect(r"cellmgr: input: grabbed /dev/input/event\d+: gpio-keys", st["init"], 10).group(0)
        b.case("cellmgr watches virt's power button (gpio-keys)", power_key)

        def work_shell():
            m = b.expect(r"Welcome to the work cell", st["init"])
            try:
                b.expect(r"root@work", m.end(), 60)
            except Fail:
                pass
            console_on("work")
        b.case("a command typed on the serial console runs in work", work_shell)

        b.case("the screen (virtio-gpu, fbcon) shows work's VT", lambda: wait_screen("work", "work", 90))
        b.case("keys typed on the virtio keyboard land in work's screen shell",
               lambda: keyboard_lands("work", "k1"))

        def aarch32():
            since = b.serial.pos()
            # On work's screen shell, whose controlling tty is work's VT (a
            # VT_ACTIVATE from anywhere else gets EPERM from the kernel).
            # Its own memory map: a compat (AArch32) process has the kernel's
            # [vectors] (kuser helpers) and [sigpage] mappings, no AArch64
            # process has.
            type_keys("busybox32 tail -n 3 /proc/self/maps >/tmp/c32; busybox32 chvt 2 2>>/tmp/c32; "
                      "echo rc$? >>/tmp/c32\n")
            type_keys("chvt 2 2>/tmp/c64; echo rc$? >>/tmp/c64\n")
            out = ""
            for _ in range(20):
                out = serial_run("cat /tmp/c32 /tmp/c64 2>/dev/null", "c32")
                if len(re.findall(r"^rc\d+", out, re.M)) >= 2:
                    break
                time.sleep(0.5)
            compat = re.findall(r"\[(vectors|sigpage)\]", out)
            if not compat:
                raise Fail(f"busybox32 did not run as a 32-bit ARM process (no [vectors] or [sigpage] "
                           f"in its /proc/self/maps): {out!r}")
            if len(re.findall(r"VT_ACTIVATE: Operation not permitted", out)) != 2 or \
                    len(re.findall(r"^rc1$", out, re.M)) != 2:
                raise Fail(f"chvt 2 (32-bit, then 64-bit) was not refused with EPERM: {out!r}")
            if re.search(r"cellmgr: console: cell personal", b.serial.text[since:]):
                raise Fail("the console moved to personal")
            wait_screen("work", "work-after-chvt", 5)
            return (f"busybox32's own map has {' and '.join(f'[{c}]' for c in sorted(set(compat)))} (AArch32); "
                    "VT_ACTIVATE: EPERM from AArch32 and AArch64; work stays in front")
        b.case("AArch32: a 32-bit ARM busybox runs in work, and its VT_ACTIVATE (chvt 2) on work's "
               "own VT gets EPERM like the 64-bit one (the filter covers AUDIT_ARCH_ARM)", aarch32)

        def hotkey():
            since = b.serial.pos()
            run.send_keys(b.qmp, ["ctrl", "alt", "f2"])
            m = b.expect(r"cellmgr: console: cell personal", since, 30)
            b.expect(r"Welcome to the personal cell", m.end(), 60)
            return wait_screen("personal", "hotkey-personal", 30)
        b.case("Ctrl-Alt-F2 on the keyboard: the screen and the serial console go to personal", hotkey)
        b.case("after the hotkey, the serial console runs commands in personal",
               lambda: console_on("personal"))
        b.case("after the hotkey, the keyboard types into personal", lambda: keyboard_lands("personal", "k2"))

        def admin_switch():
            b.adm.wait(r"cellar admin console: cellctl commands only", 0, 60)
            since = b.serial.pos()
            reply = b.admin_cmd("switch work")
            if reply.strip():
                raise Fail(f"switch work replied {reply!r}")
            b.expect(r"cellmgr: console: cell work", since, 30)
            rows = b.admin_rows()
            if not rows.get("work", ("", 0, False))[2]:
                raise Fail(f"work is not in front: {rows}")
            return wait_screen("work", "admin-work", 30)
        b.case("admin console (hvc0): switch work moves the screen and the serial console to work", admin_switch)
        b.case("after switch work, the serial console runs commands in work", lambda: console_on("work"))

        def keys_stay():
            note = keyboard_lands("work", "k3")
            out = serial_run("test -e /tmp/k2 && echo leak-$((1+1)) || echo clean-$((2+2))", "k2w")
            if "clean-4" not in out:
                raise Fail(f"personal's typed line (/tmp/k2) ran in work: {out!r}")
            return note + "; personal's earlier line is not in work"
        b.case("after switch work, the keyboard types into work (and personal's line never reached it)",
               keys_stay)

        def restart():
            rows = b.admin_rows()
            old = rows.get("personal", ("", 0, False))[1]
            since = b.serial.pos()
            # `restart`: the new instance keeps the VT and the input copies
            # (cellmgr gave them back after the new instance took them,
            # until the seat learnt to keep the front of a cell that comes back).
            reply = b.admin_cmd("restart personal")
            if reply.strip():
                raise Fail(f"restart personal replied {reply!r}")
            rows = b.admin_until(lambda r: r.get("personal", ("", 0))[0] in ("running", "ready")
                                 and r["personal"][1] not in (0, old), "personal running with a new pid", 90)
            b.expect(r"cellmgr: cell personal started \(pid \d+\)", since, 60)
            since = b.serial.pos()
            reply = b.admin_cmd("switch personal")
            if reply.strip():
                raise Fail(f"switch personal replied {reply!r}")
            b.expect(r"Welcome to the personal cell", since, 60)
            wait_screen("personal", "restarted-personal", 60)
            console_on("personal")
            # The new instance's screen shell (its /tmp is new: the file
            # can only come from a line typed after the restart).
            keyboard_lands("personal", "k4")
            return f"pid {old} -> {rows['personal'][1]}; back in front: screen, console and keyboard"
        b.case("admin console: restart personal; it runs again with a new pid and comes back in front "
               "(screen, serial console, keyboard)",
               restart)

        def powerdown():
            st["pd"] = b.serial.pos()
            b.qmp.cmd("system_powerdown")
            b.expect(r"cellmgr: power key pressed", st["pd"], 60)
            b.expect(r"^cellar-init: .*power(ing)? ?off", st["pd"], flags=re.M | re.I)
        b.case("power button (QMP system_powerdown, gpio-keys KEY_POWER): init powers off", powerdown)
        b.case("cellmgr: all cells stopped", lambda: b.expect(r"cellmgr: all cells stopped", st["pd"]) and None)
        b.case("init unmounts /data",
               lambda: b.expect(r"^cellar-init: data: unmounted /data", st["pd"]).group(0))

        def exits():
            rc = b.wait_exit(timeout)
            if rc != 0:
                raise Fail(f"QEMU exit status {rc}, expected 0")
            return "exit status 0"
        b.case("QEMU exits 0 by itself (powered off)", exits)

        def clean():
            r = subprocess.run(["e2fsck", "-fn", b.data], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if r.returncode != 0:
                raise Fail(f"e2fsck -fn: status {r.returncode}: {r.stdout.decode(errors='replace')[-400:]}")
            return "e2fsck -fn: clean"
        b.case("the data disk is clean on the host (e2fsck -fn)", clean)
    finally:
        b.close()
    return getattr(b, "started_after", None)
