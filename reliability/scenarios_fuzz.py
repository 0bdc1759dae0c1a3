"""Coverage-guided fuzzing (libFuzzer, swiftc -sanitize=fuzzer,address) of the parsers that face
untrusted input: the line reader, the validators and form flow, the form-definition loader, the
batch archive and manifest readers and the intake checks that kiosk-hq runs on every upload, the
receipt parser that kiosk upload runs on headquarters' answers, and the config.json decoder.
Each harness asserts a property (a round trip, or that nothing but the seed's signed bytes
verifies), so a wrong answer fails the run as a crash does."""

import os
import re
import shutil
import subprocess

from kiosklib import ROOT, Failure, Skip, remove, scratch

FUZZ = os.path.join(ROOT, "Fuzz")
# target: max input length (bytes)
TARGETS = {
    "line_reader": 8192,
    "validators": 4096,
    "form_loader": 65536,
    "batch_archive": 65536,
    "batch_manifest": 8192,
    "receipt": 8192,
    "config_decoder": 8192,
    "intake": 65536,
}
STATS = re.compile(r"#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)")


def build(out):
    if not shutil.which("swiftc"):
        raise Skip("swiftc is not on PATH: the fuzzers are built with swiftc -sanitize=fuzzer,address")
    done = subprocess.run([os.path.join(FUZZ, "build.sh"), out], capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise Failure(f"Fuzz/build.sh failed:\n{done.stderr[-3000:]}")


def fuzz(ctx, seconds):
    """libFuzzer on each harness in Fuzz/harnesses, starting from the checked-in corpus."""
    out = os.path.join(FUZZ, ".build")
    build(out)
    work = scratch("fuzz")
    lines = []
    try:
        for target, max_len in TARGETS.items():
            corpus = os.path.join(FUZZ, "corpus", target)
            found = os.path.join(work, target)
            artifacts = os.path.join(work, f"{target}-artifacts") + "/"
            os.makedirs(found)
            os.makedirs(artifacts)
            args = [os.path.join(out, f"fuzz-{target}"), found, corpus, f"-max_total_time={seconds}",
                    f"-max_len={max_len}", "-timeout=10", "-rss_limit_mb=1024", "-malloc_limit_mb=512",
                    f"-artifact_prefix={artifacts}", f"-seed={ctx.random.randrange(1, 2**31)}", "-print_final_stats=1"]
            done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 300)
            log = done.stderr
            runs = re.findall(r"stat::number_of_executed_units:\s+(\d+)", log)
            rss = re.findall(r"stat::peak_rss_mb:\s+(\d+)", log)
            stats = STATS.findall(log)
            crashes = os.listdir(artifacts)
            if done.returncode != 0 or crashes:
                kept = os.path.join(ROOT, "reliability", "artifacts", target)
                os.makedirs(kept, exist_ok=True)
                for name in crashes:
                    shutil.copy(os.path.join(artifacts, name), kept)
                summary = next((line for line in log.splitlines() if "ERROR" in line or "Fatal error" in line
                                or "deadly signal" in line or "SUMMARY" in line), log.strip().splitlines()[-1:])
                raise Failure(f"fuzz-{target} failed (exit {done.returncode}): {summary}\n"
                              f"inputs kept in reliability/artifacts/{target}: {crashes}; reproduce with "
                              f"Fuzz/.build/fuzz-{target} reliability/artifacts/{target}/<file>\n{log[-2500:]}")
            if not ctx.short:
                # Keep what the run found: merge the new inputs into the checked-in corpus, minimised.
                merged = subprocess.run([args[0], "-merge=1", f"-max_len={max_len}", corpus, found],
                                        capture_output=True, text=True, timeout=600)
                if merged.returncode != 0:
                    raise Failure(f"fuzz-{target} -merge=1 into Fuzz/corpus/{target} failed "
                                  f"(exit {merged.returncode}):\n{merged.stderr[-1500:]}")
            cov, ft, corp = (stats[-1][1], stats[-1][2], stats[-1][3]) if stats else ("?", "?", "?")
            lines.append(f"{target}: {int(runs[0]) if runs else 0:,} inputs, coverage {cov} edges / {ft} features, "
                         f"corpus {corp}, peak RSS {rss[0] if rss else '?'} MB")
        return (f"{len(TARGETS)} libFuzzer harnesses (Fuzz/harnesses, built by Fuzz/build.sh with "
                f"-sanitize=fuzzer,address) for {seconds} s each from the checked-in corpus; limits: 10 s per input, "
                f"1 GiB RSS, 512 MiB per allocation",
                "no property broken, no crash, no hang, no sanitizer report, memory within the limits:\n" + "\n".join(lines))
    finally:
        remove(work)
