#!/usr/bin/env bash
# A smoke test of the real units under a real systemd, by hand (not in CI: it needs root,
# systemd-nspawn from the systemd-container package, and a merged-/usr Debian host):
#
#   sudo deploy/tests/nspawn-smoke.sh BIN_DIR      # e.g. .build/debug or .build/release
#
# Boots systemd in a container whose /usr is the host's (read-only; /usr/local is a
# throw-away overlay), with a copy of /etc and an empty /var. Inside it, it runs the
# installer for real, creates the center key and a supervisor, then on pseudo-terminals
# fills and stores an application through kiosk-attend@, logs in to kiosk-review@, lists it
# and requests an upload from there (the console has no network: kiosk-upload.path starts the
# upload service), runs kiosk-upload.service (it fails for lack of
# headquarters' files, as it should, without being killed by the sandbox), and shows the
# out-of-service screen with a huge min_free_disk_mb. Exits 0 when every step passed.
set -euo pipefail

bin_dir=$(cd "${1:?usage: nspawn-smoke.sh BIN_DIR}" && pwd)
tests=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$tests/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "run it as root" >&2; exit 1; }
command -v systemd-nspawn >/dev/null || { echo "apt-get install systemd-container" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-nspawn.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
smoke=$work/smoke
mkdir -p "$smoke/out" "$root"/{dev,proc,sys,run,tmp,var,root,home,opt,usr,smoke} "$root$repo"
cp -a /etc "$root/etc"
for link in bin lib lib64 sbin; do ln -s "usr/$link" "$root/$link"; done
rm -f "$root/etc/os-release" "$root/etc/machine-id"
cp /usr/lib/os-release "$root/etc/os-release"
# No network in the container: do not wait for it.
ln -sf /dev/null "$root/etc/systemd/system/systemd-networkd-wait-online.service"
cp "$tests/pty_drive.py" "$smoke/"

attend_answers=()
for answer in Shevchenko Taras '' 2000-01-01 male 3652504575 'ID card' 123456789 '+380 67 123 45 67' '' 1 2 no 1 7 \
    '' 1 yes confirm; do
    attend_answers+=('> ' "$answer")
done

{
    echo '#!/bin/bash'
    echo 'exec >/smoke/out/log.txt 2>&1'
    echo 'set -x'
    printf 'cd %q\n' "$repo"
    printf 'deploy/install.sh --bin-dir %q\n' "$bin_dir"
    printf 'attend_answers=('
    printf ' %q' "${attend_answers[@]}"
    printf ')\n'
    cat <<'EOF'
kiosk-admin keys init
printf 'correct horse battery\n' | kiosk-admin staff add olena --name "Olena K" --role supervisor --password-stdin
python3 /smoke/pty_drive.py kiosk-attend "Choose a language" 2 "${attend_answers[@]}" DEMO01- ''
kiosk-admin status
python3 /smoke/pty_drive.py kiosk-review "Staff ID: " olena "Password: " "correct horse battery" "" list DEMO01- \
    upload "Upload requested"
timeout 120 systemctl start kiosk-upload.service
echo "upload: $(systemctl show -p Result -p ExecMainCode -p ExecMainStatus kiosk-upload.service | xargs)"
mkdir -p /etc/systemd/system/kiosk-attend@.service.d
printf '[Service]\nEnvironment=KIOSK_MIN_FREE_DISK_MB=100000000\n' >/etc/systemd/system/kiosk-attend@.service.d/full.conf
systemctl daemon-reload
python3 /smoke/pty_drive.py kiosk-attend "Out of service" ""
journalctl -p err --no-pager -o cat | grep "out of service" && echo "RESULT ok journal priority err"
journalctl --no-pager -o short | grep -E "kiosk|SIGSYS|seccomp" | tail -40
echo SMOKE-DONE
systemctl poweroff
EOF
} >"$smoke/inner.sh"
chmod 755 "$smoke/inner.sh"
cat >"$root/etc/systemd/system/kiosk-smoke.service" <<'EOF'
[Unit]
After=basic.target
[Service]
Type=oneshot
ExecStart=/smoke/inner.sh
EOF
cat >"$root/etc/systemd/system/kiosk-smoke.target" <<'EOF'
[Unit]
Requires=basic.target kiosk-smoke.service
After=basic.target
AllowIsolate=yes
EOF

timeout 300 systemd-nspawn --quiet --register=no --keep-unit --link-journal=no --private-network \
    --directory="$root" --machine=kiosk-smoke --bind-ro=/usr:/usr --overlay=/usr/local::/usr/local \
    --bind-ro=/opt:/opt --bind-ro="$repo:$repo" --bind="$smoke:/smoke" \
    --console=passive --boot -- systemd.unit=kiosk-smoke.target >"$work/nspawn.log" 2>&1 || true

log=$smoke/out/log.txt
[ -f "$log" ] || { cat "$work/nspawn.log"; echo "FAIL: the container did not run the smoke test" >&2; exit 1; }
grep -E '^(RESULT|saw|TIMEOUT|upload:|unit )' "$log" || true
passed=$(grep -c '^RESULT ok' "$log" || true)
if grep -q '^RESULT FAILED' "$log" || [ "$passed" -ne 4 ] || ! grep -q 'Result=exit-code ExecMainCode=1 ExecMainStatus=1' "$log"; then
    tail -n 80 "$log"
    echo "FAIL: see above" >&2
    exit 1
fi
echo "ok: the units run under systemd: form stored an application, review logged in and uploaded, out of service shown"
