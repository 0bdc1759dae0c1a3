"""Rewriting a benchmark's block of docs/PERFORMANCE.md between its markers, keeping the rest."""

import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PATH = os.path.join(ROOT, "docs", "PERFORMANCE.md")


def replace_block(begin, end, body, missing):
    """Puts `begin`, `body`, `end` in place of the old block; `missing(text, block)` places it
    in a file that has none yet. Returns the path written."""
    block = f"{begin}\n{body}\n{end}"
    text = open(PATH).read() if os.path.exists(PATH) else "# Performance\n"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = missing(text, block)
    os.makedirs(os.path.dirname(PATH), exist_ok=True)
    with open(PATH, "w") as f:
        f.write(text)
    print(f"wrote {os.path.relpath(PATH, ROOT)}")
    return PATH
