"""Shared helpers for the reliability suite: the built executables, data folders, processes
driven through pipes, and the stock tools (sqlite3, tar, openssl) that check what was written.

Everything here runs the real programs, as an operator or a serial line would: no imports of
the product's code, no mocks.
"""

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIOSK_DIR = os.path.join(ROOT, "Kiosk")
sys.path.insert(0, os.path.join(ROOT, "bench"))
from reference import reference  # noqa: E402  (reference numbers with their check character)

REFERENCE = re.compile(rb"[A-Z0-9]{2,12}-\d{4}-\d{6}-[0-9A-Z]")
# The independent opener of sealed batches (pyhpke), and the Python that has it: the
# repository's .venv that .ci/run creates, else python3.
OPENER = os.path.join(ROOT, "Tests", "Conformance", "open_sealed_batch.py")
VENV_PYTHON = os.path.join(ROOT, ".venv", "bin", "python")

# One complete ua-contract application typed in English, from the language menu to the Enter
# that leaves the reference screen (the same answers the benchmarks and the README use).
APPLICATION = ["2", "Shevchenko", "Taras", "", "2000-01-01", "male", "3652504575", "ID card", "123456789",
               "+380 67 123 45 67", "", "1", "2", "no", "1", "7", "", "1", "yes", "confirm", ""]


class Failure(Exception):
    """A check that did not hold: the product lost, duplicated or damaged something."""


class Skip(Exception):
    """The scenario cannot run on this machine (e.g. mounting is not permitted)."""


def environment(home):
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8", "TERM": "dumb", "HOME": home}
    for name in ("KIOSK_LOG_LEVEL", "LD_LIBRARY_PATH"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


class Binaries:
    """Where the built `kiosk` and `kiosk-hq` are."""

    def __init__(self, directory):
        self.directory = os.path.abspath(directory)
        self.kiosk = os.path.join(self.directory, "kiosk")
        self.hq = os.path.join(self.directory, "kiosk-hq")
        self.bench = os.path.join(self.directory, "kiosk-bench")

    @staticmethod
    def locate(explicit, prefer_release):
        if explicit:
            return Binaries(explicit)
        order = ["release", "debug"] if prefer_release else ["debug", "release"]
        for kind in order:
            candidate = os.path.join(ROOT, ".build", kind)
            if os.access(os.path.join(candidate, "kiosk"), os.X_OK):
                return Binaries(candidate)
        sys.exit("no built kiosk in .build/debug or .build/release: run `swift build` (or pass --bin DIR)")

    def has_hq(self):
        return os.access(self.hq, os.X_OK)


class Process:
    """A program on pipes; standard output and error are collected by threads as they come."""

    def __init__(self, args, env, cwd=None):
        self.args = args
        self.popen = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      env=env, cwd=cwd, start_new_session=True)
        self.out = bytearray()
        self.err = bytearray()
        self.changed = threading.Condition()
        self.readers = [threading.Thread(target=self._pump, args=(self.popen.stdout, self.out), daemon=True),
                        threading.Thread(target=self._pump, args=(self.popen.stderr, self.err), daemon=True)]
        for reader in self.readers:
            reader.start()
        self.mark = 0

    def _pump(self, stream, buffer):
        while True:
            try:
                chunk = os.read(stream.fileno(), 65536)
            except OSError:
                chunk = b""
            with self.changed:
                if chunk:
                    buffer.extend(chunk)
                self.changed.notify_all()
            if not chunk:
                return

    def send(self, text):
        try:
            self.popen.stdin.write(text.encode() if isinstance(text, str) else text)
            self.popen.stdin.flush()
        except (BrokenPipeError, ValueError):
            pass

    def close_input(self):
        try:
            self.popen.stdin.close()
        except (BrokenPipeError, ValueError):
            pass

    def expect(self, pattern, timeout=30):
        """Waits until `pattern` (a regex on bytes) appears in stdout after the last match."""
        if isinstance(pattern, re.Pattern):
            regex = pattern
        else:
            regex = re.compile(pattern if isinstance(pattern, bytes) else pattern.encode())
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = regex.search(self.out, self.mark)
                if found:
                    self.mark = found.end()
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or (self.popen.poll() is not None and not any(r.is_alive() for r in self.readers)):
                    tail = self.out[-600:].decode(errors="replace")
                    raise Failure(f"waited for {regex.pattern!r} from {os.path.basename(self.args[0])}; "
                                  f"last output: ...{tail!r} stderr: {self.err[-400:].decode(errors='replace')!r}")
                self.changed.wait(min(left, 0.2))

    def kill(self):
        try:
            os.kill(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def wait(self, timeout=60):
        try:
            code = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.popen.wait(10)
        for reader in self.readers:
            reader.join(5)
        return code

    def output(self):
        return self.out.decode(errors="replace")

    def references(self):
        return [m.decode() for m in REFERENCE.findall(bytes(self.out))]


class Kiosk:
    """One kiosk data folder and the built `kiosk` run on it."""

    def __init__(self, binaries, data_dir):
        self.binaries = binaries
        self.data = data_dir
        self.env = environment(data_dir)

    @property
    def database(self):
        return os.path.join(self.data, "kiosk.sqlite")

    def args(self, *subcommand):
        return [self.binaries.kiosk, *subcommand, "--data-dir", self.data, "--kiosk-dir", KIOSK_DIR]

    def run(self, *subcommand, input=b"", timeout=120):
        done = subprocess.run(self.args(*subcommand), input=input, capture_output=True, env=self.env,
                              timeout=timeout)
        return done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")

    def start(self, *subcommand):
        return Process(self.args(*subcommand), self.env)

    def init(self):
        """Creates the data folder, and seals to a headquarters key pair made with openssl
        beside it (never inside it): `self.opening_key` opens what the kiosk seals."""
        code, out, err = self.run("status")
        if code != 0:
            raise Failure(f"kiosk status on a new data folder exited {code}: {err.strip()}")
        keys = self.data.rstrip("/") + "-hq-sealing"
        public, opening = sealing_key_pair(keys)
        self.use_sealing_key(public, opening)

    def use_sealing_key(self, public, opening):
        """Seals to `public` (hq_sealing_key); `opening` is headquarters' matching opening key."""
        self.set_config(hq_sealing_key=os.path.abspath(public))
        self.opening_key = os.path.abspath(opening)

    def config(self):
        with open(os.path.join(self.data, "config.json")) as f:
            return json.load(f)

    def set_config(self, **changes):
        path = os.path.join(self.data, "config.json")
        config = self.config()
        config.update(changes)
        with open(path, "w") as f:
            json.dump(config, f, indent=2)


def sqlite(database, sql, readonly=False):
    """The stock sqlite3 CLI; returns its output stripped."""
    args = ["sqlite3", "-batch", "-noheader"] + (["-readonly"] if readonly else []) + [database]
    done = subprocess.run(args, input=sql.encode(), capture_output=True, timeout=300)
    if done.returncode != 0:
        raise Failure(f"sqlite3 {database}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode().strip()


def integrity(database):
    return sqlite(database, "PRAGMA integrity_check;")


class CrashCopy:
    """The database a kill left, copied with its `-wal` and `-shm` to a scratch folder, so every
    check reads the copy and the product is the first to open the hot database itself.

    A read-write `sqlite3` on the original would recover the WAL, checkpoint it and delete
    `-wal`/`-shm` on close, and the kiosk's own crash recovery would never run. Call
    `still_hot()` just before the product reopens the original: it fails when anything changed or
    removed the `-wal` the kill left since the copy was made.
    """

    def __init__(self, database, work):
        os.makedirs(work, exist_ok=True)
        self.source = database
        self.folder = tempfile.mkdtemp(prefix="crash-copy-", dir=work)
        self.path = os.path.join(self.folder, os.path.basename(database))
        self.wal = file_digest(database + "-wal")
        self.wal_size = os.path.getsize(database + "-wal") if self.wal else 0
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(database + suffix):
                shutil.copyfile(database + suffix, self.path + suffix)

    @property
    def hot(self):
        """The kill left a non-empty `-wal` (frames the next opener must recover)."""
        return self.wal_size > 0

    def sql(self, statement):
        return sqlite(self.path, statement)

    def integrity(self):
        return integrity(self.path)

    def still_hot(self, when):
        """Fails unless the `-wal` the kill left is there, unchanged, as the product reopens it."""
        if self.wal is None:
            return False
        now = file_digest(self.source + "-wal")
        if now is None:
            raise Failure(f"{when}: the -wal the kill left was gone before the kiosk reopened the database "
                          f"(something else recovered it first)")
        if now != self.wal:
            raise Failure(f"{when}: the -wal the kill left was changed before the kiosk reopened the database")
        return self.hot

    def remove(self):
        shutil.rmtree(self.folder, ignore_errors=True)


SEED_STAFF = "seeder"
_answers_template = {}


def _answers(kiosk):
    """The answers of one complete application typed at a scratch kiosk (so they pass the form's
    validators when staff approve them), as stored; computed once per run."""
    if "answers" not in _answers_template:
        scratch_kiosk = Kiosk(kiosk.binaries, tempfile.mkdtemp(prefix="kiosk-rel-answers-"))
        try:
            code, out, err = scratch_kiosk.run("attend", "--once", input="".join(a + "\n" for a in APPLICATION).encode())
            stored = sqlite(scratch_kiosk.database, "SELECT answers FROM application LIMIT 1;") if code == 0 else ""
            if not stored:
                raise Failure(f"kiosk attend for the seeding answers exited {code}: {err.strip()[-300:]}")
            _answers_template["answers"] = json.loads(stored)
        finally:
            shutil.rmtree(scratch_kiosk.data, ignore_errors=True)
    return dict(_answers_template["answers"])


def seed(bench, data_dir, center, year, staff, answers, first_serial):
    """`kiosk-bench seed`: each answers dict submitted and approved through the product's stores
    (with the history event and the chained audit entry an approval in the console writes).
    Fails unless the references it printed are those of serials first_serial, first_serial + 1, ..."""
    if not os.access(bench, os.X_OK):
        raise Failure(f"{bench} is not built: run `swift build --product kiosk-bench` (seeding uses it)")
    lines = "".join(json.dumps(a, sort_keys=True, ensure_ascii=False) + "\n" for a in answers).encode()
    done = subprocess.run([bench, "seed", data_dir, center, str(year), staff], input=lines, capture_output=True,
                          env=environment(data_dir), timeout=1800)
    printed = done.stdout.decode(errors="replace").split()
    expected = [reference(center, year, serial) for serial in range(first_serial, first_serial + len(answers))]
    if done.returncode != 0 or printed != expected:
        raise Failure(f"kiosk-bench seed exited {done.returncode} with {len(printed)} of {len(expected)} expected "
                      f"references (first {printed[:1]}, expected {expected[:1]}): "
                      f"{done.stderr.decode(errors='replace').strip()[-500:]}")


def insert_approved(kiosk, center, first_serial, count, year=2026):
    """Stores `count` approved applications of `center` from serial `first_serial` on, through the
    product (`kiosk-bench seed`: submitted and approved by a staff account through the stores, so
    each approval is in the history and the audit chain, which batch sealing checks).
    Returns what was stored, {reference: answers}, to compare the sealed records with."""
    inserted = {}
    for serial in range(first_serial, first_serial + count):
        answers = _answers(kiosk)
        # Unique and still a valid surname: the serial's digits as the letters a-j.
        answers["surname"] = "Surname-" + "".join(chr(ord("a") + int(d)) for d in str(serial))
        inserted[reference(center, year, serial)] = answers
    seed(kiosk.binaries.bench, kiosk.data, center, year, SEED_STAFF, list(inserted.values()), first_serial)
    return inserted


def insert_approved_in_bulk(database, center, first_serial, count, year=2026, padding=0, answers=None, bench=None):
    """For benchmarks: `count` approved applications in the kiosk database `database`, through
    `kiosk-bench seed` as `insert_approved` (5,000 to a transaction, so 100,000 take seconds).
    `bench` is the kiosk-bench program; by default $KIOSK_BENCH, else the one in .build."""
    bench = bench or os.environ.get("KIOSK_BENCH") or Binaries.locate(None, prefer_release=True).bench
    pad = "x" * padding
    bodies = []
    for serial in range(first_serial, first_serial + count):
        body = answers or {"surname": f"Surname{serial}", "given_name": "Taras", "rnokpp": "3652504575",
                           "phone": "+380671234567", "region": "kyiv-city", "consent": "yes"}
        bodies.append({**body, **({"note": pad} if pad else {})})
    seed(bench, os.path.dirname(os.path.abspath(database)), center, year, "bench-seed", bodies, first_serial)


def file_digest(path):
    if not os.path.exists(path):
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sealing_key_pair(directory):
    """A headquarters sealing key pair made with the openssl CLI: (public PEM, opening key PEM)."""
    os.makedirs(directory, exist_ok=True)
    opening = os.path.join(directory, "opening.key.pem")
    public = os.path.join(directory, "sealing.pub.pem")
    if not os.path.exists(opening):
        for args in (["genpkey", "-algorithm", "X25519", "-out", opening],
                     ["pkey", "-in", opening, "-pubout", "-out", public]):
            done = subprocess.run(["openssl", *args], capture_output=True, timeout=60)
            if done.returncode != 0:
                raise Failure(f"openssl {args[0]}: {done.stderr.decode(errors='replace').strip()}")
    return public, opening


def open_records(path, opening_key):
    """The record lines of a sealed batch, opened by pyhpke (Tests/Conformance/open_sealed_batch.py)."""
    python = VENV_PYTHON if os.path.exists(VENV_PYTHON) else "python3"
    done = subprocess.run([python, OPENER, path, opening_key], capture_output=True, timeout=300)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise Failure(f"the sealed records of {os.path.basename(path)} do not open: "
                      f"{message[-1] if message else 'exit ' + str(done.returncode)} "
                      f"(pyhpke: python3 -m pip install -r Tests/Conformance/requirements.txt)")
    return [line for line in done.stdout.splitlines() if line.strip()]


def tar_references(path, opening_key):
    """The reference of each record of a batch, opened with headquarters' opening key."""
    return [json.loads(line)["reference"] for line in open_records(path, opening_key)]


def clear_text_in(folder, needles, skip=()):
    """The files under `folder` (database, WAL, outbox, sent ...) that hold any of `needles` in
    clear, as `grep -a` would find them; `skip` names subfolders not to look in."""
    found = []
    for directory, subfolders, files in os.walk(folder):
        subfolders[:] = [d for d in subfolders if os.path.join(directory, d) not in skip]
        for name in files:
            path = os.path.join(directory, name)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError as error:
                # A file that cannot be read is not a file known to be clean.
                raise Failure(f"cannot read {path} to look for personal data in clear: {error}")
            if any(needle in data for needle in needles):
                found.append(os.path.relpath(path, folder))
    return sorted(found)


class HQ:
    """A real `kiosk-hq serve` on a loopback port chosen by the system."""

    LISTENING = re.compile(rb"listening on (https?://[^\s]+)")

    def __init__(self, binaries, data_dir, extra=()):
        self.binaries = binaries
        self.data = data_dir
        self.env = environment(data_dir)
        self.extra = list(extra)
        self.process = None
        self.url = None

    def run(self, *args, timeout=60):
        done = subprocess.run([self.binaries.hq, *args, "--data-dir", self.data], capture_output=True,
                              env=self.env, timeout=timeout)
        return done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")

    def setup(self, centers):
        """Creates the receipt key and registers each (code, public key PEM path)."""
        os.makedirs(self.data, exist_ok=True)
        code, out, err = self.run("keys", "init")
        if code != 0:
            raise Failure(f"kiosk-hq keys init exited {code}: {err.strip()}")
        # keys show prints the receipt and the sealing key; the receipt key's own file is the PEM.
        self.public_key = os.path.join(self.data, "hq-receipt.pub.pem")
        shutil.copyfile(os.path.join(self.data, "keys", "receipt.pub.pem"), self.public_key)
        for center, pem in centers:
            code, out, err = self.run("centers", "add", center, "--key", pem)
            if code != 0:
                raise Failure(f"kiosk-hq centers add {center} exited {code}: {err.strip()}")

    def start(self, wrapper=()):
        """Starts the server; `wrapper` (e.g. strace and its options) runs it as its child."""
        args = [self.binaries.hq, "serve", "--data-dir", self.data, "--listen", "127.0.0.1:0", *self.extra]
        self.process = Process([*wrapper, *args], self.env)
        self.wrapped = bool(wrapper)
        found = self.process.expect(self.LISTENING, timeout=60)
        self.url = found.group(1).decode()
        return self.url

    def stop(self, check=True):
        """SIGTERM, on which `kiosk-hq serve` stops cleanly: an exit other than 0 is a Failure
        (`check=False` in `finally`, where another failure may already be on its way)."""
        if self.process:
            # Stop the server itself; a wrapper (strace) ends with it and finishes its output.
            pid = self.server_pid()
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            process, self.process = self.process, None
            code = process.wait(15)  # kills it after 15 s
            if check and code != 0:
                raise Failure(f"kiosk-hq serve exited {code} on SIGTERM (it stops cleanly with 0): "
                              f"{process.err[-400:].decode(errors='replace')!r}")

    def server_pid(self):
        """The pid of `kiosk-hq serve` itself (the wrapper's child when it runs under strace)."""
        pid = self.process.popen.pid
        if getattr(self, "wrapped", False):
            try:
                with open(f"/proc/{pid}/task/{pid}/children") as f:
                    pid = int(f.read().split()[0])
            except (OSError, IndexError, ValueError):
                pass
        return pid

    def kill(self):
        """SIGKILL of the server (and of its wrapper): what a crashed headquarters leaves."""
        if self.process:
            for pid in (self.server_pid(), self.process.popen.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            process, self.process = self.process, None
            process.wait(15)

    def database(self):
        for name in ("hq.sqlite", "kiosk-hq.sqlite", "intake.sqlite"):
            path = os.path.join(self.data, name)
            if os.path.exists(path):
                return path
        candidates = [n for n in os.listdir(self.data) if n.endswith(".sqlite")]
        if not candidates:
            raise Failure(f"no SQLite database in {self.data}")
        return os.path.join(self.data, candidates[0])


def center_public_key(kiosk, path):
    code, out, err = kiosk.run("keys", "show")
    if code != 0:
        raise Failure(f"kiosk keys show exited {code}: {err.strip()}")
    with open(path, "w") as f:
        f.write("".join(line + "\n" for line in out.splitlines() if not line.startswith("fingerprint")))
    return path


def kiosk_with_hq(binaries, work):
    """A new kiosk data folder and a headquarters that knows its center (not started yet)."""
    kiosk = Kiosk(binaries, os.path.join(work, "kiosk"))
    kiosk.init()
    center = kiosk.config()["center"]
    pem = center_public_key(kiosk, os.path.join(work, "center.pub.pem"))
    hq = HQ(binaries, os.path.join(work, "hq"))
    hq.setup([(center, pem)])
    kiosk.use_sealing_key(os.path.join(hq.data, "keys", "sealing.pub.pem"),
                          os.path.join(hq.data, "keys", "opening.key.pem"))
    return kiosk, hq, center


def scratch(prefix):
    return tempfile.mkdtemp(prefix=f"kiosk-rel-{prefix}-")


def remove(path):
    shutil.rmtree(path, ignore_errors=True)
