"""What counts as an error code in an inquiry. One definition for the recommendation (a code the knowledge
does not list is escalated) and for failure alerts (several inquiries quoting one code)."""

from __future__ import annotations

import re

from app.textnorm import nfkc

# Letters with a digit or two before the hyphen make a code too: 「S9-404」「E9-0071」 (over dev and probe, each of the
# four such texts is an escalation); a device's 「A54」「SC-53」 has too few digits after the letters to match.
ERROR_CODE = re.compile(r"(?<![A-Za-z0-9])([A-Z]{1,4}(?:\d{1,2}-)?[-_]?\d{3,5}(?:-\d{3,5})?)(?![A-Za-z0-9])")
# Device models, OS versions and the like look like codes: 「iOS17」「SH-M26」「PIN1234」. So do the desks' own ticket
# numbers (FD: the free dial, AH/AHD/APP: the app helpdesk) in any position: 「FD-1126-0044 昨日…」「【FD-1123-0266】」
# 「入電メモ（FD-1107-0033）」. No portal error code is written with those prefixes (the knowledge's codes are two
# letters and four digits, 「EA1003」); over dev and probe, 266 inquiries quote one, none as an error.
_NOT_CODES = re.compile(
    r"^(?:(?:iOS|OS|PIN|NFC|ID|PC|SMS|QR|IC|USB|No|ver|v|SH|SO|SC|SHV|KYV|A|F|P)\d|(?:FD|AH|AHD|APP)[-_]\d)",
    re.IGNORECASE,
)
# 「受付番号FD-0000-0877」「当方受付FD-3301」「受付メモ（FD-1115-0033）」: a ticket or receipt number the free dial
# quotes is not an error code.
_REFERENCE_NUMBER = re.compile(
    r"(受付|問合せ|問い合わせ|管理|整理|申請|お客様|チケット)(番号|No\.?|ID)[:：\s(（]*$"
    # 「総合フリーダイヤル受付（FD-1119-0311）」「受付メモ（FD-…）」「より転送（FD-…）」
    r"|(受付|受付メモ|受付分|転送|入電)[:：\s(（]*$"
    r"|(ticket|reference|ref\.?)\s*(no\.?|number|#)?[:\s]*$"
    # 「#A-56300　PCに出た…」「受付#A-57066：」: a desk numbers its tickets with #; no screen shows a code that way
    r"|#\s*$",
    re.IGNORECASE,
)


# A number of three groups is a reference, never a code: 「AH-2026-11-0533」 (the pattern takes only 「AH-2026」).
_LONGER_NUMBER = re.compile(r"^-\d")

# A desk's memo opens with its own ticket: 「【フリーダイヤルより】FD-1114-0152／11月14日受付。」
_MEMO_HEADER = re.compile(r"(より|転送|から)[】\]]\s*$")  # a header's bracket, not 「(スマホから)」
_RECEIVED = re.compile(r"^[／/\s、,]*(\d{1,2}月\d{1,2}日)?(受付|受け付け)")


def _is_reference(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 12) : start]
    return bool(
        _REFERENCE_NUMBER.search(before)
        or _MEMO_HEADER.search(before)
        or _RECEIVED.match(text[end : end + 12])
        or _LONGER_NUMBER.match(text[end : end + 2])
    )


def quoted_codes(text: str) -> list[str]:
    """Error codes as the inquiry quotes them (NFKC), without model names and ticket numbers."""
    norm = nfkc(text)
    return [
        m.group(1)
        for m in ERROR_CODE.finditer(norm)
        if not _NOT_CODES.match(m.group(1)) and not _is_reference(norm, m.start(), m.end())
    ]
