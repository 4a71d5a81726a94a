# ruff: noqa: E501 - generated formats read best on one line
"""Synthetic sensitive values in the formats of public projects' test data, generated with their checksums.

Nothing here is copied from a list: every value is drawn from a seeded ``random.Random`` and then made
valid by the format's own rule (Luhn, ISO 13616 mod 97, NHS mod 11, base58check, bech32, the SSA's and
CMS's allocation rules). Phone numbers are drawn in the ranges regulators reserve for fiction or
documentation and kept only when ``phonenumbers`` (libphonenumber's metadata) calls them valid. IP
addresses come from the documentation ranges (RFC 5737, RFC 3849). The provenance of each format is
in tests/data/README.md.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string

import phonenumbers

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_MBI_ALPHA = "ACDEFGHJKMNPQRTUVWXY"  # CMS: no S, L, O, I, B, Z


class Values:
    """One seeded source of values; each split uses its own seed."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def digits(self, n: int) -> str:
        return "".join(self.r.choice(string.digits) for _ in range(n))

    def pick(self, seq):  # type: ignore[no-untyped-def]
        return self.r.choice(seq)

    # --- payment cards (Luhn) -------------------------------------------------------------------
    def card(self, prefix: str, length: int) -> str:
        body = prefix + self.digits(length - len(prefix) - 1)
        for check in string.digits:
            if luhn(body + check):
                return body + check
        raise AssertionError("unreachable")

    def card_text(self) -> str:
        brand = self.pick([("4", 16), ("51", 16), ("2221", 16), ("34", 15), ("37", 15), ("6011", 16)])
        number = self.card(*brand)
        if brand[1] == 15:
            groups = [number[:4], number[4:10], number[10:]]
        else:
            groups = [number[i : i + 4] for i in range(0, 16, 4)]
        return self.pick([" ", "-", ""]).join(groups)

    # --- IBAN (ISO 13616) ----------------------------------------------------------------------
    def iban(self, spaced: bool) -> str:
        country, bban = self.pick(
            [
                (
                    "GB",
                    lambda: (
                        "".join(self.r.choice(string.ascii_uppercase) for _ in range(4)) + self.digits(14)
                    ),
                ),
                ("DE", lambda: self.digits(18)),
                ("FR", lambda: self.digits(23)),
                (
                    "NL",
                    lambda: (
                        "".join(self.r.choice(string.ascii_uppercase) for _ in range(4)) + self.digits(10)
                    ),
                ),
                ("ES", lambda: self.digits(20)),
                ("IT", lambda: self.r.choice(string.ascii_uppercase) + self.digits(22)),
                ("BE", lambda: self.digits(12)),
            ]
        )
        body = bban()
        rearranged = body + country + "00"
        check = 98 - int("".join(str(int(ch, 36)) for ch in rearranged)) % 97
        compact = f"{country}{check:02d}{body}"
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4)) if spaced else compact

    # --- national ids ----------------------------------------------------------------------------
    def ssn(self) -> str:
        area = self.r.choice([a for a in range(1, 900) if a != 666])
        return f"{area:03d}-{self.r.randint(1, 99):02d}-{self.r.randint(1, 9999):04d}"

    def itin(self) -> str:
        group = self.pick([*range(70, 89), 90, 91, 92, *range(94, 100)])
        sep = self.pick(["-", " "])
        return f"9{self.digits(2)}{sep}{group}{sep}{self.digits(4)}"

    def mbi(self) -> str:
        a, an = _MBI_ALPHA, _MBI_ALPHA + string.digits
        c = [self.pick("123456789"), self.pick(a), self.pick(an), self.pick(string.digits),
             self.pick(a), self.pick(an), self.pick(string.digits), self.pick(a), self.pick(a),
             self.pick(string.digits), self.pick(string.digits)]  # fmt: skip
        raw = "".join(c)
        return self.pick([raw, f"{raw[:4]}-{raw[4:7]}-{raw[7:]}"])

    def nino(self) -> str:
        first = self.pick("ABCEGHJKLMNOPRSTWXYZ")
        second = self.pick("ABCEGHJKLMNPRSTWXYZ")
        while first + second in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            second = self.pick("ABCEGHJKLMNPRSTWXYZ")
        d = self.digits(6)
        suffix = self.pick("ABCD")
        return self.pick(
            [f"{first}{second}{d}{suffix}", f"{first}{second} {d[:2]} {d[2:4]} {d[4:]} {suffix}"]
        )

    def nhs(self) -> str:
        while True:
            body = self.digits(9)
            total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
            check = 11 - total % 11
            if check == 11:
                check = 0
            if check != 10:
                n = body + str(check)
                return self.pick([n, f"{n[:3]} {n[3:6]} {n[6:]}"])

    def us_passport(self) -> str:
        return self.pick([self.digits(9), self.pick(string.ascii_uppercase) + self.digits(8)])

    def uk_passport(self) -> str:
        return self.digits(9)

    def driver_license(self) -> str:
        # State formats (AAMVA): California A+7 digits, Florida A+12 digits, New York 9 digits.
        return self.pick(
            [
                self.pick(string.ascii_uppercase) + self.digits(7),
                self.pick(string.ascii_uppercase) + self.digits(12),
                self.digits(9),
            ]
        )

    # --- network and wallets ---------------------------------------------------------------------
    def ipv4(self) -> str:
        return f"{self.pick(['192.0.2', '198.51.100', '203.0.113'])}.{self.r.randint(1, 254)}"

    def ipv6(self) -> str:
        groups = [f"{self.r.randint(0, 0xFFFF):x}" for _ in range(4)]
        return self.pick(
            [
                f"2001:db8:{':'.join(groups)}::1",
                f"2001:0db8:85a3:0000:0000:{groups[0]}:{groups[1]}:{groups[2]}",
            ]
        )

    def btc_base58(self) -> str:
        version = self.pick([b"\x00", b"\x05"])
        payload = version + bytes(self.r.getrandbits(8) for _ in range(20))
        check = hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
        return b58encode(payload + check)

    def btc_bech32(self) -> str:
        program = [self.r.getrandbits(8) for _ in range(20)]
        return bech32_address("bc", 0, program)

    def eth(self) -> str:
        return "0x" + "".join(self.pick("0123456789abcdef") for _ in range(40))

    def phone_intl(self) -> str:
        # Ranges reserved for drama/documentation where they exist (UK 020 7946 0xxx, AU 02 5550 xxxx).
        while True:
            region, template = self.pick(
                [
                    ("GB", "+44 20 7946 0{d3}"),
                    ("GB", "+44 7700 900{d3}"),
                    ("AU", "+61 2 5550 {d4}"),
                    ("DE", "+49 30 {d3}{d4}"),
                    ("FR", "+33 1 {d2} {d2} {d2} {d2}"),
                    ("IN", "+91 98{d3} {d2}{d3}"),
                    ("JP", "+81 3-{d4}-{d4}"),
                    ("ES", "+34 91 {d3} {d2} {d2}"),
                    ("BR", "+55 11 9{d4}-{d4}"),
                    ("IE", "+353 1 {d3} {d4}"),
                    ("US", "+1 202-555-01{d2}"),
                ]
            )
            number = template
            for key, n in (("{d4}", 4), ("{d3}", 3), ("{d2}", 2)):
                while key in number:
                    number = number.replace(key, self.digits(n), 1)
            if phonenumbers.is_valid_number(phonenumbers.parse(number, region)):
                return number

    def email_idn(self) -> str:
        local = self.pick(
            ["josé.garcía", "müller", "françois", "иван.петров", "李雷", "søren", "zoë.o'neil", "anna+claims"]
        )
        domain = self.pick(
            [
                "bücher.de",
                "correo.españa.es",
                "пример.рф",
                "例子.中国",
                "exämple.com",
                "xn--bcher-kva.de",
                "mail.co.jp",
            ]
        )
        return f"{local}@{domain}"

    def email_ascii(self) -> str:
        first = self.pick(["jane", "john", "a.kumar", "m_lee", "sam.o", "priya", "t.nguyen"])
        return f"{first}{self.r.randint(1, 99)}@{self.pick(['example.com', 'example.org', 'mail.example.net', 'test.co.uk'])}"

    # --- secrets ---------------------------------------------------------------------------------
    def token(self, n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
        while True:
            t = "".join(self.pick(alphabet) for _ in range(n))
            if any(c.isdigit() for c in t) and any(c.isalpha() for c in t):
                return t

    def aws_access_key(self) -> str:
        return self.pick(["AKIA", "ASIA"]) + self.token(16, string.ascii_uppercase + "234567")

    def aws_secret(self) -> str:
        return self.token(40, string.ascii_letters + string.digits + "/+")

    def github(self) -> str:
        return self.pick(["ghp_", "gho_", "ghs_", "ghu_"]) + self.token(36)

    def gitlab(self) -> str:
        return "glpat-" + self.token(20, string.ascii_letters + string.digits + "-_")

    def slack(self) -> str:
        return f"xoxb-{self.digits(11)}-{self.digits(12)}-{self.token(24)}"

    def stripe(self) -> str:
        return self.pick(["sk_live_", "rk_live_"]) + self.token(24)

    def google(self) -> str:
        return "AIza" + self.token(35, string.ascii_letters + string.digits + "-_")

    def openai(self) -> str:
        return self.pick(["sk-proj-", "sk-"]) + self.token(48)

    def jwt(self) -> str:
        def part(obj: dict) -> str:  # type: ignore[type-arg]
            return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

        header = part({"alg": self.pick(["HS256", "RS256"]), "typ": "JWT"})
        payload = part({"sub": self.digits(8), "iat": int(self.digits(10))})
        return f"{header}.{payload}.{self.token(43, string.ascii_letters + string.digits + '-_')}"

    def bearer(self) -> str:
        return self.token(self.r.randint(24, 48), string.ascii_letters + string.digits + "-._~")

    def password(self) -> str:
        words = ["Harbor", "Sunset", "Tiger", "Maple", "Orbit", "Velvet", "Granite", "Pepper"]
        return f"{self.pick(words)}{self.pick('!#$%&*?@')}{self.digits(self.r.randint(2, 4))}{self.pick(words).lower()}"

    def hex_key(self, n: int = 32) -> str:
        return self.token(n, "0123456789abcdef")

    def private_key(self) -> str:
        kind = self.pick(["RSA ", "EC ", "OPENSSH ", ""])
        body = "\n".join(self.token(64, string.ascii_letters + string.digits + "+/") for _ in range(3))
        return f"-----BEGIN {kind}PRIVATE KEY-----\n{body}\n-----END {kind}PRIVATE KEY-----"

    def npm(self) -> str:
        return "npm_" + self.token(36)

    def sendgrid(self) -> str:
        return f"SG.{self.token(22, string.ascii_letters + string.digits + '-_')}.{self.token(43, string.ascii_letters + string.digits + '-_')}"

    def twilio(self) -> str:
        return "SK" + self.hex_key(32)

    def azure_storage(self) -> str:
        return self.token(86, string.ascii_letters + string.digits + "+/") + "=="


def luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def b58encode(raw: bytes) -> str:
    n = int.from_bytes(raw, "big")
    out = ""
    while n:
        n, rem = divmod(n, 58)
        out = B58[rem] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\x00"))) + out


def _polymod(values: list[int]) -> int:
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def bech32_address(hrp: str, witver: int, program: list[int]) -> str:
    """BIP-173 segwit address."""
    acc, bits, data = 0, 0, [witver]
    for value in program:
        acc = (acc << 8) | value
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    expanded = [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]
    poly = _polymod(expanded + data + [0] * 6) ^ 1
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)
