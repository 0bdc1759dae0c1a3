"""Reference numbers with their Luhn mod 36 check character, as the kiosk makes them."""

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def reference(center, year, serial):
    body = f"{center}-{year}-{serial:06d}"
    factor, total = 2, 0
    for ch in reversed(body.replace("-", "")):
        addend = factor * ALPHABET.index(ch)
        factor = 1 if factor == 2 else 2
        total += addend // 36 + addend % 36
    return f"{body}-{ALPHABET[(36 - total % 36) % 36]}"
