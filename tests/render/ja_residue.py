"""Find English prose left in a Japanese report: the check behind the Japanese edition's
"nothing left untranslated" test, also usable by hand:

    python tests/render/ja_residue.py output/runs/<id>/report.html

A residue is two or more consecutive English words in visible text (SVG titles and
descriptions included) outside <code>, after removing the names that stay English in Japanese
writing too (product and service names, listed in each catalog module's KEEP_ENGLISH).
Identifiers (repository names, AWS enum values, file paths) never match: their words are joined
by '/', '-', '_' or ':' rather than spaces.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser

_SKIP = {"code", "style", "script"}
_WORD = r"[A-Za-z][A-Za-z']*"
#: Two or more words separated only by spaces or commas, neither side glued to an identifier.
PROSE = re.compile(rf"(?<![\w/.:@-]){_WORD}(?:[ ,]+{_WORD})+(?![\w/:@-])")


def keep_english() -> tuple[str, ...]:
    from i18n_support import KEEP_ENGLISH

    return tuple(sorted(KEEP_ENGLISH, key=len, reverse=True))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.section = "(front)"
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        if tag == "section":
            self.section = dict(attrs).get("id") or self.section

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.found.append((self.section, " ".join(data.split())))


def english_residue(html: str) -> list[tuple[str, str]]:
    """(section id, text) for every visible text with English prose left in it."""
    parser = _Text()
    parser.feed(html)
    keep = keep_english()
    residue, seen = [], set()
    for section, text in parser.found:
        stripped = text
        for name in keep:
            stripped = stripped.replace(name, " ")
        if PROSE.search(stripped) and (section, text) not in seen:
            seen.add((section, text))
            residue.append((section, text))
    return residue


if __name__ == "__main__":
    for section, text in english_residue(open(sys.argv[1], encoding="utf-8").read()):
        print(f"[{section}] {text}")
