#!/usr/bin/env python3
"""Prints e-mail addresses with the verdict of the Python `email-validator` package, one JSON
object a line, for the kiosk's conformance test (Tests/KioskAppTests/EmailAddressConformanceTests.swift).

Each line: {"input": the address, "normalized": email-validator's normalized form (domain in
Unicode) if it accepts the address, else null}. It is asked without DNS checks and without
SMTPUTF8 (the kiosk keeps the local part ASCII, as many mail systems still need), in strict
mode (RFC 5321: at most 64 octets before the @). The corpus:
hand-picked cases (Ukrainian and Lithuanian internationalized domains in both forms, the
malformed shapes people and attackers type) and random addresses of Latin, Cyrillic and
Lithuanian letters with a sprinkling of characters that must be refused.
"""

import argparse
import json
import random
import sys

try:
    from email_validator import EmailNotValidError, validate_email
except ImportError:
    sys.exit("email-validator is not installed: python3 -m pip install -r Tests/Conformance/requirements.txt")

LOCALS = [
    "taras", "Taras.Shevchenko", "o'brien", "a+tag", "a_b", "x", "user%x", "a{b}", "a!b", "1234",
    "a..b", ".a", "a.", "тарас", "a b", 'a"b', "a(b)", "", "a" * 64, "a" * 65, "a@b", "a\\b",
]
DOMAINS = [
    "пошта.укр", "ПОШТА.УКР", "xn--80a1acn3a.xn--j1amh", "xn--80a1acny.xn--j1amh", "XN--80A1ACN3A.XN--J1AMH",
    "žemė.lt", "xn--em-9ma32b.lt", "mail.gov.ua", "ukr.net", "gmail.com", "example.c", "x.c0m", "a.b.c.d.ua",
    "київ.укр", "міністерство.оборони.укр", "šiauliai.lt", "ąžuolas.lt",
    "пошта..укр", "пошта.укр.", ".пошта.укр", "-a.ua", "a-.ua", "a_b.ua", "xn--zz.ua", "xn--.ua", "xn--80a1acn3a",
    "1.2.3.4", "[1.2.3.4]", "localhost", "printer.local", "x.test", "x.onion", "пошта", "пош\u200bта.укр",
    "ß.de", "ＡＢＣ.com", "a.укр", "a" * 63 + ".ua", "a" * 64 + ".ua", "e\u0301.com", "münchen.de",
    "MÜNCHEN.DE", "straße.de", "ab--cd.com", "a\u00ad.com", "example.com\u3002ua", "пошта.укр\u200e",
    "a.123", "a.1b", ("b" * 63 + ".") * 3 + "c" * 61 + ".ua", ("b" * 63 + ".") * 4 + "ua",
]
LETTERS = "abcdefghijklmnopqrstuvwxyz" + "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя" + "ąčęėįšųūž" + "0123456789"
ODD = ["-", "-", "_", " ", "!", "\u200b", "'", "ё", "ы", "Ж", "Š"]
TOP_LEVELS = ["ua", "укр", "lt", "com", "net", "org", "xn--j1amh", "рф", "eu"]


def random_label(generator):
    label = "".join(generator.choice(LETTERS) for _ in range(generator.randint(1, 12)))
    if generator.random() < 0.3:
        position = generator.randrange(len(label) + 1)
        label = label[:position] + generator.choice(ODD) + label[position:]
    return label


def random_address(generator):
    local = "".join(generator.choice("abcdefghijklmnopqrstuvwxyz0123456789._+-") for _ in range(generator.randint(1, 10)))
    labels = [random_label(generator) for _ in range(generator.randint(1, 3))]
    return local + "@" + ".".join(labels + [generator.choice(TOP_LEVELS)])


def verdict(address):
    try:
        return validate_email(address, check_deliverability=False, allow_smtputf8=False, strict=True).normalized
    except EmailNotValidError:
        return None


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--random", type=int, default=5000, help="how many random addresses (default %(default)s)")
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    generator = random.Random(arguments.seed)
    addresses = [local + "@" + domain for local in LOCALS for domain in DOMAINS]
    addresses += ["taras@пошта.укр@x.ua", "@пошта.укр", "taras@", "taras"]
    addresses += [random_address(generator) for _ in range(arguments.random)]
    for address in addresses:
        print(json.dumps({"input": address, "normalized": verdict(address)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
