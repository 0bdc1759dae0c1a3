#!/usr/bin/env python3
"""Prints phone numbers with libphonenumber's verdict, one JSON object a line, for the
kiosk's conformance test (Tests/KioskAppTests/PhoneNumberConformanceTests.swift).

Each line: {"input": what an applicant types, "region": the country it was made for,
"mobile": the E.164 form if libphonenumber (the Python port `phonenumbers`) says the number
is a valid mobile of that country, else null}. The numbers are random national numbers of
Ukraine and Lithuania (most of them landlines, service ranges or unassigned), written the
ways people type them: +CC with or without spaces, and with the trunk prefix.
"""

import argparse
import json
import random
import sys

try:
    import phonenumbers
    from phonenumbers import PhoneNumberType
except ImportError:
    sys.exit("phonenumbers is not installed: python3 -m pip install -r Tests/Conformance/requirements.txt")

MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
# region: (calling code, national length, trunk prefixes people type)
COUNTRIES = {"UA": ("380", 9, ["0"]), "LT": ("370", 8, ["8", "0"])}


def spaced(digits):
    """Groups of two and three digits, as numbers are printed on cards."""
    groups, rest = [], digits
    while len(rest) > 4:
        groups.append(rest[:3] if len(groups) == 0 else rest[:2])
        rest = rest[len(groups[-1]):]
    return " ".join(groups + [rest])


def verdict(text, region):
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.region_code_for_number(number) != region:
        return None
    if not phonenumbers.is_valid_number(number) or phonenumbers.number_type(number) not in MOBILE_TYPES:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=2026)
    arguments = parser.parse_args()
    generator = random.Random(arguments.seed)
    regions = sorted(COUNTRIES)
    for index in range(arguments.count):
        region = regions[index % len(regions)]
        calling_code, length, trunks = COUNTRIES[region]
        national = str(generator.randint(1, 9)) + "".join(generator.choice("0123456789") for _ in range(length - 1))
        form = generator.randrange(4)
        if form == 0:
            text = "+" + calling_code + national
        elif form == 1:
            text = "+" + calling_code + " " + spaced(national)
        elif form == 2:
            text = generator.choice(trunks) + national
        else:
            text = generator.choice(trunks) + " " + spaced(national)
        print(json.dumps({"input": text, "region": region, "mobile": verdict(text, region)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
