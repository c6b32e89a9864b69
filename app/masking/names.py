"""Person names: Sudachi's 人名 part-of-speech tags plus cue patterns (〜と申します, 氏名：, 〜です at the start).
GiNZA's NER (presidio engine) misses many kana, rare and foreign names; these recover most of them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from app import sudachi
from app.masking.findings import Finding

_NAME = "一-龥々〆ヶぁ-んァ-ヴー・=A-Za-z"
_NAME_RUN = rf"[{_NAME}](?:[{_NAME}]| (?=[{_NAME}])){{1,20}}?"
_BOUNDARY = r"(?:^|(?<=[。、,.!！?？\s「」()（）:：])|(?<=私は)|(?<=わたしは)|(?<=私、)|(?<=わたくし、))"

_CUES: tuple[re.Pattern[str], ...] = (
    re.compile(rf"{_BOUNDARY}({_NAME_RUN})(?:と申します|ともうします|といいます|と言います|と申す者)"),
    re.compile(
        rf"(?:氏名|お名前|名前|名義人?|申請者|申込者|契約者)\s*(?:は|:|：|＝|=)\s*({_NAME_RUN})"
        r"(?=$|[\s、。,.(（]|です|さん|様)"
    ),
    re.compile(rf"(?:^|(?<=[。\n]))\s*({_NAME_RUN})(?:です|でございます)[。、!！]"),
    re.compile(r"[一-龥々ァ-ヴー・]{2,12}\s?[（(]([ァ-ヴー・ ]{2,16}|[A-Za-z][A-Za-z .\-]{2,30})[）)]"),
    re.compile(
        r"(?:[Mm]y name is|I am|I'm|[Nn]ame\s*:|NAME\s*:)\s*([A-Z][A-Za-z]+(?:[ \-][A-Z][A-Za-z]+){1,3})"
    ),
    re.compile(r"([ァ-ヴー]{2,10}(?:・[ァ-ヴー]{2,10})+)"),
    re.compile(rf"(?<![{_NAME}])([ァ-ヴー]{{2,8}}[ ]?[ァ-ヴー]{{2,8}})(?=さん|様|と申|です)"),
)
# Without a cue, a pair of capitalised Latin words is a name only when both read as Japanese romaji.
_ROMAJI_PAIR = re.compile(r"(?<![A-Za-z])((?:[A-Z][a-z]+|[A-Z]{2,})[ ](?:[A-Z][a-z]+|[A-Z]{2,}))(?![A-Za-z])")
_NOT_NAMES = {
    "カタカナ", "ひらがな", "漢字", "ローマ字", "本人", "家族", "マイナポータル", "マイナンバー", "マイナンバーカード",
    "マイナ", "アプリ", "カード", "スマホ", "パスワード", "ログイン", "サービス", "サポート", "ヘルプデスク", "コンビニ",
    "ブラウザ", "エラー", "デジタル", "オンライン",
}  # fmt: skip
_PRODUCT_PARTS = ("マイナ", "カード", "アプリ", "ポータル")  # parts of product words, never of a name
# An office or a company introducing itself (「北浜警察署 生活安全課です」「株式会社みどり商事です」) is not a person, and
# masking it hid who was asking from the routing rules (a police inquiry went unrecognised). Suffixes no given name
# ends with; ministries by their own endings (a given name may be 省).
_ORGANISATION = re.compile(
    r"(?:株式会社|有限会社|合同会社|(?:社団|財団|社会福祉|医療|学校|宗教|独立行政|NPO)法人|警察|役所|役場)"
    r"|(?:課|係|署|庁|(?:務|働|学|業|通|境|衛)省|会社|法人|協会|組合|銀行|病院|医院|クリニック|センター|事務所"
    r"|学校|大学|支店|営業所|商事|商店|工業|本部|事業部|部署|窓口|委員会|議会|新聞|新聞社|放送|編集部)$"
)
_PARTICLE_TAIL = re.compile(r"(?:の|は|が|を|に|で|と|も|へ)$")
_ROMAJI_SYLLABLES = re.compile(r"^(?:(?:[kgsztdnhbpmyrwfj]|sh|ch|ts)?y?[aiueo]|n)+$", re.IGNORECASE)
_KANJI = re.compile(r"[一-龥々]")
_HIRAGANA = re.compile(r"[ぁ-ん]")
_KATAKANA = re.compile(r"[ァ-ヴ]")
_VERB_TAIL = re.compile(r"(?:ない|たい|ます|した|ません|ている|できる|ある|いる|です)$")
_EN_WORDS = {
    "my", "number", "card", "portal", "myna", "app", "the", "with", "phone", "japan", "tokyo", "please", "hello",
    "thank", "thanks", "dear", "sir", "madam", "help", "desk", "pin", "code", "error", "login", "ios", "android",
    "ic", "nfc", "qr", "id", "mail", "email", "tax", "health", "insurance", "account", "bank", "date", "of", "birth",
    "passport", "no", "tel", "address", "name", "how", "what", "why", "when", "can", "could", "resident", "foreign",
}  # fmt: skip
_PLACE_AFTER = re.compile(r"(?:支店|駅|町|区|市|店|銀行|営業所|郵便局|出張所|線|通り|病院|クリニック)")


def product_word(value: str) -> bool:
    """マイナポータル, マイナンバーカード, アプリ …: words of the service itself, never a person (GiNZA sometimes
    tags them as one: 「アプリの会社に聞いたらマイナポータル側の問題だ」); nor an office's or a company's name."""
    return value in _NOT_NAMES or any(w in value for w in _PRODUCT_PARTS) or organisation(value)


def organisation(value: str) -> bool:
    """An office or a company by its name's ending or its legal form (see _ORGANISATION)."""
    return bool(_ORGANISATION.search(value.replace(" ", "").replace("\u3000", "")))


def plausible_name(value: str) -> bool:
    """Cue patterns over-capture; a name is in one script, short, and not a phrase or a known word."""
    compact = value.replace(" ", "")
    if len(compact) < 2 or len(compact) > 16 or product_word(value):
        return False
    if re.search(r"[A-Za-z]", value) and re.search(r"[一-龥々ぁ-んァ-ヴ]", value):
        return False  # 「ブラウザはChrome」: mixed scripts are phrases
    if _KANJI.search(value) and _HIRAGANA.search(value):
        return False  # 「登録したい」「来年から海外赴任の予定」: phrases, not names
    if _HIRAGANA.search(value) and _VERB_TAIL.search(compact):
        return False
    if value.isascii():
        words = value.replace("-", " ").split()
        if (
            len(words) < 2
            or not all(w[0].isupper() for w in words)
            or any(w.lower() in _EN_WORDS for w in words)
        ):
            return False
        if all(w.isupper() for w in words):  # all caps: only Japanese names in romaji (YAMAGUCHI MISAKI)
            return all(_ROMAJI_SYLLABLES.match(w) for w in words)
    return True


def _tail_of_a_word(text: str, start: int, end: int) -> bool:
    """「①代理人」 is 「1代理人」 after NFKC, which Sudachi reads as 1・代 (a counter)・理人 (a given name): a name whose
    preceding kanji makes one dictionary word with it (代理人) is that word's tail, not a name."""
    if start == 0 or not _KANJI.match(text[start - 1]):
        return False
    morphemes = list(sudachi.tokenizer().tokenize(text[start - 1 : end]))
    return len(morphemes) == 1 and not morphemes[0].is_oov() and morphemes[0].part_of_speech()[2] != "人名"


def _sudachi_names(text: str) -> Iterable[Finding]:
    start: int | None = None
    end = 0
    for offset, m in sudachi.morphemes(text):
        pos = m.part_of_speech()
        if pos[1] == "固有名詞" and pos[2] == "人名":
            if start is None:
                start = offset + m.begin()
            end = offset + m.end()
        elif start is not None and m.surface() in (" ", "\u3000", "・") and end == offset + m.begin():
            continue
        elif start is not None:
            if not _tail_of_a_word(text, start, end):
                yield Finding("PERSON", start, end, 0.7)
            start = None
    if start is not None and not _tail_of_a_word(text, start, end):
        yield Finding("PERSON", start, end, 0.7)


def _common_noun_phrase(value: str) -> bool:
    """弁護士, 担当者, 会社員: words Sudachi knows as common nouns are not names."""
    if not _KANJI.search(value) or _HIRAGANA.search(value) or re.search(r"[ァ-ヴA-Za-z]", value):
        return False  # only kanji-only candidates: kana and romaji names are not dictionary nouns
    morphemes = list(sudachi.tokenizer().tokenize(value))
    return bool(morphemes) and all(
        m.part_of_speech()[0] == "名詞" and m.part_of_speech()[1] == "普通名詞" and not m.is_oov()
        for m in morphemes
    )


def _phrase_with_particles(value: str) -> bool:
    """「パソコンでもスマホでもおなじです」 opens a sentence like 「ヤマダです」; katakana with hiragana particles or
    auxiliaries inside (でも, から, だけ, です) is a phrase, not a name. All-hiragana names are left to
    kana_fragment, whose readings Sudachi splits into particles (は・な・こ)."""
    if not _KATAKANA.search(value) or not _HIRAGANA.search(value):
        return False
    return any(m.part_of_speech()[0] in ("助詞", "助動詞") for m in sudachi.tokenizer().tokenize(value))


def _cue_names(text: str) -> Iterable[Finding]:
    for pattern in _CUES:
        for m in pattern.finditer(text):
            value = m.group(1).strip()
            value = _PARTICLE_TAIL.sub("", value) if len(value) > 3 and not value.isascii() else value
            if not plausible_name(value) or _common_noun_phrase(value) or _phrase_with_particles(value):
                continue
            start = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
            yield Finding("PERSON", start, start + len(value), 0.85)
    for m in _ROMAJI_PAIR.finditer(text):
        words = m.group(1).split()
        if all(_ROMAJI_SYLLABLES.match(w) for w in words) and not any(w.lower() in _EN_WORDS for w in words):
            yield Finding("PERSON", m.start(1), m.end(1), 0.7)


# Names written with a space between surname and given name, Latin-script names with a Japanese cue, signature
# lines, and readings in brackets after a name. These need the cue or the layout: alone, the words are not names.
_JA = "一-龥々〆ヶぁ-んァ-ヴー・"
_SPACED_JA = rf"[{_JA}]{{1,6}}(?:[ ][{_JA}]{{1,6}}){{1,2}}"
_LATIN_WORD = r"[A-Z][A-Za-z\u00C0-\u024F\u1E00-\u1EFF'\-]+"
_LATIN_SEQ = rf"{_LATIN_WORD}(?:,?[ ]{_LATIN_WORD}){{0,4}}"
_TECH_WORDS = {
    "google", "chrome", "microsoft", "edge", "apple", "safari", "windows", "firefox", "iphone", "ipad", "galaxy",
    "pixel", "xperia", "aquos", "wi-fi", "store", "play", "digital", "agency", "mynaportal", "line", "yahoo",
    "docomo", "softbank", "au", "rakuten", "mac", "macos", "os", "version", "update", "english", "support",
}  # fmt: skip
_LABEL_WORDS = {
    "電話",
    "住所",
    "連絡先",
    "生年月日",
    "メール",
    "携帯",
    "番号",
    "電話番号",
    "年齢",
    "性別",
    "職業",
}
_SPACED_CUES: tuple[re.Pattern[str], ...] = (
    re.compile(
        rf"(?:氏名|お名前|名前|名義人?|申請者|申込者|契約者|宛名|代理人)\s*(?:は|:|：|=)\s*({_SPACED_JA}|{_LATIN_SEQ})"
        r"(?=$|[\s、。,.(（/／]|です|さん|様|と申)"
    ),
    re.compile(
        rf"(?:母|父|祖母|祖父|夫|妻|主人|息子|娘|兄|姉|弟|妹|代理人|本人|私|わたし)(?:の|、|は)\s*({_SPACED_JA})"
        r"(?=が|は|を|に|の|様|さん|と|、|。|です|（|\(|\s)"
    ),
    re.compile(
        rf"(?:^|\n)[ \t]*(?:[―—\-]{{1,3}}[ \t]*)?({_SPACED_JA}|{_LATIN_SEQ})[ \t]*(?:[/／][ \t]*)?(?:\+?\d[\d\- ]{{8,}}\d)?[ \t]*(?=$|\n)"
    ),
    re.compile(rf"[―—]{{1,3}}[ \t]*({_SPACED_JA}|{_LATIN_SEQ})[ \t]*$"),
    re.compile(rf"(?:^|\n)[ \t]*({_SPACED_JA})(?:様|さん|殿)[ \t]*(?=$|\n)"),
    re.compile(rf"(?:^|(?<=[。\n]))[ \t]*({_SPACED_JA})(?=[（(][^）)\n]{{1,30}}[）)](?:です|と申します))"),
    re.compile(
        r"(?:^|(?<=[。！？!?\n]))[ \t]*([ァ-ヴー]{1,8}(?:[ ][ァ-ヴー]{1,8}){1,3})(?=、|。|です|と申|[ \t]*$)"
    ),
    re.compile(
        rf"(?<![A-Za-z])({_LATIN_SEQ})[ ]?(?:です|と申します|という名前|といいます|と言います|[（(][ァ-ヴー・ ]+[）)])"
    ),
)
_HONORIFIC_TAIL = re.compile(r" (?:様|さん|殿|くん|ちゃん|氏|です|でした|でございます|と申|といい|と言い)")
_READING_AFTER = re.compile(rf"[ ]?[（(]([ぁ-んァ-ヴー・ ]{{2,24}}|{_LATIN_SEQ})[）)]")


def _spaced_or_latin_ok(value: str) -> bool:
    if product_word(value):
        return False
    if re.search(r"[A-Za-z]", value):
        if re.search(f"[{_JA}]", value):
            return False
        words = value.replace(",", " ").split()  # Anne-Marie is one word; so is Wi-Fi
        pieces = [p.lower() for w in words for p in (w, *w.split("-"))]
        if any(p in _EN_WORDS or p in _TECH_WORDS for p in pieces):
            return False
        return len(words) >= 2 or (words[0].isupper() and len(words[0]) >= 4)
    parts = value.split(" ")
    if any(part in _LABEL_WORDS or part in _NOT_NAMES for part in parts):
        return False
    if _KANJI.search(value) and _HIRAGANA.search(value):
        return False
    nouns = [_common_noun_phrase(part) for part in parts if len(part) >= 2]
    return not (nouns and all(nouns))  # 「携帯 電話」 is two nouns; 「鵜飼 乃愛」 is a name


def _spaced_names(text: str) -> Iterable[Finding]:
    for pattern in _SPACED_CUES:
        for m in pattern.finditer(text):
            value = _HONORIFIC_TAIL.split(m.group(1))[0]  # 「ひらの きく 様の代わり」 → 「ひらの きく」
            if _spaced_or_latin_ok(value):
                yield Finding("PERSON", m.start(1), m.start(1) + len(value), 0.85)


def _readings_after(text: str, names: list[Finding]) -> Iterable[Finding]:
    """「月見里 颯（やまなし はやて）」: the reading in brackets right after a name is the same person."""
    for f in names:
        m = _READING_AFTER.match(text, f.end)
        if m is not None and m.group(1).strip():
            yield Finding("PERSON", m.start(1), m.end(1), 0.8)


_HIRAGANA_SPAN = re.compile(r"[ぁ-んー ]+")
_KANA_NEXT = re.compile(r"[ぁ-んァ-ヴー]")
# The service's own words spelt in hiragana: Sudachi reads 「まいな」 of 「まいなんばーかーど」 as a given name and the
# next token 「ん」 as an interjection, so the next-token test below does not see a word going on.
_SERVICE_WORDS_IN_KANA = re.compile(r"まいな(んばー(かーど)?|ぽーたる|ほけんしょう|かーど|ぽいんと|ぽ)")
_HONORIFICS = {"さん", "さま", "様", "くん", "ちゃん", "氏", "殿", "どの"}


def kana_fragment(text: str, start: int, end: int) -> bool:
    """A hiragana "name" that is a piece of an ordinary word or phrase. In an inquiry written all in hiragana,
    Sudachi reads fragments as given names (「まいな」 of 「まいなぽーたる」, 「せっ」 of 「せってい」) and the 「わたしは …」
    cue takes 「かえて いません」. Masking them loses the words retrieval and routing read. A hiragana name has no
    verb in it and ends where its word ends: before a particle, a copula, an honorific, a space or punctuation."""
    span = text[start:end]
    if not _HIRAGANA_SPAN.fullmatch(span):
        return False
    if any(m.start() <= start and end <= m.end() for m in _SERVICE_WORDS_IN_KANA.finditer(text)):
        return True
    tokenizer = sudachi.tokenizer()
    if any(m.part_of_speech()[0] in {"動詞", "助動詞"} for m in tokenizer.tokenize(span)):
        return True
    after = text[end : end + 8]
    if not _KANA_NEXT.match(after):
        return False
    first = tokenizer.tokenize(after)[0]
    pos = first.part_of_speech()[0]
    return pos in {"名詞", "補助記号"} or (pos == "接尾辞" and first.surface() not in _HONORIFICS)


CUE_SCORE = 0.8  # findings from a cue or a layout (「わたしは …です」, a reading in brackets); Sudachi's alone score 0.7

_HIRAGANA_WORD = re.compile(r"(?=[^ー]*[ぁ-ん])[ぁ-んー]+")  # one hiragana word, no space (not a lone 「ー」)

# What may follow a name written in hiragana: an honorific, a copula or a self-introduction, a reading in brackets.
_NAME_CUE_AFTER = re.compile(
    r" ?(?:さん|さま|様|くん|ちゃん|どの|殿|氏|です|でした|と ?(?:もうし|申し|いい|言い)|[（(])"
)


def hiragana_common_word(text: str, start: int, end: int) -> bool:
    """A one-word hiragana "name" that, read on its own, is not a name: 「しらせの めーる」 (知らせ), 「よなかの」 read as
    よな+か, 「まえの しじ」 read as a surname 前野 in context. Sudachi and GiNZA take such words for names in
    all-hiragana text, and the mask then hides the very words routing reads. Kept as a name: a word Sudachi reads
    as a name on its own (「はなこ」「やまだ」), two words (「さとう みつ」), or one followed by an honorific or a
    self-introduction (「こばやしです」, 「さとう さんに」 though 砂糖 on its own)."""
    span = text[start:end]
    if not _HIRAGANA_WORD.fullmatch(span):
        return False
    if _NAME_CUE_AFTER.match(text, end):
        return False
    morphemes = list(sudachi.tokenizer().tokenize(span))
    alone_a_name = len(morphemes) == 1 and morphemes[0].part_of_speech()[2] == "人名"
    return not alone_a_name


# 「ろうじんほーむの しょくいん です」: a workplace and a role in hiragana introduce the writer's job, not a name (the
# kanji 「老人ホームの職員です」 was never taken). Only a role word after 「の」: surnames end in の too (うえの はなこ).
_KANA_ROLE = re.compile(
    r"[ぁ-んー]{2,}の ?(しょくいん|じむいん|じむの もの|たんとう(しゃ)?|かかりの もの|かかりいん|もの|せんせい|きょういん|"
    r"かんごし|いしゃ|へるぱー|けあまねーじゃー|しゃいん|けいびいん|かんりにん|てんちょう|いんちょう|りじちょう|"
    r"かちょう|ぶちょう|すたっふ|ばいと|あるばいと|ぱーと)"
)


def _kana_affiliation(span: str) -> bool:
    return _KANA_ROLE.fullmatch(span) is not None


def find_names(text: str) -> list[Finding]:
    found = [
        f
        for f in _sudachi_names(text)
        if f.length >= 2
        and text[f.start : f.end] not in _NOT_NAMES
        and not text[
            f.start : f.end
        ].isascii()  # Sudachi tags some English words as 人名; romaji comes from cues
        and not _PLACE_AFTER.match(text, f.end)
    ]
    found.extend(_cue_names(text))
    found.extend(_spaced_names(text))
    found = [
        f
        for f in found
        if not kana_fragment(text, f.start, f.end)
        and not _kana_affiliation(text[f.start : f.end])
        and (f.score >= CUE_SCORE or not hiragana_common_word(text, f.start, f.end))
    ]
    found.extend(_readings_after(text, found))
    return found
