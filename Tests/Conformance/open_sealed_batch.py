#!/usr/bin/env python3
"""Opens a kiosk-batch/2 batch with headquarters' opening key, independently of the kiosk:
Python's tarfile, the `cryptography` package for the PEM key and pyhpke for HPKE (RFC 9180),
following only the layout the README documents ("Sealed records").

    open_sealed_batch.py BATCH.tar OPENING.key.pem

Prints the records (the records.jsonl lines) to stdout. Exits 1 with a reason on stderr if the
manifest does not name this key's fingerprint, a chunk does not open, or the framing is wrong.
Used by Tests/KioskSealTests/IndependentOpenerTests.swift.
"""

import hashlib
import json
import struct
import sys
import tarfile

try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from pyhpke import AEADId, CipherSuite, KDFId, KEMId
except ImportError:
    sys.exit("pyhpke is not installed: python3 -m pip install -r Tests/Conformance/requirements.txt")

SUITE = CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.CHACHA20_POLY1305)
MAX_CHUNK = 65536
TAG = 16


def fail(message):
    sys.exit(f"open_sealed_batch.py: {message}")


def main():
    batch_path, key_path = sys.argv[1], sys.argv[2]
    with tarfile.open(batch_path, "r:") as tar:
        names = tar.getnames()
        if names != ["manifest.json", "records.sealed", "manifest.sig"]:
            fail(f"entries are {names}")
        manifest_bytes = tar.extractfile("manifest.json").read()
        sealed = tar.extractfile("records.sealed").read()
    manifest = json.loads(manifest_bytes)
    if manifest["format"] != "kiosk-batch/2":
        fail(f"format is {manifest['format']}")
    if hashlib.sha256(sealed).hexdigest() != manifest["records_sha256"]:
        fail("records_sha256 does not match records.sealed")

    with open(key_path, "rb") as handle:
        private = serialization.load_pem_private_key(handle.read(), password=None)
    if not isinstance(private, X25519PrivateKey):
        fail("the opening key is not an X25519 key")
    public_der = private.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if hashlib.sha256(public_der).hexdigest() != manifest["sealing_key_fingerprint"]:
        fail("the batch was sealed to another key")
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())

    info = b"kiosk-batch/2\x00" + manifest["center"].encode() + b"\x00" + str(manifest["sequence"]).encode()
    enc, offset = sealed[:32], 32
    context = SUITE.create_recipient_context(enc, SUITE.kem.deserialize_private_key(raw), info=info)
    out = sys.stdout.buffer
    chunks = 0
    while offset < len(sealed):
        if offset + 4 > len(sealed):
            fail("a cut length prefix")
        (length,) = struct.unpack(">I", sealed[offset:offset + 4])
        if not TAG <= length <= MAX_CHUNK + TAG or offset + 4 + length > len(sealed):
            fail(f"chunk {chunks + 1} declares {length} bytes")
        ciphertext = sealed[offset:offset + 4 + length][4:]
        # The chunk that ends the entry is the last one: its AAD is 0x01, every other chunk's 0x00.
        last = offset + 4 + length == len(sealed)
        try:
            out.write(context.open(ciphertext, aad=b"\x01" if last else b"\x00"))
        except Exception:
            fail(f"chunk {chunks + 1} does not open (another key, or changed bytes)")
        chunks += 1
        offset += 4 + length
    if chunks == 0:
        fail("no chunk after the encapsulated key")

if __name__ == "__main__":
    main()
