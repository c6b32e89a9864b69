"""A question for a figure is answered only by a source that states one; otherwise it is escalated."""

from __future__ import annotations

import re

import pytest

from app.answer_type import detail_question, sources_state, states_a_figure
from app.chunks import Chunk
from app.recommend import Evidence, recommend
from app.retrieval import Hit, IndexSnapshot, RetrievalResult
from app.routing import RoutingRule
from app.semantic_router import RouteVote
from app.service import sources_for_sentence
from tests.recommend_helpers import recommend_on_one_faq


@pytest.mark.parametrize(
    "text",
    [
        "代理人は何人まで設定できますか。兄弟3人で分担したいです。",
        "QRコードの有効時間って何秒なんですか？",
        "やりとり履歴のお知らせはいつまで保存されるのでしょうか。",
        "1つのファイルは何MBまで添付できますか。",
        "登録できるメールアドレスは1つだけですか？",
        "How many proxies can I register?",
        "たいかい した あと、 わたしの じょうほうは いつまで のこって いるのですか。",
        "だいりにんは なんにんまで とうろく できますか",
        "りれきは なんねんまえの ぶんまで みられますか",
        "通知先のメールアドレスを2つ登録することはできますか。",
        "にじげんこーどは なんびょうで つかえなく なるのですか",
        "しゃしんは いくつ つけられるのか、ぴったり の かずを おしえて ください",
        "保存される期間を数字ではっきり知りたいです。",
        "退会したあと、再登録までに待たなければならない期間はありますか。",
    ],
)
def test_questions_for_a_figure_are_recognised(text: str) -> None:
    asked = detail_question(text)
    assert asked is not None and asked.kind == "figure"


@pytest.mark.parametrize(
    "text",
    [
        "何回やってもカードが読めません。どうすれば読めるんですか。",  # adverbial 何回
        "通知メールが何時間も遅れて届きます。",  # no question
        "アプリがいつまでたっても起動しません。",
        "なんかいも ためしましたが だめでした。どうすれば いいですか。",  # adverbial, in hiragana
        "公金受取口座の登録方法を教えてください。",
        "ぴったりさーびすで しんせいする ほうほうを おしえて ください",  # the service's name, not an exact number
        "2つ質問です。①子どもの口座は登録できますか？②口座を登録すると、残高を見られたりしませんか？",
        "反映されるまで待つ必要がありますか。",  # waiting itself, not how long
    ],
)
def test_other_sentences_are_not_figure_questions(text: str) -> None:
    assert detail_question(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "If I cancel my registration, how long will you keep my personal data?",
        "やりとり履歴のお知らせはいつまで保存されるのでしょうか。",
        "退会後のデータの保存期間はどのくらいですか。",
        "代理人の設定には有効期限があるのでしょうか。",
    ],
)
def test_how_long_is_answered_only_by_a_length_of_time(text: str) -> None:
    """「4桁」 or 「1つ」 is a figure but not a length of time."""
    asked = detail_question(text)
    assert asked is not None and asked.unit_kind == "validity"
    assert not sources_state(asked, ["4桁の暗証番号を入力します。登録は1つです。"])
    assert sources_state(asked, ["退会後5年間保存します。"])


def test_how_long_something_takes_stays_lenient() -> None:
    """The FAQ answers a delay with 「しばらくたってから」; only a kept or valid period needs a length of time."""
    asked = detail_question("How long does it usually take for the new insurance to show up?")
    assert asked is not None and asked.unit_kind is None


def test_a_figure_counts_in_the_body_not_in_the_echoed_question() -> None:
    assert states_a_figure(["暗証番号は何回まで？\n3回続けて間違えるとロックされます。"])
    assert states_a_figure(["有効期限\n発行から五年です。"])
    assert not states_a_figure(
        ["代理人は何人まで？\n代理人は、メニューの代理人設定から登録します。一覧で確認できます。"]
    )


@pytest.mark.parametrize(
    ("question", "body", "stated"),
    [
        ("1ファイル何MBまで添付できますか。", "暗証番号は3回続けて間違えるとロックされます。", False),
        ("1ファイル何MBまで添付できますか。", "1ファイル10MBまで添付できます。", True),
        ("何分操作しないとログアウトされますか。", "暗証番号は3回続けて間違えるとロックされます。", False),
        ("何日前から提出できますか。", "予定日の2週間前から提出できます。", True),  # one kind: periods
        ("何年前の分まで見られますか。", "過去5年分を表示します。", True),
        ("カードは何年使えますか。", "発行から10回目の誕生日まで有効です。", True),
        ("手数料は何円ですか。", "発行から5年です。", False),
        ("代理人は何人まで設定できますか。", "代理人は2名まで登録できます。", True),
        (
            "代理人は何人まで設定できますか。",
            "手続は3回に分けて行います。",
            False,
        ),  # people need a number of people
        ("代理人は何人まで設定できますか。", "代理人はお一人につき一人です。", True),
        ("口座は何件まで登録できますか。", "手続は3回に分けて行います。", True),  # other counts stay lenient
        ("いつまで保存されますか。", "5年間保存されます。", True),
        ("このカードはいつまで使えますか。", "発行から5回目の誕生日までです。", True),
        # a deadline in days is not answered by a validity counted in birthdays
        ("誕生日の何日前までに手続きすればよいですか。", "発行から5回目の誕生日までです。", False),
        ("何か月前から更新できますか。", "有効期限は発行から5回目の誕生日までです。", False),
        # a sentence asking a count and a period binds to the period
        ("更新は年に何回あって、古い版は何か月で使えなくなりますか。", "手続は3回に分けて行います。", False),
        (
            "更新は年に何回あって、古い版は何か月で使えなくなりますか。",
            "公開から6か月で使えなくなります。",
            True,
        ),
        # the knowledge's own approximate span answers how long to wait; it does not say how long a thing stays valid
        ("何か月くらい待てば表示されますか。", "受診から反映まで数か月かかることがあります。", True),
        ("何日で反映されますか。", "反映には数日かかります。", True),
        ("いつまで保存されますか。", "数年分を保存します。", False),
    ],
)
def test_a_question_that_names_its_unit_needs_a_figure_of_that_kind(
    question: str, body: str, stated: bool
) -> None:
    """「何MBまで」 is not answered by 「3回」: the FAQ about lock-outs shares the words, not the answer."""
    asked = detail_question(question)
    assert asked is not None and asked.kind == "figure"
    assert sources_state(asked, [body]) is stated


@pytest.mark.parametrize(
    ("question", "body", "stated"),
    [
        # the FAQ says who gives the figure: a reply quoting it answers the question
        (
            "予約してから何日以内に店へ行けばよいですか。",
            "利用できる店舗や手続の期限は、公式の案内でご確認ください。",
            True,
        ),
        (
            "年金は毎月何日に振り込まれますか。",
            "支払額や振込日などのご質問は年金事務所にお問い合わせください。",
            True,
        ),
        ("何歳ごろの記録まで表示されますか。", "表示される種類や期間は市区町村によって異なります。", True),
        ("何日以内に返事をすればよいですか。", "お知らせに記載の方法と期限に沿って回答してください。", True),
        # a redirect note listing when a refund is paid among the tax office's questions
        (
            "還付金はあと何日で振り込まれますか。",
            "## 税務署へ案内するもの\n- 税額の計算\n- 還付金がいつ振り込まれるか\n",
            True,
        ),
        ("代理人は何人まで設定できますか。", "## 税務署へ案内するもの\n- 控除の判断\n- 申告の訂正\n", False),
        # 「しばらくたってから再度ご確認ください」 is a vague wait, not a pointer to whoever states the figure
        (
            "あと何日で表示されますか。",
            "反映までに日数がかかりますので、しばらくたってから再度ご確認ください。",
            False,
        ),
        # how far back records go is the portal's own: the timing of an update sent elsewhere does not answer it
        (
            "何年度分までさかのぼって表示されますか。",
            "具体的な時期は、お住まいの市区町村にお問い合わせください。",
            False,
        ),
        (
            "何歳ごろの分までさかのぼって表示されますか。",
            "表示される種類や期間は市区町村によって異なります。",
            True,
        ),
        # a referral of something else does not defer the figure
        (
            "代理人は何人まで設定できますか。",
            "内容については、お住まいの市区町村にお問い合わせください。",
            False,
        ),
    ],
)
def test_a_source_that_says_who_states_the_figure_answers_it(question: str, body: str, stated: bool) -> None:
    asked = detail_question(question)
    assert asked is not None and asked.kind == "figure"
    assert sources_state(asked, [body]) is stated


def _decide(inquiry: str, body: str) -> str:
    vote = RouteVote("answer", 0.9, 0.80, 0.95, escalation_probability=0.1, classifier_route="agency")
    decision = recommend_on_one_faq(inquiry, vote, body, title="代理人の設定")
    rec = decision.recommendation
    return rec.action if rec.action == "answer" else f"{rec.action}:{rec.destination}"


def test_a_figure_the_knowledge_does_not_state_is_escalated() -> None:
    silent = "代理人の設定\n代理人は、メニューの代理人設定から登録します。"
    stating = "代理人の設定\n代理人は、お一人につき5人まで登録できます。"
    question = "代理人は何人まで設定できますか。"
    assert _decide(question, silent) == "escalate:agency"
    assert _decide(question, stating) == "answer"
    # a how-to question is not held to the figure test
    assert _decide("代理人の設定方法を教えてください。", silent) == "answer"
    # a figure in the entry's title (an FAQ question echoing the citizen) is not a figure the reply can quote
    vote = RouteVote("answer", 0.9, 0.80, 0.95, escalation_probability=0.1, classifier_route="agency")
    echoed = recommend_on_one_faq(
        question, vote, "代理人は、メニューの代理人設定から登録します。", title="代理人は5人まで？"
    )
    assert echoed.recommendation.action == "escalate"


def test_a_redirect_rule_does_not_answer_a_figure_its_note_and_sources_leave_out() -> None:
    """A redirect rule knows the topic; the length of 「一定期間」 is a figure neither its note nor the FAQ states."""
    note = Chunk(
        "int-t-redirect", "internal", "int-t-redirect", "期限切れの案内",
        "期限切れの案内\n期限が切れた後も一定期間は資格確認ができます。更新は市区町村窓口です。", "internal/t.md",
    )  # fmt: skip
    rule = RoutingRule(
        "route-answer-t",
        "answer",
        None,
        "期限切れ → 市区町村窓口",
        (re.compile("期限"),),
        note_id="int-t-redirect",
    )
    vote = RouteVote("answer", 0.9, 0.80, 0.95, escalation_probability=0.1, classifier_route="ministry")

    def decide(inquiry: str, note_body: str) -> tuple[str, str | None, str | None]:
        stated = Chunk(note.id, note.kind, note.source_id, note.title, note_body, note.source)
        faq = Chunk(
            "faq-t-001", "faq", "faq-t-001", "更新の手続き", "更新の手続き\n窓口で更新します。", "faq/t.jsonl"
        )
        d = recommend(
            inquiry, [Hit(faq, 1.0, dense=0.95)], [rule], IndexSnapshot(None, [faq, stated]), 0.5,
            Evidence(best_dense=0.95, kana_share=0.0, coverage=1.0), vote,
        )  # fmt: skip
        return d.recommendation.action, d.recommendation.destination, d.rule_id

    period = "期限が切れた後の一定期間とは具体的に何か月ですか。"
    assert decide(period, note.body) == ("escalate", "ministry", None)
    assert decide(period, note.body.replace("一定期間", "3か月間")) == ("answer", None, "route-answer-t")
    assert decide("期限が切れたらどこで更新できますか。", note.body) == ("answer", None, "route-answer-t")


def test_the_figure_is_looked_for_in_the_sources_of_its_own_question() -> None:
    """Two questions: the first one's sources lead the hits, the figure question has its own."""
    how_to = Chunk(
        "faq-t-002", "faq", "faq-t-002", "口座の登録", "口座の登録\nメニューから登録します。", "faq/t.jsonl"
    )
    limit = Chunk(
        "faq-t-003", "faq", "faq-t-003", "代理人", "代理人\n代理人は5人まで登録できます。", "faq/t.jsonl"
    )
    hits = [Hit(how_to, 1.0, dense=0.95), Hit(how_to, 0.9, dense=0.9), Hit(limit, 0.8, dense=0.9)]
    result = RetrievalResult(
        hits,
        [hits[:2], [Hit(limit, 1.0, dense=0.95)]],
        "ja",
        questions=["口座の登録方法を教えてください。", "代理人は何人まで設定できますか。"],
    )
    assert [h.chunk.id for h in sources_for_sentence(result, "代理人は何人まで設定できますか。")] == [
        "faq-t-003"
    ]
    assert sources_for_sentence(result, "口座の登録方法を教えてください。") == hits[:2]
    inquiry = "口座の登録方法を教えてください。それと、代理人は何人まで設定できますか。"
    vote = RouteVote("answer", 0.9, 0.80, 0.95, escalation_probability=0.1, classifier_route="agency")
    evidence = Evidence(best_dense=0.95, kana_share=0.0, coverage=1.0)
    snapshot = IndexSnapshot(None, [how_to, limit])
    alone = recommend(inquiry, hits, [], snapshot, 0.5, evidence, vote)
    own = recommend(
        inquiry, hits, [], snapshot, 0.5, evidence, vote, None, lambda s: sources_for_sentence(result, s)
    )
    assert alone.recommendation.action == "escalate"  # the first two hits state no figure
    assert own.recommendation.action == "answer"


def test_the_figure_is_also_looked_for_in_the_whole_inquirys_best_sources() -> None:
    """「何文字の番号を準備すれば」 alone loses the e-Tax its first sentence names; the reply quotes both."""
    etax = Chunk(
        "faq-t-004", "faq", "faq-t-004", "e-Taxの暗証番号",
        "e-Taxの暗証番号\n署名用の暗証番号（英数字6～16桁）を使います。", "faq/t.jsonl",
    )  # fmt: skip
    other = Chunk(
        "faq-t-005", "faq", "faq-t-005", "番号", "番号\n番号はメモしないでください。", "faq/t.jsonl"
    )
    inquiry = "e-Taxで送るときの暗証番号はログインの4桁とは違いますか。何文字の番号を準備すればよいですか。"
    vote = RouteVote("answer", 0.9, 0.80, 0.95, escalation_probability=0.1, classifier_route="ministry")
    evidence = Evidence(best_dense=0.95, kana_share=0.0, coverage=1.0)
    snapshot = IndexSnapshot(None, [etax, other])

    def decide(inquiry_hits: list[Chunk]) -> str:
        hits = [Hit(chunk, 1.0 - i / 10, dense=0.95) for i, chunk in enumerate(inquiry_hits)]
        own = [Hit(other, 1.0, dense=0.95)]  # the figure sentence's own sources state no length
        d = recommend(inquiry, hits, [], snapshot, 0.5, evidence, vote, None, lambda s: own)
        return d.recommendation.action

    assert decide([etax, other]) == "answer"
    assert decide([other]) == "escalate"


def test_a_question_for_a_domain_needs_a_source_that_names_one() -> None:
    asked = detail_question(
        "キャリアメールの受信設定をしたいので、通知メールがどのドメインから届くのか教えてください。"
    )
    assert asked is not None and asked.kind == "address"
    assert not sources_state(asked, ["メールが届かない\nドメイン指定受信の設定を見直してください。"])
    assert sources_state(asked, ["送信元\n通知は example.go.jpから送信されます。"])
    url = detail_question("申請ページのURLを教えてください。")
    assert url is not None and url.kind == "address"
    assert detail_question("ドメイン指定受信をしているとメールは届きませんか？") is None  # not asking which
