#!/usr/bin/env bash
# Upload benchmark (prints numbers; it is not a test):
#  1. one ~50 MB batch: `kiosk upload` versus `curl -T` of the same file, each to a fresh
#     `kiosk-hq` over HTTPS on loopback (same server work: stream to disk, fsync, verify, store);
#  2. 44 centers uploading at once to one `kiosk-hq`: batches/s and per-batch latency (p50, p99).
#
# Usage: bench/upload.sh [--rounds N] [--mb MB] [--batches-per-center K]
# Builds release binaries in .build-bench (set BIN=dir to use binaries you already built).
# Needs: openssl, sqlite3, curl, python3.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3 megabytes=50 per_center=5
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --mb) megabytes=$2; shift 2 ;;
        --batches-per-center) per_center=$2; shift 2 ;;
        *) echo "usage: $0 [--rounds N] [--mb MB] [--batches-per-center K]" >&2; exit 2 ;;
    esac
done

if [ -z "${BIN:-}" ]; then
    swift build -c release --scratch-path .build-bench --product kiosk-hq >&2
    swift build -c release --scratch-path .build-bench --product kiosk >&2
    swift build -c release --scratch-path .build-bench --product kiosk-bench >&2
    BIN=$(swift build -c release --scratch-path .build-bench --show-bin-path)
fi
KIOSK="$BIN/kiosk" HQ="$BIN/kiosk-hq" KIOSK_DIR="$PWD/Kiosk"
export KIOSK_BENCH="$BIN/kiosk-bench"  # seeds approved applications through the product's stores
work=$(mktemp -d /tmp/kiosk-bench.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# A test CA and a server certificate for 127.0.0.1, as an operator would make them.
pki="$work/pki"; mkdir -p "$pki"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/ca.key" -out "$pki/ca.pem" \
    -days 2 -subj "/CN=bench CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/server.key" -out "$pki/server.csr" \
    -subj /CN=localhost 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' > "$pki/ext"
openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial -days 2 \
    -extfile "$pki/ext" -out "$pki/server.pem" 2>/dev/null

# A kiosk data folder for center $2 holding $3 approved applications of about $4 bytes of answers each.
make_kiosk() {
    local dir=$1 center=$2 count=$3 size=$4
    "$KIOSK" status --data-dir "$dir" --kiosk-dir "$KIOSK_DIR" > /dev/null
    python3 - "$dir" "$center" "$count" "$size" <<'PY'
import json, sys
folder, center, count, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
config = json.load(open(f"{folder}/config.json")); config["center"] = center
json.dump(config, open(f"{folder}/config.json", "w"))
sys.path.insert(0, "reliability")
from kiosklib import insert_approved_in_bulk  # kiosk-bench seed: approved through the stores
insert_approved_in_bulk(f"{folder}/kiosk.sqlite", center, 1, count,
                        answers={"surname": "Shevchenko", "notes": "x" * size})
PY
}

# A fresh kiosk-hq in $1 knowing the centers (CODE=public-key.pem) given; sets hq_port.
# Not called in a $(...) subshell, so that cleanup() knows every server's pid.
start_hq() {
    local dir=$1; shift
    "$HQ" keys init --data-dir "$dir" > /dev/null
    for pair in "$@"; do "$HQ" centers add "${pair%%=*}" --key "${pair#*=}" --data-dir "$dir" > /dev/null; done
    KIOSK_HQ_LOG_LEVEL=warning "$HQ" serve --data-dir "$dir" --listen 127.0.0.1:0 --tls-cert "$pki/server.pem" \
        --tls-key "$pki/server.key" --max-batch-mb 1024 > "$dir.out" 2> "$dir.err" &
    pids+=($!)
    for _ in $(seq 100); do grep -q listening "$dir.out" 2>/dev/null && break; sleep 0.1; done
    hq_port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$dir.out")
}

now() { date +%s.%N; }

echo "== 1. one batch of about $megabytes MB: kiosk upload vs curl -T (release build, HTTPS on loopback) =="
count=$((megabytes * 1000 / 50))
make_kiosk "$work/big" DEMO01 "$count" 50000
"$KIOSK" batch create --limit 1000000 --data-dir "$work/big" --kiosk-dir "$KIOSK_DIR" > /dev/null
tar_file="$work/big/outbox/DEMO01-00000001.tar"
bytes=$(stat -c %s "$tar_file")
echo "batch: $count applications, $bytes bytes"
kiosk_rates=() curl_rates=() send_rates=()
for round in $(seq "$rounds"); do
    cp -a "$work/big" "$work/kiosk-$round"
    start_hq "$work/hq-k$round" "DEMO01=$work/big/keys/center.pub.pem"
    port_k=$hq_port
    start_hq "$work/hq-c$round" "DEMO01=$work/big/keys/center.pub.pem"
    port_c=$hq_port
    start=$(now)
    # 'Expect:' turns off curl's Expect: 100-continue wait, so curl runs at its best.
    status=$(curl -sS --cacert "$pki/ca.pem" -T "$tar_file" -H 'Content-Type: application/x-tar' -H 'Expect:' -o /dev/null \
        -w '%{http_code}' "https://127.0.0.1:$port_c/v1/centers/DEMO01/batches/1")
    curl_s=$(echo "$(now) - $start" | bc)
    start=$(now)
    "$KIOSK" upload --data-dir "$work/kiosk-$round" --kiosk-dir "$KIOSK_DIR" --hq "https://127.0.0.1:$port_k" \
        --hq-ca "$pki/ca.pem" --hq-key "$work/hq-k$round/keys/receipt.pub.pem" > "$work/kiosk-$round.log"
    kiosk_s=$(echo "$(now) - $start" | bc)
    [ "$status" = 201 ] || { echo "curl got $status" >&2; exit 1; }
    sent_s=$(sed -n 's/.* MB sent in \([0-9.]*\) s.*/\1/p' "$work/kiosk-$round.log")
    stored_s=$(sed -n 's/.* stored in \([0-9.]*\) s.*/\1/p' "$work/kiosk-$round.log")
    kiosk_rates+=("$(echo "$bytes / $kiosk_s / 1000000" | bc -l)")
    send_rates+=("$(echo "$bytes / $sent_s / 1000000" | bc -l)")
    curl_rates+=("$(echo "$bytes / $curl_s / 1000000" | bc -l)")
    printf 'round %d: kiosk upload %.3f s (%.1f MB/s; of which sending %.2f s, marking delivered %.2f s), curl -T %.3f s (%.1f MB/s)\n' \
        "$round" "$kiosk_s" "${kiosk_rates[-1]}" "$sent_s" "$stored_s" "$curl_s" "${curl_rates[-1]}"
    rm -rf "$work/kiosk-$round"
done
python3 - "${kiosk_rates[*]}" "${curl_rates[*]}" "${send_rates[*]}" <<'PY'
import statistics, sys
kiosk, curl, send = ([float(x) for x in arg.split()] for arg in sys.argv[1:4])
k, c, s = statistics.median(kiosk), statistics.median(curl), statistics.median(send)
print(f"median: kiosk upload {k:.1f} MB/s, curl -T {c:.1f} MB/s, ratio {k / c:.2f}x curl (target >= 0.8x)")
print(f"median of the sending alone (first byte to verified receipt): {s:.1f} MB/s, {s / c:.2f}x curl")
PY

echo
echo "== 2. 44 centers at once, $per_center batches each (kiosk upload per center, one kiosk-hq) =="
pairs=()
for n in $(seq -w 1 44); do
    dir="$work/center$n"
    make_kiosk "$dir" "CTR$n" $((per_center * 20)) 1000
    for _ in $(seq "$per_center"); do
        "$KIOSK" batch create --limit 20 --data-dir "$dir" --kiosk-dir "$KIOSK_DIR" > /dev/null
    done
    pairs+=("CTR$n=$dir/keys/center.pub.pem")
done
start_hq "$work/hq-44" "${pairs[@]}"
port=$hq_port
start=$(now)
uploads=()
for n in $(seq -w 1 44); do
    "$KIOSK" upload --data-dir "$work/center$n" --kiosk-dir "$KIOSK_DIR" --hq "https://127.0.0.1:$port" \
        --hq-ca "$pki/ca.pem" --hq-key "$work/hq-44/keys/receipt.pub.pem" > "$work/center$n.log" 2>&1 &
    uploads+=($!)
done
failed=0
for pid in "${uploads[@]}"; do wait "$pid" || failed=$((failed + 1)); done
wall=$(echo "$(now) - $start" | bc)
accepted=$(sqlite3 "$work/hq-44/hq.sqlite" 'SELECT COUNT(*) FROM batch')
cat "$work"/center*.log | python3 -c "
import re, sys
times = sorted(float(a) + float(b) for a, b in re.findall(r'delivered batch \d+: .* sent in ([0-9.]+) s .* stored in ([0-9.]+) s', sys.stdin.read()))
n = len(times)
pct = lambda p: times[min(n - 1, int(round(p / 100 * (n - 1))))]
print(f'{n} batches delivered by 44 centers in $wall s: {n / $wall:.1f} batches/s; '
      f'per-batch latency p50 {pct(50) * 1000:.0f} ms, p99 {pct(99) * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms')
"
echo "kiosk-hq accepted $accepted batches; $failed kiosk upload runs failed"
