#!/usr/bin/env python3
"""Benchmarks of the kiosk against stock tools, measured side by side in one run.

Prints one table: the kiosk's figure, the stock tool's figure on the same data, and the
ratio. Absolute speeds drift between machines; the ratios hold.

Usage: bench/kiosk_bench.py [--kiosk PATH] [--records N] [--runs N]
(build first: swift build -c release --product kiosk)
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import pexpect

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIOSK_DIR = os.path.join(ROOT, "Kiosk")

# One complete ua-contract application, as typed at the kiosk (English).
SCRIPT = ["2", "Shevchenko", "Taras", "", "2000-01-01", "male", "3652504575", "ID card", "123456789",
          "+380 67 123 45 67", "", "1", "2", "no", "1", "7", "", "1", "yes", "confirm", ""]


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, capture_output=True, **kwargs)


def timed(cmd, stdin_data=None, cwd=None):
    """Wall time (s) and peak RSS (KiB) of one command, via GNU time."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, input=stdin_data, capture_output=True, cwd=cwd)
    if out.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out.stderr.decode(errors='replace')[-2000:]}")
    seconds, kib = out.stderr.decode().strip().splitlines()[-1].split()
    return float(seconds), int(kib)


def kiosk_args(kiosk, data):
    return [kiosk, "--data-dir", data, "--kiosk-dir", KIOSK_DIR]


def first_prompt(command, prompt, runs):
    """Median seconds from spawning `command` on a pty until `prompt` appears."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        child = pexpect.spawn(command[0], command[1:], encoding="utf-8", timeout=30)
        child.expect_exact(prompt)
        samples.append(time.perf_counter() - start)
        child.terminate(force=True)
    return statistics.median(samples)


def make_approved_database(kiosk, data, count):
    subprocess.run(kiosk_args(kiosk, data)[:1] + ["status"] + kiosk_args(kiosk, data)[1:], check=True,
                   capture_output=True)
    rows = []
    sys.path.insert(0, os.path.dirname(__file__))
    from reference import reference  # noqa: E402
    for serial in range(1, count + 1):
        answers = json.dumps({"surname": f"Surname{serial}", "given_name": "Taras", "rnokpp": "3652504575",
                              "phone": "+380671234567", "region": "kyiv-city", "consent": "yes"},
                             sort_keys=True, separators=(",", ":"))
        rows.append(f"('{reference('DEMO01', 2026, serial)}','DEMO01',2026,{serial},'ua-contract',1,"
                    f"'{'0' * 64}','2026-11-uk-1','en','approved','{answers}',"
                    f"'2026-11-27 10:00:00.000','2026-11-27 10:00:00.000')")
    sql = ("BEGIN;\nINSERT INTO application (reference, center, year, serial, form_id, form_version, form_sha256, "
           "consent_version, language, state, answers, submitted_at, updated_at) VALUES\n"
           + ",\n".join(rows) + ";\nCOMMIT;\n")
    subprocess.run(["sqlite3", os.path.join(data, "kiosk.sqlite")], input=sql.encode(), check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosk", default=os.path.join(ROOT, ".build", "release", "kiosk"))
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    kiosk = os.path.abspath(args.kiosk)
    if not os.access(kiosk, os.X_OK):
        sys.exit(f"{kiosk} not found: run `swift build -c release --product kiosk` first")
    work = tempfile.mkdtemp(prefix="kiosk-bench-")
    rows = []
    try:
        # 1. Start to first prompt: kiosk attend vs the sqlite3 CLI on the same database.
        data = os.path.join(work, "attend")
        subprocess.run(kiosk_args(kiosk, data)[:1] + ["status"] + kiosk_args(kiosk, data)[1:], check=True,
                       capture_output=True)
        db = os.path.join(data, "kiosk.sqlite")
        kiosk_start = first_prompt(kiosk_args(kiosk, data)[:1] + ["attend"] + kiosk_args(kiosk, data)[1:], "> ",
                                   args.runs)
        sqlite_start = first_prompt(["sqlite3", db], "sqlite> ", args.runs)
        rows.append(("start to first prompt (ms, median)", kiosk_start * 1000, sqlite_start * 1000))

        # 2. One application end to end through a pipe, peak memory vs sqlite3 doing one insert.
        data2 = os.path.join(work, "memory")
        script = ("\n".join(SCRIPT) + "\n").encode()
        _, kiosk_kib = timed(kiosk_args(kiosk, data2)[:1] + ["attend", "--once"] + kiosk_args(kiosk, data2)[1:],
                             stdin_data=script)
        insert = ("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON; "
                  "INSERT INTO application (reference, center, year, serial, form_id, form_version, form_sha256, "
                  "consent_version, language, state, answers, submitted_at, updated_at) VALUES ('DEMO01-2026-999999-X',"
                  "'DEMO01',2026,999999,'ua-contract',1,'x','c','en','submitted','{}','2026-11-27','2026-11-27');")
        _, sqlite_kib = timed(["sqlite3", os.path.join(data2, "kiosk.sqlite"), insert])
        rows.append(("peak memory, attend one application (MiB)", kiosk_kib / 1024, sqlite_kib / 1024))

        # 3. Confirm to reference: the durable commit, kiosk vs sqlite3 with the same pragmas.
        samples_k, samples_s = [], []
        for i in range(args.runs):
            child = pexpect.spawn(kiosk, ["attend", "--once", "--data-dir", data2, "--kiosk-dir", KIOSK_DIR],
                                  encoding="utf-8", timeout=30)
            for line in SCRIPT[:-2]:
                child.expect_exact("> ")
                child.sendline(line)
            child.expect_exact("> ")
            start = time.perf_counter()
            child.sendline("confirm")
            child.expect(r"DEMO01-\d{4}-\d{6}-[0-9A-Z]")
            samples_k.append(time.perf_counter() - start)
            child.terminate(force=True)
            stmt = insert.replace("999999", str(900000 + i))
            shell = pexpect.spawn("sqlite3", [os.path.join(data2, "kiosk.sqlite")], encoding="utf-8", timeout=30)
            shell.expect_exact("sqlite> ")
            shell.sendline(stmt.split("INSERT")[0])
            shell.expect_exact("sqlite> ")
            start = time.perf_counter()
            shell.sendline("INSERT" + stmt.split("INSERT")[1])
            shell.expect_exact("sqlite> ")
            samples_s.append(time.perf_counter() - start)
            shell.terminate(force=True)
        rows.append(("confirm to reference, one durable commit (ms, median)", statistics.median(samples_k) * 1000,
                     statistics.median(samples_s) * 1000))

        # 4. A batch of N applications created and signed vs the stock pipeline on the same rows.
        template = os.path.join(work, "template")
        make_approved_database(kiosk, template, args.records)
        data3 = os.path.join(work, "batch")
        shutil.copytree(template, data3)
        batch_s, batch_kib = timed(kiosk_args(kiosk, data3)[:1] + ["batch", "create", "--limit", str(args.records)]
                                   + kiosk_args(kiosk, data3)[1:])
        stock = os.path.join(work, "stock")
        shutil.copytree(template, stock)
        key = os.path.join(stock, "keys", "center.key.pem")
        pipeline = (
            f"sqlite3 -json '{stock}/kiosk.sqlite' \"SELECT reference, form_id, form_version, form_sha256, "
            f"consent_version, language, submitted_at, answers FROM application WHERE state = 'approved' ORDER BY id\" "
            f"> '{stock}/records.json' && sha256sum '{stock}/records.json' > '{stock}/manifest.json' && "
            f"openssl pkeyutl -sign -inkey '{key}' -rawin -in '{stock}/manifest.json' -out '{stock}/manifest.sig'")
        stock_s, stock_kib = timed(["sh", "-c", pipeline])
        rows.append((f"batch of {args.records:,} created and signed (s)", batch_s, stock_s))
        rows.append((f"peak memory, batch of {args.records:,} (MiB)", batch_kib / 1024, stock_kib / 1024))
        verify = run(kiosk_args(kiosk, data3)[:1] + ["batch", "verify", os.path.join(data3, "outbox",
                     "DEMO01-00000001.tar")] + kiosk_args(kiosk, data3)[1:])
        assert b"OK" in verify.stdout, verify.stdout
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"{'measure':58} {'kiosk':>10} {'stock':>10} {'ratio':>7}")
    for name, mine, stock in rows:
        print(f"{name:58} {mine:10.2f} {stock:10.2f} {mine / stock:7.2f}")
    print(f"(stock: sqlite3 CLI for 1-3; sqlite3 -json | sha256sum | openssl pkeyutl -sign for the batch; "
          f"{os.cpu_count()} cores, {args.runs} runs)")


if __name__ == "__main__":
    main()
