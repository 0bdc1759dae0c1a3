"""kill -9 at random moments: `kiosk attend`, `kiosk batch create` and `kiosk upload`."""

import glob
import json
import os
import random
import time

from kiosklib import (APPLICATION, Failure, Kiosk, Skip, clear_text_in, insert_approved, integrity, kiosk_with_hq, remove,
                      scratch, sqlite, tar_references)


def attend(ctx, runs):
    """kill -9 of `kiosk attend` while scripted applications arrive through a pipe.

    Each run types APPS applications at once and kills the kiosk at a random moment within the
    time a whole run takes. Every reference the kiosk printed must be in the database exactly
    once, the database must pass `PRAGMA integrity_check`, and the kiosk must start again on it.
    """
    apps = 3
    work = scratch("attend")
    try:
        kiosk = Kiosk(ctx.binaries, os.path.join(work, "data"))
        kiosk.init()
        script = ("\n".join(APPLICATION * apps) + "\n").encode()

        # Calibrate: one run to the end, so the kills fall anywhere inside a run.
        started = time.monotonic()
        process = kiosk.start("attend")
        process.send(script)
        process.close_input()
        process.expect(rb"> ", timeout=60)
        prompt = time.monotonic() - started
        code = process.wait(120)
        span = time.monotonic() - started
        printed = process.references()
        if code != 0 or len(printed) != apps:
            raise Failure(f"an unkilled run printed {len(printed)} of {apps} references (exit {code}); "
                          f"the scripted application no longer completes: {process.output()[-500:]!r}")
        acknowledged = list(printed)
        confirms = apps
        kills = 0
        for run in range(runs):
            process = kiosk.start("attend")
            process.send(script)
            process.close_input()
            # Half the kills anywhere in the run, half while the applications are being typed and stored.
            time.sleep(ctx.random.uniform(0 if run % 2 else prompt, span * 1.05))
            process.kill()
            process.wait(30)
            kills += 1
            confirms += apps
            seen = process.references()
            acknowledged += seen
            check = integrity(kiosk.database)
            if check != "ok":
                raise Failure(f"after kill {run + 1}: PRAGMA integrity_check says {check!r}")
        stored = sqlite(kiosk.database, "SELECT reference FROM application;").split()
        duplicates = sqlite(kiosk.database,
                            "SELECT reference FROM application GROUP BY reference HAVING COUNT(*) > 1;").split()
        missing = [r for r in acknowledged if r not in set(stored)]
        if duplicates:
            raise Failure(f"references stored twice: {duplicates[:5]}")
        if missing:
            raise Failure(f"{len(missing)} printed references are not in the database: {missing[:5]}")
        if len(set(acknowledged)) != len(acknowledged):
            raise Failure("the kiosk printed the same reference for two applications")
        if len(stored) > confirms:
            raise Failure(f"{len(stored)} applications stored but only {confirms} were confirmed")
        # The kiosk starts again on the database the last kill left.
        process = kiosk.start("attend", "--once")
        process.send(("\n".join(APPLICATION) + "\n").encode())
        process.close_input()
        if process.wait(60) != 0 or len(process.references()) != 1:
            raise Failure(f"the kiosk does not complete an application after the kills: {process.output()[-400:]!r}")
        return (f"{kills} kills of `kiosk attend` during {confirms} scripted confirmations through a pipe "
                f"(uniform in 0..{span * 1.05:.2f} s, half of them after the first prompt at {prompt:.2f} s)",
                f"{len(acknowledged)} references printed, each stored exactly once; {len(stored)} stored "
                f"({len(stored) - len(acknowledged)} committed but killed before the number was shown, "
                f"never shown); integrity_check ok after every kill; restart completes the next application")
    finally:
        remove(work)


def _batch_state(kiosk):
    """Raises unless every application is approved, or batched in exactly one existing batch."""
    bad = sqlite(kiosk.database, """
        SELECT COUNT(*) FROM application
        WHERE (state IN ('batched', 'delivered')) != (batch_sequence IS NOT NULL)
           OR (state NOT IN ('approved', 'batched', 'delivered'))
           OR (batch_sequence IS NOT NULL AND batch_sequence NOT IN (SELECT sequence FROM batch));""")
    if bad != "0":
        raise Failure(f"{bad} applications are neither approved nor in exactly one batch")
    # Sealed means gone from the kiosk (keep_plaintext_days 0): no batched application keeps its
    # answers, and no approved one lost them (it would be in neither place).
    clear = sqlite(kiosk.database, """
        SELECT COUNT(*) FROM application
        WHERE (batch_sequence IS NOT NULL) != (answers IS NULL);""")
    if clear != "0":
        raise Failure(f"{clear} applications are sealed but still hold their answers, or hold none and are not sealed")
    # Every sealed batch is in a file: under its final name, or hidden (.NAME.tar.sealed) when the
    # kill came between the commit and the rename; the next run renames it.
    outbox = os.path.join(kiosk.data, "outbox")
    for sequence in [int(s) for s in sqlite(
            kiosk.database, "SELECT sequence FROM batch WHERE delivered_at IS NULL;").split()]:
        name = f"{kiosk.config()['center']}-{sequence:08d}.tar"
        if not (os.path.exists(os.path.join(outbox, name)) or os.path.exists(os.path.join(outbox, f".{name}.sealed"))):
            raise Failure(f"batch {sequence} is sealed in the database but in no file (its records would be lost)")
    counts = sqlite(kiosk.database, """
        SELECT COUNT(*) FROM batch b
        WHERE b.record_count != (SELECT COUNT(*) FROM application a WHERE a.batch_sequence = b.sequence);""")
    if counts != "0":
        raise Failure(f"{counts} batches hold a different number of applications than they were sealed with")
    sequences = [int(s) for s in sqlite(kiosk.database, "SELECT sequence FROM batch ORDER BY sequence;").split()]
    if sequences != list(range(1, len(sequences) + 1)):
        raise Failure(f"batch sequences have gaps: {sequences[:10]}...")
    return sequences


def _verify_chain(kiosk, sequences, center):
    """Every batch file exists and verifies, chained; returns the references of all files."""
    references = []
    previous = None
    for sequence in sequences:
        path = os.path.join(kiosk.data, "outbox", f"{center}-{sequence:08d}.tar")
        if not os.path.exists(path):
            sent = glob.glob(os.path.join(kiosk.data, "sent", f"{center}-{sequence:08d}.tar"))
            if not sent:
                raise Failure(f"batch {sequence} is in the database but its file is missing after a clean run")
            path = sent[0]
        args = ["batch", "verify", path] + (["--previous", previous] if previous else [])
        code, out, err = kiosk.run(*args)
        if code != 0:
            raise Failure(f"batch {sequence} does not verify: {err.strip() or out.strip()}")
        references += tar_references(path, kiosk.opening_key)
        previous = path
    return references


def batch(ctx, runs):
    """kill -9 of `kiosk batch create` at random moments, with random --limit.

    After every kill: integrity ok, every application approved (with its answers) or in exactly
    one batch (without them), every sealed batch in a file (final or hidden), every batch holding
    the count it was sealed with, no gaps, no batch file that fails to verify. At the end,
    rerunning completes the work: every batch file exists, the chain verifies, the records that
    pyhpke opens across all files are each application exactly once, and no surname or RNOKPP is
    left in clear in the data folder (`grep -a` of kiosk.sqlite, -wal, -shm, outbox/).
    """
    work = scratch("batch")
    try:
        kiosk = Kiosk(ctx.binaries, os.path.join(work, "data"))
        kiosk.init()
        center = kiosk.config()["center"]
        serial = 1
        insert_approved(kiosk, center, serial, 3000)
        serial += 3000

        started = time.monotonic()
        code, out, err = kiosk.run("batch", "create", "--limit", "400")
        span = time.monotonic() - started
        if code != 0:
            raise Failure(f"an unkilled `kiosk batch create` exited {code}: {err.strip()}")
        kills = completed = rebuilt = 0
        for run in range(runs):
            approved = int(sqlite(kiosk.database, "SELECT COUNT(*) FROM application WHERE state = 'approved';"))
            if approved < 400:
                insert_approved(kiosk, center, serial, 2000)
                serial += 2000
            limit = ctx.random.choice([1, 7, 100, 400])
            process = kiosk.start("batch", "create", "--limit", str(limit))
            process.close_input()
            time.sleep(ctx.random.uniform(0, span))
            process.kill()
            code = process.wait(60)
            kills += 1
            completed += code == 0
            check = integrity(kiosk.database)
            if check != "ok":
                raise Failure(f"after kill {run + 1}: integrity_check says {check!r}")
            sequences = _batch_state(kiosk)
            # A file that exists under its final name is complete (written aside, fsynced, renamed).
            if sequences:
                last = os.path.join(kiosk.data, "outbox", f"{center}-{sequences[-1]:08d}.tar")
                rebuilt += not os.path.exists(last)
                if os.path.exists(last):
                    code, out, err = kiosk.run("batch", "verify", last)
                    if code != 0:
                        raise Failure(f"after kill {run + 1}: {os.path.basename(last)} exists but does not "
                                      f"verify: {err.strip()}")
        # Rerun to the end.
        for _ in range(200):
            code, out, err = kiosk.run("batch", "create", "--limit", "1000")
            if code != 0:
                raise Failure(f"`kiosk batch create` after the kills exited {code}: {err.strip()}")
            if "nothing" in out.lower() or "nothing" in err.lower():
                break
        sequences = _batch_state(kiosk)
        references = _verify_chain(kiosk, sequences, center)
        total = int(sqlite(kiosk.database, "SELECT COUNT(*) FROM application;"))
        if len(references) != total or len(set(references)) != total:
            raise Failure(f"{total} applications, but the batch files hold {len(references)} records "
                          f"({len(set(references))} distinct)")
        partial = [n for n in os.listdir(os.path.join(kiosk.data, "outbox"))
                   if n != ".lock" and (n.startswith(".") or not n.endswith(".tar"))]
        if partial:
            raise Failure(f"files left in the outbox after the rerun: {partial[:5]}")
        clear = clear_text_in(kiosk.data, [b"Surname-", b"3652504575"])
        if clear:
            raise Failure(f"personal data in clear after sealing everything: {clear[:5]}")
        return (f"{kills} kills of `kiosk batch create --limit 1|7|100|400` (uniform in 0..{span:.2f} s; "
                f"{completed} finished first) over {total} approved applications",
                f"after every kill: integrity ok, each application approved or in exactly one batch, every file "
                f"present verifies, and sealed applications hold no answers; {rebuilt} kills left a sealed "
                f"batch under its hidden name, and the next run renamed it: {len(sequences)} batches verify "
                f"as a chain, and pyhpke opens all {total} applications in them once; no partial file, and "
                f"no surname or RNOKPP in clear in kiosk.sqlite, its WAL, or outbox/")
    finally:
        remove(work)


def upload(ctx, runs):
    """kill -9 of `kiosk upload` at random moments, with a real `kiosk-hq` on loopback port 0.

    After every kill: both databases pass integrity_check, headquarters holds each reference at
    most once and only references the kiosk sealed, everything the kiosk marked delivered is at
    headquarters. At the end an upload to completion leaves headquarters with every application
    exactly once.
    """
    if not ctx.binaries.has_hq():
        raise Skip(f"{ctx.binaries.hq} is not built")
    work = scratch("upload")
    hq = None
    try:
        kiosk, hq, center = kiosk_with_hq(ctx.binaries, work)
        url = hq.start()
        serial = 1
        insert_approved(kiosk, center, serial, 400)
        serial += 400
        upload_args = ["upload", "--hq", url, "--hq-key", hq.public_key, "--limit", "40", "--attempts", "3",
                       "--backoff", "0.05", "--connect-timeout", "5", "--read-timeout", "20", "--max-time", "60"]

        started = time.monotonic()
        code, out, err = kiosk.run(*upload_args)
        span = time.monotonic() - started
        if code != 0:
            raise Failure(f"an unkilled `kiosk upload` exited {code}: {(err or out).strip()[-400:]}")
        hq_db = hq.database()
        kills = completed = in_flight = 0
        for run in range(runs):
            pending = int(sqlite(kiosk.database, "SELECT COUNT(*) FROM application WHERE state = 'approved';"))
            if pending < 40:
                insert_approved(kiosk, center, serial, 200)
                serial += 200
            process = kiosk.start(*upload_args)
            process.close_input()
            time.sleep(ctx.random.uniform(0, span * 1.1))
            process.kill()
            code = process.wait(60)
            kills += 1
            completed += code == 0
            _upload_invariants(kiosk, hq_db, f"after kill {run + 1}")
            at_hq = int(sqlite(hq_db, "SELECT COALESCE(MAX(sequence), 0) FROM batch;", readonly=True) or 0)
            delivered = int(sqlite(kiosk.database,
                                   "SELECT COALESCE(MAX(sequence), 0) FROM batch WHERE delivered_at IS NOT NULL;") or 0)
            in_flight += at_hq > delivered
        for _ in range(20):
            code, out, err = kiosk.run(*upload_args)
            if code == 0:
                break
        if code != 0:
            raise Failure(f"`kiosk upload` after the kills does not finish (exit {code}): {(err or out)[-400:]}")
        _upload_invariants(kiosk, hq_db, "after the final upload")
        kiosk_refs = set(sqlite(kiosk.database, "SELECT reference FROM application;").split())
        hq_refs = sqlite(hq_db, "SELECT reference FROM record;", readonly=True).split()
        if sorted(hq_refs) != sorted(kiosk_refs):
            missing = kiosk_refs - set(hq_refs)
            raise Failure(f"headquarters holds {len(hq_refs)} records for {len(kiosk_refs)} applications "
                          f"(missing {sorted(missing)[:5]})")
        undelivered = sqlite(kiosk.database, "SELECT COUNT(*) FROM application WHERE state != 'delivered';")
        if undelivered != "0":
            raise Failure(f"{undelivered} applications are not marked delivered after a complete upload")
        batches = sqlite(hq_db, "SELECT COUNT(*) FROM batch;", readonly=True)
        # Neither data folder holds a surname or an RNOKPP in clear; only the opening key reads them.
        hq.stop()
        clear = (clear_text_in(kiosk.data, [b"Surname-", b"3652504575"])
                 + clear_text_in(hq.data, [b"Surname-", b"3652504575"]))
        if clear:
            raise Failure(f"personal data in clear after the upload: {clear[:5]}")
        code, out, err = hq.run("export", "--opening-key", kiosk.opening_key, "--format", "jsonl", timeout=300)
        exported = [json.loads(line) for line in out.splitlines() if line.strip()]
        if code != 0 or sorted(r["reference"] for r in exported) != sorted(kiosk_refs):
            raise Failure(f"kiosk-hq export --opening-key gave {len(exported)} of {len(kiosk_refs)} applications "
                          f"(exit {code}): {err.strip()[-300:]}")
        if any(not str(r.get("answers", {}).get("surname", "")).startswith("Surname-") for r in exported):
            raise Failure("kiosk-hq export opened records without their surnames")
        return (f"{kills} kills of `kiosk upload` (uniform in 0..{span * 1.1:.2f} s; {completed} finished first) "
                f"against a real kiosk-hq on {url}",
                f"headquarters ends with all {len(kiosk_refs)} applications exactly once in {batches} batches "
                f"({in_flight} kills fell after headquarters stored a batch and before the kiosk kept the receipt; "
                f"the resend got the original receipt); "
                f"after every kill both databases pass integrity_check, nothing delivered is missing at "
                f"headquarters, nothing there twice; at the end no surname or RNOKPP is in clear in either data "
                f"folder, and `kiosk-hq export --opening-key` opens all {len(exported)}")
    finally:
        if hq:
            hq.stop()
        remove(work)


def _upload_invariants(kiosk, hq_db, when):
    check = integrity(kiosk.database)
    if check != "ok":
        raise Failure(f"{when}: kiosk integrity_check says {check!r}")
    check = sqlite(hq_db, "PRAGMA integrity_check;", readonly=True)
    if check != "ok":
        raise Failure(f"{when}: headquarters integrity_check says {check!r}")
    _batch_state(kiosk)
    hq_refs = sqlite(hq_db, "SELECT reference FROM record;", readonly=True).split()
    if len(hq_refs) != len(set(hq_refs)):
        raise Failure(f"{when}: headquarters holds an application twice")
    sealed = set(sqlite(kiosk.database,
                        "SELECT reference FROM application WHERE batch_sequence IS NOT NULL;").split())
    stray = set(hq_refs) - sealed
    if stray:
        raise Failure(f"{when}: headquarters holds references the kiosk never sealed: {sorted(stray)[:5]}")
    delivered = set(sqlite(kiosk.database, "SELECT reference FROM application WHERE state = 'delivered';").split())
    lost = delivered - set(hq_refs)
    if lost:
        raise Failure(f"{when}: {len(lost)} applications marked delivered are not at headquarters")
    sequences = [int(s) for s in sqlite(hq_db, "SELECT sequence FROM batch ORDER BY sequence;",
                                        readonly=True).split()]
    if sequences != list(range(1, len(sequences) + 1)):
        raise Failure(f"{when}: headquarters' batch sequence has gaps: {sequences[:10]}")
