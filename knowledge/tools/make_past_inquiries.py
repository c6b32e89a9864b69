#!/usr/bin/env python3
"""Generate synthetic "past answered inquiries" as the helpdesk's Excel export would hold them.

All output is SAMPLE DATA written for draftdesk. The names, phone numbers, e-mail addresses,
street numbers and 12-digit numbers are invented (12-digit numbers are generated with a
deliberately *wrong* My Number check digit, so none of them is a valid individual number).
Question and answer texts are hand-written for this project; they are not official FAQ text.

Outputs (defaults, relative to the repository root):

* ``knowledge/past_inquiries/past_inquiries_sample.xlsx`` -- sheets "問合せ履歴" and "README"
* ``knowledge/past_inquiries/past_inquiries_sample.csv``  -- the same rows, cp932, header first

The output is deterministic: ``random.Random(20261127)`` drives every choice, and the xlsx
container is rewritten with fixed timestamps so that re-running gives byte-identical files.

Usage::

    python knowledge/tools/make_past_inquiries.py            # write both sample files
    python knowledge/tools/make_past_inquiries.py --broken tests/data/past_inquiries_broken.csv

``--broken OUT`` writes only a small cp932 CSV that lacks the 回答内容 column (a test fixture).
Requires ``openpyxl`` for the xlsx output (not for ``--broken``).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import sys
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Optional

SEED = 20261127
N_ROWS = 360
REPO_ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = REPO_ROOT / "knowledge" / "past_inquiries"
XLSX_NAME = "past_inquiries_sample.xlsx"
CSV_NAME = "past_inquiries_sample.csv"
SHEET_NAME = "問合せ履歴"
FIXED_ZIP_TIME = (2026, 11, 1, 0, 0, 0)
FIXED_CORE_TIME = "2026-11-01T00:00:00Z"

COLUMNS: list[str] = [
    "受付番号",
    "受付日時",
    "経路",
    "カテゴリ",
    "問合せ内容",
    "回答内容",
    "対応区分",
    "エスカレーション先",
    "データ区分",
]
CHANNELS: list[str] = ["FAQフォーム", "フリーダイヤル", "アプリヘルプデスク"]
CHANNEL_WEIGHTS: list[float] = [0.86, 0.08, 0.06]
DESTINATIONS: set[str] = {"", "主管課", "運用保守事業者", "関係省庁"}
CATEGORIES: list[str] = [
    "ログイン", "暗証番号", "電子証明書", "公金受取口座", "マイナ保険証", "医療情報", "e-Tax連携",
    "年金", "引越し", "代理人", "申請", "アカウント", "端末・ブラウザ", "アプリ", "フィッシング",
    "システム障害", "制度・要望",
]

# Inquiries in these categories become more frequent in the tax-return season (Feb-Mar).
SEASONAL_CATEGORIES: set[str] = {"e-Tax連携", "医療情報"}


@dataclass(frozen=True)
class Template:
    """One hand-written inquiry pattern with the answer an operator gave to it.

    ``question`` may contain the slots ``{name}``, ``{name2}``, ``{phone}``, ``{email}``,
    ``{address}`` and ``{number12}``; ``answer`` must never contain any slot.
    """

    category: str
    question: str
    answer: str
    destination: str = ""  # "" = answered; else the escalation destination
    weight: float = 1.0


def t(category: str, question: str, answer: str, destination: str = "", weight: float = 1.0) -> Template:
    """Shorthand constructor used by the template table below."""
    return Template(category, question, answer, destination, weight)


# ---------------------------------------------------------------------------------------------
# Hand-written templates (sample data). Answers: 2-4 polite sentences, no personal data.
# ---------------------------------------------------------------------------------------------
TEMPLATES: list[Template] = [
    # ログイン
    t("ログイン",
      "スマートフォンでマイナポータルにログインしようとすると、カードの読み取りに何度も失敗します。どうすればよいでしょうか。",
      "スマートフォンのNFC（近距離無線通信）の設定がオンになっているかをご確認ください。"
      "カードをケースから取り出し、読み取り位置にあてたまま、読み取りが終わるまで動かさないようにしてください。"
      "読み取り位置は機種によって異なりますので、お使いの端末の説明書もあわせてご確認ください。", weight=3),
    t("ログイン",
      "パソコンからマイナポータルを使いたいのですが、どういう方法でログインできますか。",
      "パソコンからは、ICカードリーダーでマイナンバーカードを読み取る方法と、画面に表示される二次元コードをスマートフォンのマイナポータルアプリで読み取る方法があります。"
      "ICカードリーダーをお使いの場合は、あらかじめ案内に沿って必要なソフトウェアを準備してください。"
      "二次元コードの方法では、スマートフォンでカードを読み取ってログインを完了させます。", weight=2),
    t("ログイン",
      "iPhoneを使っています。マイナンバーカードを毎回かざさずにログインする方法はありますか？",
      "スマホ用電子証明書をiPhoneに登録すると、カードを読み取らずにログインできます。"
      "iPhoneでは2025年6月からスマホ用電子証明書が利用できるようになりました。"
      "ご利用には対応する機種とOSのバージョンが必要ですので、あらかじめご確認ください。"),
    t("ログイン",
      "ログインできない！！何回やってもエラーになる。どうなってるの？",
      "ご不便をおかけしております。"
      "まず、入力している暗証番号が利用者証明用電子証明書の暗証番号（数字4桁）であるかをご確認ください。"
      "3回続けて間違えるとロックがかかり、その場合はお住まいの市区町村の窓口での再設定が必要になります。", weight=2),
    t("ログイン",
      "Androidのスマホにスマホ用電子証明書を入れました。これでカードなしでログインできるという理解で合っていますか。",
      "はい、スマホ用電子証明書を登録した端末では、マイナンバーカードを読み取らずにログインできます。"
      "ログインの際は、スマホ用電子証明書の設定時に決めた暗証番号を入力してください。"
      "別の端末でご利用になる場合は、その端末で改めて登録が必要です。"),

    # 暗証番号
    t("暗証番号",
      "ログインの暗証番号を3回間違えてロックされてしまいました。自宅で解除する方法はありますか。",
      "利用者証明用電子証明書の暗証番号（数字4桁）は、3回続けて誤るとロックされます。"
      "ロックの解除と暗証番号の再設定は、マイナンバーカードをお持ちのうえ、お住まいの市区町村の窓口で行っていただく必要があります。"
      "窓口の受付時間や必要な持ち物は、事前に市区町村へご確認ください。", weight=3),
    t("暗証番号",
      "署名用のパスワードを忘れてしまいました。4桁の暗証番号は覚えています。役所に行かないとだめですか？",
      "利用者証明用電子証明書の暗証番号（数字4桁）を覚えている場合は、スマートフォンのアプリで事前に手続きをしたうえで、一部のコンビニエンスストアのマルチコピー機で署名用電子証明書のパスワードを再設定できます。"
      "市区町村の窓口でも再設定が可能です。"
      "コンビニで手続きする場合は、アプリでの事前手続きを先に済ませてください。", weight=2),
    t("暗証番号",
      "暗証番号がいくつもあってよく分かりません。マイナポータルのログインにはどれを使うのですか。",
      "マイナポータルへのログインには、利用者証明用電子証明書の暗証番号（数字4桁）を使います。"
      "署名用電子証明書のパスワードは英大文字と数字を組み合わせた6文字以上16文字以下で、電子申請などで使うものです。"
      "ほかに券面事項入力補助用と住民基本台帳用の暗証番号（いずれも数字4桁）があります。", weight=2),
    t("暗証番号",
      "署名用電子証明書のパスワードは何回まで間違えられますか。あと何回残っているか心配です。",
      "署名用電子証明書のパスワードは、5回続けて誤るとロックされます。"
      "パスワードは英大文字と数字を組み合わせた6文字以上16文字以下です。"
      "ロックされた場合は、お住まいの市区町村の窓口で再設定の手続きを行ってください。"),
    t("暗証番号",
      "高齢の父（{name2}）が、カードを作ったときに決めた暗証番号を全部忘れてしまいました。父は足が悪く外出が難しいのですが、どうしたらいいでしょうか。何か家族が代わりにできる手続きはありますか。",
      "暗証番号の再設定は、原則としてお住まいの市区町村の窓口で、マイナンバーカードをお持ちのうえ行っていただく手続きです。"
      "ご本人が窓口に行くことが難しい場合に代理の方が手続きできるかどうかや、その際の必要書類は、市区町村によって案内が異なります。"
      "お手数ですが、お住まいの市区町村の窓口へ事前にご相談ください。"),
    t("暗証番号",
      "あんしょうばんごう　まちがえた　どこにいけば　いいですか",
      "暗証番号を続けて間違えてロックされた場合は、お住まいの市区町村の窓口で再設定ができます。"
      "窓口にはマイナンバーカードをお持ちください。"),

    # 電子証明書
    t("電子証明書",
      "電子証明書の有効期限が切れたと言われました。カードはまだ使えるはずなのに、どういうことでしょうか。",
      "マイナンバーカードの電子証明書の有効期限は、発行日から5回目の誕生日までです。"
      "カード本体の有効期限（18歳以上の方は発行日から10回目の誕生日まで）とは異なるため、カードが有効でも電子証明書だけ期限が切れることがあります。"
      "電子証明書の更新は、お住まいの市区町村の窓口で手続きできます。", weight=2),
    t("電子証明書",
      "引越しをしてから、e-Taxで署名しようとするとエラーになります。カードは新しい住所に書き換えてもらいました。",
      "住所や氏名などが変わると、署名用電子証明書は失効します。"
      "署名用電子証明書の再発行は、市区町村の窓口で手続きできます。"
      "再発行後に改めて署名をお試しください。"),
    t("電子証明書",
      "子どものマイナンバーカードの電子証明書はいつまで使えますか？",
      "電子証明書の有効期限は、年齢にかかわらず発行日から5回目の誕生日までです。"
      "18歳未満の方のカード本体も、発行日から5回目の誕生日が有効期限となります。"
      "更新はお住まいの市区町村の窓口で行ってください。"),
    t("電子証明書",
      "スマホを機種変更する予定です。スマホ用電子証明書はそのまま新しいスマホで使えますか。",
      "スマホ用電子証明書は端末ごとに登録するため、新しい端末でそのまま使うことはできません。"
      "機種変更後は、新しい端末で改めてスマホ用電子証明書の利用手続きを行ってください。"
      "古い端末の電子証明書は、手放す前に失効の手続きを行うことをおすすめします。"),

    t("電子証明書",
      "古いスマホのスマホ用電子証明書を失効させたはずなのに、新しいスマホで登録しようとすると「すでに登録されています」と出て先に進めません。",
      "お知らせいただいた事象について、システムの担当部署で状況を確認しております。"
      "確認が取れ次第、改めてご連絡いたしますので、今しばらくお待ちください。", destination="運用保守事業者"),

    # 公金受取口座
    t("公金受取口座",
      "公金受取口座を登録したいです。どこから手続きできますか。",
      "公金受取口座は、マイナポータルにログインして登録できます。"
      "画面の案内に沿って金融機関と口座の情報を入力し、内容を確認して登録を完了してください。"
      "登録した内容はマイナポータルでいつでも確認できます。", weight=3),
    t("公金受取口座",
      "給料の振込口座を変えたので、公金受取口座も別の銀行に変更したいです。",
      "公金受取口座の変更は、マイナポータルにログインして行えます。"
      "変更後の口座情報を入力して手続きを完了してください。"
      "変更の反映前に手続きが進んでいる給付等については、申請先にご確認ください。", weight=2),
    t("公金受取口座",
      "自分が公金受取口座を登録したかどうか覚えていません。確認する方法はありますか。（マイナンバー：{number12}）",
      "公金受取口座の登録の有無と登録内容は、マイナポータルにログインして確認できます。"
      "登録がない場合は、同じ画面から新たに登録することもできます。"),
    t("公金受取口座",
      "公金受取口座って登録すると何に使われるんですか？勝手にお金を引き落とされたりしませんか。",
      "公金受取口座は、給付金や税の還付金など、国や自治体からのお金を受け取るための口座です。"
      "登録した口座が、行政機関からの支払いを受け取る目的で使われます。"
      "登録の内容はマイナポータルで確認や変更、削除ができます。", weight=2),
    t("公金受取口座",
      "公金受取口座の登録をやめたいです。削除はできますか。",
      "公金受取口座の登録は、マイナポータルにログインして削除できます。"
      "削除後に給付金などを受け取る場合は、申請の際に口座を個別にお知らせいただくことになります。"),
    t("公金受取口座",
      "年金を受け取っている口座が、自分で登録した覚えがないのに公金受取口座として表示されています。どういう経緯で登録されたのか教えてください。",
      "お問い合わせの件について、登録の経緯を担当部署に確認しております。"
      "確認が取れ次第、改めてご連絡いたしますので、今しばらくお待ちください。"
      "なお、登録内容の変更や削除はマイナポータルからいつでも行えます。", destination="主管課"),

    # マイナ保険証
    t("マイナ保険証",
      "マイナンバーカードを健康保険証として使いたいです。申込みはどうすればいいですか。",
      "マイナンバーカードの健康保険証としての利用登録は、マイナポータルから行えます。"
      "医療機関や薬局に設置されたカードリーダーや、一部の銀行のATM（セブン銀行ATMなど）でも登録できます。"
      "登録は一度行えば、以後は受診の際にカードを使えます。", weight=3),
    t("マイナ保険証",
      "紙の保険証がなくなると聞きました。マイナ保険証を持っていない人はどうやって病院にかかればいいのですか。",
      "健康保険証の新規発行は2024年12月2日に終了しました。"
      "マイナ保険証をお持ちでない方には、資格確認書が交付され、受診の際に使うことができます。"
      "交付の時期や方法は、ご加入の保険者にご確認ください。", weight=2),
    t("マイナ保険証",
      "マイナ保険証の登録をしたのに、病院の受付で資格情報が確認できないと言われました。会社で保険に入っています。",
      "資格情報は、ご加入の保険者（健康保険組合など）から登録されます。"
      "加入や変更の手続き直後は、情報の登録までに時間がかかる場合があります。"
      "登録状況については、勤務先を通じてご加入の保険者にお問い合わせください。", weight=2),
    t("マイナ保険証",
      "マイナ保険証の利用登録を解除したいのですが、マイナポータルからできますか。",
      "マイナ保険証の利用登録の解除は、ご加入の保険者への申請により行います。"
      "申請の方法や必要書類は、ご加入の保険者にお問い合わせください。"),
    t("マイナ保険証",
      "資格確認書の有効期間や、今後も毎回送られてくるのかといった制度上の扱いを詳しく知りたいです。保険者によって違うのでしょうか。",
      "資格確認書の制度上の取扱いについて、所管の省庁に確認しております。"
      "回答が得られ次第、改めてご連絡いたします。"
      "お急ぎの場合は、ご加入の保険者にもご確認いただけます。", destination="関係省庁"),

    # 医療情報
    t("医療情報",
      "マイナポータルで薬の情報を見られると聞きました。どこから見られますか。",
      "マイナポータルにログインすると、薬剤情報を確認できます。"
      "調剤や処方の情報は、反映されるまでに一定の期間がかかることがあります。", weight=2),
    t("医療情報",
      "医療費控除の申告に、マイナポータルの医療費通知情報は使えますか。",
      "医療費通知情報は、e-Taxでの確定申告の医療費控除に利用できます。"
      "マイナポータル連携を設定すると、申告書の作成時に医療費通知情報を取り込めます。"
      "申告の内容については、所轄の税務署にお問い合わせください。", weight=2),
    t("医療情報",
      "特定健診を受けたはずなのに、マイナポータルに結果が出てきません。",
      "特定健診情報は、ご加入の保険者から登録された情報が表示されます。"
      "健診の受診から表示されるまでには時間がかかる場合があり、登録状況は保険者によって異なります。"
      "詳しくはご加入の保険者にお問い合わせください。"),
    t("医療情報",
      "薬剤情報に、もらった覚えのない薬が載っています。誰かに勝手に使われたのでしょうか？不安です。",
      "薬剤情報は、医療機関や薬局での処方・調剤の請求情報をもとに、ご加入の保険者を通じて登録されます。"
      "記載内容に心当たりがない場合は、ご加入の保険者にお問い合わせください。"
      "ヘルプデスクでは個別の記録を確認することができませんので、ご了承ください。"),
    t("医療情報",
      "医療機関が受診時に同意した情報をどの範囲で閲覧できるのか、法令上の根拠も含めて教えてほしい。",
      "医療情報の閲覧範囲と根拠となる制度について、所管の省庁に確認しております。"
      "回答が得られ次第、改めてご連絡いたしますので、今しばらくお待ちください。", destination="関係省庁"),

    t("医療情報",
      "何年も前の医療費通知情報まで見られるようにしてほしいのですが、マイナポータルでは何年分まで表示される仕様なのですか。",
      "医療費通知情報の表示期間について、担当部署に確認しております。"
      "確認が取れ次第、改めてご連絡いたします。", destination="主管課"),

    # e-Tax連携
    t("e-Tax連携",
      "確定申告でマイナポータル連携を使いたいです。何ができるのですか。",
      "マイナポータル連携を利用すると、控除証明書などのデータを確定申告書に自動で入力できます。"
      "事前にマイナポータルで連携の設定を行い、取得したい証明書の発行元を登録してください。", weight=3),
    t("e-Tax連携",
      "マイナポータル連携で生命保険の控除証明書が取得できません。保険会社は対応していると言っています。",
      "控除証明書は、発行元がマイナポータルでの交付に対応し、かつ連携の設定で発行元を登録している場合に取得できます。"
      "マイナポータルで発行元の登録状況をご確認ください。"
      "証明書の内容そのものについては発行元の保険会社にお問い合わせください。", weight=2),
    t("e-Tax連携",
      "ふるさと納税の寄附金控除は、確定申告でどう計算されますか？",
      "申告内容や控除の計算方法については、ヘルプデスクではお答えできません。"
      "恐れ入りますが、所轄の税務署にお問い合わせください。"
      "マイナポータル連携で寄附金の証明データを取り込める場合は、連携の設定画面から発行元を登録してください。"),
    t("e-Tax連携",
      "e-Taxの画面で「マイナポータルと連携する」を押すと、画面がずっと読み込み中のまま進みません。昨日から何度やっても同じで、他の人も同じ症状だとSNSで見ました。",
      "お知らせいただいた事象について、システムの担当部署で状況を確認しております。"
      "お手数をおかけしますが、確認が取れ次第改めてご連絡いたします。"
      "申告期限が近い場合は、所轄の税務署にもご相談ください。", destination="運用保守事業者"),

    # 年金
    t("年金",
      "マイナポータルで年金の記録を見ることはできますか。",
      "マイナポータルとねんきんネットを連携すると、年金記録を確認できます。"
      "連携の設定はマイナポータルにログインして行ってください。", weight=2),
    t("年金",
      "ねんきんネットで見た加入記録が、昔勤めていた会社の分だけ抜けています。直してもらえますか。",
      "年金記録の確認や訂正は、ヘルプデスクでは承ることができません。"
      "お近くの年金事務所にご相談ください。"
      "ご相談の際は、当時の勤務先が分かる資料をお持ちいただくと手続きがスムーズです。"),
    t("年金",
      "将来いくら年金もらえるか知りたい。マイナポータルで分かる？",
      "マイナポータルとねんきんネットを連携すると、年金の記録や見込額を確認できます。"
      "個別の年金額に関するご相談は、お近くの年金事務所にお問い合わせください。"),

    # 引越し
    t("引越し",
      "引越しワンストップサービスを使って転出届を出しました。このあと役所に行く必要はありますか。",
      "転出届をマイナポータルから提出された場合でも、転入の手続きは新しい住所の市区町村の窓口で行う必要があります。"
      "引越し後14日以内に、マイナンバーカードをお持ちのうえ、転入先の市区町村の窓口へお越しください。", weight=3),
    t("引越し",
      "来月{address}に引っ越します。オンラインでできる手続きはありますか。",
      "マイナポータルの引越しワンストップサービスを利用すると、転出届をオンラインで提出できます。"
      "転入の手続きは、引越し後14日以内にマイナンバーカードを持って転入先の市区町村の窓口で行ってください。", weight=2),
    t("引越し",
      "オンラインで転出届を出しましたが、引越しの日程が変わりました。取り消しや変更はどうすればいいですか。",
      "提出済みの転出届の取消しや内容の変更については、転出元の市区町村にお問い合わせください。"
      "市区町村の受付状況によって手続きが異なるため、早めのご連絡をおすすめします。"),
    t("引越し",
      "転入手続きのあとに、署名用電子証明書が使えなくなったと言われました。なぜですか。",
      "住所が変わると、署名用電子証明書は失効します。"
      "転入先の市区町村の窓口で、署名用電子証明書の再発行を申請してください。"),

    # 代理人
    t("代理人",
      "母の代わりにマイナポータルで手続きをしたいです。家族が代理でできる設定はありますか。",
      "マイナポータルには代理人の設定があり、ご家族などを代理人として登録すると、ご本人に代わって手続きや情報の確認ができます。"
      "設定は、マイナポータルの代理人の設定画面から、案内に沿って行ってください。", weight=2),
    t("代理人",
      "子ども（{name2}、5歳）の分の情報を親の私がマイナポータルで見ることはできますか。",
      "代理人の設定を行うと、保護者の方がお子さまの代理人としてマイナポータルを利用できます。"
      "設定には、お子さまご本人のマイナンバーカードも必要です。"),
    t("代理人",
      "代理人の登録を進めていくと、最後の確認画面でエラーになって登録が完了しません。エラー番号のメモはとれませんでした。",
      "お知らせいただいた事象について、システムの担当部署で状況を確認しております。"
      "確認のため、エラーが発生した日時や端末の種類を改めてお伺いする場合があります。"
      "確認が取れ次第、改めてご連絡いたします。", destination="運用保守事業者"),

    # 申請
    t("申請",
      "子育て関係の手続きをマイナポータルからオンラインで申請できると聞きました。どこから申請しますか。",
      "マイナポータルでは、子育てなどの手続きをオンラインで申請できます。"
      "お住まいの市区町村が対応している手続きを検索し、画面の案内に沿って申請してください。"
      "対応している手続きは市区町村によって異なります。", weight=2),
    t("申請",
      "先月マイナポータルで申請したのですが、ちゃんと受け付けられているのか分かりません。",
      "申請の状況は、マイナポータルのやりとり履歴で確認できます。"
      "審査の進み具合や結果については、申請先の市区町村などにお問い合わせください。", weight=2),
    t("申請",
      "オンライン申請した児童手当の審査結果はいつ出ますか？",
      "審査の結果や時期については、ヘルプデスクではお答えできません。"
      "恐れ入りますが、申請先の市区町村にお問い合わせください。"),
    t("申請",
      "住んでいる市の手続きをマイナポータルで探したけど出てこない。オンラインじゃ申請できないってこと？",
      "オンラインで申請できる手続きは、市区町村によって異なります。"
      "検索しても表示されない場合は、その手続きがオンライン申請に対応していない可能性があります。"
      "申請方法は、お住まいの市区町村の窓口にお問い合わせください。"),

    t("申請",
      "オンライン申請で送信完了の画面が出たのに、やりとり履歴を見ても申請が一覧に出てきません。二重に申請してしまわないか心配です。",
      "お知らせいただいた事象について、システムの担当部署で状況を確認しております。"
      "二重の申請とならないよう、確認が取れるまで再度の申請はお控えください。"
      "確認が取れ次第、改めてご連絡いたします。", destination="運用保守事業者"),
    t("申請",
      "国の給付金の申請要件について、マイナポータルの案内と自治体の説明が違っています。どちらが正しいのですか。",
      "給付金の申請要件について、所管の省庁に確認しております。"
      "回答が得られ次第、改めてご連絡いたします。"
      "お急ぎの場合は、申請先の自治体にもご確認ください。", destination="関係省庁"),

    # アカウント
    t("アカウント",
      "登録しているメールアドレスを変更したいです。今は{email}を使っています。",
      "マイナポータルにログインし、利用者情報の画面から登録しているメールアドレスを変更できます。"
      "変更後は、新しいメールアドレスに届くお知らせをご確認ください。", weight=2),
    t("アカウント",
      "マイナポータルからのお知らせメールが届きません。",
      "迷惑メールの設定により、お知らせメールが受信できないことがあります。"
      "受信設定をご確認のうえ、マイナポータルに登録されているメールアドレスに誤りがないかもご確認ください。", weight=2),
    t("アカウント",
      "情報提供等記録って何ですか？知らない役所の名前が出てきて気になります。",
      "情報提供等記録では、あなたの情報を行政機関などがいつ、どの機関との間でやりとりしたかを確認できます。"
      "やりとりの内容について詳しく知りたい場合は、記録に表示されている機関にお問い合わせください。"),
    t("アカウント",
      "やりとり履歴に届いたお知らせはいつまで保存されるのですか？古いお知らせが見当たらないものがあります。",
      "お知らせの保存期間について、担当部署に確認しております。"
      "確認が取れ次第、改めてご連絡いたしますので、今しばらくお待ちください。", destination="主管課"),

    # 端末・ブラウザ
    t("端末・ブラウザ",
      "パソコンにICカードリーダーをつないでいるのに、マイナポータルでカードを認識しません。",
      "ICカードリーダーがパソコンに正しく認識されているか、必要なドライバーなどが導入されているかをご確認ください。"
      "マイナポータルの利用に必要なブラウザの拡張機能やアプリが準備できているかもご確認ください。"
      "それでも認識しない場合は、スマートフォンで二次元コードを読み取る方法もご利用いただけます。", weight=2),
    t("端末・ブラウザ",
      "古いAndroidのスマホでもマイナポータルアプリは使えますか。",
      "マイナポータルアプリは、対応しているOSのバージョンと、NFCに対応した端末でご利用いただけます。"
      "お使いの端末が対応しているかは、アプリの配信ページなどでご確認ください。"),
    t("端末・ブラウザ",
      "ブラウザは何を使えばいいですか。会社のパソコンだとうまく表示されません。",
      "最新のバージョンのブラウザでのご利用をおすすめします。"
      "勤務先などの端末では、セキュリティ設定により一部の機能が制限されることがあります。"
      "ご自宅の端末やスマートフォンでもお試しください。"),
    t("端末・ブラウザ",
      "スマホケースに入れたままだとカードを読み取れないことってありますか？",
      "スマートフォンのケースやカードケースが読み取りを妨げることがあります。"
      "ケースから取り出し、端末の読み取り位置にカードをあててお試しください。"),

    # アプリ
    t("アプリ",
      "マイナポータルアプリを起動するとすぐに落ちてしまいます。",
      "アプリとスマートフォンのOSを最新の状態に更新してからお試しください。"
      "改善しない場合は、アプリを一度削除して再インストールしてください。", weight=2),
    t("アプリ",
      "パソコンの画面に出ている二次元コードは、アプリのどこから読み取るのですか。",
      "マイナポータルアプリを起動し、二次元コードを読み取るメニューを選んでください。"
      "読み取り後は、画面の案内に沿ってマイナンバーカードを読み取るとパソコン側のログインが完了します。"),
    t("アプリ",
      "昨日アプリを最新版に更新してから、特定の機種（Android）でだけ、カード読み取り直後に必ずアプリが終了するようになりました。複数の利用者から同じ報告があります。",
      "お知らせいただいた事象について、システムの担当部署で原因を確認しております。"
      "ご不便をおかけして申し訳ございませんが、確認が取れ次第改めてご連絡いたします。", destination="運用保守事業者"),

    # フィッシング
    t("フィッシング",
      "「マイナポイントの期限が切れます」というSMSが届き、リンク先で暗証番号を入れるように言われました。本物ですか。",
      "デジタル庁がメールやSMSで暗証番号の入力を求めることはありません。"
      "お心当たりのないメッセージのリンクは開かず、暗証番号を入力しないでください。"
      "すでに入力してしまった場合は、マイナンバー総合フリーダイヤル（0120-95-0178）にご相談ください。", weight=2),
    t("フィッシング",
      "公金受取口座の登録を急ぐようにというメールが来ました。リンクから登録して大丈夫ですか。",
      "メールやSMSのリンクから口座情報や暗証番号を入力させようとするものは、偽のメッセージのおそれがあります。"
      "公金受取口座の登録や確認は、マイナポータルに直接ログインして行ってください。"),
    t("フィッシング",
      "さっき変なサイトにマイナンバーと電話番号（{phone}）を入れてしまったかもしれない。どうしよう。",
      "入力してしまった情報が悪用されないよう、ご注意ください。"
      "暗証番号やカードの利用停止に関するご相談は、マイナンバー総合フリーダイヤル（0120-95-0178）で受け付けています。"
      "金銭の被害のおそれがある場合は、最寄りの警察にもご相談ください。"),

    # システム障害
    t("システム障害",
      "ログインボタンを押すと「システムエラーが発生しました」と表示されて先に進めません。30分前から何度も試しています。",
      "お知らせいただいたエラーについて、システムの担当部署で状況を確認しております。"
      "ご不便をおかけして申し訳ございません。"
      "確認が取れ次第、改めてご連絡いたします。", destination="運用保守事業者", weight=2),
    t("システム障害",
      "夜中に使おうとしたらメンテナンス中と出ました。使えない時間帯はありますか。",
      "システムのメンテナンスのため、サービスを一時停止する時間帯があります。"
      "停止の予定はマイナポータルのお知らせでご案内していますので、ご確認ください。"),
    t("システム障害",
      "トップページを開くと画面が真っ白のままで何も表示されません。別のスマホでも同じでした。",
      "お知らせいただいた事象について、システムの担当部署で状況を確認しております。"
      "確認が取れ次第、改めてご連絡いたしますので、今しばらくお待ちください。", destination="運用保守事業者"),

    # 制度・要望
    t("制度・要望",
      "画面の文字が小さくて読みにくいです。高齢者にも使いやすくしてほしい。",
      "貴重なご意見をありがとうございます。"
      "いただいたご意見は、サービス改善の参考として担当部署と共有いたします。", weight=2),
    t("制度・要望",
      "マイナンバーカードを持っていないとマイナポータルは使えないのですか。",
      "マイナポータルへのログインには、マイナンバーカード、またはスマートフォンに登録したスマホ用電子証明書が必要です。"
      "カードの申請方法などのご相談は、マイナンバー総合フリーダイヤル（0120-95-0178）でも受け付けています。"),
    t("制度・要望",
      "マイナンバーカードの更新手続きについて教えてください。カードの有効期限が近いです。",
      "18歳以上の方のマイナンバーカードの有効期限は、発行日から10回目の誕生日までです。"
      "カードの更新は、お住まいの市区町村の窓口などで手続きできます。"
      "詳しい手続き方法は、お住まいの市区町村にご確認ください。"),
    t("制度・要望",
      "先日の問い合わせへの回答に納得できません。マイナポータルの仕様として、なぜ一度ログアウトすると入力途中の内容が消えるのか、正式な説明をください。",
      "ご意見をいただきありがとうございます。"
      "画面の仕様に関するお問い合わせとして、担当部署に確認しております。"
      "確認が取れ次第、改めてご連絡いたします。", destination="主管課"),
]

# ---------------------------------------------------------------------------------------------
# Synthetic personal-data slots (fictional; small lists on purpose)
# ---------------------------------------------------------------------------------------------
FAMILY_NAMES: list[tuple[str, str]] = [
    ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"), ("伊藤", "ito"),
    ("渡辺", "watanabe"), ("山本", "yamamoto"), ("中村", "nakamura"), ("小林", "kobayashi"), ("加藤", "kato"),
]
GIVEN_NAMES: list[tuple[str, str]] = [
    ("太郎", "taro"), ("花子", "hanako"), ("一郎", "ichiro"), ("美咲", "misaki"), ("健太", "kenta"),
    ("由美", "yumi"), ("翔太", "shota"), ("陽子", "yoko"), ("大輔", "daisuke"), ("恵子", "keiko"),
]
ADDRESS_BASES: list[str] = [
    "東京都千代田区霞が関", "東京都世田谷区桜丘", "神奈川県横浜市中区本町", "大阪府大阪市北区梅田",
    "愛知県名古屋市中区栄", "北海道札幌市中央区北一条西", "福岡県福岡市博多区博多駅前", "宮城県仙台市青葉区本町",
]


def _fake_number12(rng: random.Random) -> str:
    """Return 12 digits whose last digit is deliberately NOT the valid My Number check digit."""
    digits = [rng.randint(0, 9) for _ in range(11)]
    total = 0
    for n in range(1, 12):  # n-th digit from the right, excluding the check digit
        p = digits[11 - n]
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    rem = total % 11
    check = 0 if rem <= 1 else 11 - rem
    wrong = (check + 1 + rng.randint(0, 8)) % 10
    return "".join(map(str, digits)) + str(wrong)


@dataclass
class Person:
    """A fictional inquirer."""

    name: str
    name2: str
    phone: str
    email: str
    address: str
    number12: str


def make_person(rng: random.Random) -> Person:
    """Draw one fictional person from the small name/address lists."""
    fam, fam_r = rng.choice(FAMILY_NAMES)
    giv, giv_r = rng.choice(GIVEN_NAMES)
    giv2, _ = rng.choice(GIVEN_NAMES)
    phone = f"090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"
    email = f"{giv_r}.{fam_r}{rng.randint(1, 99)}@example.jp"
    address = (f"{rng.choice(ADDRESS_BASES)}{rng.randint(1, 9)}-{rng.randint(1, 20)}-{rng.randint(1, 30)}")
    if rng.random() < 0.3:
        address += f" サンプルハイツ{rng.randint(1, 9)}0{rng.randint(1, 9)}号室"
    return Person(f"{fam}{giv}", f"{fam}{giv2}", phone, email, address, _fake_number12(rng))


PII_PREFIXES: list[Callable[[Person], str]] = [
    lambda p: f"{p.name}と申します。",
    lambda p: f"{p.name}です。",
    lambda p: f"お世話になります。{p.name}です。",
]
PII_SUFFIXES: list[Callable[[Person], str]] = [
    lambda p: f"\n氏名：{p.name}\n電話番号：{p.phone}",
    lambda p: f"\n連絡先：{p.email}",
    lambda p: f"\n（{p.name}　{p.phone}）",
    lambda p: f"\n住所：{p.address}\n氏名：{p.name}",
    lambda p: f"\n念のためマイナンバーも書いておきます。{p.number12}",
    lambda p: f"\n返信は{p.email}までお願いします。{p.name}",
    lambda p: f"\n折り返しは{p.phone}にお願いします。",
]
PLAIN_SUFFIXES: list[str] = ["", "", "", "よろしくお願いします。", "至急お願いします。", "よろしくお願いいたします。"]
CHANNEL_PREFIX: dict[str, str] = {
    "FAQフォーム": "",
    "フリーダイヤル": "【フリーダイヤルからの転送】お客様からの申し出：",
    "アプリヘルプデスク": "【アプリヘルプデスクより】利用者からの問合せ：",
}
SLOT_RE = re.compile(r"\{(name|name2|phone|email|address|number12)\}")
PII_PROBABILITY = 0.58  # chance to add a PII prefix/suffix to a template without slots


def random_datetime(rng: random.Random) -> datetime:
    """Draw a reception time in 2025-01..2026-10, mostly weekdays 9:30-18:30, busier in Feb-Mar."""
    start = datetime(2025, 1, 1)
    days = (datetime(2026, 11, 1) - start).days
    while True:
        day = start + timedelta(days=rng.randrange(days))
        if day.month not in (2, 3) and rng.random() < 0.35:  # off season is quieter than Feb-Mar
            continue
        if rng.random() < 0.12:  # web-form traffic at any hour, weekends included
            return day + timedelta(minutes=rng.randrange(0, 24 * 60))
        if day.weekday() < 5:
            return day + timedelta(minutes=rng.randrange(9 * 60 + 30, 18 * 60 + 31))


def pick_template(rng: random.Random, when: datetime) -> Template:
    """Weighted template choice; tax-season categories get extra weight in Feb-Mar."""
    weights = [
        tp.weight * (3.0 if when.month in (2, 3) and tp.category in SEASONAL_CATEGORIES else 1.0)
        for tp in TEMPLATES
    ]
    return rng.choices(TEMPLATES, weights=weights, k=1)[0]


def build_inquiry(rng: random.Random, tp: Template, channel: str) -> tuple[str, bool]:
    """Render the inquiry text; return it and whether it contains personal data."""
    person = make_person(rng)
    text = SLOT_RE.sub(lambda m: str(getattr(person, m.group(1))), tp.question)
    has_pii = text != tp.question
    if not has_pii and rng.random() < PII_PROBABILITY:
        has_pii = True
        if rng.random() < 0.35:
            text = rng.choice(PII_PREFIXES)(person) + text
        text += rng.choice(PII_SUFFIXES)(person)
    else:
        text += rng.choice(PLAIN_SUFFIXES)
    return CHANNEL_PREFIX[channel] + text, has_pii


def generate_rows(n_rows: int = N_ROWS, seed: int = SEED) -> list[list[str]]:
    """Generate the data rows (without header), sorted by reception time."""
    rng = random.Random(seed)
    drafts: list[tuple[datetime, str, Template, str]] = []
    for _ in range(n_rows):
        when = random_datetime(rng)
        tp = pick_template(rng, when)
        channel = rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS, k=1)[0]
        text, _ = build_inquiry(rng, tp, channel)
        drafts.append((when, channel, tp, text))
    drafts.sort(key=lambda d: d[0])
    rows: list[list[str]] = []
    counters: dict[int, int] = {}
    for when, channel, tp, text in drafts:
        counters[when.year] = counters.get(when.year, rng.randint(1, 40)) + rng.randint(1, 120)
        rows.append([
            f"{when.year}-{counters[when.year]:06d}",
            when.strftime("%Y/%m/%d %H:%M"),
            channel,
            tp.category,
            text,
            tp.answer,
            "エスカレーション" if tp.destination else "回答",
            tp.destination,
            "サンプル",
        ])
    return rows


def check_templates() -> None:
    """Fail fast if the template table breaks the rules of this data set."""
    if len(TEMPLATES) < 60:
        raise SystemExit(f"need >= 60 templates, have {len(TEMPLATES)}")
    used = {tp.category for tp in TEMPLATES}
    unknown = used - set(CATEGORIES)
    missing = set(CATEGORIES) - used
    if unknown or missing:
        raise SystemExit(f"category mismatch: unknown={unknown} missing={missing}")
    for tp in TEMPLATES:
        if tp.destination not in DESTINATIONS:
            raise SystemExit(f"bad destination {tp.destination!r}")
        if "{" in tp.answer or "}" in tp.answer:
            raise SystemExit(f"slot in answer: {tp.answer[:30]}")
        n_sent = tp.answer.count("。")
        if not 2 <= n_sent <= 4:
            raise SystemExit(f"answer must have 2-4 sentences ({n_sent}): {tp.answer[:40]}")
        for text in (tp.question, tp.answer):
            text.encode("cp932", errors="strict")


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a cp932 CSV as Japanese Excel does (CRLF, minimal quoting); errors are strict."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue().encode("cp932", errors="strict"))


def _normalise_xlsx(path: Path) -> None:
    """Rewrite the xlsx zip with fixed timestamps so the file is byte-for-byte reproducible."""
    with zipfile.ZipFile(path) as src:
        items = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in items:
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + FIXED_CORE_TIME.encode() + rb"\g<2>",
                    data,
                )
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, data)
    path.write_bytes(out.getvalue())


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    """Write the Excel export (sheet 問合せ履歴) plus a README sheet marking it as sample data."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill
    except ImportError:  # pragma: no cover - environment dependent
        raise SystemExit("openpyxl is required for the xlsx output: pip install openpyxl")

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_NAME
    ws.append(COLUMNS)
    for row in rows:
        ws.append(row)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
    widths = {"A": 14, "B": 18, "C": 18, "D": 14, "E": 60, "F": 70, "G": 16, "H": 18, "I": 10}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_cells in ws.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row_cells:
            cell.alignment = wrap
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions

    readme = wb.create_sheet("README")
    readme_lines = [
        "サンプルデータ（draftdesk用に作成した架空の問合せ履歴です。実在の問合せ・回答ではありません）",
        "氏名・電話番号・メールアドレス・住所・12桁の番号はすべて架空のものです（12桁の番号は検査用数字をわざと誤らせています）。",
        "問合せ内容・回答内容は draftdesk のために書き下ろしたもので、公式FAQではありません。",
        f"生成: knowledge/tools/make_past_inquiries.py（乱数シード {SEED}、{len(rows)}件）",
        "列: " + "、".join(COLUMNS),
    ]
    for line in readme_lines:
        readme.append([line])
    readme.column_dimensions["A"].width = 120

    created = datetime(2026, 11, 1)
    wb.properties.creator = "draftdesk sample generator"
    wb.properties.title = "過去問合せ履歴（サンプル）"
    wb.properties.created = created
    wb.properties.modified = created
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    _normalise_xlsx(path)


def write_broken(path: Path, seed: int = SEED) -> None:
    """Write a small cp932 CSV lacking the 回答内容 column (fixture for loader tests)."""
    idx = COLUMNS.index("回答内容")
    rows = generate_rows(n_rows=5, seed=seed)
    header = COLUMNS[:idx] + COLUMNS[idx + 1:]
    write_csv(path, header, [r[:idx] + r[idx + 1:] for r in rows])


def summarise(rows: list[list[str]]) -> str:
    """Return a short human-readable summary of the generated rows."""
    n = len(rows)
    esc = [r for r in rows if r[6] == "エスカレーション"]
    pii_re = re.compile(r"090-\d{4}-\d{4}|@example\.jp|\d{12}|[都道府県].+?[市区町村].*?\d+-\d+-\d+")
    names = [f + g for f, _ in FAMILY_NAMES for g, _ in GIVEN_NAMES]
    pii = sum(1 for r in rows if pii_re.search(r[4]) or any(nm in r[4] for nm in names))
    dests: dict[str, int] = {}
    for r in esc:
        dests[r[7]] = dests.get(r[7], 0) + 1
    return (f"rows={n} escalations={len(esc)} ({len(esc) / n:.1%}) {dests} "
            f"with_pii={pii} ({pii / n:.1%}) templates={len(TEMPLATES)}")


def main(argv: Optional[list[str]] = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="output directory")
    parser.add_argument("--rows", type=int, default=N_ROWS, help="number of inquiries (>= 320)")
    parser.add_argument("--broken", type=Path, metavar="OUT",
                        help="only write a small CSV without the 回答内容 column to OUT")
    args = parser.parse_args(argv)

    check_templates()
    if args.broken:
        write_broken(args.broken)
        print(f"wrote {args.broken} (broken fixture: no 回答内容 column)")
        return 0
    if args.rows < 320:
        parser.error("--rows must be >= 320")
    rows = generate_rows(args.rows)
    for r in rows:
        if r[4] and SLOT_RE.search(r[4]):
            raise SystemExit(f"unfilled slot in {r[0]}")
    write_csv(args.out_dir / CSV_NAME, COLUMNS, rows)
    write_xlsx(args.out_dir / XLSX_NAME, rows)
    print(f"wrote {args.out_dir / XLSX_NAME} and {args.out_dir / CSV_NAME}")
    print(summarise(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
