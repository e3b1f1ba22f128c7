"""Who acts and who approves, as one comparable identity per person.

``--approved-by mallory --approved-by MALLORY`` is one approver, ``--by "bob "`` is bob,
and an all-Cyrillic look-alike of mallory counts as mallory too. Two forms of a name:

- `canonical`: NFKC, case-folded, whitespace stripped and collapsed; what the ledger
  records and what approver lists are matched against (exactly: a look-alike of an
  approver is not that approver).
- `skeleton`: the canonical form with look-alike letters folded to the Latin letter they
  imitate; two names with the same skeleton are treated as one person when counting
  approvals and when refusing self-approval (folding more only ever counts fewer).

Names with control or format characters, or letters of several scripts in one name
(``paypal`` with a Cyrillic a), are refused: they exist to deceive a reviewer.
"""

from __future__ import annotations

import unicodedata

# Cross-script look-alikes of Latin letters and the digits that imitate letters, from
# Unicode's confusables.txt (UTS #39 data, type MA; checked against the 2021-05-29 file
# as vendored in woodgern/confusables@f1d9302, confusables/assets/confusables.txt), e.g.
# "0430 ; 0061 ; MA # CYRILLIC SMALL LETTER A -> LATIN SMALL LETTER A".
# Only the single-character entries onto ASCII letters that Cyrillic and Greek produce;
# names are case-folded after the capitals are mapped.
LOOK_ALIKES: dict[str, str] = {
    # Cyrillic small
    "\u0430": "a", "\u0441": "c", "\u0501": "d", "\u0435": "e", "\u04bb": "h",
    "\u0456": "i", "\u04cf": "i", "\u0458": "j", "\u043e": "o", "\u0440": "p",
    "\u051b": "q", "\u0455": "s", "\u051d": "w", "\u0445": "x", "\u0443": "y",
    # Cyrillic capital
    "\u0410": "A", "\u0412": "B", "\u0421": "C", "\u0415": "E", "\u041d": "H",
    "\u0406": "l", "\u0408": "J", "\u041a": "K", "\u041c": "M", "\u041e": "O",
    "\u0420": "P", "\u0405": "S", "\u0422": "T", "\u0425": "X", "\u04ae": "Y",
    # Greek small
    "\u03b1": "a", "\u03f2": "c", "\u03b9": "i", "\u03bf": "o", "\u03c1": "p",
    "\u03c5": "u", "\u03bd": "v",
    # Greek capital
    "\u0391": "A", "\u0392": "B", "\u0395": "E", "\u0397": "H", "\u0399": "l",
    "\u039a": "K", "\u039c": "M", "\u039d": "N", "\u039f": "O", "\u03a1": "P",
    "\u03a4": "T", "\u03a5": "Y", "\u03a7": "X", "\u0396": "Z",
    # Latin look-alikes and digits
    "\u0251": "a", "\u0261": "g", "0": "o", "1": "l",
}  # fmt: skip

_SCRIPTS_THAT_MIX = frozenset({"CJK", "HIRAGANA", "KATAKANA"})
"""Japanese names mix these legitimately."""


class IdentityError(ValueError):
    """A name that cannot be an identity; the message says why."""


def canonical(name: str) -> str:
    """The identity `name` stands for (NFKC, case-folded, spaces collapsed), or IdentityError."""
    text = unicodedata.normalize("NFKC", name)
    bad = [c for c in text if unicodedata.category(c)[0] == "C"]
    if bad:
        codes = ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(bad))
        raise IdentityError(f"{name!r} contains control or invisible characters ({codes})")
    text = " ".join(text.casefold().split())
    if not text:
        raise IdentityError(f"{name!r} is empty")
    scripts = {_script(c) for c in text if c.isalpha()}
    if len(scripts) > 1 and not scripts <= _SCRIPTS_THAT_MIX:
        raise IdentityError(
            f"{name!r} mixes letters of {', '.join(sorted(scripts))}: a look-alike of "
            "another name; use the name exactly as the forge (GitHub login) spells it"
        )
    return text


def skeleton(name: str) -> str:
    """`name` with look-alikes folded: names with equal skeletons are one person."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(LOOK_ALIKES.get(c, c) for c in text).casefold()
    return " ".join("".join(LOOK_ALIKES.get(c, c) for c in text).split())


def _script(char: str) -> str:
    """The script of a letter, from its Unicode name (LATIN, CYRILLIC, GREEK, CJK…)."""
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]
