#!/usr/bin/env python3
"""Benchmarks of the kiosk against stock tools, measured side by side in one run.

Prints one table: each measure with the kiosk's figure, the stock tool's figure on the same
data in the same run, the ratio, the target and whether it is met; then writes the table, the
machine and the command into docs/PERFORMANCE.md (between its bench markers; the analysis
around them is kept). Absolute speeds drift between machines; the ratios hold.

Usage: bench/kiosk_bench.py [--bin DIR] [--records N] [--runs N] [--only SECTION ...] [--no-doc]
Sections: start, attend, batch, upload, hq, review, scale (add --million for 1,000,000 applications).
Build first, as deploy/install.sh does (kiosk builds kiosk-attend, which `kiosk attend` runs):
swift build -c release --static-swift-stdlib --product kiosk && swift build -c release --static-swift-stdlib
--product kiosk-hq && swift build -c release --static-swift-stdlib --product kiosk-bench
Needs python3, sqlite3, openssl, curl, GNU time (/usr/bin/time), and swiftc for the start floor.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import select
import signal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIOSK_DIR = os.path.join(ROOT, "Kiosk")
sys.path.insert(0, os.path.join(ROOT, "reliability"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference import reference  # noqa: E402
from docblock import replace_block  # noqa: E402
from kiosklib import (HQ, Binaries, Kiosk, center_public_key, insert_approved_in_bulk, sealing_key_pair,  # noqa: E402
                      sqlite)

# One complete ua-contract application, as typed at the kiosk (English).
SCRIPT = ["2", "Shevchenko", "Taras", "", "2000-01-01", "male", "3652504575", "ID card", "123456789",
          "+380 67 123 45 67", "", "1", "2", "no", "1", "7", "", "1", "yes", "confirm", ""]
INSERT_COLUMNS = ("reference, center, year, serial, form_id, form_version, form_sha256, consent_version, language, "
                  "state, answers, submitted_at, updated_at")
PRAGMAS = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; PRAGMA foreign_keys=ON;"


class Row:
    """One line of the table. `higher_is_better` flips how the ratio is read against its target."""

    def __init__(self, name, kiosk, stock, unit, target, met, note=""):
        self.name, self.kiosk, self.stock, self.unit, self.target, self.met, self.note = (
            name, kiosk, stock, unit, target, met, note)

    @property
    def ratio(self):
        return self.kiosk / self.stock if self.stock else None


def timed(cmd, stdin_data=None, env=None):
    """Wall time (s) and peak RSS (KiB) of one command, via GNU time."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, input=stdin_data, capture_output=True, env=env)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr.decode(errors='replace')[-2000:]}")
    seconds, kib = out.stderr.decode().strip().splitlines()[-1].split()
    return float(seconds), int(kib)


class Pty:
    """A program on a fresh pseudo-terminal, as a person at a console would run it.

    Deliberately minimal (no pexpect): nothing sleeps before a send or polls on a timer, so a
    measured time is the program's own.
    """

    def __init__(self, args, env=None):
        self.master, slave = os.openpty()
        self.process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                        start_new_session=True)
        os.close(slave)
        self.buffer = b""
        self.mark = 0

    def expect(self, pattern, timeout=60):
        """Waits for `pattern` (bytes, or a compiled bytes regex) after the previous match."""
        deadline = time.monotonic() + timeout
        while True:
            if isinstance(pattern, bytes):
                at = self.buffer.find(pattern, self.mark)
                if at >= 0:
                    self.mark = at + len(pattern)
                    return pattern
            else:
                found = pattern.search(self.buffer, self.mark)
                if found:
                    self.mark = found.end()
                    return found.group(0)
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.master], [], [], max(0, left))
            if not ready:
                raise TimeoutError(f"waited for {pattern!r}; got ...{self.buffer[-300:]!r}")
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                raise EOFError(f"ended while waiting for {pattern!r}; got ...{self.buffer[-300:]!r}")
            self.buffer += chunk

    def send(self, line):
        os.write(self.master, line.encode() + b"\r")

    def close(self):
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        os.close(self.master)


def first_prompt(command, prompt, runs, env=None):
    """Median seconds from spawning `command` on a pty until `prompt` appears."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        child = Pty(command, env)
        child.expect(prompt.encode())
        samples.append(time.perf_counter() - start)
        child.close()
    return statistics.median(samples)


def floor_programs(work):
    """The smallest Swift programs that print a prompt: without Foundation, and with it."""
    programs = {"swift": 'print("> ", terminator: "")\n_ = readLine()\n',
                "foundation": 'import Foundation\nlet now = Date()\nFileHandle.standardOutput.write(Data("> ".utf8))\n'
                              '_ = readLine()\n_ = now\n'}
    built = {}
    if not shutil.which("swiftc"):
        return built
    for name, source in programs.items():
        path = os.path.join(work, f"floor-{name}.swift")
        with open(path, "w") as f:
            f.write(source)
        for label, flags in ((name, []), (f"{name} -static-stdlib", ["-static-stdlib"])):
            binary = os.path.join(work, f"floor-{label.replace(' ', '')}")
            if subprocess.run(["swiftc", "-O", *flags, path, "-o", binary], capture_output=True).returncode == 0:
                built[label] = binary
    return built


# MARK: - Sections

def bench_start(ctx):
    kiosk = ctx.new_kiosk("start")
    db = kiosk.database
    attend = first_prompt(kiosk.args("attend"), "> ", ctx.runs, kiosk.env)
    stock = first_prompt(["sqlite3", db], "sqlite> ", ctx.runs)
    floors = floor_programs(ctx.work)
    floor_text = ", ".join(f"{name} {first_prompt([path], '> ', ctx.runs) * 1000:.1f} ms"
                           for name, path in floors.items())
    if "foundation" in floors:
        _, kib = timed([floors["foundation"]], stdin_data=b"\n")
        ctx.floor_rss = kib / 1024
    ctx.rows.append(Row("start to first prompt (median)", attend * 1000, stock * 1000, "ms",
                        "< 50 ms and <= 8x", attend < 0.050 and attend / stock <= 8,
                        f"floor: a Swift program printing a prompt: {floor_text}" if floor_text else ""))
    # What the service unit runs (deploy/kiosk-attend@.service): the same form without kiosk's exec.
    direct = [os.path.join(ctx.binaries.directory, "kiosk-attend")] + kiosk.args("attend")[2:]
    if os.path.exists(direct[0]):
        service = first_prompt(direct, "> ", ctx.runs, kiosk.env)
        ctx.rows.append(Row("start to first prompt, `kiosk-attend` as the service unit starts it (median)",
                            service * 1000, stock * 1000, "ms", "<= 8x", service / stock <= 8,
                            "`kiosk attend` above execs it; sqlite3 measured once, above"))


def bench_attend(ctx):
    kiosk = ctx.new_kiosk("attend")
    script = ("\n".join(SCRIPT) + "\n").encode()
    _, kiosk_kib = timed(kiosk.args("attend", "--once"), stdin_data=script, env=kiosk.env)
    def insert(serial):
        # Another center's code, so the kiosk's own reference sequence is untouched.
        return (f"INSERT INTO application ({INSERT_COLUMNS}) VALUES ('STOCK1-2026-{serial:06d}-X','STOCK1',2026,"
                f"{serial},'ua-contract',1,'{'0' * 64}','2026-11-uk-1','en','submitted',"
                f"'{{\"surname\":\"Shevchenko\"}}','2026-11-27 10:00:00.000','2026-11-27 10:00:00.000');")

    _, sqlite_kib = timed(["sqlite3", kiosk.database, PRAGMAS + " " + insert(1)])
    floor = getattr(ctx, "floor_rss", None)
    ctx.rows.append(Row("peak memory, `kiosk attend` one application", kiosk_kib / 1024, sqlite_kib / 1024, "MiB",
                        "< 32 MiB", kiosk_kib / 1024 < 32,
                        f"floor: a Swift program with Foundation {floor:.1f} MiB" if floor else ""))

    # Confirm to reference: the durable commit, kiosk vs sqlite3 with the same pragmas, both on a pty.
    samples_k, samples_s = [], []
    reference_pattern = re.compile(rb"DEMO01-\d{4}-\d{6}-[0-9A-Z]")
    for i in range(ctx.runs):
        child = Pty(kiosk.args("attend", "--once"), kiosk.env)
        for line in SCRIPT[:-2]:
            child.expect(b"> ")
            child.send(line)
        child.expect(b"> ")
        start = time.perf_counter()
        child.send("confirm")
        child.expect(reference_pattern)
        samples_k.append(time.perf_counter() - start)
        child.close()
        shell = Pty(["sqlite3", kiosk.database])
        shell.expect(b"sqlite> ")
        shell.send(PRAGMAS)
        shell.expect(b"sqlite> ")
        start = time.perf_counter()
        shell.send(insert(i + 2))
        shell.expect(b"sqlite> ")
        samples_s.append(time.perf_counter() - start)
        shell.close()
    k, s = statistics.median(samples_k) * 1000, statistics.median(samples_s) * 1000
    ctx.rows.append(Row("confirm to reference, one durable commit (median)", k, s, "ms", "<= 2x", k / s <= 2))


def bench_batch(ctx):
    template = ctx.new_kiosk("batch-template")
    insert_approved_in_bulk(template.database, "DEMO01", 1, ctx.records, bench=ctx.binaries.bench)
    data = os.path.join(ctx.work, "batch")
    shutil.copytree(template.data, data)
    kiosk = Kiosk(ctx.binaries, data)
    batch_s, batch_kib = timed(kiosk.args("batch", "create", "--limit", str(ctx.records)), env=kiosk.env)
    # The same batch unsealed: kiosk-bench writes it as `kiosk batch create` does (one transaction,
    # the same encoding, the tar synced under a hidden name before the commit) minus HPKE and the
    # deletion of the answers, on another copy of the same database.
    plain = os.path.join(ctx.work, "batch-unsealed")
    shutil.copytree(template.data, plain)
    plain_s, plain_kib = timed([ctx.binaries.bench, "unsealed-batch", plain, str(ctx.records)])
    stock = os.path.join(ctx.work, "stock")
    shutil.copytree(template.data, stock)
    key = os.path.join(stock, "keys", "center.key.pem")
    pipeline = (
        f"sqlite3 -json '{stock}/kiosk.sqlite' \"SELECT reference, form_id, form_version, form_sha256, "
        f"consent_version, language, submitted_at, answers FROM application WHERE state = 'approved' ORDER BY id\" "
        f"> '{stock}/records.json' && sha256sum '{stock}/records.json' > '{stock}/manifest.json' && "
        f"openssl pkeyutl -sign -inkey '{key}' -rawin -in '{stock}/manifest.json' -out '{stock}/manifest.sig'")
    stock_s, stock_kib = timed(["sh", "-c", pipeline])
    # What the kiosk does beyond the stock pipeline: mark the rows batched durably (one transaction,
    # secure_delete on) and write the tar durably. The same UPDATE in sqlite3 shows its share.
    update_s, _ = timed(["sqlite3", os.path.join(stock, "kiosk.sqlite"),
                         f"{PRAGMAS} UPDATE application SET state = 'batched' WHERE state = 'approved';"])
    status_s, _ = timed(kiosk.args("status"), env=kiosk.env)
    ctx.rows.append(Row(f"batch of {ctx.records:,} created and signed", batch_s, stock_s, "s", "<= 1.5x",
                        batch_s / stock_s <= 1.5,
                        f"the same rows marked batched by one UPDATE in sqlite3 (secure_delete, synchronous=FULL): "
                        f"{update_s:.2f} s; `kiosk status` (start and quick_check) on it: {status_s:.2f} s"))
    ctx.rows.append(Row(f"peak memory, `kiosk batch create` ({ctx.records:,})", batch_kib / 1024, stock_kib / 1024,
                        "MiB", "< 64 MiB", batch_kib / 1024 < 64))
    tar = os.path.join(data, "outbox", "DEMO01-00000001.tar")
    code, out, err = kiosk.run("batch", "verify", tar)
    if code != 0:
        sys.exit(f"the benchmark batch does not verify: {err}")
    sealed_mb = os.path.getsize(tar) / 1e6
    plain_mb = os.path.getsize(os.path.join(plain, "outbox", "DEMO01-00000001.tar")) / 1e6
    ctx.rows.append(Row(f"batch of {ctx.records:,} sealed (HPKE) against the same batch unsealed", batch_s, plain_s,
                        "s", "<= 1.3x", batch_s / plain_s <= 1.3,
                        f"stock: `kiosk-bench unsealed-batch`, the same code path without sealing; {sealed_mb:.1f} MB "
                        f"sealed against {plain_mb:.1f} MB in clear; peak memory {batch_kib / 1024:.0f} against "
                        f"{plain_kib / 1024:.0f} MiB"))
    if ctx.binaries.has_hq():
        _bench_export(ctx, data, template)


def _bench_export(ctx, data, template):
    """`kiosk-hq export --opening-key` of the sealed batch of ctx.records, once stored at headquarters."""
    pem = center_public_key(template, os.path.join(ctx.work, "export-center.pub.pem"))
    hq = _fresh_hq(ctx, "export-hq", pem)
    kiosk = Kiosk(ctx.binaries, data)
    code, out, err = kiosk.run("upload", "--hq", hq.url, "--hq-key", hq.public_key, "--attempts", "1", timeout=900)
    if code != 0:
        sys.exit(f"kiosk upload for the export benchmark failed ({code}): {err[-800:]}")
    hq.stop()
    output = os.path.join(ctx.work, "export.jsonl")
    export_s, export_kib = timed([ctx.binaries.hq, "export", "--data-dir", hq.data, "--opening-key",
                                  ctx.sealing_keys()[1], "--format", "jsonl", "--output", output], env=hq.env)
    with open(output, "rb") as f:
        lines = sum(1 for _ in f)
    if lines != ctx.records:
        sys.exit(f"kiosk-hq export wrote {lines} of {ctx.records} applications")
    # The stock side: reading the same applications out of SQLite as JSON (no opening, no checks).
    stock_s, _ = timed(["sqlite3", "-json", os.path.join(ctx.work, "batch-unsealed", "kiosk.sqlite"),
                        "SELECT reference, answers FROM application"])
    ctx.rows.append(Row(f"`kiosk-hq export --opening-key` of {ctx.records:,} sealed applications", lines / export_s,
                        lines / max(stock_s, 0.01), "records/s", "report", None,
                        f"opens, verifies and writes JSON lines; stock: `sqlite3 -json` of the same rows in clear; "
                        f"peak memory {export_kib / 1024:.0f} MiB"))


def _fresh_hq(ctx, name, pem):
    hq = HQ(ctx.binaries, os.path.join(ctx.work, name), extra=["--max-batch-mb", "512"])
    ctx.give_sealing_keys(hq)
    hq.setup([("DEMO01", pem)])
    hq.start()
    ctx.servers.append(hq)
    return hq


def bench_upload(ctx):
    if not ctx.binaries.has_hq():
        print("upload: skipped, kiosk-hq is not built", file=sys.stderr)
        return
    template = ctx.new_kiosk("upload-template")
    # About 50 MB of records: padded answers, as a long free-text answer would be.
    count = 21_000
    insert_approved_in_bulk(template.database, "DEMO01", 1, count, padding=2000, bench=ctx.binaries.bench)
    code, out, err = template.run("batch", "create", "--limit", str(count))
    if code != 0:
        sys.exit(f"kiosk batch create for the upload benchmark failed: {err}")
    tar = os.path.join(template.data, "outbox", "DEMO01-00000001.tar")
    size = os.path.getsize(tar)
    pem = center_public_key(template, os.path.join(ctx.work, "upload-center.pub.pem"))
    kiosk_s, curl_s = [], []
    for i in range(max(3, ctx.runs // 5)):
        data = os.path.join(ctx.work, f"upload-{i}")
        shutil.copytree(template.data, data)
        kiosk = Kiosk(ctx.binaries, data)
        hq = _fresh_hq(ctx, f"upload-hq-k{i}", pem)
        start = time.perf_counter()
        code, out, err = kiosk.run("upload", "--hq", hq.url, "--hq-key", hq.public_key, "--attempts", "1",
                                   timeout=600)
        kiosk_s.append(time.perf_counter() - start)
        if code != 0:
            sys.exit(f"kiosk upload failed ({code}): {err[-800:]} {out[-400:]}")
        hq.stop()
        hq = _fresh_hq(ctx, f"upload-hq-c{i}", pem)
        start = time.perf_counter()
        # `Expect:` off: otherwise curl waits up to 1 s for a "100 Continue" before sending the body.
        done = subprocess.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-T", tar, "-H",
                               "Content-Type: application/x-tar", "-H", "Expect:",
                               f"{hq.url}/v1/centers/DEMO01/batches/1"],
                              capture_output=True, text=True)
        curl_s.append(time.perf_counter() - start)
        if done.stdout.strip() != "201":
            sys.exit(f"curl -T got HTTP {done.stdout.strip()}: {done.stderr}")
        hq.stop()
        shutil.rmtree(data, ignore_errors=True)
    # What the kiosk does around the transfer that curl does not: start and check its database.
    status_s = []
    for _ in range(3):
        start = time.perf_counter()
        template.run("status")
        status_s.append(time.perf_counter() - start)
    mb = size / 1e6
    k, c = mb / statistics.median(kiosk_s), mb / statistics.median(curl_s)
    ctx.upload_note = (f"kiosk upload {statistics.median(kiosk_s):.2f} s in all, of which `kiosk status` (start and "
                       f"quick_check of its {os.path.getsize(template.database) / 1e6:.0f} MB database) "
                       f"{statistics.median(status_s):.2f} s; curl {statistics.median(curl_s):.2f} s")
    ctx.rows.append(Row(f"upload of a {mb:.0f} MB batch to kiosk-hq on loopback (median)", k, c, "MB/s",
                        ">= 0.8x curl", k / c >= 0.8,
                        "stock: curl -T -H 'Expect:' to the same endpoint; both include kiosk-hq's verify and durable "
                        "store; " + ctx.upload_note))


def bench_hq(ctx):
    if not ctx.binaries.has_hq():
        print("hq: skipped, kiosk-hq is not built", file=sys.stderr)
        return
    centers, batches_each, per_batch = 44, 5, 20
    tars, pems = {}, []
    for n in range(1, centers + 1):
        code_name = f"C{n:02d}"
        kiosk = ctx.new_kiosk(f"center-{n}")
        kiosk.set_config(center=code_name)
        insert_approved_in_bulk(kiosk.database, code_name, 1, batches_each * per_batch, bench=ctx.binaries.bench)
        for _ in range(batches_each):
            kiosk.run("batch", "create", "--limit", str(per_batch))
        tars[code_name] = [os.path.join(kiosk.data, "outbox", f"{code_name}-{s:08d}.tar")
                           for s in range(1, batches_each + 1)]
        pems.append((code_name, center_public_key(kiosk, os.path.join(kiosk.data, "center.pub.pem"))))
    # All 44 at once: above the default bound of 32 uploads in progress (503 with Retry-After).
    hq = HQ(ctx.binaries, os.path.join(ctx.work, "hq-load"), extra=["--max-uploads", "64"])
    ctx.give_sealing_keys(hq)
    hq.setup(pems)
    hq.start()
    ctx.servers.append(hq)
    parsed = urllib.parse.urlparse(hq.url)
    latencies, errors = [], []
    lock = threading.Lock()
    barrier = threading.Barrier(centers)

    def center(code_name):
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)
        barrier.wait()
        for sequence, path in enumerate(tars[code_name], 1):
            with open(path, "rb") as f:
                body = f.read()
            start = time.perf_counter()
            connection.request("PUT", f"/v1/centers/{code_name}/batches/{sequence}", body=body,
                               headers={"Content-Type": "application/x-tar"})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if response.status != 201:
                    errors.append(f"{code_name}/{sequence}: HTTP {response.status}")
        connection.close()

    threads = [threading.Thread(target=center, args=(code_name,)) for code_name in tars]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    with open(f"/proc/{hq.process.popen.pid}/status") as f:
        hwm = next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))
    if errors:
        sys.exit(f"kiosk-hq refused batches under load: {errors[:5]}")
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    p50 = statistics.median(latencies) * 1000
    total = len(latencies)
    ctx.rows.append(Row(f"kiosk-hq, {centers} centers uploading at once ({total} batches of {per_batch})",
                        total / wall, None, "batches/s", "report", None,
                        f"p50 {p50:.0f} ms, p99 {p99:.0f} ms per batch (PUT to receipt)"))
    ctx.rows.append(Row("kiosk-hq p99 latency under that load", p99, None, "ms", "report", None))
    ctx.rows.append(Row("peak memory, kiosk-hq under that load", hwm / 1024, None, "MiB", "< 128 MiB",
                        hwm / 1024 < 128))


def bench_review(ctx):
    kiosk = ctx.new_kiosk("review")
    count = 200_000
    insert_approved_in_bulk(kiosk.database, "DEMO01", 1, count, bench=ctx.binaries.bench)
    sqlite(kiosk.database, "UPDATE application SET state = 'submitted', submitted_at = "
                           "datetime('2026-01-01', '+' || (serial * 97 % 300000) || ' minutes') || '.000';")
    password = "correct-horse-battery-2026"
    code, out, err = kiosk.run("staff", "add", "bench", "--name", "Bench", "--role", "supervisor",
                               "--password-stdin", input=(password + "\n").encode())
    if code != 0:
        sys.exit(f"kiosk staff add failed: {err}")
    child = Pty(kiosk.args("review"), kiosk.env)
    child.expect(b"Staff ID: ")
    child.send("bench")
    child.expect(b"Password: ")
    child.send(password)
    child.expect(b"review> ")
    target = count // 2 + 7
    commands = {"list": "list", "search": f"search Surname{target}"}
    stock_sql = {
        "list": "SELECT reference, submitted_at, json_extract(answers, '$.surname'), state FROM application "
                "ORDER BY submitted_at DESC, id DESC LIMIT 20;",
        "search": f"SELECT reference, submitted_at, json_extract(answers, '$.surname'), state FROM application "
                  f"WHERE reference = 'Surname{target}' OR json_extract(answers, '$.surname') LIKE 'Surname{target}' "
                  f"OR json_extract(answers, '$.rnokpp') = 'Surname{target}' ORDER BY submitted_at DESC;",
    }
    shell = Pty(["sqlite3", kiosk.database])
    shell.expect(b"sqlite> ")
    for name, command in commands.items():
        mine, stock = [], []
        for _ in range(ctx.runs):
            start = time.perf_counter()
            child.send(command)
            child.expect(b"review> ")
            mine.append(time.perf_counter() - start)
            start = time.perf_counter()
            shell.send(stock_sql[name])
            shell.expect(b"sqlite> ")
            stock.append(time.perf_counter() - start)
        k, s = statistics.median(mine) * 1000, statistics.median(stock) * 1000
        ctx.rows.append(Row(f"review console `{command.split()[0]}` on {count:,} applications (median)", k, s, "ms",
                            "< 50 ms", k < 50, "stock: the same query in the sqlite3 CLI"))
    child.send("logout")
    child.close()
    shell.close()


def seed_scaled(database, count):
    """`count` applications written straight into the kiosk's database by one sqlite3 statement
    (a recursive CTE: a million rows in about a minute, where `insert_approved_in_bulk` would
    take far longer), as a script or an older release would have left them: no search keys.
    Serials run to 999,999 a year, so a million spill into the next year."""
    sqlite(database, PRAGMAS + f"""
        WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {count})
        INSERT INTO application ({INSERT_COLUMNS})
        SELECT printf('DEMO01-%d-%06d-X', 2026 + i / 999999, i % 999999 + 1), 'DEMO01', 2026 + i / 999999,
            i % 999999 + 1, 'ua-contract', 1, '{'0' * 64}', '2026-11-uk-1', 'en',
            CASE i % 10 WHEN 0 THEN 'approved' WHEN 1 THEN 'rejected' ELSE 'submitted' END,
            json_object('surname', 'Surname' || i, 'given_name', 'Taras', 'rnokpp', printf('%010d', 1000000000 + i),
                        'phone', '+380671234567', 'region', 'kyiv-city', 'consent', 'yes'),
            '2026-11-27 10:00:00.000', '2026-11-27 10:00:00.000'
        FROM n;""")


def review_console(kiosk):
    """A logged-in `kiosk review` on a pty, at its prompt."""
    password = "correct-horse-battery-2026"
    code, out, err = kiosk.run("staff", "add", "bench", "--name", "Bench", "--role", "supervisor",
                               "--password-stdin", input=(password + "\n").encode())
    if code != 0:
        sys.exit(f"kiosk staff add failed: {err}")
    child = Pty(kiosk.args("review"), kiosk.env)
    child.expect(b"Staff ID: ")
    child.send("bench")
    child.expect(b"Password: ")
    child.send(password)
    child.expect(b"review> ")
    return child


def median_time(runs, command, env=None):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, env=env, timeout=600)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_scale(ctx):
    """Start, status, the two integrity checks and search at 10,000, 100,000 and (with
    --million) 1,000,000 stored applications, each against an empty database or sqlite3."""
    sizes = [0, 10_000, 100_000] + ([1_000_000] if ctx.million else [])
    empty_start = empty_status = None
    for size in sizes:
        kiosk = ctx.new_kiosk(f"scale-{size}")
        db = kiosk.database
        if size:
            began = time.perf_counter()
            seed_scaled(db, size)
            print(f"    seeded {size:,} in {time.perf_counter() - began:.1f} s "
                  f"({os.path.getsize(db) / 1e6:.0f} MB)", file=sys.stderr, flush=True)
        runs = ctx.runs if size < 1_000_000 else max(5, ctx.runs // 3)
        start = first_prompt(kiosk.args("attend"), "> ", runs, kiosk.env)
        stock_start = first_prompt(["sqlite3", db], "sqlite> ", runs)
        status = median_time(runs, kiosk.args("status", "--json"), kiosk.env)
        stock_status = median_time(runs, ["sqlite3", "-readonly", db, "SELECT state, n FROM application_count;"])
        full = median_time(3, kiosk.args("status", "--full-check"), kiosk.env)
        stock_full = median_time(3, ["sqlite3", "-readonly", db, "PRAGMA integrity_check;"])
        stock_quick = median_time(3, ["sqlite3", "-readonly", db, "PRAGMA quick_check;"])
        if size == 0:
            empty_start, empty_status = start, status
        label = f"{size:,} stored" if size else "empty database"
        ctx.rows.append(Row(f"start to first prompt, {label} (median)", start * 1000, stock_start * 1000, "ms",
                            "<= 8x sqlite3; <= 1.5x of empty",
                            start / stock_start <= 8 and start <= 1.5 * empty_start,
                            f"{start / empty_start:.2f}x of empty" if size else ""))
        ctx.rows.append(Row(f"`kiosk status --json`, {label} (median)", status * 1000, stock_status * 1000, "ms",
                            "flat: <= 1.5x of empty", status <= 1.5 * empty_status,
                            "stock: sqlite3 reading the counters"
                            + (f"; {status / empty_status:.2f}x of empty" if size else "")))
        ctx.rows.append(Row(f"full integrity check (`kiosk status --full-check`), {label} (median of 3)",
                            full * 1000, stock_full * 1000, "ms", "report", None,
                            f"stock: sqlite3 PRAGMA integrity_check; its quick_check {stock_quick * 1000:.0f} ms; "
                            "the kiosk runs it behind the welcome screen, not before the first prompt"))
        if size >= 100_000:
            child = review_console(kiosk)
            began = time.perf_counter()
            child.send("search Surname7")
            child.expect(b"review> ", timeout=600)
            first = time.perf_counter() - began
            target = size // 2 + 7
            queries = {"surname": f"Surname{target}", "RNOKPP": f"{1000000000 + target:010d}",
                       "reference": f"DEMO01-2026-{target % 999999 + 1:06d}"}
            for kind, text in queries.items():
                mine = []
                for _ in range(ctx.runs):
                    began = time.perf_counter()
                    child.send(f"search {text}")
                    child.expect(b"review> ")
                    mine.append(time.perf_counter() - began)
                k = statistics.median(mine) * 1000
                ctx.rows.append(Row(f"review `search` by {kind}, {label} (median)", k, None, "ms", "< 50 ms", k < 50,
                                    f"the first search after the rows were written folded their {size:,} surnames: "
                                    f"{first:.1f} s" if kind == "surname" else ""))
            child.send("logout")
            child.close()


SECTIONS = {"start": bench_start, "attend": bench_attend, "batch": bench_batch, "upload": bench_upload,
            "hq": bench_hq, "review": bench_review, "scale": bench_scale}


class Context:
    def __init__(self, binaries, work, runs, records, million=False):
        self.binaries, self.work, self.runs, self.records = binaries, work, runs, records
        self.million = million
        self.rows, self.servers = [], []

    def new_kiosk(self, name):
        """A kiosk that seals to the run's one headquarters sealing key (`sealing_keys`)."""
        kiosk = Kiosk(self.binaries, os.path.join(self.work, name))
        kiosk.init()
        kiosk.use_sealing_key(*self.sealing_keys())
        return kiosk

    def sealing_keys(self):
        """(sealing.pub.pem, opening.key.pem) of one `kiosk-hq keys init`, shared by every headquarters."""
        if not getattr(self, "_sealing", None) and not os.access(self.binaries.hq, os.X_OK):
            # Sections that never upload run without kiosk-hq built: the same kind of pair from openssl.
            self._sealing = sealing_key_pair(os.path.join(self.work, "hq-keys"))
        if not getattr(self, "_sealing", None):
            master = HQ(self.binaries, os.path.join(self.work, "hq-keys"))
            os.makedirs(master.data, exist_ok=True)
            code, out, err = master.run("keys", "init")
            if code != 0:
                sys.exit(f"kiosk-hq keys init failed: {err}")
            keys = os.path.join(master.data, "keys")
            self._sealing = (os.path.join(keys, "sealing.pub.pem"), os.path.join(keys, "opening.key.pem"))
        return self._sealing

    def give_sealing_keys(self, hq):
        """Puts the run's sealing pair in `hq`'s keys/ before its `keys init`, which then keeps it."""
        keys = os.path.join(hq.data, "keys")
        os.makedirs(keys, exist_ok=True)
        for path in self.sealing_keys():
            shutil.copy(path, os.path.join(keys, os.path.basename(path)))


# MARK: - Output

def machine():
    with open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    with open("/proc/meminfo") as f:
        memory = int(f.readline().split()[1]) // 1024 // 1024
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    sqlite_version = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[:1]
    openssl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    distro = "Linux"
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            distro = next((line.split("=", 1)[1].strip().strip('"') for line in f if line.startswith("PRETTY_NAME")),
                          distro)
    load = os.getloadavg()[0]
    return (f"{distro}, kernel {platform.release()}, {os.cpu_count()} cores ({model}), {memory} GiB, "
            f"load average {load:.1f} at the start; {swift[0] if swift else 'swift ?'}; sqlite3 "
            f"{sqlite_version[0] if sqlite_version else '?'}; {openssl}")


def table(rows):
    lines = ["| measure | kiosk | stock | ratio | target | met |", "|---|---:|---:|---:|---|---|"]
    for row in rows:
        stock = f"{row.stock:.2f} {row.unit}" if row.stock is not None else "—"
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "—"
        met = "—" if row.met is None else "yes" if row.met else "**no**"
        note = f" ({row.note})" if row.note else ""
        lines.append(f"| {row.name}{note} | {row.kiosk:.2f} {row.unit} | {stock} | {ratio} | {row.target} | {met} |")
    return "\n".join(lines)


def write_doc(rows, command, machine_text):
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    body = (f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC with\n\n"
            f"```sh\n{command}\n```\n\non {machine_text}.\n\n{table(rows)}")
    replace_block(begin, end, body, lambda text, block: text + "\n" + block + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build", "release"),
                        help="folder with the release kiosk and kiosk-hq")
    parser.add_argument("--kiosk", help=argparse.SUPPRESS)  # older spelling: the kiosk binary itself
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", nargs="+", choices=list(SECTIONS))
    parser.add_argument("--million", action="store_true",
                        help="scale section: also 1,000,000 stored applications (a few minutes more)")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/PERFORMANCE.md")
    args = parser.parse_args()
    directory = os.path.dirname(os.path.abspath(args.kiosk)) if args.kiosk else args.bin
    binaries = Binaries(directory)
    if not os.access(binaries.kiosk, os.X_OK):
        sys.exit(f"{binaries.kiosk} not found: run `swift build -c release --product kiosk` first")
    machine_text = machine()
    work = tempfile.mkdtemp(prefix="kiosk-bench-")
    ctx = Context(binaries, work, args.runs, args.records, args.million)
    try:
        for name in args.only or SECTIONS:
            print(f"... {name}", file=sys.stderr, flush=True)
            SECTIONS[name](ctx)
    finally:
        for server in ctx.servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    width = max(len(row.name) for row in ctx.rows) + 2
    print(f"{'measure':{width}} {'kiosk':>12} {'stock':>10} {'ratio':>7}  target")
    for row in ctx.rows:
        stock = f"{row.stock:10.2f}" if row.stock is not None else f"{'—':>10}"
        ratio = f"{row.ratio:6.2f}x" if row.ratio is not None else f"{'—':>7}"
        met = "" if row.met is None else "  met" if row.met else "  MISSED"
        print(f"{row.name:{width}} {row.kiosk:8.2f} {row.unit:>3} {stock} {ratio}  {row.target}{met}")
        if row.note:
            print(f"{'':{width}}   {row.note}")
    print(f"({machine_text}; {args.runs} runs per median)")
    if not args.no_doc and not args.only:
        command = "python3 bench/kiosk_bench.py" + ("" if args.bin == parser.get_default("bin") else
                                                    f" --bin {os.path.relpath(directory, ROOT)}")
        write_doc(ctx.rows, command, machine_text)


if __name__ == "__main__":
    main()
