"""One key for a person's or a body's name, whatever the script or spelling.

Names in Kyrgyzstan are written in Kyrgyz Cyrillic, Russian Cyrillic and several Latin
spellings: Жээнбеков, Jeenbekov, Zheenbekov and Dzheenbekov are one man. `name_key`
folds them all to one key ("jenbekov"), so the registry can find an existing
respondent however the name was typed, count repeat respondents once, and recuse staff
from the parties they belong to.

Steps: Unicode NFC with invisible characters removed (`clean_text`); Cyrillic to Latin
with the `kyrgyz_transliteration` package (its "english" scheme writes ж as j, ө ү ң as
o u n, as Kyrgyz write Latin in daily life); then a short list of rules of our own that
fold the Latin spelling variants together (no library does this part: it is a
matching key, not a spelling): zh, dzh, dj -> j; kh, x -> h; y -> i; yo after a
consonant -> e (Фёдоров = Федоров = Fyodorov); doubled letters -> one (ээ, ss); an i
between vowels dropped (Торобаев = Torobayev); ng -> n (ң = ng); a word-initial ye -> e
(Ерлан = Yerlan). The words of the name are sorted, so "Sooronbay Jeenbekov" and
"Жээнбеков Сооронбай" share a key. The key is for matching only, never shown.
"""
from __future__ import annotations

import re
import unicodedata

from kyrgyz_transliteration import to_latin

__all__ = ["clean_text", "name_key", "name_words"]

#: Characters nobody types on purpose that make equal-looking names differ: zero-width
#: spaces and joiners, the byte-order mark, soft hyphens, bidirectional controls.
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0x200B, 0x2010)) + list(range(0x202A, 0x202F)) + list(range(0x2060, 0x2070)))


def clean_text(text: str) -> str:
    """`text` in Unicode NFC, without invisible or other format characters; other
    whitespace (tabs, no-break spaces, line breaks) becomes plain spaces."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    return "".join(" " if ch.isspace() else ch for ch in text
                   if ch.isspace() or unicodedata.category(ch) not in ("Cf", "Cc"))


# Letters of neighbouring alphabets a Latin spelling may carry (Turkish, Kazakh, Uzbek).
_LATIN_LETTERS = str.maketrans({"ı": "i", "ş": "sh", "ç": "ch", "ğ": "g", "ñ": "n", "ŋ": "n",
                                "ә": "a", "ғ": "g", "қ": "k", "ұ": "u", "һ": "h", "і": "i"})
# Apostrophes inside a word (transliterated soft and hard signs, o'/g' of Uzbek Latin).
_APOSTROPHES = re.compile("['ʼʻ’`´ʹʺ]")
_WORD = re.compile(r"[a-z0-9]+")
#: (pattern, replacement) applied in order to each lower-case ASCII word.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"dzh|dj|zh", "j"),
    (r"kh|x", "h"),
    (r"q", "k"),
    (r"w", "v"),
    (r"y", "i"),
    (r"^ie", "e"),
    (r"(?<=[bcdfghjklmnprstvz])io", "e"),
    (r"ng", "n"),
    (r"(.)\1+", r"\1"),
    (r"(?<=[aeou])i(?=[aeou])", ""),
    (r"(.)\1+", r"\1"),
))


def name_words(text: str) -> list[str]:
    """The folded words of `text`, in their order (for matching words of free text too)."""
    latin = to_latin(clean_text(text)).translate(_LATIN_LETTERS)
    latin = unicodedata.normalize("NFKD", latin)
    latin = "".join(ch for ch in latin if not unicodedata.combining(ch)).lower()
    latin = _APOSTROPHES.sub("", latin)
    out = []
    for word in _WORD.findall(latin):
        if not any(ch.isdigit() for ch in word):  # numbers (precincts, case numbers) stay as written
            for pattern, replacement in _RULES:
                word = pattern.sub(replacement, word)
        if word:
            out.append(word)
    return out


def name_key(name: str) -> str:
    """The matching key of a person's or a body's name: equal for the Cyrillic and the
    common Latin spellings of one name, in any word order. "" for a name with no letters."""
    return " ".join(sorted(name_words(name)))[:200]
