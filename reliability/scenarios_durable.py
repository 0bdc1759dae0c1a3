"""Durable before reported: under strace, what the programs say comes after the sync that makes it true.

A kill -9 cannot show this (the page cache survives a killed process); the order of the system
calls can. `strace -f -y` records every write and sync of the real programs with the path of
each descriptor, and the checks below read that order:

- `kiosk attend`: each reference number is written to the terminal only after the last write
  to `kiosk.sqlite-wal` before it was followed by an fdatasync/fsync of `kiosk.sqlite-wal`;
- `kiosk-hq serve`: each `201 Created` (with its signed receipt) goes out only after the same
  holds for `hq.sqlite-wal`, and after the batch's folder was synced;
- `kiosk batch create`: the sealed batch is synced under its hidden name (file, then outbox/)
  before the database commit that deletes its applications' answers, and renamed into place
  only after that commit was synced: at no moment is an application in neither place.
"""

import os
import re
import shutil
import subprocess

from kiosklib import (APPLICATION, Failure, Kiosk, Skip, insert_approved, kiosk_with_hq, remove, scratch,
                      sqlite)

SYNCS = ("fsync", "fdatasync")
WRITES = ("write", "pwrite64", "writev", "pwritev", "pwritev2", "sendmsg", "sendto")
# `1234 fdatasync(5</tmp/x/kiosk.sqlite-wal>) = 0`, `1234 write(1<pipe:[9]>, "..."..., 80) = 80`
CALL = re.compile(r"^(\d+)\s+(\w+)\((\d+)<([^>]*)>(.*)$")
RESUMED = re.compile(r"^(\d+)\s+<\.\.\. (\w+) resumed>(.*)$")
RESULT = re.compile(r"\)\s+=\s+(-?\d+)")
# `1234 rename("/d/outbox/.X.tar.sealed", "/d/outbox/X.tar") = 0` (or renameat/renameat2 with dirfds)
RENAME = re.compile(r'^(\d+)\s+rename(?:at2?)?\((?:-?\d+(?:<[^>]*>)?, )?"([^"]+)", (?:-?\d+(?:<[^>]*>)?, )?"([^"]+)"'
                    r'.*\)\s+=\s+0')
RENAMES = ("rename", "renameat", "renameat2")


def strace_binary():
    path = shutil.which("strace")
    if path:
        return path
    message = "strace is not installed (Debian's `strace`; .ci/run installs it)"
    if os.environ.get("CI"):
        raise Failure(message)
    raise Skip(message)


class Event:
    def __init__(self, pid, call, fd, path, text):
        self.pid, self.call, self.fd, self.path, self.text = pid, call, int(fd), path, text


def events(trace_path):
    """The completed write and sync calls in the order they returned, with each descriptor's path."""
    pending = {}
    done = []
    with open(trace_path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            renamed = RENAME.match(line)
            if renamed:
                pid, source, destination = renamed.groups()
                done.append(Event(pid, "rename", -1, destination, source))
                continue
            call = CALL.match(line)
            if call:
                pid, name, fd, path, rest = call.groups()
                if name not in SYNCS + WRITES:
                    continue
                if rest.endswith("<unfinished ...>"):
                    pending[pid] = Event(pid, name, fd, path, rest)
                    continue
                result = RESULT.search(rest)
                if result and int(result.group(1)) >= 0:
                    done.append(Event(pid, name, fd, path, rest))
                continue
            resumed = RESUMED.match(line)
            if resumed and resumed.group(1) in pending:
                event = pending.pop(resumed.group(1))
                result = RESULT.search(resumed.group(3))
                if result and int(result.group(1)) >= 0:
                    event.text += resumed.group(3)
                    done.append(event)
    return done


def check_synced_before(trace, index, suffix, what):
    """The last write to a file ending in `suffix` before trace[index] is followed by a sync of it before trace[index]."""
    last_write = last_sync = None
    for position, event in enumerate(trace[:index]):
        if not event.path.endswith(suffix):
            continue
        if event.call in WRITES:
            last_write = position
        elif event.call in SYNCS:
            last_sync = position
    if last_write is None:
        raise Failure(f"{what}: no write to *{suffix} came before it; the trace does not show the commit")
    if last_sync is None or last_sync < last_write:
        raise Failure(f"{what} was written before the commit was synced: the last write to *{suffix} "
                      f"(call {last_write}) has no fsync/fdatasync of it before the answer (call {index})")
    return index - last_sync


def attend(ctx, runs):
    """`kiosk attend` under strace: each reference is written to the terminal after the WAL that holds it is synced."""
    strace = strace_binary()
    work = scratch("durable-attend")
    try:
        kiosk = Kiosk(ctx.binaries, os.path.join(work, "data"))
        kiosk.init()
        apps = max(2, min(runs, 5))
        surnames = [f"Durable{chr(ord('a') + i)}" for i in range(apps)]
        lines = []
        for surname in surnames:
            application = list(APPLICATION)
            application[1] = surname
            lines += application
        trace_path = os.path.join(work, "attend.strace")
        done = subprocess.run([strace, "-f", "-y", "-s", "8192", "-e", "trace=" + ",".join(SYNCS + WRITES),
                               "-o", trace_path, *kiosk.args("attend")],
                              input=("\n".join(lines) + "\n").encode(), capture_output=True, env=kiosk.env,
                              timeout=300)
        printed = re.findall(rb"DEMO01-\d{4}-\d{6}-[0-9A-Z]", done.stdout)
        if done.returncode != 0 or len(printed) != apps:
            raise Failure(f"`kiosk attend` under strace printed {len(printed)} of {apps} references "
                          f"(exit {done.returncode}): {done.stderr.decode(errors='replace')[-300:]!r}")
        trace = events(trace_path)
        checked = 0
        for reference in (r.decode() for r in printed):
            shown = [i for i, e in enumerate(trace) if e.fd == 1 and e.call in WRITES and reference in e.text]
            if not shown:
                raise Failure(f"the trace has no write of {reference} to standard output")
            check_synced_before(trace, shown[0], "kiosk.sqlite-wal", f"reference {reference}")
            checked += 1
        stored = sqlite(kiosk.database, "SELECT COUNT(*) FROM application;", readonly=True)
        if int(stored) != apps:
            raise Failure(f"{stored} applications stored for {apps} printed references")
        return (f"{apps} applications typed through a pipe into `kiosk attend` under `strace -f -y`",
                f"each of the {checked} references was written to standard output after an fdatasync/fsync "
                f"of kiosk.sqlite-wal that followed the last write to it")
    finally:
        remove(work)


def seal(ctx, runs):
    """`kiosk batch create` under strace: sealed file synced, then the commit, then the rename."""
    strace = strace_binary()
    work = scratch("durable-seal")
    try:
        kiosk = Kiosk(ctx.binaries, os.path.join(work, "data"))
        kiosk.init()
        center = kiosk.config()["center"]
        batches = max(2, min(runs, 4))
        insert_approved(kiosk, center, 1, 20 * batches)
        outbox = os.path.realpath(os.path.join(kiosk.data, "outbox"))
        for sequence in range(1, batches + 1):
            trace_path = os.path.join(work, f"seal-{sequence}.strace")
            calls = ",".join(SYNCS + WRITES + RENAMES)
            done = subprocess.run([strace, "-f", "-y", "-s", "64", "-e", "trace=" + calls, "-o", trace_path,
                                   *kiosk.args("batch", "create", "--limit", "20")],
                                  capture_output=True, env=kiosk.env, timeout=300)
            if done.returncode != 0 or b"created" not in done.stdout:
                raise Failure(f"`kiosk batch create` under strace exited {done.returncode}: "
                              f"{done.stderr.decode(errors='replace')[-300:]!r}")
            name = f"{center}-{sequence:08d}.tar"
            hidden, final = os.path.join(outbox, f".{name}.sealed"), os.path.join(outbox, name)
            trace = events(trace_path)
            renames = [i for i, e in enumerate(trace) if e.call == "rename" and e.text == hidden and e.path == final]
            if len(renames) != 1:
                raise Failure(f"batch {sequence}: the trace shows {len(renames)} renames of .{name}.sealed to {name}")
            rename = renames[0]
            writes = [i for i, e in enumerate(trace[:rename]) if e.path == hidden and e.call in WRITES]
            file_sync = [i for i, e in enumerate(trace[:rename]) if e.path == hidden and e.call in SYNCS]
            if not writes or not file_sync or file_sync[-1] < writes[-1]:
                raise Failure(f"batch {sequence}: the sealed file is not synced after its last write")
            folder_sync = [i for i, e in enumerate(trace[:rename])
                           if i > file_sync[-1] and e.path == outbox and e.call in SYNCS]
            if not folder_sync:
                raise Failure(f"batch {sequence}: outbox/ is not synced after the sealed file, before the commit")
            wal = [i for i, e in enumerate(trace[:rename]) if e.path.endswith("kiosk.sqlite-wal") and e.call in WRITES]
            if not wal or wal[-1] < folder_sync[0]:
                raise Failure(f"batch {sequence}: the commit was written to kiosk.sqlite-wal before the sealed file "
                              f"and outbox/ were synced")
            check_synced_before(trace, rename, "kiosk.sqlite-wal", f"batch {sequence}'s rename into place")
        clear = sqlite(kiosk.database, "SELECT COUNT(*) FROM application WHERE answers IS NOT NULL;", readonly=True)
        if clear != "0":
            raise Failure(f"{clear} sealed applications still hold their answers")
        return (f"{batches} batches sealed by `kiosk batch create` under `strace -f -y`",
                f"each sealed file was synced under its hidden name, then outbox/, before the commit that deleted "
                f"its answers was written to kiosk.sqlite-wal; and renamed into place only after that commit "
                f"was synced")
    finally:
        remove(work)


def hq(ctx, runs):
    """`kiosk-hq serve` under strace: each 201 and its receipt go out after the WAL and the batch folder are synced."""
    strace = strace_binary()
    if not ctx.binaries.has_hq():
        raise Skip(f"{ctx.binaries.hq} is not built")
    work = scratch("durable-hq")
    server = None
    try:
        kiosk, server, center = kiosk_with_hq(ctx.binaries, work)
        trace_path = os.path.join(work, "hq.strace")
        server.start(wrapper=[strace, "-f", "-y", "-s", "64", "-e", "trace=" + ",".join(SYNCS + WRITES),
                              "-o", trace_path])
        batches = max(2, min(runs, 4))
        insert_approved(kiosk, center, 1, 10 * batches)
        code, out, err = kiosk.run("upload", "--hq", server.url, "--hq-key", server.public_key, "--limit", "10",
                                   "--attempts", "3", "--backoff", "0.05", "--read-timeout", "60")
        if code != 0:
            raise Failure(f"`kiosk upload` to kiosk-hq under strace exited {code}: {(err or out).strip()[-400:]}")
        server.stop()
        server = None
        trace = events(trace_path)
        answers = [i for i, e in enumerate(trace) if e.call in WRITES and "HTTP/1.1 201" in e.text]
        if len(answers) != batches:
            raise Failure(f"the trace shows {len(answers)} answers `201 Created` for {batches} batches uploaded")
        folder = os.path.join(os.path.realpath(os.path.join(work, "hq")), "batches", center)
        for answer in answers:
            check_synced_before(trace, answer, "hq.sqlite-wal", "a 201 Created")
            synced = [i for i, e in enumerate(trace[:answer]) if e.call in SYNCS and e.path == folder]
            if not synced:
                raise Failure(f"a 201 Created went out before {folder} (where the batch was renamed) was synced")
        return (f"{batches} batches uploaded by `kiosk upload` to `kiosk-hq serve` running under `strace -f -y`",
                f"each of the {len(answers)} answers `201 Created` was written after an fdatasync/fsync of "
                f"hq.sqlite-wal that followed the last write to it, and after a sync of batches/{center}/")
    finally:
        if server:
            server.stop(check=False)
        remove(work)
