"""Storage faults: a full disk, and a damaged database (flipped bytes, a missing -wal)."""

import json
import os
import re
import shutil
import subprocess
import time

from kiosklib import (APPLICATION, KIOSK_DIR, REFERENCE, Failure, Kiosk, Skip, file_digest, insert_approved,
                      integrity, remove, scratch, sqlite)


def _wrapped(text):
    """A pattern for `text` as the kiosk shows it: wrapped between words to the terminal's width."""
    return rb"\s+".join(re.escape(word.encode()) for word in text.split())


def _fill(mount):
    """Fills the filesystem at `mount` to the last byte; returns the filler's path."""
    filler = os.path.join(mount, "filler")
    with open(filler, "wb", buffering=0) as f:
        for size in (1 << 16, 4096, 512, 1):
            block = b"\0" * size
            while True:
                try:
                    f.write(block)
                except OSError:
                    break
    return filler


class _Mount:
    """A small tmpfs made for the test, unmounted and removed whatever happens."""

    def __init__(self, size):
        self.path = scratch("disk")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", self.path],
                              capture_output=True, text=True)
        if done.returncode != 0:
            remove(self.path)
            raise Skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'mount refused'}); "
                       f"run as root, or in a container with CAP_SYS_ADMIN, to test a full disk")

    def close(self):
        for _ in range(10):
            if subprocess.run(["umount", self.path], capture_output=True).returncode == 0:
                break
            time.sleep(0.5)
        else:
            subprocess.run(["umount", "-l", self.path], capture_output=True)
        remove(self.path)


def _strings(key):
    with open(os.path.join(KIOSK_DIR, "strings", "en.json")) as f:
        return json.load(f)[key]


def full_disk(ctx, runs):
    """A full disk under a running kiosk: the applicant is told, nothing unstored is acknowledged,
    and the kiosk recovers when space is freed, without a restart."""
    mount = _Mount("4m")
    try:
        enospc = _full_disk_enospc(ctx, mount)
        threshold = _full_disk_threshold(ctx, mount)
    finally:
        mount.close()
    return ("a 4 MiB tmpfs made for the test, under a running `kiosk attend` on a pipe: (1) with the free-space "
            "check off (min_free_disk_mb 0), filled to the last byte, applications confirmed until one was "
            "refused, confirmed again while full, space freed, confirmed again; then a kiosk started on the full "
            "disk; (2) with min_free_disk_mb 2, filled below it, then freed",
            enospc + "; " + threshold)


def _full_disk_enospc(ctx, mount):
    process = None
    try:
        kiosk = Kiosk(ctx.binaries, os.path.join(mount.path, "enospc"))
        kiosk.init()
        kiosk.set_config(min_free_disk_mb=0)
        failed_text = _strings("error.store_failed")
        outcome = REFERENCE.pattern + b"|" + _wrapped(failed_text)
        process = kiosk.start("attend")
        acknowledged = []

        def confirm(lines):
            """Types lines ending with `confirm`; returns the reference, or None when refused."""
            process.send("\n".join(lines) + "\n")
            found = process.expect(outcome, timeout=60)
            if not REFERENCE.fullmatch(found.group(0)):
                return None
            process.send("\n")  # leaves the reference screen
            return found.group(0).decode()

        first = confirm(APPLICATION[:-1])
        if not first:
            raise Failure("the first application on an empty 4 MiB filesystem was refused")
        acknowledged.append(first)
        filler = _fill(mount.path)
        stored_while_full = 0
        for _ in range(60):
            reference = confirm(APPLICATION[:-1])
            if reference is None:
                break
            acknowledged.append(reference)
            stored_while_full += 1
        else:
            raise Failure("60 applications were acknowledged on a full filesystem; the disk never filled")
        rows = sqlite(kiosk.database, "SELECT reference FROM application;", readonly=True).split()
        if sorted(rows) != sorted(acknowledged):
            raise Failure(f"while full: {len(rows)} stored, {len(acknowledged)} acknowledged: "
                          f"{sorted(set(rows) ^ set(acknowledged))[:5]}")
        if process.popen.poll() is not None:
            raise Failure(f"the kiosk exited (code {process.popen.returncode}) when the disk was full")
        again = confirm(["confirm"])
        if again is not None:
            raise Failure(f"the kiosk acknowledged {again} while the disk is still full")
        os.remove(filler)
        recovered = confirm(["confirm"])
        if recovered is None:
            raise Failure("after space was freed, confirming again was still refused: the kiosk did not recover")
        acknowledged.append(recovered)
        next_one = confirm(APPLICATION[:-1])
        if next_one is None:
            raise Failure("after space was freed, the next applicant's application was refused")
        acknowledged.append(next_one)
        process.close_input()
        code = process.wait(60)
        process = None
        if code != 0:
            raise Failure(f"the kiosk exited {code} at end of input after recovering")
        rows = sqlite(kiosk.database, "SELECT reference FROM application;", readonly=True).split()
        if sorted(rows) != sorted(acknowledged) or len(set(rows)) != len(rows):
            raise Failure(f"{len(rows)} stored, {len(acknowledged)} acknowledged: "
                          f"{sorted(set(rows) ^ set(acknowledged))[:5]}")
        check = integrity(kiosk.database)
        if check != "ok":
            raise Failure(f"integrity_check after the full disk: {check!r}")

        # A kiosk started on a full disk: it says so or works, and never acknowledges what it did not store.
        filler = _fill(mount.path)
        code, out, err = kiosk.run("attend", "--once", input=("\n".join(APPLICATION) + "\n").encode(), timeout=60)
        printed = [m.decode() for m in REFERENCE.findall(out.encode())]
        os.remove(filler)
        after = sqlite(kiosk.database, "SELECT reference FROM application;", readonly=True).split()
        lost = [r for r in printed if r not in after]
        if lost:
            raise Failure(f"a kiosk started on a full disk acknowledged {lost} but did not store it")
        if "Program crashed" in err or "Fatal error" in err:
            raise Failure(f"a kiosk started on a full disk crashed: {err[:300]}")
        said = " ".join(err.split())
        started_full = ("stored it" if printed else "told the applicant" if " ".join(failed_text.split()) in " ".join(out.split()) else
                        f"refused with exit {code}: \"{said[-140:]}\"")
        return (f"(1) {stored_while_full} more applications fitted, then the applicant was told \"{failed_text}\" "
                f"(nothing stored or acknowledged), again while full; after freeing space the same confirm was "
                f"stored and the next applicant too, no restart; {len(acknowledged)} acknowledged = {len(rows)} "
                f"stored, integrity ok; started on the full disk it {started_full}")
    finally:
        if process:
            process.kill()
            process.wait(10)


def _full_disk_threshold(ctx, mount):
    process = None
    try:
        kiosk = Kiosk(ctx.binaries, os.path.join(mount.path, "threshold"))
        kiosk.init()
        kiosk.set_config(min_free_disk_mb=2)
        out_of_service = _wrapped(_strings("service.out_of_service"))
        welcome = _wrapped(_strings("welcome.title"))
        process = kiosk.start("attend", "--health-interval", "1")
        process.send("\n".join(APPLICATION) + "\n")
        first = process.expect(REFERENCE, timeout=60).group(0).decode()
        process.expect(welcome, timeout=30)
        stats = os.statvfs(mount.path)
        filler = os.path.join(mount.path, "filler")
        with open(filler, "wb") as f:
            f.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - (1 << 20)))
        process.expect(out_of_service, timeout=30)
        process.send("\n".join(APPLICATION) + "\n")  # typed while out of service: must be discarded
        time.sleep(1.5)
        stored = sqlite(kiosk.database, "SELECT COUNT(*) FROM application;", readonly=True)
        if stored != "1" or REFERENCE.search(bytes(process.out), process.mark):
            raise Failure("an application was taken while the kiosk was out of service for low disk")
        os.remove(filler)
        process.expect(welcome, timeout=30)
        process.send("\n".join(APPLICATION) + "\n")
        second = process.expect(REFERENCE, timeout=60).group(0).decode()
        process.close_input()
        process.wait(30)
        process = None
        rows = sqlite(kiosk.database, "SELECT reference FROM application;", readonly=True).split()
        if sorted(rows) != sorted([first, second]):
            raise Failure(f"stored {rows}, acknowledged {[first, second]}")
        return ("(2) below min_free_disk_mb the welcome screen turned to \"out of service\" in every language, an "
                "application typed then was discarded, and after freeing space the kiosk came back by itself and "
                "stored the next one")
    finally:
        if process:
            process.kill()
            process.wait(10)


# MARK: - Damaged database

def _page_size(path):
    with open(path, "rb") as f:
        header = f.read(100)
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def _pages(path, root):
    """All pages of the b-tree rooted at `root`: (page number, page type)."""
    size = _page_size(path)
    with open(path, "rb") as f:
        data = f.read()
    found, todo = [], [root]
    while todo:
        page = todo.pop()
        base = (page - 1) * size
        header = base + (100 if page == 1 else 0)
        kind = data[header]
        found.append((page, kind))
        if kind in (0x02, 0x05):  # interior index / table page
            cells = int.from_bytes(data[header + 3:header + 5], "big")
            todo.append(int.from_bytes(data[header + 8:header + 12], "big"))
            for i in range(cells):
                pointer = int.from_bytes(data[header + 12 + 2 * i:header + 14 + 2 * i], "big")
                todo.append(int.from_bytes(data[base + pointer:base + pointer + 4], "big"))
    return found


def _flip(path, offset, mask=0xFF):
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)[0]
        f.seek(offset)
        f.write(bytes([byte ^ mask]))


def _folder_state(data):
    return {name: file_digest(os.path.join(data, name)) for name in ("kiosk.sqlite", "kiosk.sqlite-wal")}


def _stock_verdict(data):
    """What the stock sqlite3 says of the database, checked on a copy so nothing touches the original."""
    probe = data + "-probe"
    remove(probe)
    shutil.copytree(data, probe)
    try:
        done = subprocess.run(["sqlite3", os.path.join(probe, "kiosk.sqlite"), "PRAGMA integrity_check;"],
                              capture_output=True, text=True, timeout=60)
        verdict = (done.stdout + done.stderr).strip()
        return verdict == "ok", verdict.splitlines()[0][:120] if verdict else "?"
    finally:
        remove(probe)


# What is run on a damaged folder, in this order: an application, a batch, the full check a
# schedule runs, then plain `kiosk status`, which runs no full check of its own (it costs the
# same at any size) and must report the damage the checks before it recorded.
COMMANDS = ((("attend", "--once"), ("\n".join(APPLICATION) + "\n").encode()), (("batch", "create"), b""),
            (("status", "--full-check"), b""), (("status",), b""))


def _try_kiosk(kiosk):
    """Runs COMMANDS on the folder; returns (refusals, messages, printed)."""
    refusals, messages, printed = 0, [], []
    for args, stdin in COMMANDS:
        code, out, err = kiosk.run(*args, input=stdin, timeout=60)
        printed += [m.decode() for m in REFERENCE.findall(out.encode())]
        if code != 0:
            refusals += 1
            messages.append(" ".join((err.strip() or out.strip()).split()))
    return refusals, messages, printed


def _check_refused(kiosk, what, before):
    refusals, messages, printed = _try_kiosk(kiosk)
    after = _folder_state(kiosk.data)
    problems = []
    if refusals != len(COMMANDS):
        problems.append(f"only {refusals} of attend --once, batch create, status --full-check and status refused it")
    if printed:
        problems.append(f"a reference was printed: {printed}")
    if after["kiosk.sqlite"] != before["kiosk.sqlite"]:
        problems.append("kiosk.sqlite was written to")
    if after["kiosk.sqlite-wal"] not in (before["kiosk.sqlite-wal"], None, file_digest("/dev/null")):
        problems.append("a -wal with content was written")
    crashed = [m for m in messages if "Program crashed" in m or "Fatal error" in m]
    if crashed:
        problems.append(f"a command crashed: {crashed[0][:300]}")
    clear = [m for m in messages if "damaged" in m.lower() or "-wal" in m.lower() or "corrupt" in m.lower()
             or "malformed" in m.lower()]
    if refusals and len(clear) != refusals:
        problems.append(f"a message does not say what is wrong: {[m[:160] for m in messages if m not in clear][:1]}")
    if problems:
        raise Failure(f"{what}: " + "; ".join(p[:260] for p in problems))
    return clear[0] if clear else ""


def _excerpt(message):
    """The part of a refusal that says what is wrong."""
    lower = message.lower()
    for phrase in ("the database is damaged", "damaged", "-wal", "corrupt", "malformed"):
        at = lower.rfind(phrase)
        if at >= 0:
            return message[at:at + 90].strip()
    return message[:100]


def _template(ctx, work):
    kiosk = Kiosk(ctx.binaries, os.path.join(work, "template"))
    kiosk.init()
    insert_approved(kiosk, kiosk.config()["center"], 1, 300)
    sqlite(kiosk.database, "PRAGMA wal_checkpoint(TRUNCATE);")
    for suffix in ("-wal", "-shm"):
        if os.path.exists(kiosk.database + suffix):
            os.remove(kiosk.database + suffix)
    return kiosk


def _copy(ctx, template, work, name):
    data = os.path.join(work, name)
    remove(data)
    shutil.copytree(template.data, data)
    return Kiosk(ctx.binaries, data)


def damaged(ctx, runs):
    """A damaged database is refused with a clear message and never written to: structural flipped
    bytes, a truncated file, a missing -wal of a hot database, and `runs` random byte flips judged by
    the stock `sqlite3 PRAGMA integrity_check`."""
    work = scratch("db")
    try:
        template = _template(ctx, work)
        db = template.database
        size = _page_size(db)
        roots = dict(line.split("|") for line in sqlite(
            db, "SELECT name, rootpage FROM sqlite_master WHERE type IN ('table', 'index');").splitlines())
        table_pages = _pages(db, int(roots["application"]))
        index_name = next(n for n in roots if n.startswith("sqlite_autoindex_application"))
        index_leaf = next(p for p, kind in _pages(db, int(roots[index_name])) if kind == 0x0A)
        table_leaf = next(p for p, kind in table_pages if kind == 0x0D)

        def cell_offset(page):
            base = (page - 1) * size
            with open(db, "rb") as f:
                f.seek(base)
                data = f.read(size)
            pointer = int.from_bytes(data[8:10], "big")
            return base + pointer

        structural = [
            ("header magic (byte 0)", lambda p: _flip(p, 0)),
            ("application table root page type", lambda p: _flip(p, (int(roots["application"]) - 1) * size, 0x7F)),
            ("a table leaf's cell pointer", lambda p: _flip(p, (table_leaf - 1) * size + 8, 0x7F)),
            ("a table leaf's cell header (payload length)", lambda p: _flip(p, cell_offset(table_leaf), 0x40)),
            ("a reference in the unique index", lambda p: _flip(p, cell_offset(index_leaf) + 8, 0x01)),
            ("file truncated by a page", lambda p: os.truncate(p, os.path.getsize(p) - size)),
        ]
        refused, failures = [], []
        for name, damage in structural:
            kiosk = _copy(ctx, template, work, "case")
            damage(kiosk.database)
            is_ok, verdict = _stock_verdict(kiosk.data)
            if is_ok:
                failures.append(f"{name}: sqlite3 itself sees no damage (a bug in this test)")
                continue
            try:
                message = _check_refused(kiosk, name, _folder_state(kiosk.data))
                refused.append(f"{name}: refused (\"{_excerpt(message)}\")")
            except Failure as failure:
                failures.append(f"{failure} [sqlite3 integrity_check: {verdict}]")

        # A hot database whose -wal went missing (copied without it, or deleted): commits would vanish.
        kiosk = _copy(ctx, template, work, "hot")
        process = kiosk.start("attend")
        process.send("\n".join(APPLICATION[:-1]) + "\n")
        hot_reference = process.expect(REFERENCE, timeout=60).group(0).decode()
        process.kill()  # killed while the reference is on screen: the commit is in the -wal only
        process.wait(10)
        wal = kiosk.database + "-wal"
        if not os.path.exists(wal) or os.path.getsize(wal) == 0:
            failures.append("could not make a hot database: no -wal after kill -9 (test setup)")
        else:
            os.remove(wal)
            name = f"-wal of a hot database deleted (it held {hot_reference}, already shown to an applicant)"
            try:
                message = _check_refused(kiosk, name, _folder_state(kiosk.data))
                refused.append(f"missing -wal of a hot database: refused (\"{_excerpt(message)}\")")
            except Failure as failure:
                failures.append(str(failure))

        # Random single-bit flips anywhere in the file, judged by the stock sqlite3 integrity_check.
        detected = undetectable = 0
        random_failures = []
        db_size = os.path.getsize(db)
        for run in range(runs):
            kiosk = _copy(ctx, template, work, "flip")
            offset = ctx.random.randrange(db_size)
            mask = 1 << ctx.random.randrange(8)
            _flip(kiosk.database, offset, mask)
            is_ok, verdict = _stock_verdict(kiosk.data)
            if is_ok:
                undetectable += 1  # free space or a value's bytes: SQLite has no page checksums
                continue
            detected += 1
            try:
                _check_refused(kiosk, f"bit flip at byte {offset} (mask {mask:#04x})", _folder_state(kiosk.data))
            except Failure as failure:
                random_failures.append(f"{failure} [sqlite3 integrity_check: {verdict}]")
        summary = (f"random flips: {detected} damaged per sqlite3 integrity_check, "
                   f"{detected - len(random_failures)} of them refused cleanly; {undetectable} landed in free "
                   f"space or inside a stored value, where SQLite keeps no checksum (not damage it can see)")
        if failures or random_failures:
            raise Failure("\n".join([f"NOT REFUSED CLEANLY: {f}" for f in failures + random_failures]
                                    + [f"refused: {r}" for r in refused] + [summary]))
        return (f"{len(structural)} structural damages, a hot database without its -wal, and {runs} random "
                f"single-bit flips in a {db_size // 1024} KiB database of 300 applications; each folder then "
                f"given to `kiosk attend --once` (one application), `kiosk batch create`, `kiosk status --full-check` and "
                f"then `kiosk status` (which reports the recorded check)",
                "all refused with a clear message, no reference printed, the file not written:\n"
                + "\n".join(refused) + "\n" + summary)
    finally:
        remove(work)
