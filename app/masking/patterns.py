"""Pattern recognizers for structured PII in Japanese text. They run on NFKC text (full-width digits and
dashes already folded), use explicit digit look-arounds instead of `\\b` (which fails next to kana/kanji),
and validate check digits where the identifier has one."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from app.masking.checksums import corporate_number_valid, luhn_valid, my_number_valid
from app.masking.findings import Finding

DASH = "-‐‑‒–—―−ー"
SEP = f"[{DASH} \\t]?"
NOT_DIGIT_BEFORE = rf"(?<![0-9])(?<![0-9][{DASH} ])"
NOT_DIGIT_AFTER = rf"(?![{DASH} ]?[0-9])"

_PREFS = (
    "北海道|東京都|大阪府|京都府|青森県|岩手県|宮城県|秋田県|山形県|福島県|茨城県|栃木県|群馬県|埼玉県|千葉県|"
    "神奈川県|新潟県|富山県|石川県|福井県|山梨県|長野県|岐阜県|静岡県|愛知県|三重県|滋賀県|兵庫県|奈良県|"
    "和歌山県|鳥取県|島根県|岡山県|広島県|山口県|徳島県|香川県|愛媛県|高知県|福岡県|佐賀県|長崎県|熊本県|"
    "大分県|宮崎県|鹿児島県|沖縄県"
)
_KANA_KANJI = "一-龥々〆ヶぁ-んァ-ヴー"
_KANJI_KATA = "一-龥々〆ヶァ-ヴー"


def digits_of(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


Recognizer = Callable[[str], Iterable[Finding]]


def _regex(
    entity: str,
    pattern: str,
    *,
    group: int | tuple[int, ...] = 0,
    flags: int = 0,
    score: float = 0.9,
    validate: Callable[[str], bool] | None = None,
) -> Recognizer:
    """A recognizer from one regex; `group` names the capture group(s) that hold the value itself."""
    compiled = re.compile(pattern, flags)
    groups = group if isinstance(group, tuple) else (group,)

    def find(text: str) -> Iterable[Finding]:
        for m in compiled.finditer(text):
            for g in groups:
                value = m.group(g)
                if not value or (validate is not None and not validate(value)):
                    continue
                yield Finding(entity, m.start(g), m.end(g), score)

    find.__name__ = f"find_{entity.lower()}"
    return find


EMAIL = _regex(
    "EMAIL_ADDRESS",
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}(?![A-Za-z])",
)

_PUBLIC_NUMBERS = {"0120950178", "0120950190", "0570010178", "0120951178"}


def _phone_ok(value: str) -> bool:
    d = digits_of(value)
    if d in _PUBLIC_NUMBERS:
        return False
    if value.startswith("+81"):
        return 9 <= len(d) - 2 <= 10
    return d.startswith("0") and len(d) in (10, 11)


PHONE = _regex(
    "PHONE_NUMBER",
    NOT_DIGIT_BEFORE
    + rf"(?:\+81{SEP}\(?0?\)?|0)\d{{1,4}}(?:{SEP}|\(|\){SEP}?)\d{{1,4}}(?:{SEP}|\){SEP}?)\d{{3,4}}"
    + NOT_DIGIT_AFTER,
    validate=_phone_ok,
)

# Phone without separators: 10-11 digits starting with 0 (mobile 070/080/090, IP 050, landline).
PHONE_PLAIN = _regex(
    "PHONE_NUMBER",
    r"(?<![0-9A-Za-z])0[5789]0\d{8}(?![0-9])|(?<![0-9A-Za-z])0[1-9]\d{8}(?![0-9])",
    validate=_phone_ok,
    score=0.7,
)

POSTAL = _regex("POSTAL_CODE", rf"(?:〒|郵便番号[:：は]?)[ \t]?(\d{{3}}[{DASH}]?\d{{4}})(?![0-9])", group=1)
POSTAL_DASHED = _regex(
    "POSTAL_CODE", rf"(?<![0-9A-Za-z{DASH}])\d{{3}}[{DASH}]\d{{4}}(?![0-9]|[{DASH}][0-9])", score=0.6
)


def _my_number_valid(value: str) -> bool:
    return my_number_valid(digits_of(value))


MY_NUMBER = _regex(
    "MY_NUMBER",
    NOT_DIGIT_BEFORE + rf"\d{{4}}{SEP}\d{{4}}{SEP}\d{{4}}" + NOT_DIGIT_AFTER,
    validate=_my_number_valid,
)
# A 12-digit run right after a My Number cue is masked even with a wrong check digit (a typo is still PII).
MY_NUMBER_CUED = _regex(
    "MY_NUMBER",
    rf"(?:マイナンバー|個人番号|my ?number)[^0-9\n]{{0,12}}?(\d{{4}}{SEP}\d{{4}}{SEP}\d{{4}})"
    + NOT_DIGIT_AFTER,
    group=1,
    flags=re.IGNORECASE,
)
CORPORATE = _regex(
    "CORPORATE_NUMBER",
    NOT_DIGIT_BEFORE + rf"\d{SEP}\d{{4}}{SEP}\d{{4}}{SEP}\d{{4}}" + NOT_DIGIT_AFTER,
    validate=lambda v: corporate_number_valid(digits_of(v)),
)
CORPORATE_CUED = _regex("CORPORATE_NUMBER", r"法人番号[^0-9\n]{0,8}?(\d{13})(?![0-9])", group=1)


def _card_ok(value: str) -> bool:
    return luhn_valid(digits_of(value))


CREDIT_CARD = _regex(
    "CREDIT_CARD",
    NOT_DIGIT_BEFORE + rf"(?:\d{{4}}[{DASH} \t]){{3}}\d{{1,7}}(?![0-9])",
    validate=_card_ok,
)
# Contiguous 13–19 digits only after a card cue: an order number can pass Luhn by chance.
CREDIT_CARD_CUED = _regex(
    "CREDIT_CARD",
    r"(?:カード|card|クレジット)[^0-9\n]{0,12}?(\d{13,19})(?![0-9])",
    group=1,
    flags=re.IGNORECASE,
    validate=_card_ok,
)

_ERA = r"(?:明治|大正|昭和|平成|令和|[MTSHR])"
_DATE = (
    rf"(?:{_ERA}[ \t]?(?:\d{{1,2}}|元)年(?:[ \t]?\d{{1,2}}月(?:[ \t]?\d{{1,2}}日)?)?"
    r"|[MTSHR]\d{1,2}[./]\d{1,2}[./]\d{1,2}"
    r"|\d{4}年(?:[ \t]?\d{1,2}月(?:[ \t]?\d{1,2}日)?)?|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2})"
)
DOB_CUE_BEFORE = _regex(
    "DATE_OF_BIRTH",
    rf"(?:生年月日|誕生日|生まれは|date of birth|birthday|born on|DOB)[^0-9\n]{{0,12}}?({_DATE})",
    group=1,
    flags=re.IGNORECASE,
)
DOB_CUE_AFTER = _regex("DATE_OF_BIRTH", rf"({_DATE})[ \t]?(?:生まれ|生|の生まれ|に生まれ)", group=1)

BANK = _regex(
    "BANK_ACCOUNT",
    r"(?:普通|当座|貯蓄)(?:預金)?[ \t]*(?:口座)?[ \t]*(?:番号)?[ \t]*[:：は]?[ \t]*\d{7}(?![0-9])",
)
BANK_CUED = _regex("BANK_ACCOUNT", r"口座番号[^0-9\n]{0,6}?(\d{7,8})(?![0-9])", group=1)
YUCHO = _regex("BANK_ACCOUNT", rf"(?<![0-9])1\d{{4}}[{DASH} ]\d{{6,8}}(?![0-9])", score=0.7)
YUCHO_CUED = _regex(
    "BANK_ACCOUNT", r"記号[ \t]*[:：は]?[ \t]*1\d{4}[^0-9\n]{0,6}?番号[ \t]*[:：は]?[ \t]*\d{6,8}(?![0-9])"
)

PENSION = _regex("PENSION_NUMBER", NOT_DIGIT_BEFORE + rf"\d{{4}}[{DASH} ]\d{{6}}" + NOT_DIGIT_AFTER)
PENSION_CUED = _regex(
    "PENSION_NUMBER", r"(?:基礎年金番号|年金番号)[^0-9\n]{0,6}?(\d{10}|\d{4}[-\s]\d{6})(?![0-9])", group=1
)

HEALTH = _regex(
    "HEALTH_INSURANCE",
    r"記号[ \t]*[:：は]?[ \t]*[0-9A-Za-z\-]{1,10}[ \t、,・/]*(?:の)?番号[ \t]*[:：は]?[ \t]*[0-9]{1,10}",
)
HEALTH_CUED = _regex(
    "HEALTH_INSURANCE", r"(?:保険者番号|被保険者番号|被保険者証番号)[^0-9\n]{0,6}?(\d{1,10})", group=1
)

PASSPORT = _regex("PASSPORT", r"(?<![A-Za-z0-9])[A-Z]{2}\d{7}(?![0-9])")
LICENSE = _regex(
    "DRIVERS_LICENSE",
    r"(?:免許証?番号|運転免許証?(?:の)?番号|免許証)[^0-9\n]{0,8}?(\d{12})(?![0-9])",
    group=1,
)

PIN = _regex(
    "PIN",
    r"(?:暗証番号|パスワード|パスコード|PIN(?:コード)?|password|passcode)(?:は|が|を|:|：|=|、|,|\s|is)*[「\"']?"
    # a value with a digit in it, or one written after は, a colon, = or a quote: "PIN wrong three times" and "my
    # PIN is locked" are words, not a PIN (they hid the lock from the routing rules)
    r"(?:(?<=は)|(?<=:)|(?<=: )|(?<=：)|(?<==)|(?<=「)|(?<=\")|(?<=')|(?=[A-Za-z!@#$%&*]*[0-9]))"
    r"([A-Za-z0-9!@#$%&*]{4,16})(?![0-9A-Za-z]|桁|回|文字|ケタ)",
    group=1,
    flags=re.IGNORECASE,
)
# A 4-digit number shortly after a PIN cue ("暗証番号を変えたい。今は1446です", 「ログインに使う4桁の番号（4826
# です）」); counts and dates excluded.
PIN_NEARBY = _regex(
    "PIN",
    r"(?:暗証番号|PIN|パスワード|パスコード|4桁の(?:番号|数字))[^\n]{0,30}?(?<![0-9A-Za-z\-./])(\d{4})"
    r"(?![0-9]|[\-./:]\d|桁|ケタ|回|文字|年|月|日|円|件|時|分|歳|才|人|枚|番|%)",
    group=1,
)

_HOUSE = rf"\d+(?:丁目|番地?|[{DASH}の]\d+)(?:\d+(?:番地?|号)?|[{DASH}]\d+)*(?:号)?"
ADDRESS = _regex(
    "LOCATION",
    rf"(?:{_PREFS}|(?<![{_KANJI_KATA}]))(?:[{_KANJI_KATA}][{_KANA_KANJI}]{{0,7}}?[市区町村郡]){{1,3}}"
    rf"[{_KANA_KANJI}]{{0,12}}?{_HOUSE}"
    rf"(?:[ \t]?[{_KANA_KANJI}A-Za-z]{{1,20}}?\d{{1,4}}号室)?",
)


STRUCTURED: tuple[Recognizer, ...] = (
    EMAIL,
    PHONE,
    PHONE_PLAIN,
    POSTAL,
    POSTAL_DASHED,
    MY_NUMBER,
    MY_NUMBER_CUED,
    CORPORATE,
    CORPORATE_CUED,
    CREDIT_CARD,
    DOB_CUE_BEFORE,
    DOB_CUE_AFTER,
    BANK,
    BANK_CUED,
    YUCHO,
    YUCHO_CUED,
    PENSION,
    PENSION_CUED,
    HEALTH,
    HEALTH_CUED,
    PASSPORT,
    LICENSE,
    PIN,
    PIN_NEARBY,
    ADDRESS,
    CREDIT_CARD_CUED,
)


def find_structured(text: str) -> list[Finding]:
    found: list[Finding] = []
    for recognizer in STRUCTURED:
        found.extend(recognizer(text))
    return found
