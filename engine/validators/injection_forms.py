"""The other forms an injected instruction takes: other languages, encodings, invisible characters.

``hidden_forms(text)`` yields ``(start, end, decoded)`` for each part of ``text`` that hides text: a
base64 run or hex-written bytes that decode to readable text, a leetspeak word run, invisible Unicode
tag characters (U+E0000-E007F, which carry ASCII unseen). The caller scans ``decoded`` with its English
patterns and reports the span. ``foreign_override`` finds "ignore the previous instructions" in other
languages: an override verb and an instruction word close together.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from collections.abc import Iterator

_TAGS = re.compile("[\U000e0000-\U000e007f]+")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff]")
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])")
# Bytes written as hex digits: a run ("49676e6f7265"), or pairs with a separator or escape each ("49 67 6e",
# "\\x49\\x67", "%49%67"). Only what decodes to readable text with spaces counts (not hashes, addresses).
_HEX = re.compile(
    r"(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{2}){12,}(?![0-9A-Za-z])|"
    r"(?:(?:\\x|%|0x)[0-9A-Fa-f]{2}[\s,]*){12,}|(?<![0-9A-Za-z])(?:[0-9A-Fa-f]{2}[\s:,-]){11,}[0-9A-Fa-f]{2}(?![0-9A-Za-z])"
)
_HEX_DIGITS = re.compile(r"(?:\\x|%|0x)|[\s:,-]")
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)
# A word mixing letters with the digits and symbols leetspeak uses ("1gn0re", "pr3vious"); plain
# figures ("30 days", "$1,000") are not leetspeak and need no decoding.
_LEET_WORD = re.compile(r"(?i)[a-z][013457@$!]|[013457@$!][a-z]")
_LEET_RUN = re.compile(r"(?<![\w@$!])[\w@$!]*[013457@$!][\w@$!]*(?:\s+[\w@$!]+){1,8}")

# Override verbs, "previous" and instruction nouns in the languages seen in injection corpora. An
# override verb or a "previous" word next to an instruction noun is an override in any of them.
_OVERRIDE = (
    # Portuguese writes "ignore" as English does: it counts before a Portuguese article only.
    r"ignora\w*|ignorez|ignorer|ignorier\w*|ignoreer|ignoruj\w*|ignore\s+(?:as|os|todas|todos)\b|zignoruj\w*|"
    r"olvid\w*|oubli\w*|vergiss\w*|ne\s+(?:tiens|tenez)\s+plus\s+compte|bỏ qua|"
    r"vergeet|negeer|dimentic\w*|esquec\w*|zapomn\w*|zapomeň\w*|abaikan|lupakan|yok\s+say|\bunut\w*|"
    r"αγνόησ\w*|игнорир\w*|забуд\w*|забуть|अनदेखा|忽略|无视|忘记|無視|忘れ|무시|잊어|تجاهل|התעלם"
)
_PREVIOUS_WORD = (
    r"anterior\w*|précédent\w*|vorherig\w*|vorige\w*|eerdere|precedent\w*|poprzedni\w*|předchozí\w*|"
    r"предыдущ\w*|прежн\w*|önceki|sebelumnya|tidigare|tidligere|edellis\w*|προηγούμεν\w*|पिछले|"
    r"之前|以前|先前|前の|이전|السابقة|הקודמות|trước đó"
)
_INSTRUCTION = (
    r"instru\w*|istruz\w*|anweisung\w*|regeln|reglas|règles|regole|regras|richtlijn\w*|инструкц\w*|правил\w*|"
    r"pokyn\w*|polece\w*|talimat\w*|instruksi|ohje\w*|οδηγί\w*|निर्देश\w*|consignes?|hướng dẫn|chỉ dẫn|chỉ thị|"
    r"指令|指示|说明|規則|命令|지시|تعليمات|הוראות"
)
# "System prompt" in other languages: an English answer that names it is echoing an injection.
_SYSTEM_PROMPT = (
    r"prompt\s+(?:du\s+)?système|prompt\s+del\s+sistema|prompt\s+do\s+sistema|systemprompt|system-prompt|"
    r"सिस्टम प्रॉम्प्ट|lời nhắc hệ thống|系统提示|システムプロンプト|시스템\s*프롬프트|"
    r"системн\w+\s+(?:промпт|подсказк\w*)|"
    r"μήνυμα\s+συστήματος|προτροπή\s+συστήματος"
)
_SYSTEM_PROMPT_STEMS = (
    "système", "sistema", "systemprompt", "system-prompt", "सिस्टम", "hệ thống",
    "系统提示", "システムプロンプト", "프롬프트", "системн", "συστήματος",
)  # fmt: skip
# Every override above names an instruction word, so a text without one of these stems (lower-cased)
# holds none: a substring test skips the regex, whose alternations cost ~100 µs on an ordinary answer.
_INSTRUCTION_STEMS = tuple(alt.removesuffix(r"\w*").removesuffix("s?") for alt in _INSTRUCTION.split("|"))
_FOREIGN = re.compile(
    rf"(?i)(?:{_OVERRIDE}).{{0,60}}?(?:{_INSTRUCTION})|(?:{_INSTRUCTION}).{{0,20}}?(?:{_OVERRIDE})|"
    rf"(?:{_PREVIOUS_WORD})\s*(?:\S+\s+){{0,2}}?(?:{_INSTRUCTION})|(?:{_INSTRUCTION})\s*(?:\S+\s+)?(?:{_PREVIOUS_WORD})|"
    rf"{_SYSTEM_PROMPT}"
)
# Letters of other scripts that look like Latin ones (Unicode's confusables for the lower case).
_CONFUSABLES = str.maketrans(
    "аеорсухіјѕԁԛԝһвмнткАВЕКМНОРСТХІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοιντ",
    "aeopcyxijsdqwhbmhtkABEKMHOPCTXIJSABEZHIKMNOPTYXaoivt",
)
_NON_LATIN_LETTER = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\uff01-\uff5e]")
# Letters written one by one with spaces between them ("I g n o r e   p r e v i o u s").
_SPACED = re.compile(r"(?<!\S)\S(?: \S)+(?:\s{2,}\S(?: \S)*){2,}")
_ROT13_TRIGGERS = ("ignore", "disregard", "forget", "instruction", "prompt", "rules", "restrict", "jailbr",
                   "mode", "pretend", "override", "unrestricted", "unfiltered")  # fmt: skip
_WORD_GAP = re.compile(r"\s{2,}")


def _readable(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch.isspace() for ch in text)
    return text if text and printable / len(text) > 0.95 and " " in text else None


def hidden_forms(text: str) -> Iterator[tuple[int, int, str]]:
    """Spans of hidden text and what they say."""
    if _NON_LATIN_LETTER.search(text):
        # Look-alike letters (Cyrillic "о" in "ignоre") and full-width forms (ｉｇｎｏｒｅ).
        folded = unicodedata.normalize("NFKC", text).translate(_CONFUSABLES)
        if folded != text:
            yield 0, len(text), folded
    if "  " in text or " " in text[1:2] + text[3:4]:
        for m in _SPACED.finditer(text):
            yield m.start(), m.end(), " ".join(w.replace(" ", "") for w in _WORD_GAP.split(m.group()))
    # rot13: one translation of the text, scanned further only when it then holds an English trigger word.
    rotated = codecs.encode(text, "rot13")
    low = rotated.lower()
    if any(word in low for word in _ROT13_TRIGGERS):
        yield 0, len(text), rotated
    for m in _TAGS.finditer(text):
        yield m.start(), m.end(), "".join(chr(ord(ch) - 0xE0000) for ch in m.group())
    if _INVISIBLE.search(text):
        cleaned = _INVISIBLE.sub("", text)
        if cleaned != text:
            yield 0, len(text), cleaned
    for m in _BASE64.finditer(text):
        chunk = m.group()
        try:
            raw = base64.b64decode(chunk + "=" * (-len(chunk) % 4), validate=True)
        except (binascii.Error, ValueError):
            continue
        decoded = _readable(raw)
        if decoded is not None:
            yield m.start(), m.end(), decoded
    for m in _HEX.finditer(text):
        try:
            raw = bytes.fromhex(_HEX_DIGITS.sub("", m.group()))
        except ValueError:
            continue
        decoded = _readable(raw)
        if decoded is not None:
            yield m.start(), m.end(), decoded
    if _LEET_WORD.search(text):
        for m in _LEET_RUN.finditer(text):
            yield m.start(), m.end(), m.group().translate(_LEET)  # case kept: "DAN" is not "Dan"


def has_tag_characters(text: str) -> list[tuple[int, int]]:
    """Spans of invisible Unicode tag characters: never in honest text, a known smuggling channel."""
    return [(m.start(), m.end()) for m in _TAGS.finditer(text)]


def foreign_override(text: str) -> list[tuple[int, int]]:
    """Spans where an override verb and an instruction word meet (any of the languages above)."""
    low = text.lower()
    if not any(stem in low for stem in _INSTRUCTION_STEMS + _SYSTEM_PROMPT_STEMS):
        return []
    return [(m.start(), m.end()) for m in _FOREIGN.finditer(text)]
