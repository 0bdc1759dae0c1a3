"""Hostile traffic against a real `kiosk-hq` on loopback (issue 18), bounded in count and time.

One center listing another's references, an unsigned manifest that is not even JSON, an 18-byte
PUT to an accepted sequence, and slow bodies: connections that trickle bytes past the body
deadline, more uploads at once than a center may have. Each must be refused as the product
promises while the real centers keep uploading and `/health` keeps answering.
"""

import http.client
import io
import os
import socket
import tarfile
import time

from kiosklib import HQ, Failure, Kiosk, center_public_key, insert_approved, remove, scratch


def put(url, center, sequence, body, timeout=60):
    host, port = url.split("://", 1)[1].rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("PUT", f"/v1/centers/{center}/batches/{sequence}", body=body,
                           headers={"Content-Type": "application/x-tar"})
        answer = connection.getresponse()
        return answer.status, answer.read().decode(errors="replace"), dict(answer.getheaders())
    finally:
        connection.close()


def health(url):
    host, port = url.split("://", 1)[1].rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", "/health")
        return connection.getresponse().status
    finally:
        connection.close()


def trickle(url, length):
    """A connection that sends the head of a PUT declaring `length` bytes and then one byte."""
    host, port = url.split("://", 1)[1].rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall((f"PUT /v1/centers/DEMO01/batches/9 HTTP/1.1\r\nHost: {host}\r\n"
                  f"Content-Type: application/x-tar\r\nContent-Length: {length}\r\n\r\n").encode() + b"\0")
    return sock


def closed_by_server(sock):
    sock.settimeout(0.05)
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                return True
    except (socket.timeout, BlockingIOError):
        return False
    except OSError:
        return True


def replaced_manifest(tar_path, manifest, signature):
    """The batch at `tar_path` with other manifest bytes and signature, headers otherwise as written."""
    output = io.BytesIO()
    with tarfile.open(tar_path) as source, tarfile.open(fileobj=output, mode="w", format=tarfile.USTAR_FORMAT) as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                data = manifest
            elif member.name == "manifest.sig":
                data = signature
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return output.getvalue()


def hostile(ctx, runs):
    """Against a real kiosk-hq on loopback: DEMO01 uploads a batch of CENB's references, then CENB
    its own; an unsigned, non-JSON 8 MB manifest; an 18-byte PUT to an accepted sequence; doubled
    and invalid Content-Length; `runs`
    rounds of three connections trickling bytes with a 2 s body deadline and 2 uploads per center."""
    if not ctx.binaries.has_hq():
        raise Failure("kiosk-hq is not built")
    work = scratch("hostile")
    hq = None
    try:
        demo = Kiosk(ctx.binaries, os.path.join(work, "demo"))
        demo.init()
        other = Kiosk(ctx.binaries, os.path.join(work, "cenb"))
        other.init()
        other.set_config(center="CENB")
        hq = HQ(ctx.binaries, os.path.join(work, "hq"),
                extra=["--body-timeout", "2", "--max-uploads-per-center", "2"])
        demo_key = center_public_key(demo, os.path.join(work, "demo.pub.pem"))
        other_key = center_public_key(other, os.path.join(work, "cenb.pub.pem"))
        if open(demo_key).read() == open(other_key).read():
            raise Failure("the two kiosks share a key; the scenario needs two centers")
        hq.setup([("DEMO01", demo_key), ("CENB", other_key)])
        for kiosk in (demo, other):
            kiosk.use_sealing_key(os.path.join(hq.data, "keys", "sealing.pub.pem"),
                                  os.path.join(hq.data, "keys", "opening.key.pem"))
        url = hq.start()
        upload = ("upload", "--hq", url, "--hq-key", hq.public_key, "--attempts", "1")

        # DEMO01 signs a batch listing CENB's (predictable) references: refused, CENB unharmed.
        insert_approved(demo, "CENB", 1, 3)
        code, out, err = demo.run(*upload)
        if code != 1 or "belongs to center CENB" not in err:
            raise Failure(f"DEMO01's batch of CENB references: kiosk upload exited {code}: {err.strip()[-400:]}")
        insert_approved(other, "CENB", 1, 3)
        code, out, err = other.run(*upload)
        if code != 0:
            raise Failure(f"CENB's own batch 1 after DEMO01's forgery: kiosk upload exited {code}: {err.strip()}")
        if hq.run("centers", "list")[1].count("CENB") != 1:
            raise Failure("kiosk-hq centers list does not show CENB once")

        # An unsigned manifest that is not JSON: refused for its signature, never parsed.
        outbox = os.path.join(other.data, "sent")
        sent = [os.path.join(outbox, n) for n in os.listdir(outbox) if n.endswith(".tar")]
        if not sent:
            raise Failure("CENB's delivered batch is not in sent/")
        forged = replaced_manifest(sent[0], b"[" * (8 << 20), b"\0" * 64)
        status, body, _ = put(url, "CENB", 2, forged)
        if status != 422 or "manifest.sig does not verify" not in body:
            raise Failure(f"an unsigned 8 MB non-JSON manifest got {status}: {body[:300]}")

        # 18 bytes to an accepted sequence: a plain refusal, no alarm, no stored digest.
        status, body, _ = put(url, "CENB", 1, b"A" * 18)
        if status == 409 or not 400 <= status < 500 or "conflict" in body:
            raise Failure(f"18 bytes PUT to accepted CENB batch 1 got {status}: {body[:300]}")
        if b"ALARM" in bytes(hq.process.err):
            raise Failure("an unauthenticated PUT raised an ALARM: " + hq.process.err[-300:].decode(errors="replace"))

        # A doubled, negative or non-numeric Content-Length: 400 from the HTTP parser, nothing stored.
        host, port = url.split("://", 1)[1].rsplit(":", 1)
        for lengths in (("10", "20"), ("-5",), ("1x",)):
            sock = socket.create_connection((host, int(port)), timeout=10)
            head = "".join(f"Content-Length: {n}\r\n" for n in lengths)
            sock.sendall(f"PUT /v1/centers/CENB/batches/2 HTTP/1.1\r\nHost: {host}\r\n{head}\r\n".encode()
                         + b"0" * 10)
            try:
                answer = sock.recv(200)
            except OSError as error:
                answer = str(error).encode()
            sock.close()
            if not answer.startswith(b"HTTP/1.1 400"):
                raise Failure(f"Content-Length {' and '.join(lengths)} got {answer[:80]!r}, not 400")

        # Slow bodies: cut off at the deadline, a third at once refused with 503, health answers.
        incoming = os.path.join(hq.data, "incoming")
        for _ in range(runs):
            held = [trickle(url, 100_000) for _ in range(2)]
            time.sleep(0.3)
            status, body, headers = put(url, "DEMO01", 9, b"\0" * 1024)
            if status != 503 or "Retry-After" not in headers:
                raise Failure(f"a third upload of DEMO01 at once got {status} {headers}: {body[:200]}")
            if health(url) != 200:
                raise Failure("/health did not answer 200 while slow bodies were held")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                for sock in held:
                    try:
                        sock.sendall(b"\0")
                    except OSError:
                        pass
                if all(closed_by_server(sock) for sock in held):
                    break
                time.sleep(0.2)
            else:
                raise Failure("connections trickling bytes were still open 30 s after a 2 s body deadline")
            for sock in held:
                sock.close()
            deadline = time.monotonic() + 10
            while os.listdir(incoming) and time.monotonic() < deadline:
                time.sleep(0.1)
            if os.listdir(incoming):
                raise Failure(f"files of cut-off uploads left in incoming/: {os.listdir(incoming)}")
        hq.stop()  # after all that, it still stops cleanly (exit 0 on SIGTERM)
        return (f"a forged batch of another center's references, an unsigned 8 MB manifest, an 18-byte PUT, "
                f"{runs} rounds of 2 trickling connections and a third upload"), (
                "refused (400, 422, 4xx without alarm, 503 with Retry-After), cut off at the deadline with "
                "incoming/ empty; CENB's own batch accepted; /health answered")
    finally:
        if hq:
            hq.stop(check=False)
        remove(work)
