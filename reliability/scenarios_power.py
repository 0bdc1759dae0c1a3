"""Power cuts on a FUSE filesystem of our own (reliability/powerfs.py): what a disk would lose.

A kill -9 keeps the page cache: everything written survives. A power cut keeps only what was
synced. powerfs passes every write through to a backing folder but journals everything since
the file's (or, for names, the folder's) last fsync, and a cut undoes all of it; the programs are
SIGKILLed at the same moment. After each cut the backing folder is what the disk would hold: the
checks read copies of it (CrashCopy), then the folder is mounted again and the product is the
first to open its databases.

SQLite's WAL index (`-shm`, mmap MAP_SHARED) works on powerfs (the mount is not direct_io; the
page cache is shared between processes), which the power-fs self-test checks with two sqlite3
processes: no locking_mode=EXCLUSIVE is needed, and none is used.
"""

import errno
import json
import os
import re
import shutil
import signal
import subprocess
import time

from kiosklib import (VENV_PYTHON, CrashCopy, Failure, HQ, Kiosk, Process, Skip, clear_text_in, environment,
                      insert_approved, kiosk_with_hq, remove, scratch, sqlite)
from scenarios_kill import (CONFIRM, REVIEW, SYNC_DELAY, _attend_stored, _start_attend, _batch_state, _compare_batch_files, _compare_receipts,
                            _hq_receipts, _letters, _receipts, _script, _typed, _upload_invariants,
                            _verify_chain)

POWERFS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "powerfs.py")
# A reference printed whole, on its line (the kiosk prints it once the commit is synced).
REFERENCE_LINE = re.compile(rb"[A-Z0-9]{2,12}-\d{4}-\d{6}-[0-9A-Z]")
ACCEPTED = re.compile(rb"accepted (\S+) batch (\d+):")
# POWERFS_LOSE_SYNCED=1 runs powerfs with --lose-synced, a broken disk that loses synced writes
# too, to check the checks: every power scenario must fail on it.
LOSE_SYNCED = os.environ.get("POWERFS_LOSE_SYNCED") == "1"


def _python():
    for python in (VENV_PYTHON, shutil.which("python3")):
        if python and os.path.exists(python) and subprocess.run(
                [python, "-c", "import fuse"], capture_output=True).returncode == 0:
            return python
    raise Skip("no Python with fusepy (python3 -m pip install -r Tests/Conformance/requirements.txt; "
               "Debian's libfuse2 and fuse3)")


class PowerMount:
    """A powerfs mount over `backing`; `cut()` is a power cut, `unmount()` a clean shutdown."""

    def __init__(self, backing, mount, lose_synced=None):
        self.backing, self.mount = backing, mount
        self.lose_synced = LOSE_SYNCED if lose_synced is None else lose_synced
        self.process = None
        os.makedirs(backing, exist_ok=True)
        os.makedirs(mount, exist_ok=True)

    def up(self):
        if not os.path.exists("/dev/fuse"):
            raise Skip("/dev/fuse does not exist (FUSE is not available on this machine)")
        args = [_python(), POWERFS, self.backing, self.mount] + (["--lose-synced"] if self.lose_synced else [])
        self.process = Process(args, environment(os.path.dirname(self.backing)))
        try:
            self.process.expect(rb"mounted\n", timeout=20)
        except Failure:
            self.process.kill()
            self.process.wait(5)
            raise Skip(f"powerfs could not mount {self.mount}: {self.process.err[-400:].decode(errors='replace')}")
        deadline = time.monotonic() + 10
        while not _mounted(self.mount):
            if time.monotonic() > deadline:
                raise Failure(f"powerfs said mounted but {self.mount} is not a mount point")
            time.sleep(0.01)
        return self

    def freeze(self):
        """The power is gone: every further operation on the mount fails with EIO."""
        self.process.send(b"freeze\n")
        self.process.expect(rb"frozen\n", timeout=30)

    def cut(self):
        """Undoes everything unsynced and unmounts; returns what powerfs undid."""
        self.process.send(b"cut\n")
        line = self.process.expect(rb"\{[^\n]*\}\n", timeout=60)
        report = json.loads(line.group(0))
        if report["failed"]:
            raise Failure(f"powerfs could not undo some unsynced changes: {report['failed'][:5]}")
        self._unmount()
        return report

    def unmount(self):
        """A clean shutdown: whatever was written stays."""
        if self.process:
            self._unmount()

    def close(self):
        """For `finally`: whatever happened, nothing is left mounted or running; never raises."""
        if not self.process:
            return
        try:
            _kill(*_holder_pids(self.mount))
            self._unmount()
        except Exception:  # noqa: BLE001 - another failure is on its way; do not hide it
            # Only here, after a failure and with powerfs killed, a lazy unmount: nothing serves
            # the mount any more, so nothing more can be written through it.
            self.process.kill()
            self.process.wait(10)
            self.process = None
            subprocess.run(["umount", "-l", self.mount], capture_output=True)

    def _unmount(self):
        # Never a lazy unmount: a mount still held after a cut could still be written to.
        deadline = time.monotonic() + 20
        while True:
            done = subprocess.run(["umount", self.mount], capture_output=True)
            if done.returncode == 0 or not _mounted(self.mount):
                break
            if time.monotonic() > deadline:
                holders = _holders(self.mount)
                raise Failure(f"cannot unmount {self.mount}: {done.stderr.decode(errors='replace').strip()}; "
                              f"open there: {holders[:400]!r}")
            time.sleep(0.05)
        code = self.process.wait(30)
        process, self.process = self.process, None
        if code != 0:
            raise Failure(f"powerfs exited {code} after the unmount: {process.err[-400:].decode(errors='replace')!r}")


def _holders(mount):
    """The processes with a file open under `mount`: 'pid (command, state) path' each."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith(mount):
                    with open(f"/proc/{pid}/stat") as f:
                        stat = f.read()
                    found.append(f"{pid} ({stat[stat.index('(') + 1:stat.rindex(')')]}, "
                                 f"{stat.rsplit(')', 1)[1].split()[0]}, parent {stat.rsplit(')', 1)[1].split()[1]}) "
                                 f"{target}")
        except OSError:
            pass
    return "; ".join(found) or "none"


def _holder_pids(mount):
    """{pid: command line} of the processes with a file open (or their folder) under `mount`."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
            links.append(os.readlink(f"/proc/{pid}/cwd"))
            if any(link.startswith(mount + "/") or link == mount for link in links):
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    found[int(pid)] = f.read().replace(b"\0", b" ").decode(errors="replace").strip()[:120]
        except OSError:
            pass
    return found


def _mounted(path):
    """Whether `path` is a mount point, from /proc/self/mountinfo (a stat of a frozen mount fails)."""
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == os.path.abspath(path) for line in f)


def _kill(*pids):
    """SIGKILLs each pid and waits until each is dead (gone or a zombie): its files are closed."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 30
    for pid in pids:
        while not _dead(pid):
            if time.monotonic() > deadline:
                raise Failure(f"process {pid} did not die within 30 s of SIGKILL")
            time.sleep(0.005)


def _dead(pid):
    """Gone, or every thread a zombie (a leader is a zombie before its other threads have exited)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return True
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X"):
                    return False
        except (OSError, IndexError):
            pass
    return True


def _count(counts, key):
    counts[key] = counts.get(key, 0) + 1


def _described(counts):
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items(), key=lambda item: -item[1]))


# -- power-fs: the filesystem's own model, checked --------------------------------------------------

def selftest(ctx, runs):
    """powerfs itself: after a cut, exactly the synced state survives.

    Each run writes files on a powerfs mount with plain system calls: one written and fsynced in
    a synced folder, one fsynced but whose new name's folder was not, one overwritten in place
    after its sync, one truncated after its sync, one renamed over a synced file without a folder
    sync, one unlinked (and still open) without a folder sync, one extended by an unsynced
    write, one renamed between folders with only the destination synced, a new folder whose
    parent was not synced (with a synced file in it); then cuts, and checks every file byte for byte against the synced state. A second
    mount checks that SQLite's WAL shared memory works across two sqlite3 processes, and that an
    unsynced commit (synchronous=OFF) is gone after a cut while a synced one (FULL) is kept.
    With --lose-synced (the broken disk) the synced files must be lost, or the self-test fails.
    """
    work = scratch("power-fs")
    try:
        for run in range(runs):
            _selftest_files(ctx, work, run)
        wal = _selftest_sqlite(work)
        return (f"{runs} cuts of a powerfs mount after fsynced and unsynced writes, truncates, creates, renames "
                f"(over a file) and unlinks (of an open file), with and without folder syncs; two sqlite3 "
                f"processes on one WAL database",
                f"after every cut exactly the synced state was there, byte for byte: unsynced writes, truncates "
                f"and sizes undone, a synced file whose folder was not synced gone, an unsynced rename and unlink "
                f"undone; {wal}")
    finally:
        remove(work)


def _selftest_files(ctx, work, run):
    backing, mount = os.path.join(work, f"disk{run}"), os.path.join(work, f"mnt{run}")
    fs = PowerMount(backing, mount).up()
    rnd = ctx.random
    expected = {}  # name under backing -> bytes, or None for absent
    try:
        def path(name):
            return os.path.join(mount, name)

        def sync_dir(name=""):
            fd = os.open(path(name), os.O_RDONLY | os.O_DIRECTORY)
            os.fsync(fd)
            os.close(fd)

        def write(name, data, sync, offset=None, flags=os.O_WRONLY | os.O_CREAT):
            fd = os.open(path(name), flags, 0o644)
            os.pwrite(fd, data, offset or 0) if offset is not None else os.write(fd, data)
            if sync:
                (os.fdatasync if rnd.random() < 0.5 else os.fsync)(fd)
            os.close(fd)

        blob = lambda n: bytes(rnd.randrange(256) for _ in range(n))  # noqa: E731
        os.mkdir(path("sub"))
        sync_dir()
        a, b, c, d, e = blob(5000), blob(3000), blob(7000), blob(100), blob(9000)
        write("sub/synced", a, True)
        write("sub/moving", b[:900], True)
        sync_dir("sub")  # the last sync of sub/
        expected["sub/synced"] = a
        # Between two folders a rename is kept only once both are synced: here only the
        # destination (the root, synced below) is.
        os.rename(path("sub/moving"), path("moved"))
        expected["sub/moving"], expected["moved"] = b[:900], None
        write("sub/no-dir-sync", b, True)  # the file is synced, its name is not
        expected["sub/no-dir-sync"] = None
        write("overwritten", c, True)
        sync_dir()
        write("overwritten", blob(2000), False, offset=rnd.randrange(6000))  # unsynced, in place and past the end
        expected["overwritten"] = c
        write("truncated", e, True)
        sync_dir()
        os.truncate(path("truncated"), rnd.randrange(9000))
        expected["truncated"] = e
        write("extended", d, True)
        sync_dir()
        write("extended", blob(50000), False, offset=100)
        expected["extended"] = d
        write("renamed-synced", d, True)
        sync_dir()
        os.rename(path("renamed-synced"), path("renamed-done"))
        sync_dir()
        expected["renamed-synced"], expected["renamed-done"] = None, d
        write("target", a[:1000], True)
        write(".aside", b[:500], True)
        write("unlinked", c[:700], True)
        sync_dir()  # the last sync of the folder: what follows in it is not synced
        os.rename(path(".aside"), path("target"))  # no folder sync: the old target comes back
        expected["target"], expected[".aside"] = a[:1000], b[:500]
        held = os.open(path("unlinked"), os.O_RDWR)
        os.unlink(path("unlinked"))
        os.write(held, b"more")  # the open file is still writable
        expected["unlinked"] = c[:700]
        write("never-synced", blob(123), False)
        expected["never-synced"] = None
        os.mkdir(path("newdir"))  # its parent is not synced again: the folder and what is in it go
        write("newdir/inside", a[:300], True)
        sync_dir("newdir")
        expected["newdir/inside"] = None
        fs.freeze()
        try:
            os.close(os.open(path("sub/synced"), os.O_RDONLY))
            raise Failure("a frozen powerfs still opens a file")
        except OSError as error:
            if error.errno != errno.EIO:
                raise Failure(f"a frozen powerfs answers an open with {error}, not EIO")
        try:
            os.close(held)  # the flush fails with EIO; the descriptor is closed all the same
        except OSError:
            pass
        report = fs.cut()
    finally:
        fs.close()
    lost_synced = []
    for name, data in expected.items():
        full = os.path.join(backing, name)
        now = open(full, "rb").read() if os.path.exists(full) else None
        if now != data:
            if fs.lose_synced and data is not None:
                lost_synced.append(name)
                continue
            raise Failure(f"self-test run {run + 1}: after the cut {name} holds "
                          f"{'nothing' if now is None else len(now)} bytes, the synced state "
                          f"{'nothing' if data is None else len(data)} bytes (powerfs undid {report})")
    if fs.lose_synced:
        raise Failure(f"self-test run {run + 1} on the broken disk (--lose-synced): synced files lost as "
                      f"intended: {lost_synced}")
    names = sorted(os.listdir(backing))
    extra = set(names) - {n.split("/")[0] for n, d in expected.items() if d is not None} - {"sub"}
    extra |= set(os.listdir(os.path.join(backing, "sub"))) - {n.split("/")[1] for n, d in expected.items()
                                                                if d is not None and n.startswith("sub/")}
    if extra:
        raise Failure(f"self-test run {run + 1}: after the cut the folder holds names never synced: {sorted(extra)}")


def _selftest_sqlite(work):
    backing, mount = os.path.join(work, "sqlite-disk"), os.path.join(work, "sqlite-mnt")
    fs = PowerMount(backing, mount).up()
    database = os.path.join(mount, "t.sqlite")
    try:
        sqlite(database, "PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES ('synced');")
        # One process keeps the database open (the WAL and its -shm stay); another commits; the
        # first must see the commit through the shared memory.
        reader = Process(["sqlite3", "-batch", "-noheader", database], environment(work))
        reader.send(b"PRAGMA journal_mode;\nSELECT 'count', COUNT(*) FROM t;\n")
        reader.expect(rb"count\|1\n", timeout=20)
        sqlite(database, "INSERT INTO t VALUES ('second');")
        reader.send(b"SELECT 'count', COUNT(*) FROM t;\n")
        reader.expect(rb"count\|2\n", timeout=20)
        mode = sqlite(database, "PRAGMA journal_mode;")
        if mode != "wal":
            raise Failure(f"the self-test database is in journal_mode {mode}, not wal")
        # A commit with synchronous=OFF is never synced: the cut must take it.
        reader.send(b"PRAGMA synchronous=OFF; INSERT INTO t VALUES ('unsynced'); SELECT 'count', COUNT(*) FROM t;\n")
        reader.expect(rb"count\|3\n", timeout=20)
        fs.freeze()
        _kill(reader.popen.pid)
        reader.wait(10)
        report = fs.cut()
    finally:
        fs.close()
    copy = CrashCopy(os.path.join(backing, "t.sqlite"), work)
    rows = copy.sql("SELECT x FROM t ORDER BY rowid;").split()
    check = copy.integrity()
    copy.remove()
    if check != "ok":
        raise Failure(f"the self-test database after the cut: integrity_check {check!r}")
    if fs.lose_synced:
        raise Failure(f"self-test database on the broken disk (--lose-synced): after the cut it holds {rows}")
    if rows != ["synced", "second"]:
        raise Failure(f"the self-test database after the cut holds {rows}; the synced state is ['synced', 'second']")
    fs = PowerMount(backing, mount).up()
    try:
        sqlite(database, "INSERT INTO t VALUES ('after');")
        if sqlite(database, "SELECT COUNT(*) FROM t;") != "3":
            raise Failure("the self-test database does not take a commit after the cut")
    finally:
        fs.close()
    return (f"SQLite's WAL shared memory works on powerfs (a second sqlite3 saw each commit through -shm), a "
            f"synchronous=OFF commit was lost on the cut ({report['writes']} unsynced writes undone) and the "
            f"synced ones kept, integrity ok, and the database takes the next commit")


# -- the kiosk and headquarters on powerfs ---------------------------------------------------------

class OnPower:
    """A data folder on a powerfs disk: `disk` is the Kiosk/HQ on the backing folder (what the disk
    holds, for checks between cuts), `live` the same folder through the mount."""

    def __init__(self, work, name):
        self.backing = os.path.join(work, f"{name}-disk")
        self.fs = PowerMount(self.backing, os.path.join(work, f"{name}-mnt"))
        self.cuts = {}  # what the cuts found unsynced, counted

    def up(self):
        return self.fs.up()

    def cut(self, kill):
        """Freezes the disk, SIGKILLs `kill` (pids), undoes everything unsynced and unmounts."""
        self.fs.freeze()
        _kill(*kill)
        return self.finish()

    def finish(self):
        """The rest of a cut once the disk is frozen and its programs are killed."""
        # A power cut stops every program on the disk: any other process with a file open there
        # (none is expected) is killed too, and counted.
        for _ in range(5):
            others = _holder_pids(self.fs.mount)
            if not others:
                break
            _count(self.cuts, "other processes on the disk killed: " + ", ".join(sorted(others.values())))
            _kill(*others)
        report = self.fs.cut()
        for what in sorted({_normalized(name) for name in report["files"]}):
            _count(self.cuts, f"unsynced writes to {what}")
        for what in sorted({_normalized(kind) for kind in report["entry_kinds"]}):
            _count(self.cuts, f"unsynced {what}")
        if not report["writes"] and not report["entries"]:
            _count(self.cuts, "nothing unsynced")
        return report


def _normalized(name):
    """A file's name for counting: batch numbers and libfuse's hidden names folded together."""
    name = re.sub(r"\.fuse_hidden[0-9a-f]+", ".fuse_hidden*", name)
    name = re.sub(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", "UUID", name)
    return re.sub(r"\d{8}", "N", name)


def attend(ctx, runs):
    """Power cuts under `kiosk attend` while scripted applications arrive through a pipe.

    The data folder is on powerfs. Each run types APPS applications, each with its own surname,
    and cuts the power (freeze, SIGKILL, undo everything unsynced, unmount): half of the runs at
    a random moment, a quarter the moment a chosen reference is printed, a quarter just after the
    confirm of a chosen application while strace holds every sync's return (the commit is synced,
    its reference not printed yet). After every cut, on a copy of what the disk holds (db, -wal,
    -shm): integrity_check ok, every reference printed before the cut stored once with the
    surname typed for it, no surname twice or never typed, of each run only its first printed
    applications and at most the next one stored. Then the folder is mounted again and the kiosk
    is the first to open the database; at the end it completes the next application. First, on
    an empty disk of its own, a new kiosk's first application: the cut comes the moment its
    reference is printed, and the new data folder must hold it.
    """
    apps = 3
    work = scratch("power-attend")
    disk = OnPower(work, "kiosk")
    try:
        fresh = _fresh_attend(ctx, work)
        on_disk = Kiosk(ctx.binaries, os.path.join(disk.backing, "data"))
        on_disk.init()
        kiosk = Kiosk(ctx.binaries, os.path.join(disk.fs.mount, "data"))
        counter = 0

        def surnames():
            nonlocal counter
            counter += apps
            return [f"Surname-{_letters(counter - apps + i)}" for i in range(apps)]

        typed, expected = {}, {}
        names = surnames()
        disk.up()
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
            raise Failure(f"an uncut run on powerfs printed {len(printed)} of {apps} references (exit {code}): "
                          f"{process.output()[-500:]!r} {process.err[-300:]!r}")
        typed.update((name, 0) for name in names)
        expected.update(zip(printed, names))
        confirms = apps
        cuts = hot = 0
        windows = {"random": {}, "after-print": {}, "commit": {}}
        copy = None
        for run in range(runs):
            mode = ("random", "random", "after-print", "commit")[run % 4]
            names = surnames()
            typed.update((name, run + 1) for name in names)
            if copy:
                disk.up()
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
                    process.expect(REFERENCE_LINE, timeout=60)
            else:
                lines = [line for name in names[:chosen] for line in _typed(name)] + _typed(names[chosen])[:CONFIRM]
                process.send(("\n".join(lines) + "\n").encode())
                for _ in range(chosen + 1):
                    process.expect(REVIEW, timeout=60)
                process.send(b"confirm\n")
                time.sleep(ctx.random.uniform(0.05, SYNC_DELAY * 0.8))
            disk.cut([pid, process.popen.pid])
            process.wait(30)
            cuts += 1
            confirms += apps
            printed = process.references()
            expected.update(zip(printed, names))
            when = f"after cut {run + 1} ({mode}, seed {ctx.seed})"
            copy = CrashCopy(on_disk.database, work)
            check = copy.integrity()
            if check != "ok":
                raise Failure(f"{when}: PRAGMA integrity_check says {check!r}")
            window = _attend_stored(copy, typed, expected, names, printed, when)
            if mode == "after-print" and len(printed) <= chosen:
                raise Failure(f"{when}: cut after reference {chosen + 1} was printed, but the output holds "
                              f"{len(printed)}")
            _count(windows[mode], window)
        stored = copy.sql("SELECT reference FROM application;").split() if copy else []
        if runs >= 4 and not windows["commit"].get("committed, not printed"):
            raise Failure(f"no commit-window cut fell after the commit was synced and before the print: "
                          f"{windows['commit']}")
        disk.up()
        if copy:
            hot += copy.still_hot("after the last cut")
            copy.remove()
        process = kiosk.start("attend", "--once")
        process.send(_script(["Surname-restart"]))
        process.close_input()
        if process.wait(60) != 0 or len(process.references()) != 1:
            raise Failure(f"the kiosk does not complete an application after the cuts: {process.output()[-400:]!r}")
        disk.fs.unmount()
        described = "; ".join(f"{mode}: {_described(counts)}" for mode, counts in windows.items() if counts)
        return (f"{cuts} power cuts (powerfs: freeze, SIGKILL, undo everything unsynced) under `kiosk attend` "
                f"during {confirms} scripted confirmations through a pipe (half uniform in 0..{span * 1.05:.2f} s, "
                f"a quarter the moment a chosen reference is printed, a quarter after a chosen confirm while "
                f"strace holds each sync's return)",
                f"{len(expected)} references printed before a cut, each stored after it exactly once with the "
                f"surname typed for it; {len(stored)} stored, no surname twice; where the cuts fell: {described}; "
                f"what they undid: {_described(disk.cuts)}; integrity_check ok after every cut (on copies); "
                f"{hot} cuts left a hot -wal that the kiosk itself reopened; after the cuts the kiosk completes "
                f"the next application; {fresh}")
    finally:
        disk.fs.close()
        remove(work)


def _fresh_attend(ctx, work):
    """The first application of a kiosk on an empty disk: the kiosk creates its data folder,
    database and keys, prints the reference, and the power is cut at once; it must be stored."""
    disk = OnPower(work, "fresh")
    try:
        disk.up()
        kiosk = Kiosk(ctx.binaries, os.path.join(disk.fs.mount, "data"))
        process = kiosk.start("attend")
        process.send(_script(["Surname-fresh"]))
        process.expect(REFERENCE_LINE, timeout=60)
        report = disk.cut([process.popen.pid])
        process.wait(30)
        printed = process.references()
        database = os.path.join(disk.backing, "data", "kiosk.sqlite")
        if not os.path.exists(database):
            raise Failure(f"the first application on an empty disk printed {printed} but after the cut there is no "
                          f"{os.path.relpath(database, disk.backing)} (the folder holds "
                          f"{sorted(os.listdir(disk.backing))}; powerfs undid {report})")
        copy = CrashCopy(database, work)
        stored = copy.sql("SELECT reference FROM application;").split()
        check = copy.integrity()
        copy.remove()
        if check != "ok" or not set(printed) <= set(stored):
            raise Failure(f"the first application on an empty disk printed {printed}; after the cut the new "
                          f"database stores {stored} (integrity_check {check!r})")
        return (f"on an empty disk, the first application's reference {printed[0]} survives a cut the moment it is "
                f"printed (the kiosk syncs the new data folder, database and keys before)")
    finally:
        disk.fs.close()


def batch(ctx, runs):
    """Power cuts under `kiosk batch create` at random moments, with random --limit.

    The data folder is on powerfs; approved applications are seeded on the backing folder
    between cuts (kiosklib.insert_approved, through the review console). After every cut, on a
    copy of what the disk holds: integrity ok, every application approved (with its answers) or
    in exactly one batch (without them), every sealed batch in a file (final or hidden name),
    every batch holding the count it was sealed with, no gaps; then, mounted again, every batch
    file under its final name verifies (`kiosk batch verify`, the first to open the database)
    and pyhpke opens exactly the references the database put in it, with the answers inserted.
    At the end, rerunning completes the work: the chain verifies, every application is in the
    files once, no partial file, no surname or RNOKPP in clear.
    """
    work = scratch("power-batch")
    disk = OnPower(work, "kiosk")
    try:
        on_disk = Kiosk(ctx.binaries, os.path.join(disk.backing, "data"))
        on_disk.init()
        center = on_disk.config()["center"]
        kiosk = Kiosk(ctx.binaries, os.path.join(disk.fs.mount, "data"))
        kiosk.opening_key = on_disk.opening_key
        seed = 300
        inserted = insert_approved(on_disk, center, 1, seed)
        serial = 1 + seed
        disk.up()
        started = time.monotonic()
        code, out, err = kiosk.run("batch", "create", "--limit", "100")
        span = time.monotonic() - started
        if code != 0:
            raise Failure(f"an uncut `kiosk batch create` on powerfs exited {code}: {err.strip()}")
        cuts = completed = rebuilt = hot = opened = printed_hidden = 0
        checked = {}
        windows = {}
        before = len(_batch_state(kiosk))
        approved = int(sqlite(kiosk.database, "SELECT COUNT(*) FROM application WHERE state = 'approved';"))
        for run in range(runs):
            when = f"after cut {run + 1} (seed {ctx.seed})"
            if approved < 100:
                # The kiosk opens the database the cut left first (recovering its WAL), then the
                # disk is unmounted cleanly and sqlite3 adds rows on the backing folder.
                code, out, err = kiosk.run("status")
                if code != 0:
                    raise Failure(f"before run {run + 1}: `kiosk status` exited {code}: {(err or out).strip()[-300:]}")
                disk.fs.unmount()
                inserted.update(insert_approved(on_disk, center, serial, 200))
                serial += 200
                disk.up()
            limit = ctx.random.choice([1, 7, 100])
            process = kiosk.start("batch", "create", "--limit", str(limit))
            process.close_input()
            if run % 3 == 2:
                # The moment the kiosk says a batch is created: it must be on the disk.
                process.expect(rb"created \S+: sequence \d+,", timeout=60)
                _count(windows, "the moment a batch was printed as created")
            else:
                time.sleep(ctx.random.uniform(0, span))
            disk.cut([process.popen.pid])
            completed += process.wait(30) == 0
            cuts += 1
            copy = CrashCopy(on_disk.database, work)
            check = copy.integrity()
            if check != "ok":
                raise Failure(f"{when}: integrity_check says {check!r}")
            sequences = _batch_state(on_disk, copy.path)
            if run % 3 != 2:
                    _count(windows, "before any batch of the run was sealed" if len(sequences) == before else
                       "after the run had finished" if process.popen.returncode == 0 else
                       "after a batch of the run was sealed, before the run's end")
            before = len(sequences)
            # What the kiosk printed as created before the cut is on the disk after it.
            for sequence in (int(n) for n in re.findall(rb"created \S+: sequence (\d+),", bytes(process.out))):
                name = f"{center}-{sequence:08d}.tar"
                if sequence not in sequences:
                    raise Failure(f"{when}: the kiosk printed that it created batch {sequence}, but after the cut "
                                  f"the database holds batches {sequences[-5:]}")
                if not os.path.exists(os.path.join(on_disk.data, "outbox", name)):
                    printed_hidden += 1
            if sequences and not os.path.exists(
                    os.path.join(on_disk.data, "outbox", f"{center}-{sequences[-1]:08d}.tar")):
                rebuilt += 1
            disk.up()
            hot += copy.still_hot(when)
            opened += _compare_batch_files(kiosk, copy, center, sequences, inserted, checked, when)
            approved = int(copy.sql("SELECT COUNT(*) FROM application WHERE state = 'approved';"))
            copy.remove()
        for _ in range(200):
            code, out, err = kiosk.run("batch", "create", "--limit", "1000")
            if code != 0:
                raise Failure(f"`kiosk batch create` after the cuts exited {code}: {err.strip()}")
            if "nothing" in out.lower() or "nothing" in err.lower():
                break
        else:
            raise Failure("200 reruns of `kiosk batch create` never said there was nothing left to seal")
        sequences = _batch_state(kiosk)
        records = _verify_chain(kiosk, sequences, center)
        references = [r["reference"] for r in records]
        stored = sqlite(kiosk.database, "SELECT reference FROM application;").split()
        if sorted(references) != sorted(stored) or set(stored) != set(inserted):
            raise Failure(f"{len(inserted)} applications inserted, {len(stored)} in the database, the batch files "
                          f"hold {len(references)} records ({len(set(references))} distinct); missing from the "
                          f"files: {sorted(set(inserted) - set(references))[:5]}, not inserted: "
                          f"{sorted(set(references) - set(inserted))[:5]}")
        wrong = [r["reference"] for r in records if r.get("answers") != inserted[r["reference"]]]
        if wrong:
            raise Failure(f"{len(wrong)} sealed records do not hold the answers inserted for them: {wrong[:5]}")
        partial = [n for n in os.listdir(os.path.join(kiosk.data, "outbox"))
                   if n != ".lock" and (n.startswith(".") or not n.endswith(".tar"))]
        if partial:
            raise Failure(f"files left in the outbox after the rerun: {partial[:5]}")
        clear = clear_text_in(kiosk.data, [b"Surname-", b"surname-", b"3652504575"])
        if clear:
            raise Failure(f"personal data in clear after sealing everything: {clear[:5]}")
        disk.fs.unmount()
        return (f"{cuts} power cuts (powerfs) under `kiosk batch create --limit 1|7|100` (uniform in "
                f"0..{span:.2f} s; {completed} finished first) over {len(stored)} approved applications; where the cuts "
                f"fell: {_described(windows)}",
                f"after every cut, on a copy of what the disk held: integrity ok, each application approved or in "
                f"exactly one batch, sealed applications hold no answers, and, mounted again, every batch file "
                f"under its final name verifies and holds exactly the references the database put in it, with "
                f"the answers inserted ({opened} files opened); {hot} cuts left a hot -wal that the kiosk itself "
                f"reopened; every batch printed as created before a cut was sealed after it; {rebuilt} cuts left the "
                f"last sealed batch under its hidden name ({printed_hidden} of them printed as created: the "
                f"rename was not synced yet), and the next run renamed it; what the cuts undid: "
                f"{_described(disk.cuts)}; the rerun sealed the rest: {len(sequences)} batches verify as a chain "
                f"and pyhpke opens all {len(stored)} applications once, each with its answers; no partial file, no "
                f"surname or RNOKPP in clear")
    finally:
        disk.fs.close()
        remove(work)


def upload(ctx, runs):
    """Power cuts under `kiosk upload` to a real `kiosk-hq serve`: the kiosk's disk, headquarters' or both.

    Both data folders are on their own powerfs. Each run starts `kiosk upload` and, at a random
    moment, cuts the power of the kiosk's disk (the upload is SIGKILLed), of headquarters'
    (kiosk-hq serve is SIGKILLed; the upload is killed too) or of both at once. After every cut,
    on copies of both databases as the disks hold them: both pass integrity_check, headquarters
    holds each reference at most once and only references the kiosk sealed, everything the kiosk
    marked delivered is at headquarters, every receipt the kiosk kept is byte for byte the one
    headquarters holds, every batch headquarters logged as accepted before a cut of its disk is
    still there after it, and a receipt headquarters held after an earlier cut is never lost or
    changed. Then the disks are mounted again, each program the first to open its database. At
    the end an upload to completion leaves headquarters with every application exactly once.
    """
    return _upload(ctx, runs, ("kiosk", "hq", "both"), "power-upload")


def hq(ctx, runs):
    """Power cuts of headquarters' disk during intake: a receipt given means the batch is there after the cut.

    kiosk-hq's data folder is on powerfs, the kiosk's on a plain folder. Each run starts `kiosk
    upload` and cuts headquarters' power at a random moment (kiosk-hq serve SIGKILLed). After
    every cut, on a copy of headquarters' database as its disk holds it: integrity ok, every
    batch it logged as accepted (logged after its commit, just before the 201 with the receipt)
    and every batch the kiosk stored a receipt for are there with that very receipt, each
    reference once; then kiosk-hq serve is started again, the first to open its database, and at
    the end the upload completes with every application at headquarters once.
    """
    return _upload(ctx, runs, ("hq",), "power-hq")


def _upload(ctx, runs, targets, name):
    if not ctx.binaries.has_hq():
        raise Skip(f"{ctx.binaries.hq} is not built")
    work = scratch(name)
    kdisk = OnPower(work, "kiosk") if "kiosk" in targets else None
    hdisk = OnPower(work, "hq")
    server = None
    try:
        setup, hq_setup, center = kiosk_with_hq(ctx.binaries, os.path.join(work, "setup"))
        # The kiosk's folder moves onto its disk (or stays on a plain folder); headquarters' is
        # copied onto its disk (the key files stay where the kiosk's config points).
        kiosk_home = os.path.join(kdisk.backing, "data") if kdisk else os.path.join(work, "kiosk-plain")
        os.makedirs(os.path.dirname(kiosk_home), exist_ok=True)
        shutil.move(setup.data, kiosk_home)
        shutil.copytree(hq_setup.data, os.path.join(hdisk.backing, "data"))
        on_disk = Kiosk(ctx.binaries, kiosk_home)
        on_disk.opening_key = setup.opening_key
        kiosk = Kiosk(ctx.binaries, os.path.join(kdisk.fs.mount, "data")) if kdisk else on_disk
        kiosk.opening_key = setup.opening_key
        hq_disk_db = os.path.join(hdisk.backing, "data", "hq.sqlite")
        server = HQ(ctx.binaries, os.path.join(hdisk.fs.mount, "data"))
        server.public_key = hq_setup.public_key
        inserted = insert_approved(on_disk, center, 1, 200)
        serial = 201
        if kdisk:
            kdisk.up()
        hdisk.up()
        url = server.start()
        upload_args = ["upload", "--hq", url, "--hq-key", server.public_key, "--limit", "20", "--attempts", "3",
                       "--backoff", "0.05", "--connect-timeout", "5", "--read-timeout", "20", "--max-time", "60"]
        started = time.monotonic()
        code, out, err = kiosk.run(*upload_args)
        span = time.monotonic() - started
        if code != 0:
            raise Failure(f"an uncut `kiosk upload` on powerfs exited {code}: {(err or out).strip()[-400:]}")
        cuts = in_flight = hot = 0
        # Each target in turn; where in the upload the cut falls is random.
        chosen_targets, accepted_checked = {}, 0
        originals = {}  # sequence -> receipt headquarters held on its disk after a cut of it
        approved = int(sqlite(kiosk.database, "SELECT COUNT(*) FROM application WHERE state = 'approved';"))
        for run in range(runs):
            when = f"after cut {run + 1} (seed {ctx.seed})"
            if approved < 20:
                # The kiosk opens the database the cut (or kill) left first, then sqlite3 adds rows.
                code, out, err = kiosk.run("status")
                if code != 0:
                    raise Failure(f"before run {run + 1}: `kiosk status` exited {code}: {(err or out).strip()[-300:]}")
                if kdisk:
                    kdisk.fs.unmount()
                inserted.update(insert_approved(on_disk, center, serial, 100))
                serial += 100
                if kdisk:
                    kdisk.up()
            target = targets[run % len(targets)]
            _count(chosen_targets, {"kiosk": "of the kiosk's disk", "hq": "of headquarters' disk",
                                    "both": "of both disks at once"}[target])
            # The upload seals first (its own `batch create`), then sends: cut anywhere in it.
            url_now = url
            process = kiosk.start(*upload_args[:2], url_now, *upload_args[3:])
            process.close_input()
            time.sleep(ctx.random.uniform(0, span * 1.1))
            accepted_before = {int(n) for c, n in ACCEPTED.findall(bytes(server.process.err) + bytes(
                server.process.out)) if c.decode() == center}
            cut_kiosk, cut_hq = target in ("kiosk", "both"), target in ("hq", "both")
            if cut_kiosk:
                kdisk.fs.freeze()
            if cut_hq:
                hdisk.fs.freeze()
            _kill(process.popen.pid, *([server.process.popen.pid] if cut_hq else []))
            process.wait(30)
            if cut_kiosk:
                kdisk.finish()
            if cut_hq:
                hdisk.finish()
                server.process.wait(30)
                server.process = None
            cuts += 1
            kcopy = CrashCopy(on_disk.database, work)
            # Headquarters' database as its disk holds it after a cut of it; else the running
            # server's, read by sqlite3 -readonly under SQLite's own locks (a file copy of a
            # database being written could be torn).
            hcopy = CrashCopy(hq_disk_db, work) if cut_hq else None
            hq_now = hcopy.path if cut_hq else os.path.join(server.data, "hq.sqlite")
            _upload_invariants(on_disk, kcopy.path, hq_now, when)
            kept = _receipts(kcopy.path, "SELECT sequence, hex(receipt), hex(receipt_signature) FROM batch "
                                         "WHERE delivered_at IS NOT NULL;")
            signed = _hq_receipts(hq_now, center)
            _compare_receipts(kept, signed, originals, when)
            if cut_hq:
                lost = sorted(accepted_before - set(signed))
                if lost:
                    raise Failure(f"{when}: headquarters logged batches {lost} as accepted (its receipt on the "
                                  f"way) but after the cut of its disk holds only {sorted(signed)[-5:]}")
                accepted_checked += len(accepted_before)
                _hq_files(os.path.join(hdisk.backing, "data"), hq_now, center, when)
                for sequence, receipt in signed.items():
                    originals.setdefault(sequence, receipt)
            in_flight += bool(set(signed) - set(kept))
            if cut_kiosk:
                kdisk.up()
            if cut_hq:
                hdisk.up()
            hot += kcopy.still_hot(when) if cut_kiosk else 0
            hot += hcopy.still_hot(when) if cut_hq else 0
            approved = int(sqlite(kcopy.path, "SELECT COUNT(*) FROM application WHERE state = 'approved';"))
            kcopy.remove()
            if hcopy:
                hcopy.remove()
            if cut_hq:
                url = server.start()
                upload_args[2] = url
        for _ in range(20):
            code, out, err = kiosk.run(*upload_args)
            if code == 0:
                break
        if code != 0:
            raise Failure(f"`kiosk upload` after the cuts does not finish (exit {code}): {(err or out)[-400:]}")
        hq_db = os.path.join(server.data, "hq.sqlite")
        _upload_invariants(kiosk, kiosk.database, hq_db, "after the final upload")
        kept = _receipts(kiosk.database, "SELECT sequence, hex(receipt), hex(receipt_signature) FROM batch;")
        signed = _hq_receipts(hq_db, center)
        _compare_receipts(kept, signed, originals, "after the final upload")
        if set(kept) != set(signed):
            raise Failure(f"after the final upload the kiosk keeps receipts for batches {sorted(kept)[:10]}, "
                          f"headquarters signed {sorted(signed)[:10]}")
        kiosk_refs = set(sqlite(kiosk.database, "SELECT reference FROM application;").split())
        hq_refs = sqlite(hq_db, "SELECT reference FROM record;", readonly=True).split()
        if sorted(hq_refs) != sorted(kiosk_refs) or set(inserted) != kiosk_refs:
            raise Failure(f"headquarters holds {len(hq_refs)} records for {len(kiosk_refs)} applications "
                          f"({len(inserted)} inserted; missing {sorted(kiosk_refs - set(hq_refs))[:5]})")
        undelivered = sqlite(kiosk.database, "SELECT COUNT(*) FROM application WHERE state != 'delivered';")
        if undelivered != "0":
            raise Failure(f"{undelivered} applications are not marked delivered after a complete upload")
        server.stop()
        _hq_files(server.data, hq_db, center, "after the final upload")
        batches = len(signed)
        hdisk.fs.unmount()
        if kdisk:
            kdisk.fs.unmount()
        undid = "; ".join(f"{who}: {_described(d.cuts)}" for who, d in (("the kiosk's disk", kdisk),
                                                                        ("headquarters' disk", hdisk)) if d)
        return (f"{cuts} power cuts (powerfs; {_described(chosen_targets)}) under `kiosk upload --limit 20` "
                f"(uniform in 0..{span * 1.1:.2f} s) against a real kiosk-hq on loopback"
                + ("" if kdisk else ", the kiosk's folder on a plain disk"),
                f"headquarters ends with all {len(kiosk_refs)} applications exactly once in {batches} batches, "
                f"every receipt the kiosk keeps byte for byte headquarters'; after every cut, on copies of what "
                f"the disks held: both databases pass integrity_check, nothing delivered is missing at "
                f"headquarters, nothing there twice, every batch logged as accepted before a cut of headquarters' "
                f"disk still there with its file ({accepted_checked} such checks), no receipt held after a cut ever lost "
                f"or changed ({in_flight} cuts left headquarters holding a batch whose receipt the kiosk had not "
                f"kept; the resend got the original receipt); {hot} cuts left a hot -wal that its program "
                f"reopened first; what the cuts undid: {undid}")
    finally:
        if server and server.process:
            server.stop(check=False)
        hdisk.fs.close()
        if kdisk:
            kdisk.fs.close()
        remove(work)


def _hq_files(folder, database, center, when):
    """Every batch headquarters' database holds has its file under batches/CENTER/."""
    stored = os.path.join(folder, "batches", center)
    files = set(os.listdir(stored)) if os.path.isdir(stored) else set()
    count = int(sqlite(database, f"SELECT COUNT(*) FROM batch WHERE center = '{center}';", readonly=True))
    complete = [n for n in files if not n.startswith(".")]
    if len(complete) < count:
        raise Failure(f"{when}: headquarters' database holds {count} batches of {center}, but batches/{center}/ "
                      f"holds {len(complete)} files: {sorted(files)[:5]}")
