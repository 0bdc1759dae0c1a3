#!/usr/bin/env python3
"""Headquarters for the fleet (issue 13): kiosk-hq under many centers at once, SQLite against PostgreSQL.

In one run, for each store (SQLite in the data folder, PostgreSQL with --database) and each
layout (one `kiosk-hq serve`; two instances sharing the data folder and the database), and for
44 and 500 simulated centers uploading at once (one thread per center, each PUTting its batches
in order): batches/s, p50 and p99 latency of a PUT, and the peak RSS of each instance (VmHWM
just before it is stopped). With two instances the client spreads the PUTs round-robin over
their ports, standing in for a load balancer. Then `kiosk-hq export` of 100,000 records (one
center, 100 batches of 1,000, stored through the server) from each store: seconds and records/s.

Every figure is checked: each PUT must end in 201, each center's last batch in the store must
be the last one sent and its application count what was sent, the export must have 100,000
lines; a failure is printed and marked in the table (and the exit status is 1), never averaged
in. kiosk-hq runs with --max-uploads 1024 (the default 32 would answer 503 to most of 500
centers at once); a 503 that still comes is retried after its Retry-After and counted.

Writes the table, the command and the machine into docs/PERFORMANCE.md between the
hq-fleet-bench markers (the rest of the file is kept).

Usage: bench/hq_fleet_bench.py [--bin DIR] [--database URL] [--centers 44 500] [--batches 3]
                               [--records 20] [--export-batches 100] [--export-records 1000] [--no-doc]
Build first: swift build -c release --product kiosk-hq --scratch-path .build-release &&
swift build -c release --product kiosk-bench --scratch-path .build-release
PostgreSQL: eval "$(scripts/postgres-test-cluster start)" (the URL is $KIOSK_HQ_TEST_POSTGRES); the
benchmark creates its own databases there and drops them after.
Needs python3, psql and GNU time (/usr/bin/time).
"""

import argparse
import datetime
import http.client
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from docblock import replace_block  # noqa: E402

BEGIN, END = "<!-- hq-fleet-bench:start -->", "<!-- hq-fleet-bench:end -->"
HEADING = "## Headquarters for the fleet (issue 13)"
LISTENING = re.compile(r"listening on http://([0-9.]+):(\d+)")
MAX_UPLOADS = 1024


def run(cmd, env=None, timeout=600):
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return done.stdout


def with_database(url, name):
    """`url` with its path (the database name) replaced by `name`."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


class Store:
    """Where headquarters keeps its state: SQLite in the data folder, or a PostgreSQL database.
    `fresh()` makes a new store from the template (the keys and every center registered)."""

    def __init__(self, kind, work, admin_url=None):
        self.kind, self.work, self.admin_url = kind, work, admin_url
        self.template = os.path.join(work, f"{kind}-template")
        self.databases = []
        self.count = 0

    def psql(self, sql):
        run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", self.admin_url, "-c", sql])

    def options(self, data, url):
        return ["--data-dir", data] + (["--database", url] if url else [])

    def prepare(self, binaries, keys, centers):
        """The template: the shared keys and `centers` [(code, public key PEM)] registered, via the CLI."""
        os.makedirs(self.template)
        shutil.copytree(keys, os.path.join(self.template, "keys"))
        url = None
        if self.kind == "postgresql":
            name = f"hqbench_{os.getpid()}_template"
            self.psql(f"CREATE DATABASE {name}")
            self.databases.append(name)
            url = with_database(self.admin_url, name)
        start = time.perf_counter()
        for code, pem in centers:
            run([binaries.hq, "centers", "add", code, "--key", pem] + self.options(self.template, url))
        self.template_url = url
        return time.perf_counter() - start

    def fresh(self):
        """(data folder, database URL or None), a copy of the template."""
        self.count += 1
        data = os.path.join(self.work, f"{self.kind}-{self.count}")
        shutil.copytree(self.template, data)
        if self.kind == "sqlite":
            return data, None
        name = f"hqbench_{os.getpid()}_{self.count}"
        self.psql(f"CREATE DATABASE {name} TEMPLATE hqbench_{os.getpid()}_template")
        self.databases.append(name)
        return data, with_database(self.admin_url, name)

    def drop(self):
        for name in reversed(self.databases):
            subprocess.run(["psql", "-X", "-q", self.admin_url, "-c", f"DROP DATABASE IF EXISTS {name}"],
                           capture_output=True)
        self.databases = []


class Binaries:
    def __init__(self, directory):
        self.hq = os.path.join(directory, "kiosk-hq")
        self.bench = os.path.join(directory, "kiosk-bench")
        for path in (self.hq, self.bench):
            if not os.access(path, os.X_OK):
                sys.exit(f"{path} not found: build it first (see this script's header)")


class Server:
    """One `kiosk-hq serve` on a loopback port chosen by the system; its output goes to a log file."""

    def __init__(self, binaries, data, url, log):
        self.log_path = log
        self.log = open(log, "wb")
        args = [binaries.hq, "serve", "--data-dir", data, "--listen", "127.0.0.1:0",
                "--max-uploads", str(MAX_UPLOADS)] + (["--database", url] if url else [])
        self.popen = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            with open(log, errors="replace") as f:
                found = LISTENING.search(f.read())
            if found:
                self.host, self.port = found.group(1), int(found.group(2))
                break
            if self.popen.poll() is not None or time.monotonic() > deadline:
                self.popen.kill()
                sys.exit(f"kiosk-hq serve did not start: {open(log, errors='replace').read()[-2000:]}")
            time.sleep(0.05)

    def peak_rss_kib(self):
        with open(f"/proc/{self.popen.pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))

    def cpu_seconds(self):
        """User and system CPU time used so far."""
        with open(f"/proc/{self.popen.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        """SIGTERM; returns the exit status (0 when it stopped cleanly) and the problems it logged."""
        if self.popen.poll() is None:
            self.popen.terminate()
        try:
            code = self.popen.wait(30)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            code = self.popen.wait()
        self.log.close()
        with open(self.log_path, errors="replace") as f:
            problems = [line.rstrip() for line in f if re.search(r"\b(error|critical|warning)\b", line)]
        return code, problems


def machine_ticks():
    """(busy, all) CPU ticks of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)


def upload(servers, bodies, connect_timeout=300):
    """Each center of `bodies` {code: [tar bytes]} in its own thread, PUTting its batches in order;
    the PUTs go round-robin over `servers`. Returns (wall s, [latency s of each 201], errors, retries)."""
    lock = threading.Lock()
    latencies, errors = [], []
    counter = [0]
    retries = [0]
    barrier = threading.Barrier(len(bodies) + 1)

    def next_server():
        with lock:
            counter[0] += 1
            return servers[counter[0] % len(servers)]

    def center(code):
        connections = {}
        barrier.wait()
        for sequence, body in enumerate(bodies[code], 1):
            attempts = 0
            while True:
                server = next_server()
                connection = connections.get(server.port)
                if connection is None:
                    connection = http.client.HTTPConnection(server.host, server.port, timeout=connect_timeout)
                    connections[server.port] = connection
                start = time.perf_counter()
                try:
                    connection.request("PUT", f"/v1/centers/{code}/batches/{sequence}", body=body,
                                       headers={"Content-Type": "application/x-tar"})
                    response = connection.getresponse()
                    text = response.read()
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    del connections[server.port]
                    with lock:
                        errors.append(f"{code}/{sequence}: {type(error).__name__}: {error}")
                    return
                elapsed = time.perf_counter() - start
                if response.status == 503 and attempts < 20:
                    attempts += 1
                    with lock:
                        retries[0] += 1
                    time.sleep(float(response.getheader("Retry-After") or "1"))
                    continue
                if response.status != 201:
                    with lock:
                        errors.append(f"{code}/{sequence}: HTTP {response.status} {text[:300]!r}")
                    return  # the next batches would only get 409
                with lock:
                    latencies.append(elapsed)
                break
        for connection in connections.values():
            connection.close()

    threads = [threading.Thread(target=center, args=(code,), daemon=True) for code in bodies]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    busy, ticks = machine_ticks()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    busy_after, ticks_after = machine_ticks()
    client_cpu = after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime
    machine_busy = (busy_after - busy) / max(1, ticks_after - ticks) * os.cpu_count()
    return wall, latencies, errors, retries[0], (client_cpu, machine_busy)


def check_store(binaries, data, url, expected):
    """Problems found in the stopped store: each center of `expected` {code: (last batch, applications)}."""
    listing = run([binaries.hq, "centers", "list", "--data-dir", data] + (["--database", url] if url else []))
    found = {}
    for line in listing.splitlines():
        fields = line.split("\t")
        last = re.search(r"last batch (\d+)", line)
        applications = re.search(r"(\d+) applications?", line)
        found[fields[0]] = (int(last.group(1)) if last else 0, int(applications.group(1)) if applications else 0)
    problems = [f"{code}: the store holds {found.get(code)} (last batch, applications), sent {want}"
                for code, want in expected.items() if found.get(code) != want]
    return problems, sum(found.get(code, (0, 0))[0] for code in expected)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else float("nan")


def machine(admin_url):
    with open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    with open("/proc/meminfo") as f:
        memory = int(f.readline().split()[1]) / 1024 / 1024
    distro = "Linux"
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            distro = next((line.split("=", 1)[1].strip().strip('"') for line in f if line.startswith("PRETTY_NAME")),
                          distro)
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()
    postgres = run(["psql", "-X", "-At", admin_url, "-c", "SHOW server_version"]).strip()
    settings = run(["psql", "-X", "-At", admin_url, "-c",
                    "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN "
                    "('fsync', 'synchronous_commit', 'shared_buffers', 'wal_sync_method')"]).strip()
    sqlite = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[:1]
    return (f"{distro}, kernel {platform.release()}, nproc {os.cpu_count()} ({model}), {memory:.0f} GiB RAM, "
            f"load average {os.getloadavg()[0]:.1f} at the start; {swift[0] if swift else 'swift ?'}; "
            f"PostgreSQL {postgres} on the same machine ({settings}; shared_buffers in 8 KiB pages); "
            f"sqlite3 {sqlite[0] if sqlite else '?'} (kiosk-hq: WAL, synchronous=FULL)")


def write_doc(text_block):
    replace_block(BEGIN, END, text_block, lambda text, block: text.rstrip("\n") + f"\n\n{HEADING}\n\n{block}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, ".build-release", "release"),
                        help="folder with the release kiosk-hq and kiosk-bench")
    parser.add_argument("--database", default=os.environ.get("KIOSK_HQ_TEST_POSTGRES"),
                        help="a PostgreSQL URL whose user may create databases (default $KIOSK_HQ_TEST_POSTGRES)")
    parser.add_argument("--centers", type=int, nargs="+", default=[44, 500])
    parser.add_argument("--batches", type=int, default=3, help="batches per center")
    parser.add_argument("--records", type=int, default=20, help="records per batch")
    parser.add_argument("--export-batches", type=int, default=100)
    parser.add_argument("--export-records", type=int, default=1000)
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/PERFORMANCE.md")
    args = parser.parse_args()
    if not args.database:
        sys.exit('no PostgreSQL: eval "$(scripts/postgres-test-cluster start)" or pass --database URL')
    binaries = Binaries(args.bin)
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # 500 centers: 1,000+ sockets
    machine_text = machine(args.database)
    began = time.perf_counter()
    work = tempfile.mkdtemp(prefix="hq-fleet-bench-")
    stores = [Store("sqlite", work), Store("postgresql", work, args.database)]
    failures = []
    rows, export_rows, notes = [], [], []
    try:
        # The fleet: headquarters' keys, then every center's key and batches, made once.
        keys_home = os.path.join(work, "keys-home")
        run([binaries.hq, "keys", "init", "--data-dir", keys_home])
        sealing = os.path.join(keys_home, "keys", "sealing.pub.pem")
        fleet = os.path.join(work, "fleet")
        largest = max(args.centers)
        start = time.perf_counter()
        run([binaries.bench, "hq-batches", sealing, fleet, str(largest), str(args.batches), str(args.records)])
        run([binaries.bench, "hq-batches", sealing, fleet, "1", str(args.export_batches), str(args.export_records),
             "E"])
        notes.append(f"making the fleet with `kiosk-bench hq-batches` ({largest} centers x {args.batches} batches "
                     f"of {args.records}, and E0001's {args.export_batches} of {args.export_records}): "
                     f"{time.perf_counter() - start:.1f} s")
        codes = [f"C{i:04d}" for i in range(1, largest + 1)]

        def tars(code, count):
            return [open(os.path.join(fleet, f"{code}-{s:08d}.tar"), "rb").read() for s in range(1, count + 1)]

        centers = [(code, os.path.join(fleet, f"{code}.pub.pem")) for code in codes + ["E0001"]]
        for store in stores:
            seconds = store.prepare(binaries, os.path.join(keys_home, "keys"), centers)
            notes.append(f"registering the {len(centers)} centers with `kiosk-hq centers add` ({store.kind}, once, "
                         f"copied for each run): {seconds:.1f} s")
        print("\n".join(notes), file=sys.stderr)

        for store in stores:
            for instances in (1, 2):
                for count in args.centers:
                    label = f"{store.kind}, {instances} instance{'s' if instances > 1 else ''}, {count} centers"
                    print(f"... {label}", file=sys.stderr, flush=True)
                    data, url = store.fresh()
                    bodies = {code: tars(code, args.batches) for code in codes[:count]}
                    servers = [Server(binaries, data, url, os.path.join(work, f"{store.kind}-{store.count}-{i}.log"))
                               for i in range(instances)]
                    cpu_before = [server.cpu_seconds() for server in servers]
                    wall, latencies, errors, retries, (client_cpu, machine_busy) = upload(servers, bodies)
                    rss = [server.peak_rss_kib() / 1024 for server in servers]
                    cpu = sum(server.cpu_seconds() - before for server, before in zip(servers, cpu_before))
                    stops = [server.stop() for server in servers]
                    problems = list(errors)
                    for index, (code, logged) in enumerate(stops):
                        if code != 0:
                            problems.append(f"instance {index + 1} exited {code} on SIGTERM")
                        problems += [f"instance {index + 1} logged: {line}" for line in logged[:5]]
                        if len(logged) > 5:
                            problems.append(f"instance {index + 1} logged {len(logged) - 5} more such lines")
                    missing, stored = check_store(
                        binaries, data, url, {code: (args.batches, args.batches * args.records) for code in bodies})
                    problems += missing[:10]
                    sent = count * args.batches
                    if problems:
                        failures.append((label, problems))
                    rows.append((store.kind, instances, count, sent, stored, len(latencies) / wall,
                                 percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000, retries,
                                 rss, cpu / wall, client_cpu / wall, machine_busy,
                                 "ok" if not problems else f"**{len(problems)} problems**"))
                    print(f"    {rows[-1]}", file=sys.stderr, flush=True)
                    shutil.rmtree(data, ignore_errors=True)

        # Export of 100,000 records, stored through one instance.
        total = args.export_batches * args.export_records
        for store in stores:
            print(f"... export {store.kind}", file=sys.stderr, flush=True)
            data, url = store.fresh()
            server = Server(binaries, data, url, os.path.join(work, f"{store.kind}-export.log"))
            wall, latencies, errors, retries, _ = upload([server], {"E0001": tars("E0001", args.export_batches)})
            code, logged = server.stop()
            problems = list(errors) + logged[:5] + ([f"exited {code} on SIGTERM"] if code else [])
            problems += check_store(binaries, data, url, {"E0001": (args.export_batches, total)})[0]
            output = os.path.join(work, f"{store.kind}-export.jsonl")
            cmd = ["/usr/bin/time", "-f", "%e %M %U %S", binaries.hq, "export", "--data-dir", data, "--opening-key",
                   os.path.join(data, "keys", "opening.key.pem"), "--format", "jsonl", "--output", output]
            cmd += ["--database", url] if url else []
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                problems.append(f"kiosk-hq export exited {done.returncode}: {done.stderr[-500:]}")
                seconds, kib, cpu = float("nan"), 0, float("nan")
            else:
                seconds, kib, user, system = done.stderr.strip().splitlines()[-1].split()
                seconds, kib, cpu = float(seconds), int(kib), float(user) + float(system)
            lines = sum(1 for _ in open(output, "rb")) if os.path.exists(output) else 0
            if lines != total:
                problems.append(f"the export has {lines} lines, {total} were stored")
            if problems:
                failures.append((f"export {store.kind}", problems))
            export_rows.append((store.kind, lines, seconds, lines / seconds if seconds else 0, kib / 1024, cpu,
                                wall, "ok" if not problems else f"**{len(problems)} problems**"))
            print(f"    {export_rows[-1]}", file=sys.stderr, flush=True)
            shutil.rmtree(data, ignore_errors=True)
    finally:
        for store in stores:
            store.drop()
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.perf_counter() - began

    lines = [f"Each center uploads {args.batches} batches of {args.records} sealed records in order (one thread "
             "and keep-alive connection a center, all starting together); with 2 instances the client sends the "
             "PUTs round-robin over the instances' ports, standing in for a load balancer. kiosk-hq runs with "
             f"`--max-uploads {MAX_UPLOADS}` (the default 32 answers 503 to most of 500 centers at once) and the "
             "default `--max-uploads-per-center 2`; a 503 would be retried after its Retry-After and counted. "
             "Latency is one PUT to its receipt (201); CPU is user + system time over the upload's wall time "
             "(all instances together; the client is this script's threads; machine busy is every process, "
             "PostgreSQL's and anyone else's on the machine included, from /proc/stat). "
             f"All {max(args.centers) + 1} centers are registered in every store; the client is Python on the "
             "same machine.",
             "", "| store | instances | centers | batches sent / stored | batches/s | p50 PUT | p99 PUT | 503 retries "
             "| peak RSS per instance | kiosk-hq CPU | client CPU | machine busy | checks |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|"]
    for kind, instances, count, sent, stored, rate, p50, p99, retries, rss, cpu, client, busy, verdict in rows:
        rss_text = " + ".join(f"{value:.0f}" for value in rss) + " MiB"
        lines.append(f"| {kind} | {instances} | {count} | {sent} / {stored} | {rate:.1f} | {p50:.0f} ms | "
                     f"{p99:.0f} ms | {retries} | {rss_text} | {cpu:.2f} cores | {client:.2f} cores | "
                     f"{busy:.2f} of {os.cpu_count()} cores | {verdict} |")
    lines += ["", f"Export of {args.export_batches} batches x {args.export_records} records of one center, stored "
              "through one instance first (upload time in the last column), with `kiosk-hq export --format jsonl`:",
              "", "| store | records exported | seconds | records/s | peak RSS of export | CPU of export | "
              "upload of the "
              f"{args.export_batches} batches | checks |", "|---|---:|---:|---:|---:|---:|---:|---|"]
    for kind, count, seconds, rate, rss, cpu, wall, verdict in export_rows:
        lines.append(f"| {kind} | {count:,} | {seconds:.2f} s | {rate:,.0f} | {rss:.0f} MiB | {cpu:.2f} s | "
                     f"{wall:.1f} s "
                     f"| {verdict} |")
    lines += ["", "Not in the figures: " + "; ".join(notes) + f". One full run took {elapsed:.0f} s."]
    if failures:
        lines += ["", "**Failures in this run:**", ""]
        for label, problems in failures:
            lines += [f"- {label}:"] + [f"  - `{problem}`" for problem in problems[:15]]
    command = "python3 bench/hq_fleet_bench.py" + ("" if args.bin == parser.get_default("bin") else
                                                   f" --bin {os.path.relpath(args.bin, ROOT)}")
    block = (f"Measured {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC with\n\n```sh\n"
             'eval "$(scripts/postgres-test-cluster start)"\n'
             f"{command}\n```\n\non {machine_text}.\n\n" + "\n".join(lines))
    print(block)
    if not args.no_doc:
        write_doc(block)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
