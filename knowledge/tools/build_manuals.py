#!/usr/bin/env python3
"""Build the sample Japanese PDF manuals for draftdesk, plus two PDF test fixtures.

All output is SAMPLE DATA written for draftdesk. The manuals describe a plausible helpdesk
operation and a plausible monthly release in our own words; they are not official documents
and the release changes in them are invented.

Outputs (defaults, relative to the repository root):

* ``knowledge/manuals/operator_manual_sample.pdf``    -- ヘルプデスク運用マニュアル（サンプル）
* ``knowledge/manuals/release_notes_2026_11_sample.pdf`` -- リリースノート 2026.11（サンプル）
* ``tests/data/manual_no_text.pdf``   -- one page with only a drawn rectangle (no text layer)
* ``tests/data/manual_encrypted.pdf`` -- RC4-128 encrypted, user password ``ENCRYPTED_PASSWORD``

Every manual page carries the footer "サンプルデータ" and a running header with the document
title and the current section heading. The text is set in an embedded TrueType Japanese font
(IPAexGothic by default); fpdf2 writes a ToUnicode map, so pypdf extracts the text correctly.
Outputs are deterministic (fixed creation date and file identifiers).

Usage (from the repository root)::

    python knowledge/tools/build_manuals.py [--font PATH] [--out-dir DIR] [--fixtures-dir DIR]

Requires ``fpdf2`` and ``pypdf`` (``pip install fpdf2 pypdf``) and the IPAexGothic font
(Debian/Ubuntu: ``apt-get install fonts-ipaexfont-gothic``).
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Sequence

try:
    from fpdf import FPDF
    from fpdf.enums import WrapMode, XPos, YPos
except ImportError:  # pragma: no cover - environment dependent
    sys.exit("build_manuals.py needs fpdf2: pip install fpdf2 pypdf")

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FONT = Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")
DEFAULT_OUT_DIR = REPO_ROOT / "knowledge" / "manuals"
DEFAULT_FIXTURES_DIR = REPO_ROOT / "tests" / "data"
CREATION_DATE = datetime(2026, 11, 1, tzinfo=timezone.utc)
FONT_FAMILY = "ipaexg"
FOOTER_TEXT = "サンプルデータ"
ENCRYPTED_PASSWORD = "draftdesk-sample"
# Fixed PDF file identifier for the pypdf-encrypted fixture (pypdf would draw a random one).
FIXED_FILE_ID = bytes.fromhex("64726166746465736b2d73616d706c65")


@dataclass(frozen=True)
class Section:
    """One manual section; it starts on a new page.

    Block conventions: ``"## text"`` is a sub-heading, ``"- text"`` a bullet, anything else
    a paragraph.
    """

    heading: str
    blocks: Sequence[str]


@dataclass(frozen=True)
class Manual:
    """A whole manual: cover page data plus its sections."""

    filename: str
    title: str
    subject: str
    cover_lines: Sequence[str]
    sections: Sequence[Section] = field(default_factory=tuple)


# ---------------------------------------------------------------------------------------------
# Content (sample data, written for draftdesk)
# ---------------------------------------------------------------------------------------------
OPERATOR_MANUAL = Manual(
    filename="operator_manual_sample.pdf",
    title="ヘルプデスク運用マニュアル（サンプル）",
    subject="マイナポータル問合せ対応ヘルプデスクの運用手順（サンプル）",
    cover_lines=(
        "版：2026.11（サンプル）",
        "対象：マイナポータルに関する問合せに回答するヘルプデスクのオペレーター",
        "本書はdraftdeskの開発と評価のために作成した架空のサンプルです。"
        "実際の運用手順書ではなく、記載の基準値や手順は説明用の例です。",
    ),
    sections=(
        Section("受付から回答までの流れ", (
            "問合せは主に三つの経路から届きます。マイナポータルのFAQページにある問合せフォーム、"
            "マイナンバー総合フリーダイヤルからのエスカレーション、マイナポータルアプリのヘルプデスクからの"
            "エスカレーション（電話またはSlackでの連携）です。ヘルプデスクから市民の方へ電話をかけることはありません。",
            "## 標準の手順",
            "- 受付：問合せ管理システムで新着の問合せを取り、内容を最後まで読みます。複数の質問が含まれていないかを確認します。",
            "- 分類：カテゴリ（ログイン、暗証番号、公金受取口座など）を付け、個人情報が含まれているかを確認します。",
            "- 調査：公開FAQ、内部FAQ、過去の問合せと回答、最新のリリースノートの順にナレッジを検索します。",
            "- 回答案の作成：回答案は、根拠としたナレッジの番号と一緒に作成します。回答案作成支援ツールの下書きを使う場合も、"
            "内容と表現はオペレーターが必ず確認し、必要に応じて修正します。",
            "- 確認：初めて扱う内容や、窓口案内を含む回答は、送信前に別のオペレーターが確認します。",
            "- 送信と記録：回答を送信し、対応区分（回答またはエスカレーション）と参照したナレッジを記録します。",
            "## 回答の宛先",
            "フリーダイヤルやアプリヘルプデスクから転送された問合せへの回答は、問合せ元の窓口に返します。"
            "市民の方へ直接回答するのは、問合せフォームから届いた問合せに限ります。",
            "## 回答文の基本",
            "回答は丁寧な文体で、手順は順を追って文章で書きます。ヘルプデスクでは個人の記録を閲覧できないため、"
            "個別の記録に関するご相談は、市区町村の窓口、年金事務所、税務署、ご加入の保険者など、記録を持つ機関へ案内します。",
        )),
        Section("回答期限", (
            "初回の回答は、受付から3営業日以内に送ることを目標とします。あわせて、平均の回答時間は1営業日以内を目指します。",
            "## 営業日と受付時間",
            "- 営業日は平日で、対応時間は9時30分から18時30分までです。",
            "- 土日祝日は問合せの状況を監視し、障害が疑われる場合はあらかじめ決めた連絡先に報告します。",
            "- 対応時間外に届いた問合せは、翌営業日の受付として扱います。",
            "## 期限管理",
            "- 始業時に未回答の一覧を確認し、受付から2営業日目に入った問合せをリーダーに共有します。",
            "- エスカレーション中で期限までに回答がそろわない場合は、期限内に「確認中である」旨の一次回答を送ります。",
            "- 一次回答を送った問合せは、回答がそろい次第すみやかに最終回答を送ります。",
            "## 繁忙期",
            "確定申告の時期（2月から3月）は、e-Tax連携や医療費通知情報に関する問合せが増えます。"
            "この時期は要員を増やし、よくある問合せの回答テンプレートを事前に見直しておきます。",
        )),
        Section("エスカレーション手順", (
            "既存のナレッジで回答できない問合せに限り、エスカレーションします。一回で解決できた割合"
            "（エスカレーションせずに回答できた割合）は重要な指標であり、1年目は90%以上、2年目は95%以上を目標とします。",
            "## エスカレーション先の選び方",
            "- 主管課（デジタル庁のマイナポータル担当）：画面の仕様や運用方針の判断、公開FAQに記載のない取扱いの確認。",
            "- 運用保守事業者：システムの挙動、エラー表示、特定の端末でだけ起きる不具合など。JIRAまたはSlackで連絡します。",
            "- 関係省庁：各省庁が所管する制度の取扱いに関する確認。メールで連絡します。",
            "- 宛先が判断できない場合は、どこに確認すべきかをデジタル庁に問い合わせます。",
            "## 記載する事項",
            "- 受付番号、受付日時、経路、カテゴリ。",
            "- 事象が起きた日時、端末とOS、ブラウザまたはアプリのバージョン、画面名、表示されたメッセージ。",
            "- 問合せ者が試したことと、ヘルプデスクで確認したナレッジ。",
            "- 個人情報は伏せ字にし、事象の確認に必要な範囲に限ります。",
            "## エスカレーションではないもの",
            "市区町村の窓口、年金事務所、税務署、保険者への案内で解決する問合せは、エスカレーションせずに案内として回答します。"
            "関係先から得た回答はヘルプデスクが取りまとめ、問合せ者への回答として整えてから送ります。",
        )),
        Section("個人情報の取扱い", (
            "問合せには、氏名、住所、電話番号、メールアドレス、マイナンバーなどの個人情報が書かれていることがあります。"
            "これらは問合せへの対応に必要な範囲でのみ扱います。",
            "## 回答を書くとき",
            "- 回答文に問合せ者の個人情報を書き写しません。マイナンバーが書かれていても、回答や記録に転記しません。",
            "- 暗証番号やパスワードを問合せ者に尋ねません。書かれていた場合は、その部分を記録から伏せます。",
            "- 回答案作成支援ツールに問合せ文を入力する場合は、個人情報を伏せる処理が有効であることを確認します。",
            "## データの保管",
            "- 問合せ管理システムでのデータの保持期間は2か月です。",
            "- 履歴をExcelに出力する際は個人情報をマスキングします。マスキング前のデータは専用の端末でのみ扱います。",
            "- 出力したデータは契約期間中は2年間保管し、契約の終了時に消去します。",
            "## 事故が起きたとき",
            "誤送信や誤った添付など、個人情報の取扱いに関する事故が疑われる場合は、対応を止めてただちにリーダーに報告します。"
            "自分だけで判断して問合せ者に連絡することはしません。",
        )),
        Section("障害の疑いがある場合", (
            "同じエラー画面に関する問合せが短い時間にいくつも届く場合は、システム障害の可能性があります。"
            "いつもと違う問合せの傾向に気づいたら、個別に回答する前に報告します。",
            "## 兆候の例（サンプルの目安）",
            "- 30分以内に、同じエラーメッセージや同じ画面についての問合せが3件以上届いた。",
            "- 特定の機能（ログイン、公金受取口座の登録など）に関する問合せが急に増えた。",
            "- 特定の端末やOS、アプリのバージョンに問合せが偏っている。",
            "## 対応の手順",
            "- オペレーターは該当する受付番号をまとめてリーダーに報告します。",
            "- リーダーは事象を確認し、運用保守事業者にSlackで連絡するとともに、主管課に報告します。",
            "- 状況が分かるまでは、「現在確認中である」旨の一次回答を送ります。原因や復旧の見込みを推測で書きません。",
            "- 復旧の連絡を受けたら、一次回答を送った問合せに最終回答を送ります。",
            "## 記録",
            "事象に気づいた時刻、件数、画面名とメッセージ、報告した相手と時刻を記録し、月次の報告に含めます。",
        )),
        Section("FAQ改善提案", (
            "ヘルプデスクは、問合せの傾向をもとに新しいFAQや既存FAQの改訂を提案します。"
            "FAQの原案はヘルプデスクが作成し、デジタル庁が承認したのち、運用保守事業者が公開します。",
            "## 提案の目安（サンプル）",
            "- 同じ内容の問合せが1か月に10件以上ある。",
            "- 既存のFAQの表現が分かりにくく、同じ誤解による問合せが続いている。",
            "- 制度やシステムの変更により、既存のFAQの内容が古くなった。",
            "## 提案書に書くこと",
            "- 想定する質問と回答の原案。",
            "- 根拠となる問合せの件数と代表的な受付番号（個人情報は伏せる）。",
            "- 関連する既存FAQと、改訂の場合は変更点。",
            "## 運用",
            "提案は月に一度まとめて提出します。承認されたFAQはナレッジに取り込み、回答テンプレートもあわせて更新します。",
        )),
        Section("月次リリース対応", (
            "マイナポータルでは、画面や機能の変更がおおむね月に一度リリースされます。"
            "リリースの前に、変更内容と画面の流れをまとめたリリースノートが共有されます。",
            "## リリース前",
            "- リリースノートを読み、変更された画面、修正された不具合、新規・改訂のFAQを確認します。",
            "- 内部FAQと回答テンプレートのうち、影響を受けるものを洗い出して更新します。",
            "- 修正された不具合は既知の不具合の一覧から外し、関連するエスカレーション案件に回答できるか確認します。",
            "## リリース当日と翌営業日",
            "- 朝のミーティングで変更点を共有します。",
            "- 変更された画面に関する問合せの件数に注意し、障害の兆候があれば「障害の疑いがある場合」の手順に従います。",
            "## ナレッジの版",
            "ナレッジには、対応するリリースの番号（例：2026.11）を付けて管理します。"
            "回答案作成支援ツールが参照するナレッジも、同じ番号で更新します。",
        )),
    ),
)

RELEASE_NOTES = Manual(
    filename="release_notes_2026_11_sample.pdf",
    title="リリースノート 2026.11（サンプル）",
    subject="マイナポータル 2026年11月リリースの変更点（サンプル）",
    cover_lines=(
        "リリース予定：2026年11月（サンプル）",
        "対象：マイナポータル（ウェブ版およびアプリ）",
        "本書はdraftdeskの開発と評価のために作成した架空のサンプルです。"
        "記載の変更内容、不具合番号、FAQは説明用の例であり、実際のリリース内容ではありません。",
    ),
    sections=(
        Section("画面の変更", (
            "今回のリリースでは、次の画面を変更します（すべてサンプルの例です）。",
            "## ログイン画面",
            "- 二次元コードでログインする場合の案内文を見直し、コードの読み取り期限が画面に表示されるようにします。",
            "- 問合せへの影響：読み取りが間に合わない場合は、画面を更新して新しいコードを表示するよう案内します。",
            "## 公金受取口座の登録画面",
            "- 入力内容の確認画面で、金融機関名と支店名を大きく表示します。",
            "- 問合せへの影響：登録の手順そのものは変わりません。",
            "## やりとり履歴",
            "- 未読のお知らせだけを表示する切り替えを追加します。",
            "- 問合せへの影響：お知らせが見当たらないという問合せには、表示の切り替えを確認するよう案内します。",
            "## 代理人の設定画面",
            "- 設定の手順に、現在の段階を示すステップ表示を追加します。",
        )),
        Section("既知の不具合の修正", (
            "次の不具合を修正します（不具合番号はサンプルです）。修正済みの不具合は、既知の不具合の一覧から外してください。",
            "## 修正するもの",
            "- KI-2026-014：一部のAndroid端末で、カードの読み取り直後にアプリが終了することがある。",
            "- KI-2026-021：代理人の設定の最終確認画面でエラーになり、登録が完了しないことがある。",
            "- KI-2026-027：オンライン申請の送信後、やりとり履歴への表示が遅れることがある。",
            "- KI-2026-030：e-Tax連携の画面で、読み込み中の表示のまま進まないことがある。",
            "## 引き続き調査中のもの",
            "- KI-2026-033：一部のブラウザで、お知らせを印刷すると表示が崩れることがある。次回以降のリリースで対応する予定です。",
            "## ヘルプデスクでの対応",
            "上記の不具合についてエスカレーション中の問合せがある場合は、運用保守事業者に修正の確認を取ったうえで、"
            "問合せ元に最終回答を送ってください。",
        )),
        Section("新規・改訂FAQ", (
            "今回のリリースにあわせて、次のFAQを公開・改訂します（サンプルの例です）。",
            "## 新規",
            "- 二次元コードの読み取り期限が切れた場合はどうすればよいですか。"
            "（回答の要旨：パソコンの画面を更新して新しいコードを表示し、もう一度読み取ってください。）",
            "- スマートフォンを機種変更したら、スマホ用電子証明書はどうなりますか。"
            "（回答の要旨：新しい端末で改めて利用の手続きが必要です。）",
            "- 未読のお知らせだけを表示するにはどうすればよいですか。"
            "（回答の要旨：やりとり履歴の画面で表示を切り替えてください。）",
            "## 改訂",
            "- 暗証番号のロックに関するFAQで、利用者証明用電子証明書の暗証番号（数字4桁、3回でロック）と"
            "署名用電子証明書のパスワード（英大文字と数字の6文字以上16文字以下、5回でロック）の違いを分かりやすく書き直します。",
            "- 公金受取口座の登録に関するFAQで、確認画面の表示の変更を反映します。",
        )),
        Section("ヘルプデスクへの周知事項", (
            "- リリース当日と翌営業日は、変更した画面に関する問合せの件数に注意してください。",
            "- 回答テンプレートのうち、ログイン画面と代理人の設定画面に関するものを更新してください。",
            "- ナレッジの版を 2026.11 に更新してください。",
            "- 本書の内容に関する確認は、リーダーを通じて主管課に問い合わせてください。",
        )),
    ),
)

MANUALS: tuple[Manual, ...] = (OPERATOR_MANUAL, RELEASE_NOTES)


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------
class ManualPDF(FPDF):
    """A4 PDF with a running header (title + section) and the sample-data footer."""

    def __init__(self, font_path: Path, doc_title: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = doc_title
        self.section_heading = ""
        self.add_font(FONT_FAMILY, "", str(font_path))
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(auto=True, margin=22)
        self.set_creation_date(CREATION_DATE)
        self.set_creator("draftdesk knowledge/tools/build_manuals.py")
        self.set_producer("draftdesk (fpdf2)")
        self.set_lang("ja")

    def header(self) -> None:
        """Running header on every page after the cover."""
        if self.page_no() == 1:
            return
        self.set_font(FONT_FAMILY, size=8)
        self.set_text_color(90, 90, 90)
        label = self.doc_title + (f"　｜　{self.section_heading}" if self.section_heading else "")
        self.set_xy(self.l_margin, 10)
        self.cell(0, 5, label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(180, 180, 180)
        self.line(self.l_margin, 16, self.w - self.r_margin, 16)
        self.set_text_color(0, 0, 0)
        self.set_y(22)

    def footer(self) -> None:
        """Footer "サンプルデータ" and the page number on every page."""
        self.set_y(-14)
        self.set_font(FONT_FAMILY, size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{FOOTER_TEXT}　{self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)

    def write_paragraph(self, text: str, size: float = 10.5, indent: float = 0.0) -> None:
        """Write wrapped Japanese text (character wrap, since Japanese has no spaces)."""
        self.set_font(FONT_FAMILY, size=size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, size * 0.62, text, wrapmode=WrapMode.CHAR,
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def write_block(self, block: str) -> None:
        """Render one block according to the Section conventions."""
        if block.startswith("## "):
            self.ln(2)
            self.write_paragraph("■ " + block[3:], size=12)
            self.ln(1)
        elif block.startswith("- "):
            self.write_paragraph("・" + block[2:], indent=4)
            self.ln(1)
        else:
            self.write_paragraph(block)
            self.ln(2)


def render_manual(manual: Manual, font_path: Path) -> bytes:
    """Render one manual to PDF bytes: a cover page with contents, then one page per section."""
    pdf = ManualPDF(font_path, manual.title)
    pdf.set_title(manual.title)
    pdf.set_subject(manual.subject)
    pdf.set_author("draftdesk（サンプルデータ）")
    pdf.set_keywords("サンプルデータ draftdesk")

    pdf.add_page()
    pdf.set_y(50)
    pdf.set_font(FONT_FAMILY, size=22)
    pdf.multi_cell(0, 12, manual.title, align="C", wrapmode=WrapMode.CHAR,
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(10)
    for line in manual.cover_lines:
        pdf.write_paragraph(line, size=11)
        pdf.ln(3)
    pdf.ln(8)
    pdf.write_paragraph("目次", size=13)
    pdf.ln(2)
    for number, section in enumerate(manual.sections, start=1):
        pdf.write_paragraph(f"{number}．{section.heading}", size=11, indent=6)

    for number, section in enumerate(manual.sections, start=1):
        pdf.section_heading = section.heading
        pdf.add_page()
        pdf.set_font(FONT_FAMILY, size=16)
        pdf.multi_cell(0, 10, f"{number}．{section.heading}", wrapmode=WrapMode.CHAR,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
        for block in section.blocks:
            pdf.write_block(block)
    return bytes(pdf.output())


def render_no_text_fixture() -> bytes:
    """A one-page PDF that has only drawn shapes and no text layer (like a scanned image)."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_creation_date(CREATION_DATE)
    pdf.set_producer("draftdesk (fpdf2)")
    pdf.add_page()
    pdf.set_fill_color(220, 220, 220)
    pdf.set_draw_color(60, 60, 60)
    pdf.rect(20, 30, 170, 110, style="DF")
    pdf.rect(30, 160, 150, 40, style="D")
    return bytes(pdf.output())


def render_encrypted_fixture(font_path: Path, password: str = ENCRYPTED_PASSWORD) -> bytes:
    """A short Japanese PDF encrypted by pypdf (RC4-128, so no extra crypto library is needed)."""
    try:
        from pypdf import PdfReader, PdfWriter
        from pypdf.generic import ArrayObject, ByteStringObject
    except ImportError:  # pragma: no cover - environment dependent
        sys.exit("build_manuals.py needs pypdf for the encrypted fixture: pip install pypdf")

    pdf = ManualPDF(font_path, "暗号化テスト用マニュアル（サンプル）")
    pdf.add_page()
    pdf.write_paragraph("暗号化テスト用マニュアル（サンプル）", size=16)
    pdf.write_paragraph("このファイルはパスワードで保護されたPDFの取込みを試験するためのサンプルです。")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    # pypdf draws random file identifiers; a fixed first identifier (which the RC4 key derives
    # from) and a fixed second one make the fixture reproducible byte for byte.
    writer._ID = ArrayObject((ByteStringObject(FIXED_FILE_ID), ByteStringObject(FIXED_FILE_ID)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    writer._ID = ArrayObject((ByteStringObject(FIXED_FILE_ID), ByteStringObject(FIXED_FILE_ID)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write_file(path: Path, data: bytes) -> None:
    """Write bytes, creating parent directories, and report the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"wrote {path} ({len(data):,} bytes)")


def main(argv: Optional[list[str]] = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--font", type=Path, default=DEFAULT_FONT,
                        help=f"TrueType Japanese font to embed (default: {DEFAULT_FONT})")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR, help="where the manuals go")
    parser.add_argument("--fixtures-dir", type=Path, default=DEFAULT_FIXTURES_DIR,
                        help="where the test-fixture PDFs go")
    args = parser.parse_args(argv)

    if not args.font.is_file():
        print(f"error: font file not found: {args.font}\n"
              "Install IPAexGothic (Debian/Ubuntu: apt-get install fonts-ipaexfont-gothic) "
              "or pass --font PATH to a TrueType (.ttf) Japanese font.", file=sys.stderr)
        return 2

    for manual in MANUALS:
        write_file(args.out_dir / manual.filename, render_manual(manual, args.font))
    write_file(args.fixtures_dir / "manual_no_text.pdf", render_no_text_fixture())
    write_file(args.fixtures_dir / "manual_encrypted.pdf", render_encrypted_fixture(args.font))
    return 0


if __name__ == "__main__":
    sys.exit(main())
