#!/usr/bin/env python3
"""Copy the kernel modules a cellar board needs into an image tree.

    images/kmodules.py --moddir /lib/modules/KVER --dest STAGE/lib/modules/KVER \
                       [--config cells.conf] [MODULE ...]

The module list is the [host] modules = line of the config, snd_aloop
when a [cell NAME] has audio in its devices (init loads it for their
loopback sound cards, docs/init.md), plus any MODULE arguments.  For each one it follows what cellar's init follows at boot:
modules.dep (hard dependencies), modules.softdep (pre: and post:, each name
resolved through modules.alias, e.g. erofs -> libcrc32c -> crc32c ->
crc32c_generic/crc32c_intel) recursively, and copies every .ko so found.
The destination gets modules.dep, modules.softdep and modules.alias cut
down to the copied modules (plus modules.builtin and modules.order, so a
name that is built in can be recognised).  Names that are built into the
kernel are reported and skipped; an unknown name is an error.

Python 3 standard library only.
"""
import argparse
import fnmatch
import os
import re
import shutil
import sys

KO_RE = re.compile(r"\.ko(\.(xz|gz|zst))?$")


def norm(name):
    return name.replace("-", "_")


def modname(path):
    return norm(KO_RE.sub("", os.path.basename(path)))


def read_lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return [l.rstrip("\n") for l in f]
    except FileNotFoundError:
        return []


def host_modules(config):
    """The [host] modules = words, parsed like common/ini.c does."""
    words, section = [], None
    for raw in read_lines(config):
        s = raw.strip()
        if not s or s[0] in "#;":
            continue
        if s.startswith("["):
            section = s[1:s.index("]")].split()[0] if "]" in s else None
            continue
        if section != "host" or "=" not in s:
            continue
        key, value = s.split("=", 1)
        if key.strip() != "modules":
            continue
        value = re.split(r"[ \t][#;]", " " + value, maxsplit=1)[0]
        words += value.split()
    return words


def audio_cells(config):
    """How many [cell NAME] sections have audio in devices (init/modconf.c)."""
    n, section, counted = 0, None, False
    for raw in read_lines(config):
        s = raw.strip()
        if not s or s[0] in "#;":
            continue
        if s.startswith("["):
            w = s[1:s.index("]")].split() if "]" in s else []
            section, counted = (w[0] if len(w) == 2 else None), False
            continue
        if section != "cell" or counted or "=" not in s:
            continue
        key, value = s.split("=", 1)
        value = re.split(r"[ \t][#;]", " " + value, maxsplit=1)[0]
        if key.strip() == "devices" and "audio" in value.split():
            n, counted = n + 1, True
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moddir", required=True)
    ap.add_argument("--dest", required=True)
    ap.add_argument("--config")
    ap.add_argument("modules", nargs="*")
    a = ap.parse_args()

    wanted = (host_modules(a.config) if a.config else []) + a.modules
    if a.config and audio_cells(a.config):
        wanted.append("snd_aloop")
    if not wanted:
        print("kmodules: no modules requested", file=sys.stderr)

    dep = {}      # name -> (relpath, [dep relpaths])
    dep_lines = {}
    for line in read_lines(os.path.join(a.moddir, "modules.dep")):
        if ":" not in line:
            continue
        mod, deps = line.split(":", 1)
        dep[modname(mod)] = (mod, deps.split())
        dep_lines[modname(mod)] = line
    if not dep:
        sys.exit(f"kmodules: {a.moddir}/modules.dep missing or empty")

    softdep = {}  # name -> [names]
    softdep_lines = {}
    for line in read_lines(os.path.join(a.moddir, "modules.softdep")):
        w = line.split()
        if len(w) < 2 or w[0] != "softdep":
            continue
        names = [x for x in w[2:] if x not in ("pre:", "post:")]
        softdep.setdefault(norm(w[1]), []).extend(names)
        softdep_lines.setdefault(norm(w[1]), []).append(line)

    aliases = []  # (pattern, module, line)
    for line in read_lines(os.path.join(a.moddir, "modules.alias")):
        w = line.split()
        if len(w) == 3 and w[0] == "alias":
            aliases.append((w[1], norm(w[2]), line))

    builtin = {modname(l) for l in read_lines(os.path.join(a.moddir, "modules.builtin")) if l}

    def resolve(name):
        """Module names a name stands for (itself, or what an alias names)."""
        n = norm(name)
        if n in dep:
            return [n]
        if n in builtin:
            return []
        out = []
        for pat, mod, _ in aliases:
            if (pat == name or pat == n or fnmatch.fnmatchcase(name, pat)) and mod not in out:
                out.append(mod)
        return out

    chosen, order = set(), []
    errors = 0

    def add(name, why):
        nonlocal errors
        mods = resolve(name)
        if not mods:
            if norm(name) in builtin:
                print(f"kmodules: {name}: built into the kernel ({why})")
            elif why == "requested":
                print(f"kmodules: {name}: no such module or alias", file=sys.stderr)
                errors += 1
            else:
                print(f"kmodules: {name}: soft dependency not available, skipped ({why})")
            return
        for m in mods:
            if m in chosen or m in builtin:
                continue
            if m not in dep:
                continue
            chosen.add(m)
            for d in dep[m][1]:
                add(modname(d), f"needed by {m}")
            for s in softdep.get(m, []):
                add(s, f"soft dependency of {m}")
            order.append(m)

    for w in wanted:
        add(w, "requested")
    if errors:
        sys.exit(1)

    os.makedirs(a.dest, exist_ok=True)
    for m in order:
        rel = dep[m][0]
        dst = os.path.join(a.dest, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(os.path.join(a.moddir, rel), dst)
        os.chmod(dst, 0o644)

    def write(fname, lines):
        with open(os.path.join(a.dest, fname), "w", encoding="utf-8") as f:
            for l in lines:
                f.write(l + "\n")

    write("modules.dep", [dep_lines[m] for m in sorted(chosen, key=lambda m: dep[m][0])])
    write("modules.softdep", ["# Soft dependencies, cut down by cellar's images/kmodules.py"] +
          [l for m in sorted(chosen) for l in softdep_lines.get(m, [])])
    write("modules.alias", ["# Aliases, cut down by cellar's images/kmodules.py"] +
          [l for _, mod, l in aliases if mod in chosen])
    for fname in ("modules.builtin", "modules.order"):
        src = os.path.join(a.moddir, fname)
        if fname == "modules.order":
            write(fname, [l for l in read_lines(src) if modname(l) in chosen])
        elif os.path.exists(src):
            shutil.copyfile(src, os.path.join(a.dest, fname))

    print(f"kmodules: {len(order)} modules: {' '.join(order)}")


if __name__ == "__main__":
    main()
