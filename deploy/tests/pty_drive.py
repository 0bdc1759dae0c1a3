#!/usr/bin/env python3
"""Starts TEMPLATE@<pty>.service on a new pseudo-terminal and talks to it as a person would.

    pty_drive.py TEMPLATE EXPECT [SEND EXPECT]... [SEND]

Waits for each EXPECT text (20 s at most), types each SEND as a line, then prints the
unit's state, stops it, and prints "RESULT ok|FAILED UNIT". Used by nspawn-smoke.sh inside
a booted container, where systemd itself opens the terminal (TTYPath=/dev/pts/N).
"""
import os
import select
import subprocess
import sys
import time

template, steps = sys.argv[1], sys.argv[2:]
master, slave = os.openpty()
instance = os.ttyname(slave)[len("/dev/"):].replace("/", "-")  # pts/3 -> pts-3, %I gives pts/3 back
unit = f"{template}@{instance}.service"
os.close(slave)
print("unit", unit, flush=True)
subprocess.run(["systemctl", "start", unit], check=True)
seen = b""


def expect(text, timeout=20.0):
    global seen
    needle = text.encode()
    deadline = time.time() + timeout
    while needle not in seen:
        left = deadline - time.time()
        if left <= 0:
            print("TIMEOUT waiting for", repr(text), "screen ends with", repr(seen[-600:]), flush=True)
            return False
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                time.sleep(0.2)
    print("saw", repr(text), flush=True)
    seen = seen[seen.index(needle) + len(needle):]
    return True


ok = True
for index, step in enumerate(steps):
    if index % 2 == 0:
        ok = expect(step)
        if not ok:
            break
    else:
        os.write(master, (step + "\n").encode())
state = subprocess.run(
    ["systemctl", "show", "-p", "ActiveState", "-p", "SubState", "-p", "NRestarts", unit],
    capture_output=True, text=True).stdout
print(" ".join(state.split()), flush=True)
ok = ok and "ActiveState=active" in state and "NRestarts=0" in state
subprocess.run(["systemctl", "stop", unit])
print("RESULT", "ok" if ok else "FAILED", unit, flush=True)
