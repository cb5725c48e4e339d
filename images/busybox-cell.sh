#!/bin/bash
# Build a busybox mini-OS root filesystem for one cellar cell and pack it as
# a read-only erofs image.
#
#   images/busybox-cell.sh NAME OUT.erofs [BANNER-TEXT]
#
# The cell runs busybox init as its PID 1 (/sbin/init), which runs
# /etc/init.d/rcS once, then keeps a login shell on the cell's console.
# The image is reproducible: same inputs, same bytes (fixed timestamps,
# fixed UUID derived from NAME, all files owned by root, no host xattrs).
#
# Environment:
#   BUSYBOX     busybox binary to install (default /bin/busybox, Debian's
#               busybox-static: it must be static, the cell has no libc)
#   BUSYBOX_LIST  a busybox that runs on this machine, of the same version,
#               that names the applets when BUSYBOX is for another CPU (the
#               arm64 board: default /bin/busybox; the versions are checked)
#   BUSYBOX_COMPAT  a second static busybox for the board's 32-bit compat
#               ABI (busybox-static:armhf on arm64), installed as
#               /bin/busybox32 (tests/e2e/arm64.py runs it); default none
#   CELL_COLOR  ANSI colour number of the prompt (default: by NAME)
#   OUT_DIR     where the staging tree goes (default: out/ of the checkout)
set -euo pipefail

usage() { echo "usage: $0 NAME OUT.erofs [BANNER-TEXT]" >&2; exit 2; }
if [ "$#" -lt 2 ] || [ "$#" -gt 3 ]; then usage; fi

name="$1"
out="$2"
banner="${3:-a busybox cell}"
case "$name" in
    ''|*[!A-Za-z0-9_-]*) echo "$0: bad cell name '$name' (letters, digits, _ and - only)" >&2; exit 2 ;;
esac

top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
busybox="${BUSYBOX:-/bin/busybox}"
out_dir="${OUT_DIR:-$top/out}"
stage="$out_dir/stage/cell-$name"

for tool in mkfs.erofs sha256sum veritysetup; do
    command -v "$tool" >/dev/null || { echo "$0: $tool not found (apt-get install erofs-utils coreutils cryptsetup-bin)" >&2; exit 1; }
done
[ -x "$busybox" ] || { echo "$0: $busybox not found (apt-get install busybox-static)" >&2; exit 1; }
if command -v file >/dev/null && ! file -L "$busybox" | grep -q 'statically linked'; then
    echo "$0: $busybox is not statically linked (install busybox-static)" >&2
    exit 1
fi

# The applet list and the version come from running busybox.  One built
# for another CPU cannot run here: a busybox of the same version that runs
# here (same Debian package, other architecture: same applets) names them.
lister="$busybox"
if ! "$busybox" true 2>/dev/null; then
    lister="${BUSYBOX_LIST:-/bin/busybox}"
    want="$(grep -ao 'BusyBox v[0-9][^ ]* ([^)]*)' "$busybox" | head -n 1 || true)"
    have="$("$lister" 2>/dev/null | head -n 1 | grep -o 'BusyBox v[0-9][^ ]* ([^)]*)' || true)"
    if [ -z "$want" ] || [ "$want" != "$have" ]; then
        echo "$0: $busybox does not run here and $lister is not the same version" \
             "('$want' vs '$have'): set BUSYBOX_LIST" >&2
        exit 1
    fi
fi

if [ -z "${CELL_COLOR:-}" ]; then
    case "$name" in
        work) CELL_COLOR=33 ;;      # yellow
        personal) CELL_COLOR=32 ;;  # green
        *) CELL_COLOR=36 ;;         # cyan
    esac
fi

rm -rf "$stage"
mkdir -p "$stage"
cd "$stage"

# --- directories -----------------------------------------------------------
# proc sys dev are mounted by cellmgr before the cell's init runs; run and
# tmp are mounted by the cell itself (rcS). They must exist: erofs is
# read-only, nothing can create a mount point later.
mkdir -p bin sbin usr/bin usr/sbin etc/init.d root home \
         proc sys dev run tmp var/log mnt
chmod 0700 root
chmod 1777 tmp
ln -s ../tmp var/tmp
ln -s ../run var/run

# --- busybox and its applets -------------------------------------------------
install -m 0755 "$busybox" bin/busybox
"$lister" --list-full | LC_ALL=C sort | while read -r applet; do
    [ "$applet" = bin/busybox ] && continue
    [ -e "$applet" ] || [ -L "$applet" ] && continue
    mkdir -p "$(dirname "$applet")"
    ln -s /bin/busybox "$applet"
done
# busybox init must be /sbin/init (cells.conf default).
[ -L sbin/init ] || ln -s /bin/busybox sbin/init

# --- /etc ------------------------------------------------------------------
cat > etc/passwd <<'PW'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
cat > etc/group <<'GR'
root:x:0:
tty:x:5:
nogroup:x:65534:
GR
# root without a password: a getty on the screen (tty1) logs it in (demo
# cells: docs/images.md).
cat > etc/shadow <<'SH'
root::19000:0:99999:7:::
nobody:*:19000:0:99999:7:::
SH
chmod 0640 etc/shadow
cat > etc/hosts <<HOSTS
127.0.0.1	localhost
127.0.1.1	$name
::1		localhost ip6-localhost ip6-loopback
HOSTS
echo "$name" > etc/hostname
cat > etc/shells <<'SHELLS'
/bin/sh
/bin/ash
SHELLS
cat > etc/os-release <<OSR
NAME="cellar busybox cell"
ID=cellar-busybox
PRETTY_NAME="cellar busybox cell $name"
VARIANT_ID=$name
OSR

# The banner that rcS prints (and that the e2e test looks for).
cat > etc/banner <<BANNER
+----------------------------------------------------------------+
 Welcome to the $name cell: $banner
 busybox $("$lister" 2>/dev/null | head -n 1 | sed -n 's/^BusyBox \(v[^ ]*\).*/\1/p') mini OS under cellar. Ctrl-a N switches cells.
+----------------------------------------------------------------+
BANNER

# The login shell's greeting (/etc/profile prints it): short, so that it is
# still among the last lines cellmgr replays when the console switches here.
cat > etc/motd <<MOTD
*** Welcome to the $name cell: $banner ***
*** $name: busybox mini OS. Ctrl-a 1..9 / Ctrl-a n: switch cells. ***
MOTD

# busybox init. The "console" id makes init open /dev/console (the console
# pty cellmgr bind-mounts there) for the shell after setsid(), so the shell
# gets it as its controlling tty (job control, Ctrl-C) -- provided no other
# session holds it; otherwise the shell still runs, without job control.
cat > etc/inittab <<'INITTAB'
# /etc/inittab of a cellar busybox cell (busybox init syntax: id:runlevel:action:process)
# One-time system start: mounts and banner.
::sysinit:/etc/init.d/rcS
# A root shell on the cell's console, respawned when it exits.
# The leading "-" makes it a login shell (reads /etc/profile).
console::respawn:-/bin/sh
# Its screen: the VT cellmgr binds as the cell's /dev/tty1 (devices =
# display).  A shell there shows the banner first.  Without a VT (a cell
# without display) the entry fails and busybox init retries it now and then.
tty1::respawn:/etc/init.d/screen
# cellmgr stops the cell with SIGUSR2 (busybox init: power off), SIGTERM
# (reboot) or SIGUSR1 (halt); all three run the shutdown actions first.
::shutdown:/etc/init.d/rcK
# No ctrlaltdel action: a cell has no keyboard of its own, and while its
# init holds the console pty as controlling tty, Ctrl-C there is a SIGINT
# to init, which must not reboot the cell.
# SIGHUP/SIGQUIT: re-exec init.
::restart:/sbin/init
INITTAB

cat > etc/init.d/rcS <<'RCS'
#!/bin/sh
# System start of a cellar busybox cell.
# cellmgr has already mounted /proc, /sys, /dev and /dev/pts for us (do not
# remount them); the cell mounts its own scratch filesystems.
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH

grep -q " /run " /proc/mounts || mount -t tmpfs -o nosuid,nodev,mode=0755,size=16m run /run
grep -q " /tmp " /proc/mounts || mount -t tmpfs -o nosuid,nodev,mode=1777,size=64m tmp /tmp
mkdir -p /run/log

[ -L /dev/fd ] || ln -s /proc/self/fd /dev/fd 2>/dev/null
[ -L /dev/stdin ] || ln -s /proc/self/fd/0 /dev/stdin 2>/dev/null
[ -L /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout 2>/dev/null
[ -L /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr 2>/dev/null

echo
cat /etc/banner
echo " hostname: $(hostname)   kernel: $(uname -r)   up: $(cut -d' ' -f1 /proc/uptime) s"
echo
RCS

# The cell's screen (its tty1): clear it, the banner, then a login shell
# (its /etc/profile prints the motd).  Kept under 25 lines: the e2e test
# reads the VGA text buffer from its start.
cat > etc/init.d/screen <<'SCREEN'
#!/bin/sh
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH
[ -c /dev/tty1 ] || { sleep 30; exit 1; }
printf '\033[H\033[2J'
cat /etc/banner
echo " hostname: $(hostname)   (its screen: /dev/tty1, VT of the board)"
echo
exec /bin/sh -l
SCREEN

cat > etc/init.d/rcK <<'RCK'
#!/bin/sh
# Shutdown actions of a cellar busybox cell (busybox init runs this before
# it signals every process and powers off / reboots, i.e. ends the cell).
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH
echo "$(hostname): cell shutting down"
sync
umount -r /tmp 2>/dev/null
umount -r /run 2>/dev/null
sync
exit 0
RCK
chmod 0755 etc/init.d/rcS etc/init.d/rcK etc/init.d/screen

cat > etc/profile <<PROFILE
# /etc/profile of the cellar busybox cell "$name"
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
export HOME=/root
export TERM=\${TERM:-vt100}
umask 022
# The prompt names the cell (its hostname) in the cell's own colour.
PS1='\[\033[1;${CELL_COLOR}m\]\u@\h\[\033[0m\]:\w\\\$ '
export PS1
alias ll='ls -l'
# Greet interactive shells with the cell's name.
case "\$-" in *i*) [ -r /etc/motd ] && cat /etc/motd ;; esac
PROFILE

# --- the compat ABI's busybox (32-bit ARM on an arm64 board) ------------------
if [ -n "${BUSYBOX_COMPAT:-}" ]; then
    install -m 0755 "$BUSYBOX_COMPAT" "$stage/bin/busybox32"
fi

# --- the test probe (input half: tests/e2e/input.py reads the cell's copies) --
# `probe input /dev/input/eventN` runs from the cell's shell; PROBE overrides
# the binary, and a missing one only leaves the input checks without it.
probe="${PROBE:-$top/build/tests/probe/probe}"
if [ -x "$probe" ]; then
    install -m 0755 "$probe" "$stage/usr/bin/probe"
else
    echo "busybox-cell: no $probe (ninja -C build): the cell has no /usr/bin/probe" >&2
fi

# --- pack ------------------------------------------------------------------
cd "$top"
# A stable UUID derived from the cell name.
h="$(printf 'cellar-cell-%s' "$name" | sha256sum | cut -c1-32)"
uuid="${h:0:8}-${h:8:4}-4${h:13:3}-8${h:17:3}-${h:20:12}"
mkdir -p "$(dirname "$out")"
rm -f "$out.tmp"
mkfs.erofs --quiet -zlz4hc -x-1 --all-root -T0 -U"$uuid" "$out.tmp" "$stage"
mv -f "$out.tmp" "$out"
# The dm-verity hash tree after the file system, the root hash beside it.
"$top/images/verity.sh" "$out" >/dev/null
echo "busybox-cell: $out ($(du -k "$out" | cut -f1) KiB erofs + verity tree, cell $name, root hash $(cat "$out.roothash"), staging $stage)"
