#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What the board's card played (tests/qemu-audio/run): the wav QEMU
recorded from its Intel HDA card.  Cell a (440 Hz) is in front first,
then `cellctl switch b` (880 Hz); cell m (660 Hz, audio_background = mix)
is heard throughout at half level.  Checks, on 100 ms blocks (Goertzel):

  - a run of blocks with a's tone and not b's, then one with b's and
    not a's, and no block with a's tone after b's first;
  - m's tone in both, below the front's (half level: a quarter of the
    power);

and measures the switch's gap on 5 ms steps of 20 ms windows: from the
last window where a's tone stands out to the first where b's does.

    wavcheck.py FILE [--a HZ] [--b HZ] [--mix HZ|none] [--names A,B,M]

The defaults are qemu-audio's (a 440, b 880, m 660).  tests/e2e/gfx.py
gives the board's two Debian cells' tones, --mix none (no mix cell: its
check is left out) and the cells' names for the messages.

Prints "ok - ..." / "not ok - ..." and "audio: wav: ..." lines.
"""
import argparse
import math
import struct
import wave

A, B, M = 440.0, 880.0, 660.0
NA, NB, NM = "a", "b", "m"  # the cells' names in the messages (--names)


def goertzel(x, freq, rate):
    w = 2 * math.pi * freq / rate
    c = 2 * math.cos(w)
    s1 = s2 = 0.0
    for v in x:
        s0 = v + c * s1 - s2
        s2, s1 = s1, s0
    n = len(x)
    return (s1 * s1 + s2 * s2 - c * s1 * s2) / ((n / 2.0) ** 2)


def check(what, ok):
    print(("ok - " if ok else "not ok - ") + what)


def args():
    """The options (the module's A, B, M and names); the wav's path."""
    global A, B, M, NA, NB, NM
    ap = argparse.ArgumentParser(description="what the board's card played")
    ap.add_argument("wav")
    ap.add_argument("--a", type=float, default=A, help="the front cell's tone before the switch")
    ap.add_argument("--b", type=float, default=B, help="the front cell's tone after it")
    ap.add_argument("--mix", default=str(M), help="the mix cell's tone, or none")
    ap.add_argument("--names", default="a,b,m", help="the cells' names in the messages: A,B[,M]")
    a = ap.parse_args()
    A, B = a.a, a.b
    M = None if a.mix == "none" else float(a.mix)
    NA, NB, NM = (a.names.split(",") + ["m"])[:3]
    return a.wav


def main():
    w = wave.open(args(), "rb")
    rate, ch, width, n = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
    raw = w.readframes(n)
    if width != 2:
        check("the wav is 16-bit (it is %d-bit)" % (8 * width), False)
        return
    # Both channels (speaker-test plays one, then the other).
    v = struct.unpack("<%dh" % (n * ch), raw)
    left = [sum(v[i:i + ch]) / (32768.0 * ch) for i in range(0, len(v), ch)]
    print("audio: wav: %d frames at %d Hz, %d channels (%.1f s)" % (n, rate, ch, n / rate))
    block = rate // 10
    kinds = []
    powers = []
    for i in range(0, len(left) - block + 1, block):
        x = left[i:i + block]
        pa, pb = goertzel(x, A, rate), goertzel(x, B, rate)
        pm = goertzel(x, M, rate) if M is not None else 0.0
        powers.append((pa, pb, pm))
        kinds.append("a" if pa > 0.01 and pa > 20 * pb else "b" if pb > 0.01 and pb > 20 * pa
                     else "-" if pa < 1e-4 and pb < 1e-4 else "?")
    print("audio: wav: blocks " + "".join(kinds))
    first_b = kinds.index("b") if "b" in kinds else -1
    a_before = kinds[:first_b].count("a") if first_b >= 0 else 0
    a_after = kinds[first_b:].count("a") if first_b >= 0 else 0
    b_after = kinds[first_b:].count("b") if first_b >= 0 else 0
    # At least a second of each tone alone: under TCG with a loaded host
    # the tone generators in the cells miss periods, and a third of the
    # blocks or more can come out broken ("?": neither tone alone).
    check("the board played %s's tone (front) and not %s's: %d blocks before the switch"
          % (NA, NB, a_before), a_before >= 10)
    check("after the switch %s's tone and not %s's: %d blocks of %s, %d of %s after %s's first"
          % (NB, NA, b_after, NB, a_after, NA, NB), b_after >= 10 and a_after == 0)
    # Without a mix cell (--mix none) only the front and the muted one.
    if M is not None:
        # From m's first block on (it starts after a).
        m_from = next((i for i, p in enumerate(powers) if p[2] > 0.01), len(powers))
        mixed = [p for p, k in list(zip(powers, kinds))[m_from:] if k in "ab"]
        print("audio: wav: m " + "".join("m" if p[2] > 0.01 else "." for p in powers))
        m_ok = [p[2] > 0.005 for p in mixed]
        # Its level against a's: both play the same sine on both channels
        # (b is speaker-test, one channel at a time).
        under_a = sorted(p[2] / p[0] for p in mixed if p[0] > 20 * p[1])
        med = under_a[len(under_a) // 2] if under_a else 0
        print("audio: wav: m's tone in %d of %d blocks with a front tone (median power %.2f of the "
              "a's)" % (sum(m_ok), len(mixed), med))
        # Half level is a quarter of the power; the tone generators in the cells
        # under TCG miss periods now and then, so most blocks, not all.
        check("%s (audio_background = mix) is heard under the front cell at half level "
              "(median power %.2f of %s's), before and after" % (NM, med, NA),
              len(mixed) > 0 and sum(m_ok) >= 0.5 * len(mixed) and 0.1 < med < 0.5)
    # Not the blocks next to the switch: a block spans 100 ms.
    a_blocks = [p for i, (p, k) in enumerate(zip(powers, kinds)) if k == "a" and i < first_b - 1]
    b_blocks = [p for i, (p, k) in enumerate(zip(powers, kinds)) if k == "b" and i > first_b + 1]
    loudest_b = max((p[1] for p in a_blocks), default=1)
    loudest_a = max((p[0] for p in b_blocks), default=1)
    print("audio: wav: the muted cell's loudest block: %s %.5f while %s is in front, %s %.5f "
          "while %s is" % (NB, loudest_b, NA, NA, loudest_a, NB))
    check("the muted background cell is not heard at all (its tone's power under 0.001 in "
          "every block)", a_blocks and b_blocks and loudest_b < 0.001 and loudest_a < 0.001)
    if first_b < 1:
        check("the switch's gap measured", False)
        return
    win, step = rate // 50, rate // 200
    # From the block before a's last whole one: under TCG the cells' tone
    # generators miss periods, and the blocks just before the switch can
    # be a's broken up ("?"), none of them a's alone.
    last_a_block = max((i for i, k in enumerate(kinds[:first_b]) if k == "a"), default=first_b - 3)
    lo = max(0, (min(last_a_block, first_b - 3) - 1) * block)
    hi = min(len(left) - win, (first_b + 2) * block)
    last_a = first_b_t = None
    for i in range(lo, hi, step):
        x = left[i:i + win]
        pa, pb = goertzel(x, A, rate), goertzel(x, B, rate)
        if pa > 0.01 and pa > 10 * pb and first_b_t is None:
            last_a = i + win
        if pb > 0.01 and pb > 10 * pa and first_b_t is None and last_a is not None:
            first_b_t = i
    if last_a is None or first_b_t is None:
        check("the switch's gap measured", False)
        return
    # An instant change: the last window where a's tone is 10x b's has its
    # centre ~5 ms before it, the first where b's is, ~5 ms after (a 20 ms
    # window is 10x dominated when 3/4 of it is one tone); so the silence
    # between the two is the distance of the centres less 10 ms.
    gap = ((first_b_t + win / 2) - (last_a - win / 2)) * 1000.0 / rate - 10.0
    print("audio: wav: the switch's gap %.0f ms (+-5 ms): the silence between %s's last sound "
          "and %s's first" % (max(gap, 0), NA, NB))
    check("the switch's gap measured (%.0f ms): %s's tone ends before %s's begins"
          % (max(gap, 0), NA, NB), gap > -10.0)


if __name__ == "__main__":
    main()
