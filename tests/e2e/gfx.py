"""cellar e2e: the graphical board (boot 5, issue 15): two Debian cells
running Debian's own compositors (wlroots 0.15), cage in red and sway in
blue, each with foot, on the board's screen through cellmgr's seat.  tests/e2e/run calls it as

    import gfx as e2e_gfx                # tests/e2e/ is on sys.path
    e2e_gfx.boot5(report, timeout, tmp, Boot, Fail)

The harness builds the cells' image (images/debian-cell.sh with cage, sway,
foot, fonts, busybox, libinput-tools, kbd and alsa-utils: a debootstrap, cached in
CACHE_DIR, default OUT/cache/gfx) and a data disk (images/data-disk.sh
--from) holding it and a cell list, cells.conf: the board's [host] with
`virtio_gpu` added to its modules (the initramfs carries it: scripts/arch.sh's
EXTRA_MODULES; config/demo.conf does not load it, its boots read the VGA
text screen), and two cells of `devices = display input gpu`, `red` (in
front, VT 1) and `blue` (VT 2).  Each cell's init is a shell that runs
`cage -- foot` with its own background colour in a loop (a compositor whose
seat is not enabled gives up; the next try comes 1 s later) and keeps a
shell on its console.  QEMU: virtio-gpu-pci instead of -vga std, 1 GiB,
cellar.config=/data/cells.conf.  Not -vga std's bochs-drm: on the board's
6.1 kernel it has no PRIME (DRM_CAP_PRIME is 0), and wlroots 0.15 refuses
such a card ("PRIME import not supported").

Checked: init loads virtio_gpu and cellmgr finds /dev/dri/card0; both cells
start with their seat; the front cell's compositor comes up (its client's
marker on the console); the cell has no /dev/dri node, cage (a user) holds
the card only through its seat; keys typed on the board's keyboard (QMP)
reach the front cell's foot and not the other's; QMP screendumps show the front cell's colour over
most of the screen and not one pixel of the other's; `cellctl switch` (the
admin console) and Ctrl-Alt-F2 / Ctrl-Alt-F1 (QMP keys, cellmgr's hotkeys)
bring the other colour, with no pixel of the old one left, and back again
(the first compositor enabled again); libinput in red lists exactly red's
own copy; a keyboard plugged in with device_add reaches red's compositor
(the cell's udev announce); a third, text cell: Ctrl-Alt-F3 from a
compositor shows its VT (fbcon) with no pixel of either compositor, and
Ctrl-Alt-F1 brings red's compositor back.  The time from the command or key to
the first screendump with the new colour is printed.  Screendumps: PNG in
OUT/e2e/ and, one of each colour, docs/img/.

Sound (issue 19): red and blue also have `audio` in devices and each runs
Debian's speaker-test on its default ALSA device (`-t sine -c 2 -l 0`,
red 440 Hz, blue 880 Hz) from boot on.  QEMU gets an Intel HDA card
(intel-hda, hda-duplex with mixer=off: no mixer control to unmute, as
the board has no alsactl) whose playback its wav audiodev records to
OUT/e2e/boot-5.wav; the list's [host] loads snd_hda_codec_generic and
snd_hda_intel (the initramfs carries them and snd_aloop: EXTRA_MODULES)
and sets audio_period = 20ms.  Checked: init loads snd_aloop with 2
loopback cards; cellmgr opens the board's card (Intel) and gives each
cell its loopback card; `status` on the admin console: the front cell's
card heard, the other's muted, before and after `switch blue`; the
recording, 4 s each side of `switch blue` and of `switch red` (cut to
OUT/e2e/boot-5-FROM-to-TO.wav, judged by tests/qemu-audio/wavcheck.py
--mix none): the old front's tone and not the other's, then the new
front's and not the old's, and the gap between them.
"""
import collections
import os
import re
import shutil
import subprocess
import sys
import time
import wave

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.environ.get("OUT_DIR", os.path.join(TOP, "out"))
CACHE = os.environ.get("CACHE_DIR", os.path.join(OUT, "cache", "gfx"))
IMAGE = os.path.join(OUT, "cells", "gfx.erofs")
# debootstrap's --include: dbus-x11 because libinput-tools pulls GTK, whose
# dconf-service wants a dbus-session-bus that debootstrap does not choose;
# dbus and libpam-systemd because sway depends on polkitd, which wants a
# system bus and a logind (none of them runs here: the cells' init is a
# shell).
# alsa-utils: speaker-test, the cells' tones (issue 19).
PACKAGES = ("cage,sway,foot,fonts-dejavu-core,busybox,libinput-tools,kbd,dbus-x11,dbus,libpam-systemd,"
            "alsa-utils")
CONFIG = "/data/cells.conf"
FREE_MIB = 64
# What the board's sound card plays, as QEMU's wav audiodev records it.
WAV = os.path.join(OUT, "e2e", "boot-5.wav")
WAVCHECK = os.path.join(TOP, "tests", "qemu-audio", "wavcheck.py")

# name, VT, background colour (RRGGBB): colours no anti-aliased text of the
# other cell's foot can produce (text blends foot's light grey into the
# cell's own background).
CELLS = (("red", 1, "c00000"), ("blue", 2, "0000c0"))
# The tone each cell plays (Hz): Debian's speaker-test on the cell's default
# ALSA device, its own loopback card (devices = ... audio).
TONES = {"red": 440, "blue": 880}
RATE = 48000      # QEMU's wav and the board's card ([host] audio_rate's default)
WAV_SIDE = 4.0    # seconds of the recording judged on each side of a switch

# The cell's init: a user for the compositor (cage refuses to run as root:
# it checks that it cannot get root back), its runtime directory, the
# compositor in a loop, a shell on the console.  Written for the cell list's `init` (docs/config.md:
# double quotes group, no expansion), so no " or \ inside.
INIT = ("id user >/dev/null 2>&1 || useradd -m -u 1000 -s /bin/bash user; "
        "chmod 0666 /dev/console; mkdir -p /run/user/1000; chown user:user /run/user/1000; chmod 0700 /run/user/1000; "
        "(while :; do speaker-test -D default -t sine -f {tone} -c 2 -l 0 >/tmp/speaker-test.log 2>&1; "
        "echo gfx-speaker-test-exit-{name}-$?; sleep 1; done) </dev/null & "
        "(n=0; while :; do n=$((n+1)); echo gfx-cage-start-{name}-$n; "
        "setpriv --reuid=user --regid=user --init-groups env HOME=/home/user USER=user "
        "{compositor}; "
        "echo gfx-cage-exit-{name}-$?; sleep 1; done) </dev/null & "
        "exec sh -i")
# red runs cage (a kiosk: one client, full screen), blue sway (a tiling
# desktop; its config runs foot, borderless, and no Xwayland): Debian's
# own, unmodified, both through cellmgr's seat.
CLIENT = "echo 'echo gfx-client-up-{name} >/dev/console; exec bash' >/tmp/client.sh; "
COMPOSITOR = {
    "red": "cage -- foot -o colors.background={bg} sh /tmp/client.sh",
    "blue": "sway -c /tmp/sway.cfg",
}
SWAY_CFG = ("echo 'default_border none' >/tmp/sway.cfg; echo 'xwayland disable' >>/tmp/sway.cfg; "
            "echo 'exec foot -o colors.background={bg} sh /tmp/client.sh' >>/tmp/sway.cfg; ")

# A text cell beside them: its VT (fbcon) shows a banner; Ctrl-Alt-F3
# goes to it from a compositor and Ctrl-Alt-F1 back (issue 15: the hotkeys
# switch between graphical and text cells alike).
TEXT_CELL = """
[cell text]
image = /data/images/gfx.erofs
init = /bin/sh -c "while :; do echo TEXT-CELL-ON-ITS-VT >/dev/tty1; sleep 2; done"
devices = display input
vt = 3
memory = 64M
stop_timeout = 2s
"""

CELL = """
[cell {name}]
# Debian bookworm with cage and foot (images/debian-cell.sh), from the data disk.
image = /data/images/gfx.erofs
init = /bin/sh -c "{init}"
init_env = WLR_RENDERER=pixman LIBSEAT_BACKEND=seatd XDG_RUNTIME_DIR=/run/user/1000 WLR_XWAYLAND=/bin/false {extra_env}
devices = display input gpu audio
vt = {vt}
foreground = {front}
memory = 320M
stop_timeout = 2s
"""

# WLR_XWAYLAND: cage (built with Xwayland) stops when the binary is missing;
# the image has none and foot needs none, and X starts only for an X client.
# GFX_EXTRA_ENV: more of the cells' init_env (WLR_DEBUG=1 ...).
EXTRA_ENV = os.environ.get("GFX_EXTRA_ENV", "")

_Fail = Exception  # tests/e2e/run's Fail, set by boot5()


def cell_log(b, cell):
    """`log CELL` on the admin console.  Not b.admin_cmd: a console that
    ends without a newline (a shell's prompt) puts the next `cellar# `
    mid-line."""
    since = b.adm.pos()
    b.adm.send(f"log {cell}", delay=0.005)
    b.adm.send("\r")
    start = b.adm.wait(r"\n", since, 30).end()  # the echoed command's end
    m = b.adm.wait(r"cellar# ", start, 30)
    return b.adm.text[start:m.start()]


def sh(b, line, marker, timeout=60):
    """Types line in the front cell's shell on the serial console; the
    output before `echo MARKER-2` (the typed echo has $((1+1)), not 2)."""
    since = b.serial.pos()
    b.type_line(f"{line}; echo {marker}-$((1+1))")
    m = b.expect(rf"^{marker}-2\s*$", since, timeout)
    out = b.serial.text[since:m.start()]
    return out.split("\n", 1)[1] if "\n" in out else ""


def host_section():
    with open(os.path.join(TOP, "config", "demo.conf")) as f:
        conf = f.read()
    host = conf.split("\n[cell ", 1)[0]
    host, n = re.subn(r"^modules = (.*)$", r"modules = \1 virtio_gpu snd_hda_codec_generic snd_hda_intel",
                      host, count=1, flags=re.M)
    if n != 1:
        raise _Fail("config/demo.conf has no 'modules = ' line")
    # No bridge: the cells have no network here.
    host = re.sub(r"^bridge = .*\n", "", host, flags=re.M)
    # The board's card: the first that is not a loopback card (QEMU's
    # intel-hda); 20 ms periods, as tests/qemu-audio/run has under TCG.
    return host.rstrip("\n") + "\naudio_period = 20ms\n"


def prepare(tmp, st):
    env = dict(os.environ, OUT_DIR=OUT, CACHE_DIR=CACHE, DEBIAN_PACKAGES=PACKAGES)
    r = subprocess.run([os.path.join(TOP, "images", "debian-cell.sh"), "--demo-login", IMAGE],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        raise _Fail(f"images/debian-cell.sh: {r.stdout.decode(errors='replace')[-600:]}")
    src = os.path.join(tmp, "data5-src")
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(os.path.join(src, "images"))
    conf = host_section()
    for name, vt, bg in CELLS:
        conf += CELL.format(name=name, vt=vt, front="yes" if vt == 1 else "no",
                            init=(CLIENT + (SWAY_CFG if name == "blue" else "") + INIT).format(
                                name=name, bg=bg, compositor=COMPOSITOR[name].format(bg=bg),
                                tone=TONES[name]), extra_env=EXTRA_ENV)
    conf += TEXT_CELL
    with open(os.path.join(src, "cells.conf"), "w") as f:
        f.write(conf)
    # init counts snd_aloop among the modules asked for: the list has audio cells.
    st["modules"] = len(re.search(r"^modules = (.*)$", conf, re.M).group(1).split()) + 1
    shutil.copyfile(IMAGE, os.path.join(src, "images", "gfx.erofs"))
    img_mib = os.path.getsize(IMAGE) >> 20
    size = (img_mib + FREE_MIB) * 11 // 10 + 16
    st["disk"] = os.path.join(tmp, "data5.ext4")
    try:
        sys.modules["__main__"].make_data_disk(st["disk"], f"{size}M", src)
    finally:
        shutil.rmtree(src, ignore_errors=True)
    return f"{size} MiB ext4: gfx.erofs {img_mib} MiB"


# -- the screen: QMP screendump (PPM) ------------------------------------------

def dump(qmp, name):
    """A screendump to OUT/e2e/NAME.ppm: (width, height, pixels)."""
    e2e = sys.modules["__main__"]
    path = os.path.join(OUT, "e2e", f"{name}.ppm")
    if os.path.exists(path):
        os.unlink(path)
    qmp.cmd("screendump", filename=path)
    for _ in range(100):  # QEMU writes it from its main loop
        if os.path.exists(path) and os.path.getsize(path) > 15:
            with open(path, "rb") as f:
                data = f.read()
            m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
            if m and len(data) >= m.end() + int(m.group(1)) * int(m.group(2)) * 3:
                w, h = int(m.group(1)), int(m.group(2))
                return w, h, data[m.end():m.end() + w * h * 3], data
        time.sleep(0.02)
    raise _Fail(f"screendump {path}: no whole file")


def colours(pix, wanted):
    """How many pixels have each of the wanted (r, g, b) colours exactly."""
    counts = collections.Counter(zip(pix[0::3], pix[1::3], pix[2::3]))
    return {c: counts.get(c, 0) for c in wanted}


def rgb(hexcol):
    return (int(hexcol[0:2], 16), int(hexcol[2:4], 16), int(hexcol[4:6], 16))


def wait_text(qmp, absent, timeout, name, t0):
    """Polls screendumps until the screen is a text console: no pixel of
    the absent colours, most of it black, some of it lit (the banner);
    returns the seconds from t0."""
    e2e = sys.modules["__main__"]
    gone = [rgb(c) for c in absent]
    deadline = t0 + timeout
    while True:
        t = time.monotonic()
        w, h, pix, raw = dump(qmp, "gfx-poll")
        counts = collections.Counter(zip(pix[0::3], pix[1::3], pix[2::3]))
        black = counts.get((0, 0, 0), 0)
        lit = w * h - black
        if all(counts.get(c, 0) == 0 for c in gone) and black > w * h // 2 and lit > 100:
            os.replace(os.path.join(OUT, "e2e", "gfx-poll.ppm"), os.path.join(OUT, "e2e", f"{name}.ppm"))
            e2e.ppm_to_png(raw, os.path.join(OUT, "e2e", f"{name}.png"))
            return t - t0, lit
        if time.monotonic() > deadline:
            raise _Fail(f"screen: not a text console after {timeout:.0f} s: {black} black of {w * h}, "
                        + ", ".join(f"{counts.get(c, 0)} of #{x}" for c, x in zip(gone, absent))
                        + " (out/e2e/gfx-poll.ppm)")
        time.sleep(0.1)


def wait_colour(qmp, front, back, timeout, name=None, t0=None):
    """Polls screendumps until front's colour covers at least half the
    screen and not one pixel has back's; returns (seconds from t0 to that
    dump, its share, the dump)."""
    e2e = sys.modules["__main__"]
    fc, bc = rgb(front), rgb(back)
    t0 = t0 or time.monotonic()
    deadline = t0 + timeout
    last = None
    while True:
        t = time.monotonic()
        w, h, pix, raw = dump(qmp, "gfx-poll")
        counts = colours(pix, (fc, bc))
        share = counts[fc] / (w * h)
        last = (w, h, share, counts[bc])
        if share >= 0.5 and counts[bc] == 0:
            if name:
                os.replace(os.path.join(OUT, "e2e", "gfx-poll.ppm"), os.path.join(OUT, "e2e", f"{name}.ppm"))
                e2e.ppm_to_png(raw, os.path.join(OUT, "e2e", f"{name}.png"))
            return t - t0, share, (w, h)
        if time.monotonic() > deadline:
            raise _Fail(f"screen: {front} on {share:.1%} of {w}x{h}, {counts[bc]} pixels of {back}, "
                        f"after {timeout:.0f} s (out/e2e/gfx-poll.ppm)")
        time.sleep(0.1)


# -- the sound: QEMU's recording of the board's card ---------------------------

def wav_frames():
    """The frames QEMU's wav audiodev has written so far (16-bit stereo;
    its header gets the sizes only when QEMU exits)."""
    try:
        return max(0, (os.path.getsize(WAV) - 44) // 4)
    except OSError:
        return 0


def wav_cut(dst, start, end):
    """Frames [start, end) of the recording into the wav file dst."""
    with open(WAV, "rb") as f:
        head = f.read(256)
        data = head.find(b"data")
        if not head.startswith(b"RIFF") or data < 0:
            raise _Fail(f"{WAV}: not a wav file QEMU writes ({head[:16]!r})")
        f.seek(data + 8 + start * 4)
        pcm = f.read((end - start) * 4)
    w = wave.open(dst, "wb")
    w.setnchannels(2)
    w.setsampwidth(2)
    w.setframerate(RATE)
    w.writeframes(pcm)
    w.close()


def wav_switch(b, at, frm, to, since=0):
    """The recording from WAV_SIDE seconds before frame at (where it was
    when `switch TO` was asked) to WAV_SIDE seconds after: frm's tone
    and not to's, then to's and not frm's (tests/qemu-audio/wavcheck.py,
    without a mix cell).  Not before frame since (a second after the
    switch before).  Waits until QEMU has recorded that far."""
    side = int(WAV_SIDE * RATE)
    deadline = time.monotonic() + 60
    while wav_frames() < at + side:
        if time.monotonic() > deadline:
            raise _Fail(f"{WAV}: {wav_frames()} frames after 60 s, waiting for {at + side} "
                        "(does the board play? cellmgr's audio: lines)")
        time.sleep(0.5)
    seg = os.path.join(OUT, "e2e", f"boot-5-{frm}-to-{to}.wav")
    wav_cut(seg, max(0, at - side, since), at + side)
    r = subprocess.run([sys.executable, WAVCHECK, seg, "--a", str(TONES[frm]), "--b", str(TONES[to]),
                        "--mix", "none", "--names", f"{frm},{to}"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    bad = [l[len("not ok - "):] for l in r.stdout.splitlines() if l.startswith("not ok - ")]
    blocks = re.search(r"^audio: wav: blocks (\S*)", r.stdout, re.M)
    if r.returncode != 0 or bad or not blocks:
        sys.stdout.write("".join(f"#   wavcheck: {l}\n" for l in r.stdout.splitlines()))
        exits = {c: re.findall(r"gfx-speaker-test-exit-\S+", cell_log(b, c)) for c in (frm, to)}
        raise _Fail(f"{seg}: {'; '.join(bad) or r.stdout[-300:]} (speaker-test exits: {exits})")
    gap = re.search(r"the switch's gap (\d+) ms", r.stdout)
    a, z = blocks.group(1).count("a"), blocks.group(1).count("b")
    return (f"{os.path.relpath(seg, TOP)}: {a} blocks of {TONES[frm]} Hz only, then {z} of "
            f"{TONES[to]} Hz only (100 ms blocks); gap {gap.group(1) if gap else '?'} ms")


def audio_status(b, front, back):
    """`status CELL` on the admin console: its audio line."""
    out = []
    for cell, want in ((front, "heard (front)"), (back, "muted (background)")):
        line = [l for l in b.admin_cmd(f"status {cell}").splitlines() if l.startswith("audio: ")]
        if not line or not re.match(rf"audio: loopback card \d+, {re.escape(want)}", line[0]):
            raise _Fail(f"status {cell}: {line}, expected 'audio: loopback card N, {want}, ...'")
        out.append(f"{cell}: {line[0][len('audio: '):]}")
    return "; ".join(out)


def boot5(report, timeout, tmp, Boot, Fail):
    global _Fail
    _Fail = Fail
    e2e = sys.modules["__main__"]
    st = {}
    (red, _, red_bg), (blue, _, blue_bg) = CELLS
    # The sound card: QEMU's Intel HDA, what it plays recorded to WAV.
    # mixer=off: a codec without amplifiers, so no mixer control starts
    # muted (a board has alsactl restore its mixer; cellar's board has
    # no such step, tests/qemu-audio/run unmutes with pcmloop).
    sound = ["-audiodev", f"wav,id=snd0,path={WAV},out.frequency={RATE},out.channels=2,out.format=s16",
             "-device", "intel-hda", "-device", "hda-duplex,audiodev=snd0,mixer=off"]
    b = Boot(5, report, timeout, root_disk=False, admin=True, data=None, mem=1024,
             machine=["-vga", "none", "-device", "virtio-gpu-pci"] + sound, append=f"cellar.config={CONFIG}")
    try:
        b.case("a data disk: cells.conf (two gpu cells, a text cell, virtio_gpu) and images/gfx.erofs (cage, sway, foot)",
               lambda: prepare(tmp, st))
        b.data = st.get("disk")
        b.case("QEMU starts with virtio-gpu-pci and the test's data disk", lambda: b.launch(tmp))

        def modules():
            st["init"] = b.expect(r"^cellar-init: ").start()
            m = b.expect(r"^cellar-init: data: mounted /dev/vda \(ext4, rw\) on /data", st["init"])
            s, e = b.modules_pass(m.end(), CONFIG)
            b.expect(rf"^cellar-init: started cellmgr \(pid \d+\) with --config {CONFIG}$", e.end())
            if s.group(1) != str(st.get("modules")):
                raise Fail(f"{s.group(1)} modules asked for, {CONFIG} has {st.get('modules')}")
            g = b.expect(r"cellmgr: gpu: (/dev/dri/card\d+): its master goes to the front cell",
                         e.end(), 60)
            return s.group(0).split("modules: ")[1] + f"; cellmgr found {g.group(1)}"
        b.case(f"init loads virtio_gpu from {CONFIG}; cellmgr finds /dev/dri/card0", modules)

        def started():
            for name, _, _ in CELLS:
                m = b.expect(rf"cellmgr: cell {name} started \(pid \d+\)", st["init"])
                st[f"{name}_started"] = b.serial.arrival(m.end())
            b.started_after = max(st[f"{n}_started"] for n, _, _ in CELLS) - b.t0
            return "%.1f s after launch" % b.started_after
        b.case("cellmgr starts red and blue", started)

        def seats():
            for name, _, _ in CELLS:
                b.expect(rf"cellmgr: gpu: cell {name}: its seat on /run/seatd.sock", st["init"], 30)
        b.case("cellmgr's gpu class gives each cell its seat (/run/seatd.sock)", seats)

        def aloop():
            m = b.expect(r"^cellar-init: module snd_aloop: loaded \((\d+) loopback cards for the audio cells\)$",
                         st["init"], 30)
            if m.group(1) != str(len(TONES)):
                raise Fail(f"{m.group(0)}: expected {len(TONES)} (red and blue have audio)")
            return m.group(0).split("cellar-init: ")[1]
        b.case(f"init loads snd_aloop with a loopback card for each audio cell (red, blue) from {CONFIG}",
               aloop)

        def board_card():
            m = b.expect(r"cellmgr: audio: board card (\d+) \((\S+)\) device 0: playback at "
                         rf"{RATE} Hz, (\d+) frames a period", st["init"], 60)
            cards = []
            for name, _, _ in CELLS:
                c = b.expect(rf"cellmgr: audio: cell {name}: loopback card (\d+) is its card 0", st["init"], 30)
                cards.append(f"{name} card {c.group(1)}")
            if m.group(2) != "Intel":
                raise Fail(f"{m.group(0)}: expected QEMU's intel-hda (Intel)")
            return f"board card {m.group(1)} ({m.group(2)}), {m.group(3)} frames a period; " + ", ".join(cards)
        b.case("cellmgr plays on the board's card (QEMU's intel-hda), red and blue each on its own "
               "loopback card", board_card)

        def compositor_up():
            m = b.expect(rf"gfx-client-up-{red}", st["init"], 240)  # foot's log may share its line
            st["up"] = m.end()
            return f"foot started in cage {b.serial.arrival(m.end()) - st[f'{red}_started']:.1f} s after red"
        b.case("red's compositor comes up (its client's marker on the console)", compositor_up)

        def front_screen():
            t, share, (w, h) = wait_colour(b.qmp, red_bg, blue_bg, 120, "gfx-red")
            os.makedirs(os.path.join(TOP, "docs", "img"), exist_ok=True)
            shutil.copyfile(os.path.join(OUT, "e2e", "gfx-red.png"), os.path.join(TOP, "docs", "img", "gfx-red.png"))
            return f"#{red_bg} on {share:.0%} of {w}x{h}, no #{blue_bg}; docs/img/gfx-red.png"
        b.case("screendump: red's colour fills the screen, not one pixel of blue's", front_screen)
        b.case("cellctl status (admin console): red's card heard (front), blue's muted (background)",
               lambda: audio_status(b, red, blue))

        def no_card_node():
            # The front cell's root shell on the serial console: no /dev/dri
            # in the cell; what cage holds of the card came through its seat
            # (cellmgr's file) and from it (wlroots' empty DRM lease for its
            # dumb buffers: a new file of the card, made from an fd, never
            # from a path).
            out = sh(b, "ls /dev/dri 2>&1; ls -l /proc/$(pidof cage)/fd | grep -c /dev/dri/card0; "
                        "cat /proc/$(pidof cage)/status | grep -E '^(Uid|Gid):'", "dri")
            if "No such file or directory" not in out:
                raise Fail(f"the cell has a /dev/dri: {out!r}")
            n = re.findall(r"^(\d+)\s*$", out, re.M)
            uid = re.search(r"^Uid:\s+(\d+)", out, re.M)
            if not n or int(n[-1]) < 1 or not uid or uid.group(1) != "1000":
                raise Fail(f"cage's files of the card, its uid: {out!r}")
            return f"ls /dev/dri: no such file; cage (uid {uid.group(1)}) holds {n[-1]} files of the card"
        b.case("red has no /dev/dri node; cage (uid 1000) holds the card only through its seat",
               no_card_node)

        def keys(cell, other, tries=1):
            # Keys of the board's keyboard (QMP), through cellmgr's input
            # copies and libinput (the cell's udev data), reach the front
            # cell's foot: its shell writes to the cell's console.  With
            # tries > 1 a line that did not come through is typed again
            # (after Enter, which ends what part of it arrived).
            for attempt in range(tries):
                since = b.serial.pos()
                e2e.type_keys(b.qmp, "echo typed-$((6*7))-$(uname -n) >/dev/console\n")
                try:
                    b.expect(rf"typed-42-{cell}\b", since, 60 if attempt == tries - 1 else 15)
                    break
                except Fail:
                    if attempt == tries - 1:
                        raise
                    e2e.type_keys(b.qmp, "\n")
            log = cell_log(b, other)
            if f"typed-42-{cell}" in log:
                raise Fail(f"{other}'s console has {cell}'s typed line")
            return f"typed-42-{cell} from {cell}'s foot; none in {other}'s log"

        b.case("keys typed on the board's keyboard reach red's foot (and not blue)",
               lambda: keys(red, blue))

        def list_devices():
            # libinput's own enumeration in the cell (libudev over the whole
            # of sysfs, the database cellmgr wrote): red's copies only, not
            # the host's devices nor blue's or text's copies.
            out = sh(b, "libinput list-devices 2>&1 | grep '^Device:'", "lid")
            names = [l.split(":", 1)[1].strip() for l in out.splitlines() if l.startswith("Device:")]
            if names != ["AT Translated Set 2 keyboard"]:
                raise Fail(f"libinput list-devices in red: {out!r}")
            return f"libinput list-devices: {names}"
        b.case("libinput list-devices in red lists exactly red's own input copy", list_devices)

        def switch(how, to, frm, name):
            since = b.serial.pos()
            st.setdefault("wav_at", {})[to[0]] = wav_frames()
            t0 = time.monotonic()
            if how == "admin":
                reply = b.admin_cmd(f"switch {to[0]}")
                if reply.strip():
                    raise Fail(f"switch {to[0]} replied {reply!r}")
            else:
                e2e.send_keys(b.qmp, ["ctrl", "alt", how])
            t, share, _ = wait_colour(b.qmp, to[1], frm[1], 60, name, t0)
            b.expect(rf"cellmgr: console: cell {to[0]}", since, 10)
            # And it stays so: no late frame of the old front.
            time.sleep(1.0)
            wait_colour(b.qmp, to[1], frm[1], 1)
            st.setdefault("times", []).append((how, to[0], t))
            return f"#{to[1]} on {share:.0%} {t * 1000:.0f} ms after the {'command' if how == 'admin' else 'key'}"

        R, B = (red, red_bg), (blue, blue_bg)

        def to_blue():
            note = switch("admin", B, R, "gfx-blue")
            shutil.copyfile(os.path.join(OUT, "e2e", "gfx-blue.png"),
                            os.path.join(TOP, "docs", "img", "gfx-blue.png"))
            return note + "; docs/img/gfx-blue.png"
        b.case("cellctl switch blue (admin console): blue's colour, no pixel of red's", to_blue)
        b.case(f"the board's speaker (QEMU's wav): red's {TONES[red]} Hz and not blue's before "
               f"`cellctl switch blue`, blue's {TONES[blue]} Hz and not red's after",
               lambda: wav_switch(b, st["wav_at"][blue], red, blue))
        b.case("cellctl status: blue's card heard (front), red's muted (background)",
               lambda: audio_status(b, blue, red))
        b.case("keys typed now reach blue's foot (and not red)", lambda: keys(blue, red))
        b.case("cellctl switch red: red's compositor is enabled again, no pixel of blue's",
               lambda: switch("admin", R, B, "gfx-red-again"))
        b.case(f"the board's speaker: blue's {TONES[blue]} Hz before `cellctl switch red`, red's "
               f"{TONES[red]} Hz and not blue's after",
               lambda: wav_switch(b, st["wav_at"][red], blue, red, st["wav_at"][blue] + RATE))
        b.case("Ctrl-Alt-F2 (QMP keys): blue's colour, no pixel of red's",
               lambda: switch("f2", B, R, "gfx-blue-key"))
        b.case("Ctrl-Alt-F1: red's colour, no pixel of blue's",
               lambda: switch("f1", R, B, "gfx-red-key"))

        def hotplug():
            # A keyboard plugged in now: cellmgr grabs it, gives each cell a
            # copy, writes the copy into red's and blue's udev and announces
            # it to their libudev monitors (mgr/seat/udev.c); red's cage
            # (libinput) must take it.  QEMU sends keys to the keyboard
            # added last: typed lines now come only through the new one.
            since = b.serial.pos()
            b.qmp.cmd("device_add", driver="virtio-keyboard-pci", id="gfxkbd")
            m = b.expect(r"cellmgr: input: grabbed (/dev/input/event\d+): QEMU Virtio Keyboard", since, 60)
            c = b.expect(rf"cellmgr: input: cell {red}: /dev/input/event\d+ is its (/dev/input/event\d+)",
                         since, 30)
            time.sleep(2)  # libinput opens the new device through the seat
            try:
                note = keys(red, blue, tries=3)
            except Fail as e:
                # What red's udev has, and what a libudev monitor of red's
                # hears of a second keyboard plugged in.
                b.sh_diag = sh(b, "ls /run/udev/data; cat /run/udev/data/c13:*; "
                                  "(timeout -s INT 20 libinput debug-events 2>&1 | head -n 40 >/tmp/de) & sleep 3", "diag1")
                b.qmp.cmd("device_add", driver="virtio-keyboard-pci", id="gfxkbd2")
                time.sleep(10)
                diag = sh(b, "cat /tmp/de", "diag2")
                raise Fail(f"{e}; red's udev: {b.sh_diag!r}; libinput debug-events: {diag!r}")
            return f"host {m.group(1)} -> red's {c.group(1)}; {note}"
        b.case("a keyboard hot-added with QMP device_add reaches red's compositor (udev announce)",
               hotplug)

        def to_text():
            since = b.serial.pos()
            t0 = time.monotonic()
            e2e.send_keys(b.qmp, ["ctrl", "alt", "f3"])
            t, lit = wait_text(b.qmp, (red_bg, blue_bg), 60, "gfx-text", t0)
            b.expect(r"cellmgr: console: cell text", since, 10)
            time.sleep(1.0)  # and it stays so: no late frame of a compositor
            wait_text(b.qmp, (red_bg, blue_bg), 1, "gfx-text", time.monotonic())
            return f"the text cell's VT {t * 1000:.0f} ms after the key ({lit} lit pixels, none of red or blue)"
        b.case("Ctrl-Alt-F3 from red's compositor: the text cell's VT, no pixel of red's or blue's",
               to_text)
        b.case("Ctrl-Alt-F1 from the text VT: red's compositor again",
               lambda: switch("f1", R, B, "gfx-red-from-text"))

        def survived():
            rows = b.admin_rows()
            bad = {c: r for c, r in rows.items() if r[0] not in ("running", "ready")}
            if set(rows) != {red, blue, "text"} or bad or not rows[red][2]:
                raise Fail(f"admin list: {rows}")
            for how, to, t in st.get("times", []):
                print(f"# boot 5: {'cellctl switch' if how == 'admin' else 'Ctrl-Alt-' + how.upper()} "
                      f"{to}: its colour on screen {t * 1000:.0f} ms later (screendumps polled)", flush=True)
            return f"list: {rows}"
        b.case("the three cells still run, red in front", survived)
    finally:
        b.close()
    return getattr(b, "started_after", None)
