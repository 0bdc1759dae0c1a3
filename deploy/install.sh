#!/usr/bin/env bash
# Installs the recruiting-center kiosk (or, with --hq, the headquarters intake server) on a
# Debian machine with systemd, and locks the machine down for a kiosk. See deploy/README.md.
#
#   deploy/install.sh [--bin-dir DIR] [--attend-tty TTY] [--review-tty TTY|none]
#   deploy/install.sh --hq [--bin-dir DIR]
#   deploy/install.sh --uninstall [--hq]
#   any of them with --root DIR: install into DIR (packaging, tests); nothing is activated
#
# Idempotent: a second run with the same options changes nothing. It never overwrites
# /etc/kiosk/config.json and never touches the data in /var/lib/kiosk; --uninstall removes
# the program, its units and the lockdown, and keeps the data, the configuration and the user.
set -euo pipefail

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
}

fail() {
    echo "install.sh: $*" >&2
    exit 1
}

# --- Options ---------------------------------------------------------------------------

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
root=/
bin_dir=
attend_tty=tty1
review_tty=tty2
role=kiosk
action=install

while [ "$#" -gt 0 ]; do
    case "$1" in
        --root) root=${2:?--root needs a folder}; shift 2 ;;
        --root=*) root=${1#--root=}; shift ;;
        --bin-dir) bin_dir=${2:?--bin-dir needs a folder}; shift 2 ;;
        --bin-dir=*) bin_dir=${1#--bin-dir=}; shift ;;
        --attend-tty) attend_tty=${2:?--attend-tty needs a terminal such as tty1}; shift 2 ;;
        --attend-tty=*) attend_tty=${1#--attend-tty=}; shift ;;
        --review-tty) review_tty=${2:?--review-tty needs a terminal such as tty2, or none}; shift 2 ;;
        --review-tty=*) review_tty=${1#--review-tty=}; shift ;;
        --hq) role=hq; shift ;;
        --uninstall) action=uninstall; shift ;;
        -h | --help) usage; exit 0 ;;
        *) usage >&2; fail "unknown option $1" ;;
    esac
done

valid_tty() {
    [[ "$1" =~ ^tty[A-Za-z0-9]+$ ]]
}
valid_tty "$attend_tty" || fail "--attend-tty: expected a terminal name such as tty1 or ttyS0, got '$attend_tty'"
if [ "$review_tty" != none ]; then
    valid_tty "$review_tty" || fail "--review-tty: expected a terminal name such as tty2 or ttyS0, or none"
    [ "$review_tty" != "$attend_tty" ] || fail "--review-tty must differ from --attend-tty ($attend_tty)"
fi

[ -d "$root" ] || fail "--root $root: no such folder"
root=$(cd "$root" && pwd)
live=no
if [ "$root" = / ]; then
    live=yes
    [ "$(id -u)" -eq 0 ] || fail "run it as root (sudo $0 ...), or with --root DIR to install into a folder"
    root=
fi

# Where things go (under $root). The user, /etc and /var/lib folders are named after the program.
name=kiosk
[ "$role" = kiosk ] || name=kiosk-hq
prefix=/usr/local
units=$prefix/lib/systemd/system
etc_units=/etc/systemd/system
manifest=$prefix/lib/kiosk/manifest-$role

# --- Helpers ---------------------------------------------------------------------------

# Paths this run installed (relative to $root), recorded in the manifest for the next
# run (to remove what is no longer wanted) and for --uninstall.
installed=()

say() {
    echo "  $*"
}

# put SOURCE DESTINATION MODE: copies when the content differs; fixes the mode.
put() {
    local source=$1 destination=$root$2 mode=$3
    mkdir -p "$(dirname "$destination")"
    if ! cmp -s "$source" "$destination"; then
        install -m "$mode" "$source" "$destination"
        say "installed $2"
    elif [ "$(stat -c %a "$destination")" != "${mode#0}" ]; then
        chmod "$mode" "$destination"
        say "fixed the mode of $2"
    fi
    installed+=("$2")
}

# link TARGET LINK: a symbolic link (unit enablement or mask), replaced if it points elsewhere.
link() {
    local target=$1 path=$root$2
    mkdir -p "$(dirname "$path")"
    if [ "$(readlink "$path" 2>/dev/null)" != "$target" ]; then
        if [ -e "$path" ] && [ ! -L "$path" ]; then
            fail "$2 exists and is not a link; move it away and run again"
        fi
        ln -sfn "$target" "$path"
        say "linked $2 -> $target"
    fi
    installed+=("$2")
}

# put_tree SOURCE DESTINATION: every file, same layout; files no longer in SOURCE are removed.
put_tree() {
    local source=$1 destination=$2 file relative
    while IFS= read -r -d '' file; do
        relative=${file#"$source"/}
        put "$file" "$destination/$relative" 0644
    done < <(find "$source" -type f -print0 | sort -z)
}

# enable UNIT_FILE INSTANCE: the link `systemctl enable` makes, from the unit's WantedBy=.
enable() {
    local unit=$1 instance=$2 target
    target=$(sed -n 's/^WantedBy=//p' "$root$units/$unit" | head -n 1)
    [ -n "$target" ] || fail "$unit has no WantedBy="
    link "$units/$unit" "$etc_units/$target.wants/$instance"
}

mask() {
    link /dev/null "$etc_units/$1"
}

# Removes what the previous run installed and this one did not (a changed tty, an old file).
remove_stale() {
    local previous=$root$manifest path
    [ -f "$previous" ] || return 0
    # A lookup table, not `printf ... | grep -q`: under pipefail, grep -q leaving at the first
    # match can fail printf with a broken pipe, and the installed file would be taken as stale.
    local -A current=()
    for path in "${installed[@]}"; do current[$path]=1; done
    while IFS= read -r path; do
        [ -n "$path" ] || continue
        if [ -z "${current[$path]:-}" ]; then
            if [ -e "$root$path" ] || [ -L "$root$path" ]; then
                rm -f -- "$root$path"
                say "removed $path"
            fi
        fi
    done <"$previous"
}

write_manifest() {
    local list
    list=$(mktemp)
    printf '%s\n' "${installed[@]}" | sort -u >"$list"
    installed+=("$manifest")
    put "$list" "$manifest" 0644
    rm -f "$list"
}

# The binary for NAME: --bin-dir, else a release build of this checkout.
binary() {
    local name=$1
    if [ -z "$bin_dir" ]; then
        command -v swift >/dev/null || fail "no swift toolchain here: build elsewhere and pass --bin-dir DIR"
        echo "building $name (release, Swift runtime linked in)..." >&2
        # The kiosk product builds kiosk-attend with it (the form runs in it).
        (cd "$repo" && swift build -c release --static-swift-stdlib --product "$name" >&2)
        bin_dir=$(cd "$repo" && swift build -c release --static-swift-stdlib --show-bin-path)
    fi
    [ -x "$bin_dir/$name" ] || fail "$bin_dir/$name: no such executable"
    echo "$bin_dir/$name"
}

# --- Uninstall -------------------------------------------------------------------------

if [ "$action" = uninstall ]; then
    [ -f "$root$manifest" ] || fail "nothing to uninstall: $manifest is missing"
    echo "Removing the $role program, units and lockdown (data and configuration stay)..."
    if [ "$live" = yes ]; then
        while IFS= read -r path; do
            case "$path" in
                */*.wants/*) systemctl disable --now "$(basename "$path")" 2>/dev/null || true ;;
            esac
        done <"$root$manifest"
    fi
    installed=()
    remove_stale
    rm -f -- "$root$manifest"
    for folder in $prefix/share/kiosk $prefix/share/doc/kiosk $prefix/lib/kiosk; do
        [ ! -d "$root$folder" ] || find "$root$folder" -depth -type d -empty -delete
    done
    if [ "$live" = yes ]; then
        systemctl daemon-reload
    fi
    echo "Done. Kept: /etc/$name, /var/lib/$name and the user $name; remove them by hand if wanted."
    exit 0
fi

# --- Install ---------------------------------------------------------------------------

echo "Installing the $role into ${root:-/}..."

program=$(binary "$name")
if [ "$role" = kiosk ]; then
    put "$program" $prefix/bin/kiosk 0755
    # `kiosk attend` runs the form in kiosk-attend, which it finds beside itself.
    attend_program=$(dirname "$program")/kiosk-attend
    [ -x "$attend_program" ] || fail "$attend_program: no such executable (it is built with kiosk)"
    put "$attend_program" $prefix/bin/kiosk-attend 0755
    put "$here/kiosk-admin" $prefix/sbin/kiosk-admin 0755
    put_tree "$repo/Kiosk" $prefix/share/kiosk
    put "$here/README.md" $prefix/share/doc/kiosk/README.md 0644

    put "$here/sysusers.d/kiosk.conf" $prefix/lib/sysusers.d/kiosk.conf 0644
    put "$here/tmpfiles.d/kiosk.conf" $prefix/lib/tmpfiles.d/kiosk.conf 0644
    for unit in kiosk-attend@.service kiosk-review@.service kiosk-upload.service kiosk-upload.timer \
        kiosk-upload.path; do
        put "$here/$unit" "$units/$unit" 0644
    done
    enable kiosk-attend@.service "kiosk-attend@$attend_tty.service"
    ttys=("$attend_tty")
    if [ "$review_tty" != none ]; then
        enable kiosk-review@.service "kiosk-review@$review_tty.service"
        ttys+=("$review_tty")
    fi
    enable kiosk-upload.timer kiosk-upload.timer
    enable kiosk-upload.path kiosk-upload.path

    # Lockdown: no login prompt on the kiosk's terminals and no other VT, Ctrl-Alt-Del
    # and SysRq off, TIOCSTI off, a bounded journal that never writes to a terminal.
    for tty in "${ttys[@]}"; do
        mask "getty@$tty.service"
        mask "autovt@$tty.service"
        mask "serial-getty@$tty.service"
    done
    mask ctrl-alt-del.target
    put "$here/lockdown/sysctl.d/90-kiosk.conf" $prefix/lib/sysctl.d/90-kiosk.conf 0644
    for part in journald logind system; do
        put "$here/lockdown/$part.conf.d/90-kiosk.conf" "$prefix/lib/systemd/$part.conf.d/90-kiosk.conf" 0644
    done

    # The configuration: created from the example once, never overwritten.
    if [ ! -e "$root/etc/kiosk/config.json" ]; then
        mkdir -p "$root/etc/kiosk"
        chmod 0750 "$root/etc/kiosk"
        install -m 0640 "$repo/Kiosk/config.example.json" "$root/etc/kiosk/config.json"
        say "created /etc/kiosk/config.json from the example: edit it"
    fi
else
    put "$program" $prefix/bin/kiosk-hq 0755
    put "$here/sysusers.d/kiosk-hq.conf" $prefix/lib/sysusers.d/kiosk-hq.conf 0644
    put "$here/tmpfiles.d/kiosk-hq.conf" $prefix/lib/tmpfiles.d/kiosk-hq.conf 0644
    put "$here/kiosk-hq.service" "$units/kiosk-hq.service" 0644
    enable kiosk-hq.service kiosk-hq.service
fi

remove_stale
write_manifest

if [ "$live" = no ]; then
    echo "Installed into $root; nothing was activated (users, folders and units apply on the target)."
    exit 0
fi

# --- Activate on this machine ------------------------------------------------------------

libraries=$(ldd "$prefix/bin/$name")
if grep -q 'not found' <<<"$libraries"; then
    fail "$prefix/bin/$name misses libraries here: apt-get install libsqlite3-0 libssl3 libidn2-0, then run again"
fi
systemd-sysusers "$prefix/lib/sysusers.d/$name.conf"
systemd-tmpfiles --create "$prefix/lib/tmpfiles.d/$name.conf"
systemctl daemon-reload
if [ "$role" = kiosk ]; then
    /lib/systemd/systemd-sysctl "$prefix/lib/sysctl.d/90-kiosk.conf"
    echo
    echo "Configuration check (as the kiosk user):"
    "$prefix/sbin/kiosk-admin" config check || echo "  fix /etc/kiosk/config.json, then: sudo kiosk-admin config check"
    echo
    echo "Next: edit /etc/kiosk/config.json, run 'sudo kiosk-admin keys init' and 'sudo kiosk-admin staff add ...',"
    consoles="the form starts on $attend_tty"
    [ "$review_tty" = none ] || consoles="$consoles, the review console on $review_tty"
    echo "then reboot: $consoles, uploads every 15 minutes."
else
    echo "Next: put server.pem and server.key.pem in /etc/kiosk-hq, create the receipt key"
    echo "(see deploy/README.md), then: systemctl start kiosk-hq"
fi
