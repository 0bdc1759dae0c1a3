#!/usr/bin/env bash
# The deployment checks, one case per run (the Swift suite DeployTests runs each):
#
#   deploy/tests/run.sh CASE BIN_DIR
#
# BIN_DIR holds the built kiosk, kiosk-attend and kiosk-hq. Each case works in its own temporary folder,
# prints what it checked, and exits 1 at the first failure with the reason.
# Cases: shellcheck install idempotent users verify security uninstall retarget hq config client-cert
set -euo pipefail

case_name=${1:?usage: run.sh CASE BIN_DIR}
bin_dir=$(cd "${2:?usage: run.sh CASE BIN_DIR}" && pwd)
deploy=$(cd "$(dirname "$0")/.." && pwd)
repo=$(dirname "$deploy")
work=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-deploy-$case_name.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Exposure limits of `systemd-analyze security` (0 = safest, 10 = exposed).
declare -A exposure_limit=(
    [kiosk-attend@tty1.service]=2.0
    [kiosk-review@tty2.service]=2.0
    [kiosk-upload.service]=3.0
)
# Scripts outside deploy/ with a known false positive: the file and the checks to skip.
declare -A shellcheck_exclude=(
    [Fuzz/build.sh]=SC2054 # -sanitize=fuzzer,address is one compiler flag, not an array typo
)

fail() {
    echo "FAIL (deploy $case_name): $*" >&2
    exit 1
}

ok() {
    echo "ok: $*"
}

# install ROOT [OPTIONS...]: the installer into ROOT with the built binaries.
install_into() {
    local root=$1
    shift
    mkdir -p "$root"
    "$deploy/install.sh" --root "$root" --bin-dir "$bin_dir" "$@"
}

# A listing of every path under ROOT with type, mode, owner, size, link target and content hash.
snapshot() {
    local root=$1
    (
        cd "$root"
        find . -printf '%y %m %u:%g %s %p -> %l\n' | sort
        find . -type f -print0 | sort -z | xargs -0 -r sha256sum
    )
}

# The systemd units of the host, so `systemd-analyze --root` finds sysinit.target and friends.
add_host_units() {
    mkdir -p "$1/usr/lib/systemd"
    cp -a /usr/lib/systemd/system "$1/usr/lib/systemd/"
}

expect_file() {
    local path=$1 mode=$2
    [ -f "$path" ] || fail "missing ${path#"$work"}"
    [ "$(stat -c %a "$path")" = "$mode" ] || fail "${path#"$work"} has mode $(stat -c %a "$path"), expected $mode"
}

expect_state() {
    local root=$1 unit=$2 state=$3 actual
    actual=$(systemctl --root="$root" is-enabled "$unit" 2>/dev/null || true)
    [ "$actual" = "$state" ] || fail "$unit is '$actual', expected '$state'"
}

case "$case_name" in
shellcheck)
    command -v shellcheck >/dev/null || fail "shellcheck is not installed (apt-get install shellcheck)"
    count=0
    while IFS= read -r -d '' script; do
        relative=${script#"$repo"/}
        # Each check reads a whole output, never `cmd | grep -q`: under pipefail grep -q leaving at
        # the first match can fail the writer with a broken pipe and turn the answer around.
        if grep -qE '^#!.*\b(ba|da)?sh\b' <<<"$(head -n 1 "$script")"; then
            exclude=${shellcheck_exclude[$relative]:-}
            shellcheck ${exclude:+--exclude="$exclude"} "$script" || fail "shellcheck $relative"
            count=$((count + 1))
            ok "shellcheck $relative${exclude:+ (except $exclude)}"
        fi
    done < <(find "$repo" \( -name '.build*' -o -name .git -o -name .swiftpm -o -name .venv \) -prune -o -type f -print0 | sort -z)
    [ "$count" -ge 3 ] || fail "found only $count scripts"
    ;;

install)
    root=$work/root
    install_into "$root" >/dev/null
    r=$root/usr/local
    expect_file "$r/bin/kiosk" 755
    expect_file "$r/bin/kiosk-attend" 755
    expect_file "$r/sbin/kiosk-admin" 755
    for file in forms/ua-contract.json forms/lt-volunteer.json units.json strings/uk.json strings/en.json \
        strings/lt.json config.example.json; do
        expect_file "$r/share/kiosk/$file" 644
        cmp -s "$repo/Kiosk/$file" "$r/share/kiosk/$file" || fail "share/kiosk/$file differs from Kiosk/$file"
    done
    expect_file "$r/share/doc/kiosk/README.md" 644
    for unit in kiosk-attend@.service kiosk-review@.service kiosk-upload.service kiosk-upload.timer \
        kiosk-upload.path; do
        expect_file "$r/lib/systemd/system/$unit" 644
    done
    expect_file "$r/lib/sysusers.d/kiosk.conf" 644
    expect_file "$r/lib/tmpfiles.d/kiosk.conf" 644
    expect_file "$r/lib/sysctl.d/90-kiosk.conf" 644
    for part in journald logind system; do expect_file "$r/lib/systemd/$part.conf.d/90-kiosk.conf" 644; done
    expect_file "$root/etc/kiosk/config.json" 640
    cmp -s "$repo/Kiosk/config.example.json" "$root/etc/kiosk/config.json" || fail "config.json is not the example"
    ok "installed tree: binaries, Kiosk files, units, sysusers, tmpfiles, lockdown, config from the example"
    for unit in kiosk-attend@tty1.service kiosk-review@tty2.service kiosk-upload.timer kiosk-upload.path; do
        expect_state "$root" "$unit" enabled
    done
    ok "enabled: kiosk-attend@tty1, kiosk-review@tty2, kiosk-upload.timer, kiosk-upload.path"
    for unit in getty@tty1.service autovt@tty1.service serial-getty@tty1.service getty@tty2.service \
        autovt@tty2.service ctrl-alt-del.target; do
        expect_state "$root" "$unit" masked
    done
    ok "masked: getty and autovt on tty1 and tty2, ctrl-alt-del.target"
    grep -qx 'kernel.sysrq = 0' "$r/lib/sysctl.d/90-kiosk.conf" || fail "kernel.sysrq is not 0"
    grep -qx -- '-dev.tty.legacy_tiocsti = 0' "$r/lib/sysctl.d/90-kiosk.conf" || fail "legacy_tiocsti is not 0"
    grep -qx 'SystemMaxUse=256M' "$r/lib/systemd/journald.conf.d/90-kiosk.conf" || fail "no journal size limit"
    grep -qx 'NAutoVTs=0' "$r/lib/systemd/logind.conf.d/90-kiosk.conf" || fail "logind still spawns VTs"
    ok "lockdown: sysrq 0, legacy_tiocsti 0, journal limits, no auto VTs"
    # Everything the units and kiosk-admin name exists in the tree.
    grep -q 'ExecStart=/usr/local/bin/kiosk-attend$' "$r/lib/systemd/system/kiosk-attend@.service" || fail "attend ExecStart"
    grep -q '^KIOSK=/usr/local/bin/kiosk$' "$r/sbin/kiosk-admin" || fail "kiosk-admin runs another binary"
    for unit in kiosk-attend@.service kiosk-review@.service kiosk-upload.service; do
        for setting in 'KIOSK_CONFIG=/etc/kiosk/config.json' 'SWIFT_BACKTRACE=enable=no' '^LimitCORE=0$' \
            '^CapabilityBoundingSet=$' '^NoNewPrivileges=yes$' '^ProtectSystem=strict$' '^User=kiosk$'; do
            grep -q -- "$setting" "$r/lib/systemd/system/$unit" || fail "$unit lacks $setting"
        done
    done
    ok "units: user kiosk, /etc/kiosk/config.json, no backtraces, no core dumps, no capabilities"
    # The review console can neither reach the network nor read the center's signing key; its
    # upload is a request that kiosk-upload.path hands to the upload service.
    review=$r/lib/systemd/system/kiosk-review@.service
    for setting in '^PrivateNetwork=yes$' '^IPAddressDeny=any$' '^RestrictAddressFamilies=AF_UNIX$' \
        '^InaccessiblePaths=-/var/lib/kiosk/keys$' '^Environment=KIOSK_UPLOAD_REQUEST=/var/lib/kiosk/upload.request$'; do
        grep -q -- "$setting" "$review" || fail "kiosk-review@.service lacks $setting"
    done
    grep -q '^PathChanged=/var/lib/kiosk/upload.request$' "$r/lib/systemd/system/kiosk-upload.path" ||
        fail "kiosk-upload.path does not watch the console's request"
    ok "review console: no network, no center key; its upload requests go to kiosk-upload.service"
    ;;

idempotent)
    root=$work/root
    install_into "$root" >/dev/null
    echo '{"center": "EDITED1", "center_name": "edited", "form": "ua-contract", "idle_timeout_seconds": 60}' \
        >"$root/etc/kiosk/config.json"
    before=$(snapshot "$root")
    # Several reruns: a stale-file check that raced (a pipe closed early under pipefail) once
    # removed an installed file on some runs only.
    for run in 2 3 4 5 6; do
        output=$(install_into "$root")
        after=$(snapshot "$root")
        [ "$before" = "$after" ] ||
            fail "run $run changed the tree: $(diff <(echo "$before") <(echo "$after") | head -20)"
        if grep -qE '^  (installed|linked|removed|fixed|created)' <<<"$output"; then
            fail "run $run reported changes: $output"
        fi
    done
    grep -q EDITED1 "$root/etc/kiosk/config.json" || fail "the configuration was overwritten"
    ok "five more runs change nothing and keep the edited configuration"
    ;;

users)
    if [ "$(id -u)" -ne 0 ]; then
        # In CI a check that cannot run fails: CI runs as root.
        [ -z "${CI:-}" ] || fail "creating users and owners in a folder needs root, and CI must run every check"
        echo "skip: creating users and owners in a folder needs root"
        exit 0
    fi
    root=$work/root
    install_into "$root" >/dev/null
    systemd-sysusers --root="$root" >/dev/null
    entry=$(grep '^kiosk:' "$root/etc/passwd") || fail "sysusers declares no user kiosk"
    IFS=: read -r _ _ uid gid _ home shell <<<"$entry"
    [ "$uid" -lt 1000 ] || fail "kiosk is not a system user (uid $uid)"
    [ "$home" = /var/lib/kiosk ] || fail "kiosk's home is $home"
    [ "$shell" = /usr/sbin/nologin ] || fail "kiosk's shell is $shell"
    password=$(grep '^kiosk:' "$root/etc/shadow" | cut -d: -f2)
    [[ "$password" == '!'* ]] || fail "kiosk has a usable password field: $password"
    [ "$(grep -c '^kiosk:' "$root/etc/passwd")" = 1 ] || fail "more than one kiosk user"
    [ "$(wc -l <"$root/etc/passwd")" = 1 ] || fail "sysusers declared other users: $(cat "$root/etc/passwd")"
    ok "user kiosk: system uid $uid, no password, no shell, home /var/lib/kiosk"
    systemd-tmpfiles --root="$root" --create >/dev/null
    [ "$(stat -c '%a %u %g' "$root/var/lib/kiosk")" = "700 $uid $gid" ] || fail "/var/lib/kiosk: $(stat -c '%a %u %g' "$root/var/lib/kiosk")"
    [ "$(stat -c '%a %u %g' "$root/etc/kiosk")" = "750 0 $gid" ] || fail "/etc/kiosk: $(stat -c '%a %u %g' "$root/etc/kiosk")"
    [ "$(stat -c '%a %u %g' "$root/etc/kiosk/config.json")" = "640 0 $gid" ] || fail "config.json: $(stat -c '%a %u %g' "$root/etc/kiosk/config.json")"
    ok "folders: /var/lib/kiosk 0700 kiosk, /etc/kiosk 0750 root:kiosk, config.json 0640 root:kiosk"
    ;;

verify)
    root=$work/root
    install_into "$root" >/dev/null
    add_host_units "$root"
    units=(kiosk-attend@tty1.service kiosk-review@tty2.service kiosk-upload.service kiosk-upload.timer
        kiosk-upload.path)
    output=$(systemd-analyze verify --root="$root" "${units[@]}" 2>&1) || fail "systemd-analyze verify: $output"
    [ -z "$output" ] || fail "systemd-analyze verify is not clean: $output"
    ok "systemd-analyze verify: ${units[*]}"
    ;;

security)
    root=$work/root
    install_into "$root" >/dev/null
    for unit in "${!exposure_limit[@]}"; do
        output=$(systemd-analyze security --offline=true --root="$root" "$unit" 2>&1) || true
        level=$(sed -n "s/.*Overall exposure level for $unit: \([0-9.]*\).*/\1/p" <<<"$output")
        [ -n "$level" ] || fail "no exposure level for $unit: $(tail -n 3 <<<"$output")"
        limit=${exposure_limit[$unit]}
        awk -v level="$level" -v limit="$limit" 'BEGIN { exit !(level <= limit) }' ||
            fail "$unit: exposure $level is above $limit; the findings: $(grep '✗' <<<"$output")"
        ok "systemd-analyze security $unit: exposure $level (at most $limit)"
    done
    ;;

uninstall)
    root=$work/root
    install_into "$root" >/dev/null
    mkdir -p "$root/var/lib/kiosk"
    echo data >"$root/var/lib/kiosk/kiosk.sqlite"
    echo '{"center": "KEPT01", "center_name": "kept", "form": "ua-contract", "idle_timeout_seconds": 60}' \
        >"$root/etc/kiosk/config.json"
    "$deploy/install.sh" --root "$root" --uninstall >/dev/null
    left=$(cd "$root" && find . \( -type f -o -type l \) | sort)
    expected=$(printf '%s\n' ./etc/kiosk/config.json ./var/lib/kiosk/kiosk.sqlite)
    [ "$left" = "$expected" ] || fail "after --uninstall, expected only the configuration and the data, found: $left"
    grep -q KEPT01 "$root/etc/kiosk/config.json" || fail "the configuration changed"
    [ ! -d "$root/usr/local/share/kiosk" ] || fail "share/kiosk is still there"
    ok "--uninstall removes the program, units, masks and lockdown; keeps the configuration and the data"
    ;;

retarget)
    root=$work/root
    install_into "$root" --review-tty ttyS0 >/dev/null
    expect_state "$root" kiosk-review@ttyS0.service enabled
    expect_state "$root" serial-getty@ttyS0.service masked
    install_into "$root" --attend-tty tty3 --review-tty none >/dev/null
    expect_state "$root" kiosk-attend@tty3.service enabled
    expect_state "$root" getty@tty3.service masked
    for unit in kiosk-attend@tty1.service kiosk-review@ttyS0.service serial-getty@ttyS0.service getty@tty1.service; do
        [ ! -L "$root/etc/systemd/system/$unit" ] || fail "$unit is still masked"
        if [ -n "$(find "$root/etc/systemd/system" -name "$unit")" ]; then fail "$unit is still enabled"; fi
    done
    ok "changing the terminals moves the units and masks, and drops the old ones"
    if "$deploy/install.sh" --root "$root" --bin-dir "$bin_dir" --attend-tty 'tty1;x' >/dev/null 2>&1; then
        fail "a bad terminal name was accepted"
    fi
    ok "a bad terminal name is refused"
    ;;

hq)
    root=$work/root
    install_into "$root" --hq >/dev/null
    expect_file "$root/usr/local/bin/kiosk-hq" 755
    expect_file "$root/usr/local/lib/systemd/system/kiosk-hq.service" 644
    expect_state "$root" kiosk-hq.service enabled
    grep -q '^u kiosk-hq ' "$root/usr/local/lib/sysusers.d/kiosk-hq.conf" || fail "no kiosk-hq user"
    for program in kiosk kiosk-attend; do
        [ ! -e "$root/usr/local/bin/$program" ] || fail "--hq installed $program too"
    done
    [ ! -e "$root/etc/systemd/system/ctrl-alt-del.target" ] || fail "--hq applied the kiosk lockdown"
    add_host_units "$root"
    output=$(systemd-analyze verify --root="$root" kiosk-hq.service 2>&1) || fail "verify kiosk-hq.service: $output"
    [ -z "$output" ] || fail "systemd-analyze verify kiosk-hq.service is not clean: $output"
    level=$(systemd-analyze security --offline=true --root="$root" kiosk-hq.service 2>&1 |
        sed -n 's/.*Overall exposure level for kiosk-hq.service: \([0-9.]*\).*/\1/p')
    [ -n "$level" ] || fail "no exposure level for kiosk-hq.service"
    awk -v level="$level" 'BEGIN { exit !(level <= 3.0) }' || fail "kiosk-hq.service: exposure $level is above 3.0"
    ok "headquarters: kiosk-hq installed and enabled, verify clean, exposure $level (at most 3.0)"
    unit=$root/usr/local/lib/systemd/system/kiosk-hq.service
    for setting in '--client-ca /etc/kiosk-hq/centers-ca.pem' '--listen [$]{KIOSK_HQ_LISTEN}' \
        '^Environment=KIOSK_HQ_LISTEN=127.0.0.1:8443$' '^EnvironmentFile=-/etc/kiosk-hq/kiosk-hq.env$' \
        '^MemoryMax=' '^TasksMax=' '^CapabilityBoundingSet=$' '^AmbientCapabilities=$'; do
        grep -q -- "$setting" "$unit" || fail "kiosk-hq.service lacks $setting"
    done
    if grep -q -e CAP_NET_BIND_SERVICE -e '0\.0\.0\.0' "$unit"; then
        fail "kiosk-hq.service still grants CAP_NET_BIND_SERVICE or listens on every address"
    fi
    ok "kiosk-hq.service: client certificates required, configured address (loopback by default), bounded, no capabilities"
    ;;

client-cert)
    # deploy/center-cert.sh makes the centers' CA and a center's client certificate with the
    # openssl CLI; the certificate verifies against the CA, and kiosk-hq with --client-ca takes
    # a connection that presents it and refuses one that does not.
    pki=$work/pki
    "$deploy/center-cert.sh" ca "$pki" >/dev/null
    "$deploy/center-cert.sh" issue "$pki" KYIV03 >/dev/null
    [ "$(stat -c %a "$pki/centers-ca.key.pem")" = 600 ] || fail "the CA key is not 0600"
    [ "$(stat -c %a "$pki/KYIV03.key.pem")" = 600 ] || fail "the center's key is not 0600"
    openssl verify -CAfile "$pki/centers-ca.pem" -purpose sslclient "$pki/KYIV03.pem" >/dev/null ||
        fail "KYIV03.pem does not verify as a client certificate of the centers' CA"
    subject=$(openssl x509 -in "$pki/KYIV03.pem" -noout -subject)
    grep -q 'CN *= *KYIV03' <<<"$subject" || fail "the subject is not CN=KYIV03"
    if "$deploy/center-cert.sh" issue "$pki" 'kyiv 03' >/dev/null 2>&1; then fail "a bad center code was accepted"; fi
    if "$deploy/center-cert.sh" issue "$pki" KYIV03 >/dev/null 2>&1; then fail "a certificate was overwritten"; fi
    ok "center-cert.sh: CA and KYIV03 client certificate (openssl verify -purpose sslclient), keys 0600, bad code and overwrite refused"
    # The server's own certificate, from another CA, for 127.0.0.1.
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -keyout "$work/server-ca.key" \
        -out "$work/server-ca.pem" -days 2 -subj "/CN=hq test CA" -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -keyout "$work/server.key" -subj /CN=localhost \
        -out "$work/server.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$work/server.ext"
    openssl x509 -req -in "$work/server.csr" -CA "$work/server-ca.pem" -CAkey "$work/server-ca.key" \
        -CAcreateserial -days 2 -extfile "$work/server.ext" -out "$work/server.pem" 2>/dev/null
    "$bin_dir/kiosk-hq" keys init --data-dir "$work/hq" >/dev/null
    "$bin_dir/kiosk-hq" serve --data-dir "$work/hq" --listen 127.0.0.1:0 --tls-cert "$work/server.pem" \
        --tls-key "$work/server.key" --client-ca "$pki/centers-ca.pem" >"$work/serve.out" 2>&1 &
    server=$!
    trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
    # Up to 60 s: under the whole test suite on two cores a debug build starts slowly.
    for _ in $(seq 600); do
        grep -q 'listening on' "$work/serve.out" && break
        kill -0 "$server" 2>/dev/null || fail "kiosk-hq serve exited: $(cat "$work/serve.out")"
        sleep 0.1
    done
    url=$(sed -n 's/.*listening on \(https:[^ ]*\).*/\1/p' "$work/serve.out")
    [ -n "$url" ] || fail "kiosk-hq did not start within 60 s: $(cat "$work/serve.out")"
    # Loopback, never through a proxy a CI machine may set in the environment.
    local_curl=(curl -sS --noproxy '*' --max-time 60 --cacert "$work/server-ca.pem")
    health=$("${local_curl[@]}" --cert "$pki/KYIV03.pem" --key "$pki/KYIV03.key.pem" "$url/health" 2>&1) ||
        fail "curl with KYIV03's certificate failed: $health; kiosk-hq printed: $(cat "$work/serve.out")"
    [ "$health" = '{"status":"ok"}' ] || fail "health with KYIV03's certificate: $health"
    if "${local_curl[@]}" "$url/health" >/dev/null 2>&1; then
        fail "kiosk-hq answered a client without a certificate"
    fi
    ok "kiosk-hq --client-ca: answers over mTLS with KYIV03's certificate, refuses a client without one"
    ;;

config)
    # The installed program, configuration and share folder work together: the kiosk finds
    # /usr/local/share/kiosk beside its binary and accepts the example once the files it names exist.
    root=$work/root
    install_into "$root" >/dev/null
    etc=$root/etc/kiosk
    openssl req -x509 -newkey ed25519 -keyout "$work/ca.key" -noenc -subj /CN=hq-ca -days 2 -out "$etc/hq-ca.pem" 2>/dev/null
    openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout -out "$etc/hq-receipt.pub.pem"
    openssl genpkey -algorithm x25519 2>/dev/null | openssl pkey -pubout -out "$etc/hq-sealing.pub.pem"
    export KIOSK_CONFIG=$etc/config.json KIOSK_DATA_DIR=$root/var/lib/kiosk
    export KIOSK_HQ_CA=$etc/hq-ca.pem KIOSK_HQ_RECEIPT_KEY=$etc/hq-receipt.pub.pem
    export KIOSK_HQ_SEALING_KEY=$etc/hq-sealing.pub.pem
    kiosk=$root/usr/local/bin/kiosk
    cd "$work"
    if output=$("$kiosk" config check 2>&1); then fail "config check passed without the center key: $output"; fi
    grep -q 'kiosk keys init' <<<"$output" || fail "no hint to create the center key: $output"
    "$kiosk" keys init >/dev/null
    output=$("$kiosk" config check 2>&1) || fail "config check: $output"
    grep -q "Kiosk files: $root/usr/local/share/kiosk (found by share folder beside the executable)" <<<"$output" ||
        fail "the installed Kiosk folder was not used: $output"
    ok "the installed kiosk accepts the example configuration and finds its Kiosk folder"
    ;;

*)
    fail "unknown case $case_name"
    ;;
esac
