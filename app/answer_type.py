"""Does the knowledge state the figure (or the address) the citizen asks for?

A question for a number (「代理人は何人まで？」「何秒で切れるの？」「いつまで保存される？」) is answered only by
a text that states one. The nearest FAQ is usually about the same screen but silent on the figure, and
an extractive reply built from it would answer a different question. Such an inquiry asks for a
specification the knowledge does not document: an escalation, not an answer. On the dev split every
answerable figure question had a number in one of its two best sources; most escalations had none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from app.textnorm import nfkc

_UNIT = (
    r"(?:年|日|秒|分|時間|回|人|件|か月|ヶ月|カ月|ケ月|歳|文字|桁|円|通|名|台|週間|口座|枚|世代|段階"
    r"|MB|KB|GB|メガ|ファイル|個|つ)"
)
# 「何人まで」「何年前の分」; not the adverbial 「何回も」「何回かざしても」「何時間たっても」.
_HOW_MANY = re.compile(r"何" + _UNIT + r"(?:間|分|前|先|後|以内|以上|目)?(?![もかやた])")
# How long something is kept or stays valid; 「代理人の設定には有効期限があるのでしょうか」 (whether a thing lapses) too.
_KEPT_OR_VALID = r"保存期間|有効期間|有効期限|制限時間|有効時間"
_LIMIT = re.compile(
    r"(上限|最大|最長|" + _KEPT_OR_VALID + r")(?:は|って|が|の)?(?:何|いくつ|どのくらい|どれくらい|ある|あり)"
    r"|いつまで\s?(?:保存|残|のこ|ほぞん|見|み[れら]|使え|つかえ|有効|続|つづ|表示|閲覧|確認)"
    # hiragana, spaced or not: 「なんにんまで」「なんねんまえの ぶんまで」
    r"|なん\s?(?:にん|ねん|びょう|ぷん|ふん|じかん|けん|こ|まい|にち|かげつ|かい)\s?(?:まで|まえ|さき|いない|いじょう)"
    # 「なんびょうで つかえなく なるのか」; an exact number asked for: 「すうじで はっきり」「ぴったり の かず」
    r"|なん\s?(?:びょう|ぷん|ふん|じかん|にち)\s?で"
    r"|(?:すうじ|数字)\s?で\s?(?:はっきり|正確|せいかく)|(?:ぴったり|正確な|せいかくな)\s?の?\s?(?:かず|数|すうじ|数字)"
    r"|(?:どのくらい|どれくらい|どれぐらい)(?:の期間|前|まで|で|の時間)"
    r"|how (?:many|long)|(?:maximum|limit) (?:number|on)"
    # 「再登録までに待たなければならない期間があるのか」: a waiting time asked without 「何」
    r"|(?:待た(?:なければ|ないと)(?:いけない|ならない|だめな)|待つ必要(?:が|の)?(?:ある)?|(?:空け|あけ)る必要(?:が|の)?(?:ある)?)"
    r"\s?(?:期間|日数|時間)"
    # 「登録できるのは1つだけですか」: a limit of one is a figure too
    r"|(?:1|一|ひと)(?:つ|人|件|台|口座|個)(?:だけ|のみ|まで)(?:です|でしょう|なの|か)"
    # 「通知先を2つ登録することはできますか」: whether a second one is allowed is a limit as well
    r"|(?:2|二|ふた|複数)(?:つ|人|件|台|口座|個|か所|箇所|アドレス)(?:の|目)?[^。？?]{0,15}(?:登録|設定)"
    r"(?:する|でき|しておけ|して使え|可能)",
    re.IGNORECASE,
)
# Operator memos report the question: 「…登録しておけるか、との質問」.
_ASKS = re.compile(
    r"か[。、,\s]|か$|[？?]|教えて|知りたい|なの(?!で)|でしょう|ますか|ですか|との(ご)?質問", re.IGNORECASE
)
_UNIT_IN = re.compile(_UNIT, re.IGNORECASE)
# How long something is kept or stays valid (「いつまで保存」「保存期間は」 "how long will you keep"): answered only by a
# length of time, not by 「4桁」 or 「1つ」. How long something *takes* stays lenient: the FAQ answers that with
# 「しばらくたってから」, and the other figures of the source are a fair proxy.
_ASKS_PERIOD = re.compile(
    r"いつまで|"
    + _KEPT_OR_VALID
    + r"|how long (?:will|do|does|is|are|can)[^.?]{0,40}(?:keep|kept|stor|retain|valid|remain|stay|last)",
    re.IGNORECASE,
)
# 「何年度分までさかのぼって表示されるのか」: how far back the records go, and 「何日前から」「何か月前から」, how long
# before an event (both spans). A source that sends the span elsewhere (「表示される期間は市区町村によって異なり」)
# answers it; one that sends the timing of an update (「具体的な時期は市区町村に」) does not.
_ASKS_DEPTH = re.compile(
    r"何\s?(?:年度?|か月|ヶ月|カ月|ケ月|日)\s?(?:分|前)|さかのぼ|遡|なん\s?ねん\s?(?:ぶん|まえ)"
)
# Circled list markers (「①」「②」) are not figures: NFKC makes 「②口座を登録すると」 read as 「2口座を登録すると」,
# a question about a second account.
_ENUMERATOR = re.compile(r"[\u2460-\u2473]")  # ①..⑳
_SENTENCE_END = re.compile(r"(?<=[。！!？?\n])")
# Digits, or kanji numerals with a unit (「三回」, not the 一 of 「一部」「一覧」).
_FIGURE = re.compile(r"[0-9]|[一二三四五六七八九十百千]+\s*" + _UNIT)


# 「どのドメインから届くのか」「送信元のアドレスを教えて」: answered only by a text that names a domain or address.
# Lookarounds, not \b: Python counts Japanese letters as word characters (「URLを」「go.jpから」 have no \b).
_ADDRESS_QUESTION = re.compile(
    r"ドメイン|送信元(?:の)?(?:メール)?アドレス|差出人(?:の)?アドレス|(?<![a-z])(?:url|domain)(?![a-z])|sender address",
    re.IGNORECASE,
)
_WHICH = re.compile(r"どの|どこ|何|なに|正確|具体的|教えて|which|what", re.IGNORECASE)
_ADDRESS = re.compile(
    r"[A-Za-z0-9-]+\.(?:go\.jp|or\.jp|co\.jp|ne\.jp|jp|com|net|org)(?![A-Za-z0-9])|@[A-Za-z0-9-]+\.",
    re.IGNORECASE,
)


# 「何MBまで」 is not answered by 「3回」: when the question names its unit, a figure of the same kind must be
# stated. Units of one kind answer each other (「何日前」 by 「2週間前」). Other counts stay lenient (any figure):
# their units are many and an FAQ often states a count as 「1つ」「ひとつ」 or in words. A number of people is not
# (「何人分までまとめて取得できるか」 is not answered by 「3回」).
_UNIT_KINDS: dict[str, tuple[str, ...]] = {
    "period": ("年", "か月", "ヶ月", "カ月", "ケ月", "週間", "日", "時間", "分", "秒"),
    "size": ("MB", "KB", "GB", "メガ"),
    "money": ("円",),
    "age": ("歳",),
    "length": ("文字", "桁"),
    "people": ("人", "名"),
}
_KIND_OF_UNIT = {unit: kind for kind, units in _UNIT_KINDS.items() for unit in units}
# Validity is counted in birthdays: 「発行から10回目の誕生日まで」 answers 「何年使えますか」 and 「いつまで使えますか」,
# not 「誕生日の何日前までに」 (a deadline in days). "validity": a period asked in years or as 「いつまで」; its units are
# the periods', and no unit maps to it (_KIND_OF_UNIT).
_FIGURE_KINDS = {**_UNIT_KINDS, "validity": _UNIT_KINDS["period"]}
# 「受診から反映まで数か月かかることがあります」 answers 「何か月くらい待てば」: the knowledge's own approximate span.
_OTHER_FIGURES = {
    "validity": r"|[0-9]+\s*回目の誕生日",
    "period": r"|数\s*(?:" + "|".join(_UNIT_KINDS["period"]) + ")",
}
_FIGURE_OF_KIND = {
    kind: re.compile(
        r"(?:[0-9]|[一二三四五六七八九十百千])\s*(?:" + "|".join(units) + ")" + _OTHER_FIGURES.get(kind, ""),
        re.IGNORECASE,
    )
    for kind, units in _FIGURE_KINDS.items()
}


@dataclass(frozen=True)
class DetailQuestion:
    sentence: str
    kind: Literal["figure", "address"]  # a number, limit or period; or a domain, sender address or URL
    unit_kind: str | None = None  # for 「何日」「何MB」: the kind of figure that answers it (_FIGURE_KINDS)
    asks_depth: bool = False  # how far back records go: only a span sent elsewhere answers that, not a timing


def detail_question(text: str) -> DetailQuestion | None:
    """The first sentence that asks for a figure or for an address, if any."""
    for sentence in _SENTENCE_END.split(nfkc(_ENUMERATOR.sub("", text))):
        if not _ASKS.search(sentence):
            continue
        how_many = list(_HOW_MANY.finditer(sentence))
        limit = None if how_many else _LIMIT.search(sentence)
        if how_many or limit:
            unit_kind = _asked_kind([m.group(0) for m in how_many])
            if limit is not None and _ASKS_PERIOD.match(sentence, limit.start()):
                unit_kind = "validity"
            return DetailQuestion(sentence.strip(), "figure", unit_kind, bool(_ASKS_DEPTH.search(sentence)))
        if _ADDRESS_QUESTION.search(sentence) and _WHICH.search(sentence):
            return DetailQuestion(sentence.strip(), "address")
    return None


def _asked_kind(how_many: list[str]) -> str | None:
    """The kind of figure a sentence's 「何…」 asks for. 「年に何回、何か月で使えなくなるのか」 asks a period as well
    as a count: the named kind binds, the lenient count does not relax it. A period in years is a validity."""
    for asked in how_many:
        unit = _UNIT_IN.search(asked)
        if unit is not None and (kind := _KIND_OF_UNIT.get(unit.group(0).upper())) is not None:
            return "validity" if unit.group(0) == "年" else kind
    return None


# 「手続の期限は、公式の案内でご確認ください」「振込日…は年金事務所にお問い合わせください」「期間は市区町村によって異なり」:
# the knowledge answers the figure by saying who states it. A reply that quotes this answers the question; the
# helpdesk has nothing to ask the Agency. Only a sentence that names the figure's kind and sends it elsewhere.
_SENT_ELSEWHERE = (
    r"(?:(?<!再度)(?<!もう一度)ご確認ください|お問い合わせください|お問合せください|お尋ねください"
    r"|によって異な|ごとに異な|により異な)"
)
_DEFERRED = re.compile(
    r"(?:時期|期限|期間|日数|日程|振込日|支払日|支給日|交付日|金額|支払額|回数|上限|いつ)[^。\n]{0,50}"
    + _SENT_ELSEWHERE
    + r"|記載の[^。\n]{0,10}期限"
    # a redirect note's list of what goes to another office: 「## 税務署へ案内するもの\n- 還付金がいつ振り込まれるか」
    r"|案内するもの\n(?:[ \t]*-[^\n]*\n)*?[ \t]*-[^\n]*(?:いつ|時期|期限|日数|金額|額)",
)
_DEFERRED_SPAN = re.compile(r"(?:期間|範囲)[^。\n]{0,50}" + _SENT_ELSEWHERE)


def sources_state(asked: DetailQuestion, source_bodies: Iterable[str]) -> bool:
    """Whether any source body (what a draft may quote; not the title, which may be an FAQ question echoing
    the citizen's words) states the kind of detail asked for, or says where the figure is given."""
    bodies = [nfkc(body) for body in source_bodies]
    if asked.kind == "address":
        return any(_ADDRESS.search(body) for body in bodies)
    deferred = _DEFERRED_SPAN if asked.asks_depth else _DEFERRED
    if any(deferred.search(body) for body in bodies):
        return True
    if asked.unit_kind is not None:
        figure = _FIGURE_OF_KIND[asked.unit_kind]
        return any(figure.search(body) for body in bodies)
    return states_a_figure(bodies)


def states_a_figure(source_bodies: Iterable[str]) -> bool:
    """Lenient on purpose: any figure in a source's body counts."""
    return any(_FIGURE.search(nfkc(body)) for body in source_bodies)
