"""kill -9 at random moments: `kiosk attend`, `kiosk batch create` and `kiosk upload`."""

import glob
import json
import os
import re
import shutil
import signal
import sqlite3
import time

from kiosklib import (APPLICATION, REFERENCE, CrashCopy, Failure, Kiosk, Process, Skip, clear_text_in, insert_approved,
                      file_digest, integrity, kiosk_with_hq, open_records, remove, scratch, sqlite)


SURNAME = APPLICATION.index("Shevchenko")
CONFIRM = APPLICATION.index("confirm")
REVIEW = re.compile(rb"to submit your application")
# How long strace holds each fsync/fdatasync of the kiosk on its way back (the commit is on disk,
# the kiosk has not printed yet) in the commit-window kills.
SYNC_DELAY = 0.3


def _letters(number):
    """A number as the letters a-j, so a surname stays a valid surname."""
    return "".join(chr(ord("a") + int(d)) for d in str(number))


def _typed(surname):
    lines = list(APPLICATION)
    lines[SURNAME] = surname
    return lines


def _script(surnames):
    return ("\n".join(line for surname in surnames for line in _typed(surname)) + "\n").encode()


def _held(work, name, calls="fsync,fdatasync", when="delay_exit"):
    """strace and its options that hold each of `calls` SYNC_DELAY (on its way back by default:
    the sync has reached the disk, the program has not gone on yet)."""
    strace = shutil.which("strace")
    if not strace:
        raise (Failure if os.environ.get("CI") else Skip)("strace is not installed (Debian's `strace`)")
    delay = int(SYNC_DELAY * 1_000_000)
    return [strace, "-f", "-qq", "-o", os.path.join(work, f"{name}.strace"), "-e", f"trace={calls}",
            "-e", f"inject={calls}:{when}={delay}"]


def _child(process, program):
    """The pid of `program` that a wrapper (strace) runs, once it has exec'd it (before that, the
    child is a copy of strace)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{process.popen.pid}/task/{process.popen.pid}/children") as f:
                for child in f.read().split():
                    if os.path.realpath(f"/proc/{child}/exe") == os.path.realpath(program):
                        return int(child)
        except OSError:
            pass
        time.sleep(0.002)
    process.kill()
    raise Failure(f"strace started no program: {process.err[-400:].decode(errors='replace')!r}")


def _wait_for(database, statement, condition, timeout=60):
    """Polls `statement` on a read-only connection (which never checkpoints nor removes the
    -wal) every few milliseconds until `condition(value)`; returns whether it held in time."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = connection.execute(statement).fetchone()[0]
            except sqlite3.OperationalError:
                value = None  # busy, or not created yet
            if value is not None and condition(value):
                return True
            time.sleep(0.003)
        return False
    finally:
        connection.close()


def _start_attend(kiosk, work, delayed):
    """`kiosk attend`, or under strace holding each sync's return for SYNC_DELAY; (process, pid to kill)."""
    if not delayed:
        process = kiosk.start("attend")
        return process, process.popen.pid
    process = Process([*_held(work, "attend"), *kiosk.args("attend")], kiosk.env)
    return process, _child(process, kiosk.binaries.kiosk)


def attend(ctx, runs):
    """kill -9 of `kiosk attend` while scripted applications arrive through a pipe.

    Each run types APPS applications, each with its own surname, and kills the kiosk: a quarter
    of the runs at a random moment of the run, a quarter after the first prompt, a quarter the
    moment the kiosk prints a chosen application's reference, and a quarter just after the
    confirm of a chosen application while strace holds every sync's return (so the kill falls
    after the commit is on disk and before its reference is printed). After every kill, on a copy
    of the database (db, -wal, -shm together; the kiosk is the first to open the original, with
    the -wal the kill left): integrity_check ok, every printed reference stored once with the
    surname that was typed for it, no surname stored twice or that was never typed, and of each
    run only its first printed applications and at most the next one stored.
    """
    apps = 3
    work = scratch("attend")
    try:
        kiosk = Kiosk(ctx.binaries, os.path.join(work, "data"))
        kiosk.init()
        counter = 0

        def surnames():
            nonlocal counter
            counter += apps
            return [f"Surname-{_letters(counter - apps + i)}" for i in range(apps)]

        # Calibrate: one run to the end, so the kills fall anywhere inside a run.
        typed = {}  # surname -> the run it was typed in
        expected = {}  # printed reference -> surname typed for it
        names = surnames()
        started = time.monotonic()
        process = kiosk.start("attend")
        process.send(_script(names))
        process.close_input()
        process.expect(rb"> ", timeout=60)
        prompt = time.monotonic() - started
        code = process.wait(120)
        span = time.monotonic() - started
        printed = process.references()
        if code != 0 or len(printed) != apps:
            raise Failure(f"an unkilled run printed {len(printed)} of {apps} references (exit {code}); "
                          f"the scripted application no longer completes: {process.output()[-500:]!r}")
        typed.update((name, 0) for name in names)
        expected.update(zip(printed, names))
        confirms = apps
        kills = hot = 0
        windows = {"random": {}, "after-print": {}, "commit": {}}
        copy = None
        for run in range(runs):
            mode = ("random", "random", "after-print", "commit")[run % 4]
            names = surnames()
            typed.update((name, run + 1) for name in names)
            if copy:
                hot += copy.still_hot(f"before run {run + 1}")
                copy.remove()
            process, pid = _start_attend(kiosk, work, delayed=mode == "commit")
            chosen = ctx.random.randrange(apps)
            if mode == "random":
                process.send(_script(names))
                process.close_input()
                time.sleep(ctx.random.uniform(0 if run % 4 == 0 else prompt, span * 1.05))
            elif mode == "after-print":
                process.send(_script(names))
                process.close_input()
                for _ in range(chosen + 1):
                    process.expect(REFERENCE, timeout=60)
            else:
                lines = [line for name in names[:chosen] for line in _typed(name)] + _typed(names[chosen])[:CONFIRM]
                process.send(("\n".join(lines) + "\n").encode())
                for _ in range(chosen + 1):
                    process.expect(REVIEW, timeout=60)
                process.send(b"confirm\n")
                # The commit's write and sync take milliseconds; the sync's return is held SYNC_DELAY.
                time.sleep(ctx.random.uniform(0.05, SYNC_DELAY * 0.8))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it had already finished the run
            process.kill()
            process.wait(30)
            kills += 1
            confirms += apps
            printed = process.references()
            if len(printed) > apps:
                raise Failure(f"kill {run + 1}: the kiosk printed {len(printed)} references for {apps} applications")
            expected.update(zip(printed, names))
            copy = CrashCopy(kiosk.database, work)
            check = copy.integrity()
            if check != "ok":
                raise Failure(f"after kill {run + 1} ({mode}): PRAGMA integrity_check says {check!r}")
            window = _attend_stored(copy, typed, expected, names, printed, f"after kill {run + 1} ({mode})")
            if mode == "after-print" and len(printed) <= chosen:
                raise Failure(f"kill {run + 1}: killed after reference {chosen + 1} was printed, but the output "
                              f"holds {len(printed)}")
            windows[mode][window] = windows[mode].get(window, 0) + 1
        stored = copy.sql("SELECT reference FROM application;").split() if copy else []
        if len(stored) > confirms:
            raise Failure(f"{len(stored)} applications stored but only {confirms} were confirmed")
        if runs >= 4 and not windows["commit"].get("committed, not printed"):
            raise Failure(f"no commit-window kill fell after the commit and before the print: {windows['commit']}")
        # The kiosk starts again on the database (and the -wal) the last kill left.
        if copy:
            hot += copy.still_hot("after the last kill")
            copy.remove()
        process = kiosk.start("attend", "--once")
        process.send(_script(["Surname-restart"]))
        process.close_input()
        if process.wait(60) != 0 or len(process.references()) != 1:
            raise Failure(f"the kiosk does not complete an application after the kills: {process.output()[-400:]!r}")
        described = "; ".join(f"{mode}: " + ", ".join(f"{n} {w}" for w, n in sorted(counts.items()))
                              for mode, counts in windows.items() if counts)
        return (f"{kills} kills of `kiosk attend` during {confirms} scripted confirmations through a pipe, each "
                f"application with its own surname (a quarter uniform in 0..{span * 1.05:.2f} s, a quarter after "
                f"the first prompt at {prompt:.2f} s, a quarter the moment a chosen reference is printed, a quarter "
                f"after a chosen confirm while strace holds each sync's return {SYNC_DELAY:.1f} s)",
                f"{len(expected)} references printed, each stored exactly once with the surname typed for it; "
                f"{len(stored)} stored, no surname twice; where the kills fell: {described}; checked on copies, "
                f"integrity_check ok after every kill; {hot} kills left a hot -wal that the kiosk itself "
                f"reopened, unchanged; restart completes the next application")
    finally:
        remove(work)


def _attend_stored(copy, typed, expected, names, printed, when):
    """Checks the stored applications against what was typed; returns where this run's kill fell."""
    rows = [line.split("|", 1) for line in copy.sql(
        "SELECT reference, COALESCE(json_extract(answers, '$.surname'), '') FROM application;").splitlines()]
    by_reference = dict(rows)
    if len(by_reference) != len(rows):
        raise Failure(f"{when}: a reference is stored twice")
    surnames = [surname for _, surname in rows]
    twice = sorted({s for s in surnames if surnames.count(s) > 1})
    if twice:
        raise Failure(f"{when}: one application stored twice (surnames {twice[:5]})")
    never = sorted(set(surnames) - set(typed))
    if never:
        raise Failure(f"{when}: stored surnames that were never typed: {never[:5]}")
    for reference, surname in expected.items():
        if reference not in by_reference:
            raise Failure(f"{when}: printed reference {reference} is not in the database")
        if by_reference[reference] != surname:
            raise Failure(f"{when}: {reference} was printed for {surname} but stores {by_reference[reference]!r}")
    stored_now = [name for name in names if name in set(surnames)]
    if stored_now not in (names[:len(printed)], names[:len(printed) + 1]):
        raise Failure(f"{when}: of {names} the kiosk printed {len(printed)} and stored {stored_now}")
    if len(stored_now) > len(printed):
        return "committed, not printed"
    if len(printed) == len(names):
        return "all printed"
    return "before the next commit" if printed else "before any commit"


def _batch_state(kiosk, database=None):
    """Raises unless every application is approved, or batched in exactly one existing batch.
    `database` is the copy to read (CrashCopy.path) after a kill; the kiosk's own otherwise."""
    database = database or kiosk.database
    bad = sqlite(database, """
        SELECT COUNT(*) FROM application
        WHERE (state IN ('batched', 'delivered')) != (batch_sequence IS NOT NULL)
           OR (state NOT IN ('approved', 'batched', 'delivered'))
           OR (batch_sequence IS NOT NULL AND batch_sequence NOT IN (SELECT sequence FROM batch));""")
    if bad != "0":
        raise Failure(f"{bad} applications are neither approved nor in exactly one batch")
    # Sealed means gone from the kiosk (keep_plaintext_days 0): no batched application keeps its
    # answers, and no approved one lost them (it would be in neither place).
    clear = sqlite(database, """
        SELECT COUNT(*) FROM application
        WHERE (batch_sequence IS NOT NULL) != (answers IS NULL);""")
    if clear != "0":
        raise Failure(f"{clear} applications are sealed but still hold their answers, or hold none and are not sealed")
    # Every sealed batch is in a file: under its final name, or hidden (.NAME.tar.sealed) when the
    # kill came between the commit and the rename; the next run renames it.
    outbox = os.path.join(kiosk.data, "outbox")
    for sequence in [int(s) for s in sqlite(
            database, "SELECT sequence FROM batch WHERE delivered_at IS NULL;").split()]:
        name = f"{kiosk.config()['center']}-{sequence:08d}.tar"
        if not (os.path.exists(os.path.join(outbox, name)) or os.path.exists(os.path.join(outbox, f".{name}.sealed"))):
            raise Failure(f"batch {sequence} is sealed in the database but in no file (its records would be lost)")
    counts = sqlite(database, """
        SELECT COUNT(*) FROM batch b
        WHERE b.record_count != (SELECT COUNT(*) FROM application a WHERE a.batch_sequence = b.sequence);""")
    if counts != "0":
        raise Failure(f"{counts} batches hold a different number of applications than they were sealed with")
    sequences = [int(s) for s in sqlite(database, "SELECT sequence FROM batch ORDER BY sequence;").split()]
    if sequences != list(range(1, len(sequences) + 1)):
        raise Failure(f"batch sequences have gaps: {sequences[:10]}...")
    return sequences


def _verify_chain(kiosk, sequences, center):
    """Every batch file exists and verifies, chained; returns the records of all files, opened."""
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
        references += [json.loads(line) for line in open_records(path, kiosk.opening_key)]
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
        inserted = insert_approved(kiosk, center, serial, 3000)
        serial += 3000

        started = time.monotonic()
        code, out, err = kiosk.run("batch", "create", "--limit", "400")
        span = time.monotonic() - started
        if code != 0:
            raise Failure(f"an unkilled `kiosk batch create` exited {code}: {err.strip()}")
        kills = completed = rebuilt = hot = opened = hidden = 0
        # A quarter of the kills (at least two) between the commit that records a batch and the
        # rename of its sealed file.
        chosen = max(2, runs // 4) if runs >= 4 else 0
        last_sequence = "SELECT COALESCE(MAX(sequence), 0) FROM batch;"
        checked = {}  # batch file name -> digest of the version whose records were compared
        copy = None
        for run in range(runs):
            # Read on the copy the last kill left (or read-only): the kiosk opens the original first.
            state = copy.path if copy else kiosk.database
            approved = int(sqlite(state, "SELECT COUNT(*) FROM application WHERE state = 'approved';", readonly=True))
            before = int(sqlite(state, last_sequence, readonly=True))
            if copy:
                copy.remove()
                copy = None
            if approved < 400:
                # The kiosk opens the database the kill left first (recovering its WAL), then sqlite3 adds rows.
                code, out, err = kiosk.run("status")
                if code != 0:
                    raise Failure(f"after kill {run}: `kiosk status` exited {code}: {(err or out).strip()[-300:]}")
                inserted.update(insert_approved(kiosk, center, serial, 2000))
                serial += 2000
            limit = ctx.random.choice([1, 7, 100, 400])
            args = kiosk.args("batch", "create", "--limit", str(limit))
            if run >= runs - chosen:
                # Chosen point: strace holds each rename on its way in, and the kill falls the moment
                # the database shows the new batch: its sealed file synced under the hidden name and
                # the commit made, the rename not yet.
                process = Process([*_held(work, f"batch-{run}", "rename,renameat,renameat2", "delay_enter"), *args],
                                  kiosk.env)
                process.close_input()
                pid = _child(process, kiosk.binaries.kiosk)
                if not _wait_for(kiosk.database, last_sequence, lambda last: last > before):
                    process.kill()
                    raise Failure(f"kill {run + 1}: `kiosk batch create` recorded no batch within 60 s: "
                                  f"{process.output()[-400:]!r}")
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            else:
                process = Process(args, kiosk.env)
                process.close_input()
                time.sleep(ctx.random.uniform(0, span))
            process.kill()
            code = process.wait(60)
            kills += 1
            completed += code == 0
            copy = CrashCopy(kiosk.database, work)
            check = copy.integrity()
            if check != "ok":
                raise Failure(f"after kill {run + 1}: integrity_check says {check!r}")
            sequences = _batch_state(kiosk, copy.path)
            if sequences and not os.path.exists(
                    os.path.join(kiosk.data, "outbox", f"{center}-{sequences[-1]:08d}.tar")):
                rebuilt += 1
                hidden += run >= runs - chosen
            # A file under its final name is complete (written aside, fsynced, renamed): each one
            # verifies, and holds exactly the applications the database put in that batch, as inserted.
            # Nothing opened the database since the kill: the kiosk (`batch verify` or the next run) is first.
            hot += copy.still_hot(f"after kill {run + 1}")
            opened += _compare_batch_files(kiosk, copy, center, sequences, inserted, checked, f"after kill {run + 1}")
        if chosen and not hidden:
            raise Failure(f"none of the {chosen} kills between the commit and the rename left the batch under its "
                          f"hidden name")
        if copy:
            copy.remove()
        # Rerun to the end.
        for _ in range(200):
            code, out, err = kiosk.run("batch", "create", "--limit", "1000")
            if code != 0:
                raise Failure(f"`kiosk batch create` after the kills exited {code}: {err.strip()}")
            if "nothing" in out.lower() or "nothing" in err.lower():
                break
        else:
            raise Failure("200 reruns of `kiosk batch create` never said there was nothing left to seal")
        sequences = _batch_state(kiosk)
        records = _verify_chain(kiosk, sequences, center)
        references = [r["reference"] for r in records]
        stored = sqlite(kiosk.database, "SELECT reference FROM application;").split()
        total = len(stored)
        if sorted(references) != sorted(stored) or set(stored) != set(inserted):
            raise Failure(f"{len(inserted)} applications inserted, {total} in the database, the batch files hold "
                          f"{len(references)} records ({len(set(references))} distinct); missing from the files: "
                          f"{sorted(set(inserted) - set(references))[:5]}, not inserted: "
                          f"{sorted(set(references) - set(inserted))[:5]}")
        wrong = [r["reference"] for r in records if r.get("answers") != inserted[r["reference"]]
                 or r.get("form_id") != "ua-contract" or r.get("language") != "en"]
        if wrong:
            raise Failure(f"{len(wrong)} sealed records do not hold the answers inserted for them: {wrong[:5]}")
        partial = [n for n in os.listdir(os.path.join(kiosk.data, "outbox"))
                   if n != ".lock" and (n.startswith(".") or not n.endswith(".tar"))]
        if partial:
            raise Failure(f"files left in the outbox after the rerun: {partial[:5]}")
        clear = clear_text_in(kiosk.data, [b"Surname-", b"surname-", b"3652504575"])
        if clear:
            raise Failure(f"personal data in clear after sealing everything: {clear[:5]}")
        return (f"{kills} kills of `kiosk batch create --limit 1|7|100|400` over {total} approved applications "
                f"({kills - chosen} uniform in 0..{span:.2f} s, {completed} of all finished first; {chosen} between "
                f"the commit that records a batch and the rename of its sealed file, while strace held each rename "
                f"{SYNC_DELAY:.1f} s: {hidden} left it under its hidden name)",
                f"after every kill, on a copy of the database (db, -wal, -shm): integrity ok, each application "
                f"approved or in exactly one batch, sealed applications hold no answers, and every batch file "
                f"under its final name verifies and holds exactly the references the database put in it, with "
                f"the answers inserted for them ({opened} files opened); {hot} kills left a hot -wal that the "
                f"kiosk itself reopened, unchanged; {rebuilt} kills left the last sealed batch under its hidden "
                f"name, and the next run renamed it: {len(sequences)} batches verify as a chain, and pyhpke "
                f"opens all {total} applications in them once, each with the answers inserted for it; no "
                f"partial file, and no surname or RNOKPP in clear in kiosk.sqlite, its WAL, or outbox/")
    finally:
        remove(work)


def _compare_batch_files(kiosk, copy, center, sequences, inserted, checked, when):
    """Verifies each batch file not compared yet and compares its records with the database copy
    and with what was inserted; returns how many files it opened."""
    opened = 0
    for sequence in sequences:
        name = f"{center}-{sequence:08d}.tar"
        path = os.path.join(kiosk.data, "outbox", name)
        digest = file_digest(path)
        if digest is None or checked.get(name) == digest:
            continue
        code, out, err = kiosk.run("batch", "verify", path)
        if code != 0:
            raise Failure(f"{when}: {name} exists but does not verify: {err.strip() or out.strip()}")
        records = [json.loads(line) for line in open_records(path, kiosk.opening_key)]
        in_file = sorted(r["reference"] for r in records)
        in_database = sorted(copy.sql(f"SELECT reference FROM application WHERE batch_sequence = {sequence};").split())
        if in_file != in_database:
            raise Failure(f"{when}: {name} holds {len(in_file)} records, the database put {len(in_database)} "
                          f"applications in batch {sequence}; only in the file: "
                          f"{sorted(set(in_file) - set(in_database))[:3]}, only in the database: "
                          f"{sorted(set(in_database) - set(in_file))[:3]}")
        wrong = [r["reference"] for r in records if r.get("answers") != inserted.get(r["reference"])]
        if wrong:
            raise Failure(f"{when}: {name}: {len(wrong)} records do not hold the answers inserted for them: "
                          f"{wrong[:3]}")
        checked[name] = digest
        opened += 1
    return opened


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
        inserted = insert_approved(kiosk, center, serial, 400)
        serial += 400
        upload_args = ["upload", "--hq", url, "--hq-key", hq.public_key, "--limit", "40", "--attempts", "3",
                       "--backoff", "0.05", "--connect-timeout", "5", "--read-timeout", "20", "--max-time", "60"]

        started = time.monotonic()
        code, out, err = kiosk.run(*upload_args)
        span = time.monotonic() - started
        if code != 0:
            raise Failure(f"an unkilled `kiosk upload` exited {code}: {(err or out).strip()[-400:]}")
        hq_db = hq.database()
        kills = completed = in_flight = hot = 0
        # Receipts headquarters had signed for batches the kiosk had not kept a receipt for when
        # it was killed: the resend must get these very bytes back.
        originals = {}
        copy = None
        # A quarter of the kills (at least two) at chosen points: kiosk-hq runs under strace, which
        # holds each write to its sockets SYNC_DELAY, and the kill falls the moment its database
        # shows the next batch: stored and committed at headquarters, its 201 not sent. Half of them kill the
        # kiosk (which never reads the receipt), half kill kiosk-hq (which never sends it).
        chosen = max(2, runs // 4) if runs >= 4 else 0
        landed = {"kiosk": 0, "kiosk-hq": 0}
        missed = []
        last_sequence = f"SELECT COALESCE(MAX(sequence), 0) FROM batch WHERE center = '{center}';"
        for run in range(runs):
            pending = int(sqlite(copy.path if copy else kiosk.database,
                                 "SELECT COUNT(*) FROM application WHERE state = 'approved';"))
            if copy:
                copy.remove()
                copy = None
            if pending < 40:
                # The kiosk opens the database the kill left first (recovering its WAL), then sqlite3 adds rows.
                code, out, err = kiosk.run("status")
                if code != 0:
                    raise Failure(f"after kill {run}: `kiosk status` exited {code}: {(err or out).strip()[-300:]}")
                inserted.update(insert_approved(kiosk, center, serial, 200))
                serial += 200
            victim = None
            if run >= runs - chosen:
                victim = ("kiosk", "kiosk-hq")[(runs - run) % 2]
                if not getattr(hq, "wrapped", False) or hq.process is None:
                    hq.stop(check=False)
                    # SQLite makes a commit visible only after its sync, and the 201 follows at
                    # once: holding headquarters' writes to its sockets (SQLite writes with
                    # pwrite64, untouched) keeps the answer back while the kill falls.
                    upload_args[2] = hq.start(wrapper=_held(work, f"hq-{run}", "write,writev,sendmsg,sendto",
                                                            "delay_enter"))
            before = int(sqlite(hq_db, last_sequence, readonly=True))
            process = kiosk.start(*upload_args)
            process.close_input()
            if victim is None:
                time.sleep(ctx.random.uniform(0, span * 1.1))
            elif not _wait_for(hq_db, last_sequence, lambda last: last > before):
                process.kill()
                raise Failure(f"kill {run + 1}: headquarters stored no batch within 60 s of `kiosk upload`: "
                              f"{process.output()[-400:]!r}")
            if victim == "kiosk-hq":
                hq.kill()  # stored, never answered; the kiosk's attempts then fail and it exits
                code = process.wait(120)
            else:
                process.kill()
                code = process.wait(60)
            kills += 1
            completed += code == 0
            copy = CrashCopy(kiosk.database, work)
            when = f"after kill {run + 1}" + (f" (of {victim} at headquarters' commit)" if victim else "")
            if victim == "kiosk-hq":
                hq_db = hq.database()
            _upload_invariants(kiosk, copy.path, hq_db, when)
            kept = _receipts(copy.path, "SELECT sequence, hex(receipt), hex(receipt_signature) FROM batch "
                                        "WHERE delivered_at IS NOT NULL;")
            signed = _hq_receipts(hq_db, center)
            _compare_receipts(kept, signed, originals, when)
            for sequence in set(signed) - set(kept):
                originals.setdefault(sequence, signed[sequence])
            in_flight += bool(set(signed) - set(kept))
            if victim and before + 1 in signed and before + 1 not in kept:
                landed[victim] += 1
            elif victim:
                missed.append(f"{victim} at batch {before + 1}: headquarters holds "
                              f"{'it' if before + 1 in signed else f'up to {max(signed, default=0)}'}, the kiosk "
                              f"{'kept its receipt' if before + 1 in kept else 'no receipt'}")
            hot += copy.still_hot(when)
        if chosen and not all(landed.values()):
            raise Failure(f"the kills at headquarters' commit did not all land between its commit and the kiosk "
                          f"keeping the receipt: {landed} of {chosen} ({'; '.join(missed)})")
        hq.stop()
        upload_args[2] = hq.start()
        if copy:
            copy.remove()
        for _ in range(20):
            code, out, err = kiosk.run(*upload_args)
            if code == 0:
                break
        if code != 0:
            raise Failure(f"`kiosk upload` after the kills does not finish (exit {code}): {(err or out)[-400:]}")
        _upload_invariants(kiosk, kiosk.database, hq_db, "after the final upload")
        kept = _receipts(kiosk.database, "SELECT sequence, hex(receipt), hex(receipt_signature) FROM batch;")
        signed = _hq_receipts(hq_db, center)
        _compare_receipts(kept, signed, originals, "after the final upload")
        if set(kept) != set(signed) or set(originals) - set(kept):
            raise Failure(f"after the final upload the kiosk keeps receipts for batches {sorted(kept)[:10]}, "
                          f"headquarters signed {sorted(signed)[:10]}")
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
        clear = (clear_text_in(kiosk.data, [b"Surname-", b"surname-", b"3652504575"])
                 + clear_text_in(hq.data, [b"Surname-", b"surname-", b"3652504575"]))
        if clear:
            raise Failure(f"personal data in clear after the upload: {clear[:5]}")
        code, out, err = hq.run("export", "--opening-key", kiosk.opening_key, "--format", "jsonl", timeout=300)
        exported = [json.loads(line) for line in out.splitlines() if line.strip()]
        if code != 0 or sorted(r["reference"] for r in exported) != sorted(kiosk_refs):
            raise Failure(f"kiosk-hq export --opening-key gave {len(exported)} of {len(kiosk_refs)} applications "
                          f"(exit {code}): {err.strip()[-300:]}")
        wrong = [r["reference"] for r in exported if r.get("answers") != inserted.get(r["reference"])]
        if wrong or set(inserted) != kiosk_refs:
            raise Failure(f"kiosk-hq export opened {len(wrong)} records whose answers are not the ones inserted "
                          f"for them: {wrong[:5]} ({len(inserted)} inserted, {len(kiosk_refs)} at the kiosk)")
        return (f"{kills} kills of `kiosk upload` against a real kiosk-hq on loopback ({kills - chosen} uniform in "
                f"0..{span * 1.1:.2f} s; {chosen} the moment headquarters had committed a batch and held its 201, "
                f"while strace held each of its socket writes {SYNC_DELAY:.1f} s: {landed['kiosk']} of the kiosk, "
                f"{landed['kiosk-hq']} of kiosk-hq, each landing after the commit and before the receipt was kept; "
                f"{completed} runs finished first)",
                f"headquarters ends with all {len(kiosk_refs)} applications exactly once in {batches} batches "
                f"({in_flight} kills fell after headquarters stored a batch and before the kiosk kept the receipt, "
                f"for {len(originals)} batches; each resend got the original receipt: the kiosk keeps the very "
                f"receipt and signature bytes headquarters signed first, for all {len(kept)} batches); "
                f"after every kill, on a copy of the kiosk's database (db, -wal, -shm), both databases pass "
                f"integrity_check, nothing delivered is missing at headquarters, nothing there twice, every "
                f"receipt the kiosk kept is byte for byte the one headquarters holds; {hot} kills left a hot -wal "
                f"that the kiosk itself reopened, unchanged; at the end no surname or RNOKPP is in clear in either "
                f"data folder, and `kiosk-hq export --opening-key` opens all {len(exported)}, each with the answers "
                f"inserted for it")
    finally:
        if hq:
            hq.stop(check=False)
        remove(work)


def _receipts(database, statement, readonly=False):
    return {int(sequence): (receipt, signature) for sequence, receipt, signature in
            (line.split("|") for line in sqlite(database, statement, readonly=readonly).splitlines())}


def _hq_receipts(hq_db, center):
    return _receipts(hq_db, f"SELECT sequence, hex(receipt), hex(receipt_signature) FROM batch "
                            f"WHERE center = '{center}';", readonly=True)


def _compare_receipts(kept, signed, originals, when):
    """Every receipt the kiosk kept is headquarters' (bytes and signature), and the first one headquarters signed."""
    for sequence, (receipt, signature) in kept.items():
        if sequence not in signed:
            raise Failure(f"{when}: the kiosk keeps a receipt for batch {sequence}, which headquarters never stored")
        if not receipt or not signature:
            raise Failure(f"{when}: batch {sequence} is delivered without a receipt or its signature")
        if (receipt, signature) != signed[sequence]:
            raise Failure(f"{when}: the receipt the kiosk keeps for batch {sequence} is not the one headquarters "
                          f"holds (receipt {receipt[:32]}... vs {signed[sequence][0][:32]}...)")
    for sequence, original in originals.items():
        if signed.get(sequence) != original:
            raise Failure(f"{when}: headquarters' receipt for batch {sequence} changed after it was first signed")


def _upload_invariants(kiosk, database, hq_db, when):
    check = integrity(database)
    if check != "ok":
        raise Failure(f"{when}: kiosk integrity_check says {check!r}")
    check = sqlite(hq_db, "PRAGMA integrity_check;", readonly=True)
    if check != "ok":
        raise Failure(f"{when}: headquarters integrity_check says {check!r}")
    _batch_state(kiosk, database)
    hq_refs = sqlite(hq_db, "SELECT reference FROM record;", readonly=True).split()
    if len(hq_refs) != len(set(hq_refs)):
        raise Failure(f"{when}: headquarters holds an application twice")
    sealed = set(sqlite(database,
                        "SELECT reference FROM application WHERE batch_sequence IS NOT NULL;").split())
    stray = set(hq_refs) - sealed
    if stray:
        raise Failure(f"{when}: headquarters holds references the kiosk never sealed: {sorted(stray)[:5]}")
    delivered = set(sqlite(database, "SELECT reference FROM application WHERE state = 'delivered';").split())
    lost = delivered - set(hq_refs)
    if lost:
        raise Failure(f"{when}: {len(lost)} applications marked delivered are not at headquarters")
    sequences = [int(s) for s in sqlite(hq_db, "SELECT sequence FROM batch ORDER BY sequence;",
                                        readonly=True).split()]
    if sequences != list(range(1, len(sequences) + 1)):
        raise Failure(f"{when}: headquarters' batch sequence has gaps: {sequences[:10]}")
