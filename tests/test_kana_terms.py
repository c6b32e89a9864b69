"""Hiragana spellings of the knowledge's words are written back as the knowledge writes them (for the search)."""

from __future__ import annotations

from app.kana_terms import KanaTerms
from app.textnorm import telegram_katakana_as_hiragana

KNOWLEDGE = [
    "公金受取口座を登録するには、マイナポータルにログインしてください。",
    "マイナ保険証の利用登録は、医療機関の受付でもできます。",
]


def test_hiragana_words_of_the_knowledge_are_written_back() -> None:
    terms = KanaTerms(KNOWLEDGE)
    assert terms.rewrite("こうきんうけとりこうざの とうろくを やめたい") == "公金受取口座の 登録を やめたい"
    assert terms.rewrite("まいなぽーたるに ろぐいん できません") == "マイナポータルに ログイン できません"


def test_words_the_knowledge_does_not_have_stay_as_written() -> None:
    terms = KanaTerms(KNOWLEDGE)
    text = "しゅじんの なまえで たのみたい。暗証番号を忘れました。"
    assert terms.rewrite(text) == text


def test_an_empty_knowledge_changes_nothing() -> None:
    assert KanaTerms([]).rewrite("こうきんうけとりこうざ") == "こうきんうけとりこうざ"
    assert len(KanaTerms([])) == 0


def test_the_written_form_joins_spaced_hiragana_before_writing_it_back() -> None:
    terms = KanaTerms(KNOWLEDGE)
    assert terms.written_form("こうきん うけとり こうざ を とうろく したい") == "公金受取口座を登録したい"
    assert terms.written_form("公金受取口座 の 登録") == "公金受取口座 の 登録"  # spaces beside kanji stay


def test_everyday_kana_is_not_written_as_a_knowledge_noun() -> None:
    """「していない」 is not 「指定ない」 and 「きのう」 in a kana inquiry is yesterday, not 機能: these readings of the
    knowledge's nouns are far more often ordinary inflections and words."""
    terms = KanaTerms(
        [
            "対象となる方を指定してください。新しい機能が追加されました。一定の期間が過ぎると、",
            "公金受取口座を登録するには、マイナポータルにログインしてください。",
        ]
    )
    assert terms.rewrite("とうろくしていない") == "登録していない"
    written = terms.written_form("きのうから こうきん の めーる が こない って いってい た")
    assert written == "きのうから公金のめーるがこないっていっていた"
    assert terms.rewrite("してい") == "してい"


def test_an_inquiry_all_in_katakana_is_read_as_hiragana() -> None:
    """「コウキン ウケトリ コウザ ヲ トウロク スルト…」 met neither the knowledge's kanji nor its readings."""
    terms = KanaTerms(KNOWLEDGE)
    assert (
        terms.written_form("コウキン ウケトリ コウザ ヲ トウロク シタイ デス")
        == "公金受取口座を登録したいです"
    )
    assert terms.written_form("ｺｳｷﾝ ｳｹﾄﾘ ｺｳｻﾞ ｦ ﾄｳﾛｸ ｼﾀｲ ﾃﾞｽ") == "公金受取口座を登録したいです"


def test_loanwords_alone_stay_in_katakana() -> None:
    """A string of loanwords (a subject line) has no grammar in katakana: it is not a katakana-written sentence."""
    for text in (
        "マイナポータル ログイン エラー アプリ",
        "デスクトップ パソコン カードリーダー セット",
        "マイナポータルにログインできないです",
    ):
        assert telegram_katakana_as_hiragana(text) == text
