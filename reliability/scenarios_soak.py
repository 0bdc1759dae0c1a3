"""A day of service, compressed: everything at once for `--soak MINUTES` (full 30, `--short` 2).

Long-running: one `kiosk attend` fed walk-ins through its stdin pipe at a steady rate, one
`kiosk review` console on a pseudo-terminal where a staff member (made with `kiosk staff add`)
approves new applications as they arrive, and `kiosk-hq serve`, restarted at random (SIGTERM or
SIGKILL) behind a small TCP proxy of this file that is switched at random to refuse connections
or to black-hole them. `kiosk upload` runs every minute (every 15 s in a short run) through the
proxy, and headquarters publishes a new unit catalog now and then, which the upload's fetch (and
now and then `kiosk catalog fetch`) brings to the kiosk.

At the end, with traffic stopped, everything left approved and headquarters reachable, uploads
run until nothing is pending. Then: every reference printed to an applicant is at headquarters
exactly once (hq.sqlite and `kiosk-hq export --opening-key`), none is there twice or was never
printed, each with the answers typed for it; the kiosk holds the newest catalog; the attend
output shows no error or out-of-service text; every upload exited 0 or 75; and VmRSS and the
open file descriptors of each long-running process are flat between the first and the last
window of the run.
"""

import collections
import errno
import fcntl
import json
import os
import re
import select
import signal
import socket
import statistics
import struct
import subprocess
import termios
import threading
import time

from kiosklib import (APPLICATION, KIOSK_DIR, REFERENCE, Failure, Skip, _answers, kiosk_with_hq, remove, scratch,
                      sqlite)

SURNAME = APPLICATION.index("Shevchenko")
STAFF, PASSWORD = "soak.desk", "soak-desk-password-1"

# Flatness, first window against last (medians of RSS, minimum of fds in each window, so an upload's
# buffers or connections in flight are not counted as growth). RSS fails only when it grows by more
# than 20 % AND more than 8 MiB: a debug build's allocator arenas and SQLite's page cache (up to about
# 2 MiB a connection) settle over the first minutes, and the 8 MiB floor keeps that noise out of a
# small process (attend is ~15 MiB), while 20 % keeps a real leak of a large one visible. A leak of
# one applicant's answers (~2 KiB) per application would stay under it over 30 minutes, one of the
# form (~100 KiB) or of an upload's batch would not. Descriptors fail when they grow by more than 3:
# a reopened WAL/-shm pair and one extra connection are allowed; one fd leaked per upload (30 in a
# full run, 8 in a short one) or per applicant is not.
RSS_GROWTH, RSS_FLOOR_KIB, FD_GROWTH = 0.20, 8 * 1024, 3
# SQLite connections are counted apart from the other descriptors: kiosk and kiosk-hq open their
# databases as GRDB DatabasePools, which open reader connections (the file and its -wal, two fds
# each) lazily, one more whenever reads overlap, up to GRDB's default maximumReaderCount of 5 plus
# the writer. So a database file may be open up to 6 times without a leak (attend gained its first
# reader about 10 minutes into a 20-minute run); more than that is a leak of connections.
DB_OPENS = 1 + 5

# What an applicant must never see (Kiosk/strings/en.json): the store failure and the out-of-service
# screen, and every error.* / input.* text, since the scripted answers are all valid, plus what a
# crash or a leaked database error would print.
STRINGS_FILE = os.path.join(KIOSK_DIR, "strings", "en.json")
RAW_ERRORS = ["database is locked", "SQLITE_", "Fatal error", "Segmentation fault", "error:", "Error:"]


def _letters(number):
    return "".join(chr(ord("a") + int(d)) for d in str(number))


def _forbidden_texts():
    """{key: text} of Kiosk/strings/en.json that an applicant of this scripted run must never see:
    service.out_of_service and every error.* and input.* text (the part before any placeholder),
    except those that are also an ordinary prompt (error.yes_no.invalid is prompt.yes_no's
    "Answer yes or no.") or part of the form's own labels and help."""
    with open(STRINGS_FILE) as f:
        strings = json.load(f)
    with open(os.path.join(KIOSK_DIR, "forms", "ua-contract.json")) as f:
        form = json.load(f)
    texts, ordinary = {}, []

    def walk(prefix, value, into_texts):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else key, item, into_texts)
        elif isinstance(value, list):
            for item in value:
                walk(prefix, item, into_texts)
        elif isinstance(value, str):
            if into_texts and (prefix.startswith(("error.", "input.")) or prefix == "service.out_of_service"):
                head = value.split("{", 1)[0].strip()
                if len(head) >= 12:
                    texts[prefix] = head
            else:
                ordinary.append(value)
    walk("", strings, True)
    walk("", form, False)
    texts = {key: text for key, text in texts.items() if not any(text in other for other in ordinary)}
    if "error.store_failed" not in texts or "service.out_of_service" not in texts:
        raise Failure(f"{STRINGS_FILE} no longer has error.store_failed and service.out_of_service")
    return texts


class Proxy:
    """A TCP proxy on loopback between the kiosk and headquarters: `pass` forwards to `upstream`,
    `refuse` closes the listening socket (connect gets ECONNREFUSED), `blackhole` accepts and then
    neither answers nor forwards (the kiosk's timeouts must cut it)."""

    def __init__(self):
        self.mode = "pass"
        self.upstream = None
        self.lock = threading.Lock()
        self.listener = None
        self.held = []
        self.port = None
        self._listen()
        self.stopping = False
        self.connections = {"pass": 0, "blackhole": 0}
        self.thread = threading.Thread(target=self._accept_loop, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def _listen(self):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for _ in range(100):
            try:
                sock.bind(("127.0.0.1", self.port or 0))
                break
            except OSError as error:
                if error.errno != errno.EADDRINUSE:
                    raise
                time.sleep(0.05)
        else:
            raise Failure(f"the proxy cannot listen on 127.0.0.1:{self.port} again")
        sock.listen(64)
        self.port = sock.getsockname()[1]
        self.listener = sock

    def set_mode(self, mode):
        with self.lock:
            if mode == self.mode:
                return
            if mode == "refuse":
                self.listener.close()
                self.listener = None
            elif self.mode == "refuse":
                self._listen()
            if mode == "pass":
                for sock in self.held:
                    sock.close()
                self.held = []
            self.mode = mode

    def _accept_loop(self):
        while not self.stopping:
            with self.lock:
                listener = self.listener
            if listener is None:
                time.sleep(0.05)
                continue
            try:
                ready, _, _ = select.select([listener], [], [], 0.1)
                if not ready:
                    continue
                client, _ = listener.accept()
            except (OSError, ValueError):
                continue  # closed by set_mode("refuse") meanwhile
            with self.lock:
                mode, upstream = self.mode, self.upstream
            if mode == "blackhole" or upstream is None:
                self.connections["blackhole"] += 1
                with self.lock:
                    self.held.append(client)
                threading.Thread(target=self._swallow, args=(client,), daemon=True).start()
                continue
            self.connections["pass"] += 1
            try:
                server = socket.create_connection(upstream, timeout=5)
            except OSError:
                client.close()  # headquarters is down: the kiosk sees the connection cut
                continue
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _swallow(sock):
        try:
            while sock.recv(65536):
                pass
        except OSError:
            pass

    @staticmethod
    def _pump(source, target):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def close(self):
        self.stopping = True
        with self.lock:
            if self.listener:
                self.listener.close()
            for sock in self.held:
                sock.close()


class Console:
    """A program on a pseudo-terminal (os.openpty, as the Swift tests' PseudoTerminalPair): the
    slave is its standard input, output and error, and a thread collects what it writes to the
    master. `expect` waits for a regex after the last match, like kiosklib.Process."""

    def __init__(self, args, env, rows=50, columns=160, transcript=None):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.popen = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                      start_new_session=True, close_fds=True)
        os.close(slave)
        self.master = master
        self.pid = self.popen.pid
        self.out = bytearray()
        self.mark = 0
        self.before = b""
        self.transcript = transcript
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._pump, daemon=True)
        self.reader.start()

    def _pump(self):
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO once the program has closed the terminal
                chunk = b""
            with self.changed:
                if chunk:
                    self.out.extend(chunk)
                    if self.transcript:
                        self.transcript.write(chunk)
                self.changed.notify_all()
            if not chunk:
                return

    def sendline(self, text):
        os.write(self.master, text.encode() + b"\r")

    def expect(self, patterns, timeout=60):
        """Index of the first of `patterns` (bytes regexes) found after the last match; `before`
        is what came between. Raises Failure at the timeout or when the program has gone."""
        if not isinstance(patterns, list):
            patterns = [patterns]
        regexes = [re.compile(p if isinstance(p, bytes) else p.encode()) for p in patterns]
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = [(m.start(), i, m) for i, r in enumerate(regexes) if (m := r.search(self.out, self.mark))]
                if found:
                    _, index, match = min(found, key=lambda f: (f[0], f[1]))
                    self.before = bytes(self.out[self.mark:match.start()])
                    self.mark = match.end()
                    return index
                left = deadline - time.monotonic()
                if left <= 0 or not self.reader.is_alive():
                    raise Failure(f"waited {timeout} s for {[r.pattern for r in regexes]} from kiosk review "
                                  f"(exit {self.popen.poll()}); last output: ...{bytes(self.out[-400:])!r}")
                self.changed.wait(min(left, 0.2))

    def wait(self, timeout=30):
        try:
            code = self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.popen.wait(10)
        self.reader.join(5)
        os.close(self.master)
        self.master = None
        return code

    def kill(self):
        try:
            os.kill(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _sample(pid):
    """(VmRSS in KiB, open fds, what they are) of a live process, or None. What they are: each fd's
    target with pipe, socket and anon_inode numbers dropped, so two samples can be compared."""
    try:
        with open(f"/proc/{pid}/status") as f:
            rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        targets = []
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                targets.append(re.sub(r":\[\d+\]$", "", os.readlink(f"/proc/{pid}/fd/{fd}")))
            except OSError:
                pass  # closed meanwhile
        return rss, len(targets), tuple(sorted(targets))
    except (OSError, StopIteration, ValueError):
        return None


def flatness(name, samples, window):
    """Compares the first and the last `window` seconds of `samples` [(t, rss KiB, fds, targets)], t from
    the process's start. Returns (figures text, problem text or None)."""
    if not samples:
        return f"{name}: no samples", f"{name}: never sampled"
    start, end = samples[0][0], samples[-1][0]
    first = [s for s in samples if s[0] <= start + window]
    last = [s for s in samples if s[0] >= end - window]
    if end - start < 2 * window or len(first) < 3 or len(last) < 3:
        return (f"{name}: only {end - start:.0f} s sampled ({len(samples)} samples)",
                f"{name} was sampled for {end - start:.0f} s, less than two {window:.0f} s windows")
    rss_first = statistics.median(s[1] for s in first)
    rss_last = statistics.median(s[1] for s in last)
    def other(sample):  # the descriptors that are not a database file, its -wal or -shm
        return sum(1 for t in sample[3] if not re.search(r"\.sqlite(-wal|-shm)?$", t))

    def opens(sample):  # the most times one database file is open (one per connection)
        counts = collections.Counter(t for t in sample[3] if t.endswith(".sqlite"))
        return max(counts.values(), default=0)
    fd_first = min(s[2] for s in first)
    fd_last = min(s[2] for s in last)
    other_first, other_last = min(other(s) for s in first), min(other(s) for s in last)
    most_opens = max(opens(s) for s in samples)
    figures = (f"{name}: RSS median {rss_first / 1024:.1f} -> {rss_last / 1024:.1f} MiB "
               f"(range {min(s[1] for s in first) / 1024:.1f}-{max(s[1] for s in first) / 1024:.1f} -> "
               f"{min(s[1] for s in last) / 1024:.1f}-{max(s[1] for s in last) / 1024:.1f}), "
               f"fds min {fd_first} -> {fd_last} (max {max(s[2] for s in first)} -> {max(s[2] for s in last)}; "
               f"not the database's {other_first} -> {other_last}; database open at most {most_opens}x)")
    if fd_last != fd_first:
        # What the descriptors that came (or went) are, between the fewest of each window.
        before = collections.Counter(min(first, key=lambda s: s[2])[3])
        after = collections.Counter(min(last, key=lambda s: s[2])[3])
        changed = [f"+{n} {os.path.basename(t) if t.startswith('/') else t}" for t, n in (after - before).items()]
        changed += [f"-{n} {os.path.basename(t) if t.startswith('/') else t}" for t, n in (before - after).items()]
        figures += f" [{', '.join(sorted(changed))}]"
    problems = []
    growth = rss_last - rss_first
    if growth > RSS_FLOOR_KIB and growth > RSS_GROWTH * rss_first:
        problems.append(f"{name}'s RSS grew {growth / 1024:.1f} MiB ({growth / rss_first:.0%}) from the first "
                        f"{window:.0f} s to the last (limit: {RSS_GROWTH:.0%} and {RSS_FLOOR_KIB // 1024} MiB)")
    if other_last - other_first > FD_GROWTH:
        problems.append(f"{name}'s open file descriptors other than its database's grew from {other_first} to "
                        f"{other_last} (limit +{FD_GROWTH})")
    if most_opens > DB_OPENS:
        problems.append(f"{name} had its database open {most_opens} times at once (a pool of at most "
                        f"{DB_OPENS} connections)")
    return figures, "; ".join(problems) or None


class Soak:
    def __init__(self, ctx, minutes, work):
        self.ctx = ctx
        self.random = ctx.random
        self.duration = minutes * 60
        self.work = work
        short = self.duration < 20 * 60
        # Scaled down in a short run so that several uploads, restarts and catalogs happen in 2 minutes.
        self.window = 300 if not short else max(20.0, self.duration / 4)
        self.arrival = 2.0 if short else 3.0          # seconds between walk-ins
        self.upload_every = 15.0 if short else 60.0
        self.catalog_every = 30.0 if short else 300.0
        self.sample_every = 2.0 if short else 5.0
        self.review_every = 2.0 if short else 4.0
        # The last restart of headquarters comes two windows (and 10 s) before the end.
        self.restarts_until = self.duration - 2 * self.window - 10
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.traffic_done = threading.Event()
        self.problems = []
        self.samples = {"attend": [], "review": []}
        self.hq_samples = []  # per headquarters instance
        self.typed = []
        self.approved = []
        self.uploads = []
        self.events = {"restart-term": 0, "restart-kill": 0, "refuse": 0, "blackhole": 0, "fetch": 0,
                       "fetch-unreachable": 0}
        self.catalog_versions = []

    def problem(self, text):
        with self.lock:
            self.problems.append(text)
        self.stop.set()

    # --- headquarters -------------------------------------------------------------------------
    def start_hq(self):
        url = self.hq.start()
        host, port = url.split("://", 1)[1].rsplit(":", 1)
        with self.lock:
            self.hq_started = time.monotonic()
            self.hq_samples.append([])
            self.hq_pid = self.hq.process.popen.pid
        self.proxy.upstream = (host, int(port))

    def restart_hq(self, kill):
        with self.lock:
            self.hq_pid = None
        if kill:
            self.hq.process.kill()
            self.hq.process.wait(15)
            self.hq.process = None
        else:
            self.hq.stop()  # exit 0 on SIGTERM, else a Failure
        time.sleep(self.random.uniform(0.2, 3.0))
        self.start_hq()

    def publish_catalog(self):
        units = json.load(open(os.path.join(KIOSK_DIR, "units.json")))
        # The same six UA units as the kiosk's own units.json, so "7" is still "No preference"
        # in the typed script; only the open places change from version to version.
        units["units"] = [unit for unit in units["units"] if unit["country"] == "UA"]
        for unit in units["units"]:
            for position in unit["positions"]:
                position["open_places"] = self.random.randint(1, 20)
        path = os.path.join(self.work, "catalog.json")
        with open(path, "w") as f:
            json.dump(units, f)
        code, out, err = self.hq.run("catalog", "publish", path)
        found = re.search(r"published catalog version (\d+)", out)
        if code != 0 or not found:
            raise Failure(f"kiosk-hq catalog publish exited {code}: {(err or out).strip()[-300:]}")
        self.catalog_versions.append(int(found.group(1)))

    # --- the threads ------------------------------------------------------------------------------
    def walk_ins(self):
        number = 0
        next_at = time.monotonic()
        while not self.stop.is_set() and time.monotonic() < self.traffic_until:
            number += 1
            surname = f"Surname-{_letters(number)}"
            lines = list(APPLICATION)
            lines[SURNAME] = surname
            with self.lock:
                self.typed.append(surname)
            self.attend.send("\n".join(lines) + "\n")
            next_at += self.arrival
            self.stop.wait(max(0.0, next_at - time.monotonic()))

    def reviewer(self):
        """The staff member at the desk: `list` every few seconds, `approve` each one listed."""
        console = self.console
        while True:
            finishing = self.traffic_done.is_set()
            console.sendline("list")
            console.expect(r"review> ")
            listed = [m.decode() for m in REFERENCE.findall(console.before)]
            for ref in listed:
                console.sendline(f"approve {ref}")
                if console.expect([rf"{re.escape(ref)} approved; it goes to headquarters", r"review> "]) != 0:
                    self.problem(f"the console did not approve {ref}: {console.before[-300:]!r}")
                    return
                console.expect(r"review> ")
                with self.lock:
                    self.approved.append(ref)
            if finishing and not listed:
                return
            if self.stop.is_set() and not self.traffic_done.is_set():
                return
            time.sleep(self.review_every)

    def sampler(self):
        while not self.stop.is_set():
            now = time.monotonic()
            for name, pid in (("attend", self.attend.popen.pid), ("review", self.console.pid)):
                figures = _sample(pid)
                if figures:
                    self.samples[name].append((now - self.started, *figures))
            with self.lock:
                pid, since, series = self.hq_pid, getattr(self, "hq_started", now), self.hq_samples[-1]
            if pid:
                figures = _sample(pid)
                if figures:
                    series.append((now - since, *figures))
            self.stop.wait(self.sample_every)

    def upload(self, attempts=2):
        started = time.monotonic()
        code, out, err = self.kiosk.run(
            "upload", "--hq", self.proxy.url, "--hq-key", self.hq.public_key, "--attempts", str(attempts),
            "--backoff", "0.3", "--connect-timeout", "3", "--read-timeout", "6",
            "--max-time", "25" if self.upload_every < 60 else "50", timeout=120)
        self.uploads.append((time.monotonic() - self.started, code, time.monotonic() - started, out, err))
        if code not in (0, 75):
            self.problem(f"kiosk upload exited {code} (0 or 75 expected: headquarters was only down or "
                         f"unreachable): {(err or out).strip()[-400:]}")
        return code

    def uploader(self):
        while not self.stop.wait(self.upload_every):
            if time.monotonic() >= self.traffic_until:
                return
            self.upload()

    def chaos(self):
        """Restarts headquarters (only until two flatness windows before the end, so its last start
        has two windows to compare), makes it unreachable for a few seconds, and publishes catalogs."""
        next_catalog = time.monotonic() + self.catalog_every * self.random.uniform(0.3, 0.7)
        restarts, outages = ["restart-term", "restart-kill"], ["refuse", "blackhole"]
        self.random.shuffle(restarts)
        self.random.shuffle(outages)
        deck = restarts + outages
        while not self.stop.is_set():
            now = time.monotonic()
            if now >= self.traffic_until:
                return
            if now >= next_catalog:
                self.publish_catalog()
                next_catalog = now + self.catalog_every * self.random.uniform(0.7, 1.3)
                if self.random.random() < 0.4:
                    code, out, err = self.kiosk.run("catalog", "fetch", "--hq", self.proxy.url,
                                                    "--hq-key", self.hq.public_key, timeout=150)
                    self.events["fetch"] += 1
                    if code not in (0, 75):
                        self.problem(f"kiosk catalog fetch exited {code}: {(err or out).strip()[-300:]}")
                        return
            self.stop.wait(self.random.uniform(0.2, 1.0) * self.upload_every)
            if self.stop.is_set() or time.monotonic() >= self.traffic_until:
                return
            # Each kind once first, restarts first (they stop early), so that even a 2-minute run
            # has them all; then at random.
            action = deck.pop(0) if deck else self.random.choice(
                ["restart-term", "restart-kill", "refuse", "blackhole", "none"])
            if action.startswith("restart") and time.monotonic() - self.started < self.restarts_until:
                self.events[action] += 1
                self.restart_hq(kill=action == "restart-kill")
            elif action in ("refuse", "blackhole"):
                self.events[action] += 1
                self.proxy.set_mode(action)
                until = time.monotonic() + self.random.uniform(0.3, 1.2) * self.upload_every
                # A catalog fetch meets the outage too: it must say "unreachable" (75). A black hole
                # holds `kiosk catalog fetch` for its fixed 60 s deadline, so only in long runs.
                if self.random.random() < 0.5 and (action == "refuse" or self.upload_every >= 60):
                    started = time.monotonic()
                    code, out, err = self.kiosk.run("catalog", "fetch", "--hq", self.proxy.url,
                                                    "--hq-key", self.hq.public_key, timeout=150)
                    self.events["fetch-unreachable"] += 1
                    self.fetch_seconds = max(getattr(self, "fetch_seconds", 0), time.monotonic() - started)
                    if code != 75:
                        self.problem(f"kiosk catalog fetch with headquarters {action}d exited {code}, not 75: "
                                     f"{(err or out).strip()[-300:]}")
                        return
                self.stop.wait(max(0.0, until - time.monotonic()))
                self.proxy.set_mode("pass")

    def run_thread(self, target):
        def wrapped():
            try:
                target()
            except Failure as failure:
                self.problem(str(failure))
            except Exception as error:  # a broken thread is a failure of the run, with its reason
                import traceback
                self.problem(f"{target.__name__} crashed: {traceback.format_exc()[-600:]}")
        thread = threading.Thread(target=wrapped, daemon=True, name=target.__name__)
        thread.start()
        return thread


def soak(ctx, runs):
    """A compressed day of service: walk-ins through `kiosk attend`'s pipe at a steady rate, a staff
    member approving in `kiosk review` on a pseudo-terminal, `kiosk upload` every minute (15 s in a
    short run) through a proxy that refuses or black-holes at random to a `kiosk-hq` restarted at
    random (SIGTERM or SIGKILL), new catalogs published; then every printed reference at
    headquarters once with its answers, the newest catalog at the kiosk, no error shown to an
    applicant, memory and descriptors of attend, review and kiosk-hq flat."""
    if not ctx.binaries.has_hq():
        raise Skip(f"{ctx.binaries.hq} is not built")
    minutes = runs  # run.py: 30 in the full run, 2 with --short, --soak MINUTES
    forbidden = _forbidden_texts()
    work = scratch("soak")
    soak_run = None
    try:
        kiosk, hq, center = kiosk_with_hq(ctx.binaries, work)
        template = _answers(kiosk)
        code, out, err = kiosk.run("staff", "add", STAFF, "--name", "Soak desk", "--role", "reviewer",
                                   "--password-stdin", input=(PASSWORD + "\n").encode())
        if code != 0:
            raise Failure(f"kiosk staff add {STAFF} exited {code}: {err.strip()}")
        s = soak_run = Soak(ctx, minutes, work)
        s.kiosk, s.hq = kiosk, hq
        hq.public_key = os.path.join(hq.data, "hq-receipt.pub.pem")
        s.proxy = Proxy()
        s.start_hq()
        s.publish_catalog()

        transcript = open(os.path.join(work, "console.log"), "wb")
        console = Console(kiosk.args("review"), dict(kiosk.env, TERM="xterm"), transcript=transcript)
        console.expect(r"Staff ID: ")
        console.sendline(STAFF)
        console.expect(r"Password: ")
        console.sendline(PASSWORD)
        console.expect(r"review> ")
        s.console = console
        s.attend = kiosk.start("attend")
        s.attend.expect(rb"> ", timeout=60)

        s.started = time.monotonic()
        s.traffic_until = s.started + s.duration
        threads = [s.run_thread(t) for t in (s.sampler, s.walk_ins, s.reviewer, s.uploader, s.chaos)]
        sampler, walkins, reviewer, uploader, chaos = threads
        while time.monotonic() < s.traffic_until and not s.stop.is_set():
            time.sleep(0.5)
        for thread in (walkins, uploader, chaos):
            thread.join(120)
        if s.problems:
            raise Failure("; ".join(s.problems))

        # The end of the day: the last walk-in finishes, staff approve what is left.
        s.proxy.set_mode("pass")
        if s.hq.process is None or s.hq.process.popen.poll() is not None:
            s.start_hq()
        s.attend.close_input()
        code = s.attend.wait(120)
        s.traffic_done.set()
        reviewer.join(180)
        if reviewer.is_alive():
            raise Failure("the review console was still approving 180 s after the last walk-in")
        s.stop.set()
        sampler.join(30)
        if s.problems:
            raise Failure("; ".join(s.problems))
        console.sendline("quit")
        console.expect(r"Logged out")
        review_code = console.wait(30)
        transcript.close()
        if review_code != 0:
            raise Failure(f"kiosk review exited {review_code} after quit")
        printed = s.attend.references()
        output = s.attend.output()
        if code != 0:
            raise Failure(f"kiosk attend exited {code} at the end of its input: {s.attend.err[-400:]!r}")
        shown = [f"{key} ({text!r})" for key, text in forbidden.items() if text in output]
        shown += [text for text in RAW_ERRORS if text in output]
        # The kiosk marks every message about an answer with "! " at the start of its line.
        marked = re.findall(r"(?m)^! .*$", output)
        shown += [f"a line marked as a message: {marked[0]!r} ({len(marked)} such lines)"] if marked else []
        if shown:
            at = min(output.find(t) for t in [*forbidden.values(), *RAW_ERRORS, "\n! "] if t in output)
            raise Failure(f"an applicant was shown {', '.join(shown[:5])}: ...{output[max(0, at - 200):at + 200]!r}")
        crash = [t for t in ("Fatal error", "Segmentation fault", "Illegal instruction") if t.encode() in s.attend.err]
        if crash:
            raise Failure(f"kiosk attend's standard error holds {crash}: {s.attend.err[-400:]!r}")
        with open(os.path.join(work, "console.log"), "rb") as f:
            if PASSWORD.encode() in f.read():
                raise Failure("the staff password was echoed on the console's terminal")

        # Headquarters reachable: upload until nothing is pending.
        for _ in range(10):
            if s.upload(attempts=3) == 0:
                status = json.loads(kiosk.run("status", "--json")[1])
                if status["upload"]["outbox_batches"] == 0 and status["upload"]["approved_waiting"] == 0:
                    break
        else:
            raise Failure(f"10 uploads with headquarters reachable left work pending: {s.uploads[-1][3:]}")
        code, out, err = kiosk.run("catalog", "fetch", "--hq", s.proxy.url, "--hq-key", hq.public_key)
        held = json.loads(kiosk.run("status", "--json")[1])["catalog"]["version"]
        if code != 0 or held != s.catalog_versions[-1]:
            raise Failure(f"the kiosk holds catalog version {held}, headquarters' newest is {s.catalog_versions[-1]} "
                          f"(kiosk catalog fetch exited {code}: {(err or out).strip()[-200:]})")
        if s.problems:
            raise Failure("; ".join(s.problems))

        # Every printed reference is at headquarters once, with what was typed for it.
        typed = s.typed
        if len(printed) != len(typed) or len(set(printed)) != len(printed):
            raise Failure(f"{len(typed)} walk-ins typed, {len(printed)} references printed "
                          f"({len(set(printed))} distinct)")
        expected = dict(zip(printed, typed))
        hq_db = hq.database()
        s.hq_figures = flatness("kiosk-hq", s.hq_samples[-1], s.window)
        hq.stop()
        hq_refs = sqlite(hq_db, f"SELECT reference FROM record WHERE center = '{center}';", readonly=True).split()
        twice = sorted({r for r in hq_refs if hq_refs.count(r) > 1})
        missing = sorted(set(expected) - set(hq_refs))
        stray = sorted(set(hq_refs) - set(expected))
        if twice or missing or stray:
            raise Failure(f"hq.sqlite holds {len(hq_refs)} records for {len(expected)} printed references: "
                          f"twice {twice[:5]}, missing {missing[:5]}, never printed {stray[:5]}")
        code, out, err = hq.run("export", "--opening-key", kiosk.opening_key, "--format", "jsonl", timeout=300)
        exported = [json.loads(line) for line in out.splitlines() if line.strip()]
        if code != 0 or sorted(r["reference"] for r in exported) != sorted(expected):
            raise Failure(f"kiosk-hq export --opening-key gave {len(exported)} records for {len(expected)} printed "
                          f"references (exit {code}): {err.strip()[-300:]}")
        wrong = [r["reference"] for r in exported
                 if r.get("answers") != dict(template, surname=expected[r["reference"]])]
        if wrong:
            raise Failure(f"{len(wrong)} records at headquarters do not hold the answers typed for them: {wrong[:5]}")
        undelivered = sqlite(kiosk.database, "SELECT COUNT(*) FROM application WHERE state != 'delivered';")
        if undelivered != "0":
            raise Failure(f"{undelivered} applications at the kiosk are not delivered after the last upload")
        by_serial = sorted(exported, key=lambda r: r["reference"].split("-")[2])
        versions = [r.get("catalog_version", 0) for r in by_serial]
        if versions != sorted(versions) or max(versions) < 1:
            raise Failure(f"the catalog versions the applicants were offered, in arrival order, go "
                          f"{versions[:3]}...{versions[-3:]}: not rising, or no catalog from headquarters reached them")

        # Memory and descriptors flat.
        figures, problems = [], []
        for name, samples in (("attend", s.samples["attend"]), ("review", s.samples["review"])):
            text, problem = flatness(name, samples, s.window)
            figures.append(text)
            if problem:
                problems.append(problem)
        text, problem = s.hq_figures
        earlier = [series for series in s.hq_samples[:-1] if series]
        figures.append(text + (f" (its last start of {len(s.hq_samples)}; the earlier ones peaked at "
                               f"{max(x[1] for series in earlier for x in series) / 1024:.1f} MiB and "
                               f"{max(x[2] for series in earlier for x in series)} fds)" if earlier else ""))
        if problem:
            problems.append(problem)
        report = f"first and last {s.window:.0f} s: " + "; ".join(figures)
        if problems:
            raise Failure("not flat: " + "; ".join(problems) + "\n" + report)

        missed = [kind for kind in ("restart-term", "restart-kill", "refuse", "blackhole") if not s.events[kind]]
        if missed and minutes >= 2:
            raise Failure(f"the run never did {', '.join(missed)} to headquarters (events: {s.events})")
        kinds = {}
        for _, upload_code, _, upload_out, upload_err in s.uploads:
            found = re.findall(r"upload failed \((\w+)\)", upload_err)
            if upload_code == 75 and not found:
                raise Failure(f"kiosk upload exited 75 without an `upload failed (...)` line: {upload_err[-300:]!r}")
            for kind in found:
                kinds[kind] = kinds.get(kind, 0) + 1
            for said in ("catalog not updated", "headquarters already had it"):
                if said in upload_out + upload_err:
                    kinds[said] = kinds.get(said, 0) + (upload_out + upload_err).count(said)
        codes = [u[1] for u in s.uploads]
        during = [u for u in s.uploads if u[0] <= s.duration + 5]
        slowest = max(u[2] for u in s.uploads)
        return (f"{minutes:g} min: {len(typed)} walk-ins through `kiosk attend`'s pipe (one every {s.arrival:.0f} s), "
                f"approved as they came by {STAFF} in `kiosk review` on a pseudo-terminal; {len(during)} uploads "
                f"every {s.upload_every:.0f} s through a proxy; kiosk-hq restarted {s.events['restart-term']}x by "
                f"SIGTERM and {s.events['restart-kill']}x by SIGKILL, refused {s.events['refuse']}x and "
                f"black-holed {s.events['blackhole']}x; {len(s.catalog_versions)} catalogs published, "
                f"{s.events['fetch']} extra `kiosk catalog fetch` and {s.events['fetch-unreachable']} while "
                f"headquarters was unreachable (each 75, slowest {getattr(s, 'fetch_seconds', 0):.1f} s)",
                f"all {len(printed)} printed references at headquarters exactly once (hq.sqlite and export "
                f"--opening-key), each with the answers typed for it; uploads exited 0 x{codes.count(0)}, "
                f"75 x{codes.count(75)} (slowest {slowest:.1f} s; said: "
                f"{', '.join(f'{k} x{n}' for k, n in sorted(kinds.items())) or 'no failure'}); the kiosk holds catalog version {held}, the newest, "
                f"and applicants were offered versions {min(versions)}..{max(versions)} in order; no error or "
                f"out-of-service text in the attend output ({len(forbidden)} texts of en.json, "
                f"{len(RAW_ERRORS)} raw ones, no line marked '! '); {len(s.approved)} approvals, password never "
                f"echoed; flat, " + report)
    finally:
        if soak_run:
            soak_run.stop.set()
            attend = getattr(soak_run, "attend", None)
            if attend:
                attend.kill()
                attend.wait(10)
            console = getattr(soak_run, "console", None)
            if console and console.master is not None:
                console.kill()
                console.wait(10)
            if getattr(soak_run, "proxy", None):
                soak_run.proxy.close()
            if getattr(soak_run, "hq", None):
                soak_run.hq.stop(check=False)
        remove(work)
