"""cellar e2e: the input half of device multiplexing (docs/devices-input.md).

A boot of its own (boot 3), so that a failure here never hides the other
boots' checks.  tests/e2e/run calls it as

    import input as e2e_input            # tests/e2e/ is on sys.path
    e2e_input.boot3(report, timeout, tmp, Boot, Fail)

It boots the initramfs like boot 1, waits for both cells (work in front),
runs the checks below and ends with Ctrl-Alt-Del typed on the grabbed
keyboard: init must still reboot.

Keys are injected with QMP input-send-event into the grabbed PS/2 keyboard;
inside each cell `probe input` reads the cell's copy, run from the cell's
own shell on the serial console (there is no host shell).  Output that a
cell makes while it is in the background goes to a file in its /tmp, read
once it is in front again.
"""
import re
import time

import vnc
import vt as e2e_vt

KBD_NAME = "AT Translated Set 2 keyboard"
VIRTIO_KBD_NAME = "QEMU Virtio Keyboard"

# Linux key codes of the qcodes used here.
KEY = {"a": 30, "b": 48, "c": 46, "d": 32, "ctrl": 29, "alt": 56}


def key(b, qcode, down):
    b.qmp.cmd("input-send-event", events=[
        {"type": "key", "data": {"down": down, "key": {"type": "qcode", "data": qcode}}}])
    time.sleep(0.03)


def tap(b, qcode):
    key(b, qcode, True)
    key(b, qcode, False)


def run(b, line, marker, timeout=60):
    """Types `line; echo =MARKER` in the front cell; returns its output."""
    since = b.serial.pos()
    b.type_line(f"{line}; echo ={marker}-$((1+1))")
    m = b.expect(rf"^={marker}-2", since, timeout)
    return b.serial.text[since:m.start()]


def arm(b, line, marker):
    """Types `echo MARKER; line` and returns once MARKER is echoed back, and
    a little later, so that the probe has opened its device."""
    since = b.serial.pos()
    b.type_line(f"echo {marker}-$((2+2)); {line}")
    b.expect(rf"^{marker}-4", since, 60)
    time.sleep(1.5)
    return since


def events(text):
    return re.findall(r"input\.event=(\d+ \d+ -?\d+)", text)


def switch_console(b, n, cell):
    """Ctrl-a N on the serial console; waits for cellmgr's line and returns
    where the serial text stood before."""
    since = b.serial.pos()
    b.serial.send(b"\x01")
    time.sleep(0.2)
    b.serial.send(str(n).encode())
    b.expect(rf"cellmgr: console: cell {cell}", since, 60)
    time.sleep(0.5)
    return since


def find_kbd(b, marker):
    out = run(b, "K=; for d in /dev/input/event*; do probe input $d --count 0 --timeout-ms 0 "
                 f"| grep -q 'name={KBD_NAME}' && K=$d; done; echo kbd-$K", marker)
    m = re.search(r"kbd-(/dev/input/event\d+)", out)
    if not m:
        raise _Fail(f"no copy named {KBD_NAME!r} in the cell's /dev/input: {out!r}")
    return m.group(1)


_Fail = Exception  # tests/e2e/run's Fail, set by boot3()


def boot3(report, timeout, tmp, Boot, Fail):
    global _Fail
    _Fail = Fail
    b = Boot(3, report, timeout, root_disk=False, vnc=True, admin=True)  # admin: vt.py
    st = {}
    try:
        b.case("QEMU starts", lambda: b.launch(tmp))

        def init_ran():
            st["init"] = b.expect(r"^cellar-init: ").start()
        b.case("init runs", init_ran)
        b.case("cellmgr starts cells work and personal", lambda: "%.1f s after launch" % b.cells_started(st.get("init", 0)))

        def ready():
            m = b.expect(r"Welcome to the work cell")
            try:
                b.expect(r"root@work", m.end(), 60)
            except Fail:
                pass
            run(b, "true", "in-0", 60)
            return b.expect(r"cellmgr: input: grabbed /dev/input/event\d+: " + KBD_NAME, st.get("init", 0), 5).group(0)
        b.case("cellmgr grabbed the PS/2 keyboard; work's shell answers", ready)
        checks(b)
        e2e_vt.checks(b, Fail)  # tests/e2e/vt.py: the VT ioctl fence, VT_PROCESS override

        def cad():
            since = b.serial.pos()
            for k in ("ctrl", "alt", "delete"):
                key(b, k, True)
            for k in ("delete", "alt", "ctrl"):
                key(b, k, False)
            b.expect(r"cellmgr: input: Ctrl-Alt-Del", since, 30)
            b.expect(r"^cellar-init: .*reboot", since, 60, flags=re.M | re.I)
        b.case("Ctrl-Alt-Del on the grabbed keyboard: init reboots", cad)
        b.case("QEMU exits by itself (-no-reboot)", lambda: f"exit status {b.wait_exit(timeout)}")
    finally:
        b.close()
    return getattr(b, "started_after", None)


def checks(b):
    st = {}

    def wrap(fn):
        return fn

    def front_reads():
        st["k"] = find_kbd(b, "in-a")
        t0 = arm(b, f"probe input {st['k']} --count 2 --timeout-ms 10000 | tr '\\n' ' '", "armed1")
        tap(b, "a")
        run(b, "true", "in-b", 30)
        out = b.serial.text[t0:]
        ev = events(out)
        if ev != ["1 30 1", "1 30 0"]:
            raise _Fail(f"work's copy delivered {ev}, expected a down and up (1 30 1, 1 30 0): {out!r}")
        return f"{st['k']}: {' / '.join(ev)}"
    b.case("a key injected with QMP reaches the front cell's copy (work)", wrap(front_reads))

    def background_blind():
        switch_console(b, 2, "personal")
        st["kp"] = find_kbd(b, "in-c")
        # In the background: one reader, and one writer into its own copy
        # 10 s later (while work is in front): neither may see or do anything.
        run(b, f"(probe input {st['kp']} --count 1 --timeout-ms 25000 > /tmp/bg &); "
               f"(sleep 10; probe input {st['kp']} --write 30,30,30 --count 0 > /tmp/bgw &)", "in-d")
        switch_console(b, 1, "work")
        t0 = arm(b, f"probe input {st['k']} --count 3 --timeout-ms 16000 | tr '\\n' ' '", "armed2")
        tap(b, "b")
        run(b, "true", "in-e", 40)
        out = b.serial.text[t0:]
        ev = events(out)
        if ev != ["1 48 1", "1 48 0"]:
            raise _Fail(f"work (front) read {ev} while personal wrote KEY_A into its copy; "
                        f"expected only the b key (1 48 1, 1 48 0)")
        return "work saw only its own key; personal's injected KEY_A x3 went nowhere"
    b.case("a background cell's writes into its own copy do not reach the front cell",
           wrap(background_blind))

    def held_release():
        arm(b, f"(probe input {st['k']} --count 6 --timeout-ms 20000 > /tmp/held &)", "armed3")
        since = b.serial.pos()
        key(b, "c", True)
        key(b, "ctrl", True)
        key(b, "alt", True)
        key(b, "right", True)      # Ctrl-Alt-Right: next cell, consumed
        key(b, "right", False)
        key(b, "alt", False)
        key(b, "ctrl", False)
        key(b, "c", False)
        b.expect(r"cellmgr: (seat: personal in front .*; Ctrl-Alt-Right|console: cell personal)", since, 30)
        b.expect(r"cellmgr: console: cell personal", since, 30)
        time.sleep(0.5)
        switch_console(b, 1, "work")
        out = run(b, "sleep 1; tr '\\n' ' ' < /tmp/held; echo", "in-g", 60)
        ev = events(out)
        for want in ("1 46 1", "1 46 0", "1 29 0", "1 56 0"):
            if want not in ev:
                raise _Fail(f"work's copy got {ev}: no {want} (keys held at the switch released?)")
        if any(e.startswith("1 106 ") for e in ev):
            raise _Fail(f"the hotkey's Right reached work: {ev}")
        return f"work got {' / '.join(ev)}"
    b.case("Ctrl-Alt-Right switches to personal (consumed); keys held in work are released there",
           wrap(held_release))

    def leds():
        # work is in front.  Caps Lock there lights the board's keyboard
        # LED (the kernel sets it on work's copy, cellmgr mirrors it on the
        # grabbed keyboard); personal's VT has it off, and the LED follows.
        w = vnc.LedWatch(b.vnc_path)
        try:
            tap(b, "caps_lock")
            if w.wait(lambda s: s & vnc.CAPS, 20) is None:
                raise _Fail(f"Caps Lock pressed in work (front): the keyboard's LED stayed off (VNC LED state {w.state})")
            switch_console(b, 2, "personal")
            if w.wait(lambda s: not s & vnc.CAPS, 20) is None:
                raise _Fail(f"personal in front (its VT has no Caps Lock): the LED stayed on (VNC LED state {w.state})")
            switch_console(b, 1, "work")
            if w.wait(lambda s: s & vnc.CAPS, 20) is None:
                raise _Fail(f"work back in front: the LED did not come back on (VNC LED state {w.state})")
            tap(b, "caps_lock")
            if w.wait(lambda s: not s & vnc.CAPS, 20) is None:
                raise _Fail(f"Caps Lock pressed again in work: the LED stayed on (VNC LED state {w.state})")
            return f"on in work, off with personal in front, on again with work, off; {w.changes} LED updates"
        finally:
            w.close()
    b.case("the Caps Lock LED follows the front cell (seen through QEMU's VNC LED state)", wrap(leds))

    def hotplug():
        since = b.serial.pos()
        b.qmp.cmd("device_add", driver="virtio-keyboard-pci", id="e2ekbd")
        m = b.expect(rf"cellmgr: input: grabbed (/dev/input/event\d+): {VIRTIO_KBD_NAME}", since, 60)
        copies = {}
        for cell in ("work", "personal"):
            mc = b.expect(rf"cellmgr: input: cell {cell}: /dev/input/event\d+ is its (/dev/input/event\d+)", since, 30)
            copies[cell] = mc.group(1)
        st["hot"] = (m.group(1), copies)
        kv = copies["work"]
        time.sleep(1)
        t0 = arm(b, f"probe input {kv} --count 2 --timeout-ms 10000 | tr '\\n' ' '", "armed4")
        # QEMU sends keys to the keyboard activated last: the new one.
        tap(b, "d")
        run(b, "true", "in-h", 30)
        out = b.serial.text[t0:]
        ev = events(out)
        if ev != ["1 32 1", "1 32 0"]:
            raise _Fail(f"the hot-added keyboard's copy {kv} in work delivered {ev} ({out!r})")
        return f"host {m.group(1)} -> work's {kv} (delivered {' / '.join(ev)}), personal's {copies['personal']}"
    b.case("a keyboard hot-added with QMP device_add gets a copy in both cells and works in the front one",
           wrap(hotplug))

    def unplug():
        host, copies = st["hot"]
        since = b.serial.pos()
        b.qmp.cmd("device_del", id="e2ekbd")
        b.expect(rf"cellmgr: input: {host} \({VIRTIO_KBD_NAME}\) gone", since, 60)
        seen = {}
        for n, cell in ((1, "work"), (2, "personal")):
            if cell != "work":
                switch_console(b, n, cell)
            out = run(b, f"for d in /dev/input/event*; do probe input $d --count 0 --timeout-ms 0 "
                         f"| grep -q 'name={VIRTIO_KBD_NAME}' && echo still-$((1))-$d; done; "
                         f"test -e {copies[cell]} && echo node-left-$((1))", f"un-{cell}", 60)
            if "still-1-" in out or "node-left-1" in out:
                raise _Fail(f"after device_del, {cell} still has the keyboard's copy {copies[cell]}: {out!r}")
            seen[cell] = copies[cell]
        switch_console(b, 1, "work")
        # Input goes on through the PS/2 keyboard (QEMU's next keyboard).
        t0 = arm(b, f"probe input {st['k']} --count 2 --timeout-ms 10000 | tr '\\n' ' '", "armed5")
        tap(b, "a")
        run(b, "true", "in-i", 30)
        ev = events(b.serial.text[t0:])
        if ev != ["1 30 1", "1 30 0"]:
            raise _Fail(f"after the unplug, work's PS/2 copy delivered {ev}")
        return f"copies gone: work {seen['work']}, personal {seen['personal']}; the PS/2 keyboard still types"
    b.case("the hot-added keyboard removed with QMP device_del: its copies leave both cells", wrap(unplug))

    def symlinked_input():
        # Finding 6 of issue 13: the front cell swaps its /dev/input for a
        # symlink to a directory of its own before a keyboard is plugged
        # in.  cellmgr must not follow it (it works from fds in the shim's
        # namespace): no node appears behind the link, the refusal is
        # logged, and the other cell still gets its copy.
        run(b, "mv /dev/input /dev/input.real && mkdir -p /evil && ln -s /evil /dev/input",
            "sym-1", 60)
        since = b.serial.pos()
        b.qmp.cmd("device_add", driver="virtio-keyboard-pci", id="e2ekbd2")
        try:
            b.expect(rf"cellmgr: input: grabbed (/dev/input/event\d+): {VIRTIO_KBD_NAME}", since, 60)
            b.expect(r"cellmgr: input: cell personal: /dev/input/event\d+ is its /dev/input/event\d+",
                     since, 30)
            refused = b.expect(r"cellmgr: input: cell work: bind \S+ on its /dev/input/event\d+: [^\r\n]*",
                               since, 30).group(0)
            time.sleep(0.5)
            out = run(b, "ls -A /evil | tr '\\n' ' '; echo listed-$((3))", "sym-2", 60)
            if re.search(r"event\d", out):
                raise _Fail(f"a node appeared behind work's symlinked /dev/input: {out!r}")
        finally:
            since = b.serial.pos()
            b.qmp.cmd("device_del", id="e2ekbd2")
            b.expect(rf"cellmgr: input: \S+ \({VIRTIO_KBD_NAME}\) gone", since, 60)
            run(b, "rm /dev/input && mv /dev/input.real /dev/input && rm -rf /evil", "sym-3", 60)
        return f"{refused.split('cellmgr: ')[-1]}; nothing behind the link; personal got its copy"
    b.case("finding 6: a cell's /dev/input swapped for a symlink: a hot-plugged device is not bound through it",
           wrap(symlinked_input))
