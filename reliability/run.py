#!/usr/bin/env python3
"""The kiosk's reliability suite: faults injected into the real built programs.

One command. It prints, for each scenario, what it tried and what survived, ends with one line
"reliability: N passed, N failed, N skipped" and exits 1 when any check failed. A scenario that
cannot run on this machine (mounting a small filesystem needs privileges) says why and is
skipped, never silently passed; in CI (environment CI set) a skipped scenario fails the run.

  python3 reliability/run.py            # the full run (200 attend kills, 100 batch and upload
                                        # kills, fuzzing 5 min per target); writes docs/RELIABILITY.md
  python3 reliability/run.py --short    # the CI run: fewer kills, 8 s per fuzz target, a 2 min soak
                                        # beside the rest (~4 min)
  python3 reliability/run.py --only soak --soak 30   # the day-of-service soak alone, 30 minutes

Scenarios: attend-kill, batch-kill, upload-kill, full-disk, damaged-db, fuzz, durable-attend,
durable-hq and durable-seal (under strace: each reference and each 201 is written after the sync
of its commit; a sealed batch is synced before the commit that deletes its answers),
hostile-hq (foreign references, unsigned manifests, slow bodies against kiosk-hq), and the power
cuts on reliability/powerfs.py, a FUSE filesystem that undoes every unsynced write and name on a
cut: power-fs (its own self-test), power-attend, power-batch, power-upload and power-hq (100 cuts
each in the full run; needs /dev/fuse, fusepy, Debian's fuse3 and libfuse2; POWERFS_LOSE_SYNCED=1
makes it a broken disk that loses synced writes too, on which they must fail), and soak (a
compressed day of service: walk-ins through `kiosk attend`, approvals in `kiosk review` on a
pseudo-terminal, uploads to a kiosk-hq restarted and made unreachable at random, new catalogs;
`--soak MINUTES` sets its length, full 30, --short 2; it runs beside the other scenarios).
`--only NAME ...` runs some of them. The programs come from .build/release (full) or .build/debug (short), or
--bin DIR. Needs python3, sqlite3, tar, openssl, strace; the fuzz scenario also needs swiftc.
"""

import argparse
import datetime
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kiosklib import ROOT, Binaries, Failure, Skip  # noqa: E402
import scenarios_disk  # noqa: E402
import scenarios_durable  # noqa: E402
import scenarios_fuzz  # noqa: E402
import scenarios_hostile  # noqa: E402
import scenarios_kill  # noqa: E402
import scenarios_power  # noqa: E402
import scenarios_soak  # noqa: E402

# name: (function, runs in the full suite, runs in --short)
SCENARIOS = {
    "attend-kill": (scenarios_kill.attend, 200, 24),
    "batch-kill": (scenarios_kill.batch, 100, 12),
    "upload-kill": (scenarios_kill.upload, 100, 12),
    "full-disk": (scenarios_disk.full_disk, 1, 1),
    "damaged-db": (scenarios_disk.damaged, 60, 30),
    "fuzz": (scenarios_fuzz.fuzz, 300, 8),
    "durable-attend": (scenarios_durable.attend, 5, 3),
    "durable-hq": (scenarios_durable.hq, 4, 2),
    "durable-seal": (scenarios_durable.seal, 4, 2),
    "hostile-hq": (scenarios_hostile.hostile, 3, 1),
    "power-fs": (scenarios_power.selftest, 10, 3),
    "power-attend": (scenarios_power.attend, 100, 12),
    "power-batch": (scenarios_power.batch, 100, 9),
    "power-upload": (scenarios_power.upload, 100, 6),
    "power-hq": (scenarios_power.hq, 100, 6),
    # its "runs" are minutes: a compressed day of service (--soak MINUTES)
    "soak": (scenarios_soak.soak, 30, 2),
}


# Scenarios that mostly wait (a steady rate of work over minutes): when others run too, these run
# in a child process beside them, so the run takes as long as the longest, not the sum.
BESIDE = {"soak"}


def _child_argv(argv, name, seed, result):
    """This command line for one scenario alone, writing its result to `result`."""
    kept, skipping = [], False
    for arg in argv:
        if arg.startswith("--"):
            skipping = arg in ("--only", "--write-doc", "--json-result", "--seed") or arg.startswith("--only=")
            if skipping and arg == "--write-doc":
                skipping = False
                continue
            if skipping:
                continue
        elif skipping:
            continue
        kept.append(arg)
    return [sys.executable, os.path.abspath(__file__), *kept, "--only", name, "--seed", str(seed),
            "--json-result", result]


class Context:
    def __init__(self, binaries, seed, short):
        self.binaries = binaries
        self.random = random.Random(seed)
        self.seed = seed
        self.short = short


def machine():
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "?")
    except OSError:
        model = platform.processor() or "?"
    try:
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        swift = "swift: not found"
    with open("/proc/meminfo") as f:
        memory = int(f.readline().split()[1]) // 1024 // 1024
    distro = "Linux"
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            distro = next((line.split("=", 1)[1].strip().strip('"') for line in f if line.startswith("PRETTY_NAME")),
                          distro)
    return f"{distro}, kernel {platform.release()}, {os.cpu_count()} cores ({model}), {memory} GiB; {swift}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="the CI run: fewer kills, short fuzzing")
    parser.add_argument("--only", nargs="+", choices=sorted(SCENARIOS), help="run only these scenarios")
    parser.add_argument("--bin", help="folder holding the built kiosk and kiosk-hq")
    parser.add_argument("--seed", type=int, default=None, help="random seed (printed; rerun with it to repeat)")
    parser.add_argument("--runs", type=int, help="override the number of kills / flips / fuzz seconds")
    parser.add_argument("--soak", type=float, metavar="MINUTES",
                        help="length of the soak scenario in minutes (full 30, short 2)")
    parser.add_argument("--fuzz-seconds", type=int, help="seconds per fuzz target (full 300, short 8)")
    parser.add_argument("--write-doc", action="store_true", help="write docs/RELIABILITY.md (default in a full run)")
    parser.add_argument("--json-result", help=argparse.SUPPRESS)  # where a scenario run beside the others reports
    parser.add_argument("--known-failure", action="append", default=[], choices=sorted(SCENARIOS), metavar="NAME",
                        help="a scenario whose failure is a known, reported bug: still run and printed in full "
                             "as KNOWN, but not counted as failed (for landing other work before the fix)")
    args = parser.parse_args()

    binaries = Binaries.locate(args.bin, prefer_release=not args.short)
    seed = args.seed if args.seed is not None else int(time.time())
    ctx = Context(binaries, seed, args.short)
    names = args.only or list(SCENARIOS)
    mode = "short" if args.short else "full"
    print(f"reliability suite ({mode}), seed {seed}, programs in {binaries.directory}", flush=True)
    results = []
    beside = {}
    if len(names) > 1:
        for name in [n for n in names if n in BESIDE]:
            names.remove(name)
            result = os.path.join(tempfile.mkdtemp(prefix="kiosk-rel-beside-"), "result.json")
            log = open(os.path.join(os.path.dirname(result), "output.txt"), "w+b")
            child = subprocess.Popen(_child_argv(sys.argv[1:], name, seed, result), stdout=log,
                                     stderr=subprocess.STDOUT)
            beside[name] = (child, result, log)
            print(f"(started {name} beside the other scenarios: its report follows theirs)", flush=True)
    for name in names:
        function, full_runs, short_runs = SCENARIOS[name]
        runs = args.runs or (short_runs if args.short else full_runs)
        if name == "fuzz" and args.fuzz_seconds:
            runs = args.fuzz_seconds
        if name == "soak" and args.soak:
            runs = args.soak
        print(f"\n== {name}", flush=True)
        started = time.monotonic()
        try:
            tried, survived = function(ctx, runs)
            status = "PASS"
        except Skip as skip:
            if os.environ.get("CI"):
                # In CI a check that did not run is not a check that held: the run fails.
                status, tried, survived = "FAIL", " ".join((function.__doc__ or "").split()), \
                    f"skipped in CI, which must run every scenario: {skip}"
            else:
                status, tried, survived = "SKIP", str(skip), ""
        except Failure as failure:
            status, tried, survived = "FAIL", " ".join((function.__doc__ or "").split()), str(failure)
        except Exception:  # a broken harness is a failure too, with its traceback
            status, tried, survived = "FAIL", "the scenario itself crashed", traceback.format_exc()
        elapsed = time.monotonic() - started
        if status == "FAIL" and name in args.known_failure:
            status = "KNOWN"
        results.append((name, status, tried, survived, elapsed))
        print(f"   tried:    {tried}")
        if survived:
            label = "survived:" if status == "PASS" else "FAILED:  " if status in ("FAIL", "KNOWN") else ""
            lines = survived.splitlines()
            print(f"   {label} {lines[0]}")
            for line in lines[1:]:
                print(f"             {line}")
        print(f"   {status} in {elapsed:.0f} s", flush=True)

    for name, (child, result, log) in beside.items():
        child.wait()
        log.seek(0)
        text = log.read().decode(errors="replace")
        log.close()
        block = text[text.find(f"== {name}"):] if f"== {name}" in text else text
        print("\n" + block.split("\n\n  ")[0].rstrip(), flush=True)
        try:
            with open(result) as f:
                results.extend(tuple(r) for r in json.load(f))
        except (OSError, ValueError):
            results.append((name, "FAIL", f"{name}, run beside the others", f"it reported no result (exit "
                            f"{child.returncode}):\n{text[-2000:]}", 0.0))
        shutil.rmtree(os.path.dirname(result), ignore_errors=True)

    if args.json_result:
        with open(args.json_result, "w") as f:
            json.dump(results, f)
    passed = sum(r[1] == "PASS" for r in results)
    failed = sum(r[1] == "FAIL" for r in results)
    skipped = sum(r[1] == "SKIP" for r in results)
    print()
    for name, status, _, _, elapsed in results:
        print(f"  {status}  {name:12} {elapsed:6.0f} s")
    if args.write_doc or (not args.short and not args.only and not args.runs):
        write_doc(results, mode, seed, binaries)
    known = [r[0] for r in results if r[1] == "KNOWN"]
    if known:
        print(f"known failures, reported and not counted: {', '.join(known)}")
    print(f"reliability: {passed} passed, {failed} failed, {skipped} skipped")
    sys.exit(1 if failed else 0)


def write_doc(results, mode, seed, binaries):
    path = os.path.join(ROOT, "docs", "RELIABILITY.md")
    begin, end = "<!-- reliability:begin -->", "<!-- reliability:end -->"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    build = os.path.relpath(binaries.directory, ROOT)
    def cell(text):
        return text.replace("|", "\\|").replace("\n", "<br>")

    rows = "\n".join(f"| {name} | {status} | {cell(tried)} | {cell(survived)} | {elapsed:.0f} s |"
                     for name, status, tried, survived, elapsed in results)
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "RELIABILITY.template.md")) as f:
        template = f.read()
    block = begin + "\n" + template.format(
        date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), mode=mode, seed=seed,
        build=build, machine=machine(), rows=rows) + end
    # Only the block between the markers is rewritten; the analysis around it is kept.
    text = open(path).read() if os.path.exists(path) else f"# Reliability\n\n{begin}\n{end}\n"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text += "\n" + block + "\n"
    with open(path, "w") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
