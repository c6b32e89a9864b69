"""FAQ-gap proposals → `faq-proposals.md` (to read) and `faq-proposals.xlsx` (to review and approve).

The first sheet starts with the FAQ schema columns of knowledge/SCHEMA.md (id … release), so approved rows
can go into knowledge/faq/ unchanged (see docs/operations.md). Inquiry texts are written exactly as stored:
masked."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from app.ops.faq_gaps import Proposal, ProposalSet

MARKDOWN_NAME = "faq-proposals.md"
XLSX_NAME = "faq-proposals.xlsx"
FAQ_COLUMNS = ("id", "category", "question", "answer", "url", "updated", "release")
REVIEW_COLUMNS = (
    "status", "proposal_type", "size", "first_half", "second_half", "trend", "weekly", "reasons",
    "closest_faq_id", "closest_faq_question", "closest_faq_score", "sources", "references",
    "example_1", "example_2", "example_3", "draft_ids",
)  # fmt: skip
PROPOSAL_COLUMNS = FAQ_COLUMNS + REVIEW_COLUMNS
MEMBER_COLUMNS = ("提案id", "下書きid", "受付日時（UTC）", "理由", "問合せ（マスク済み）")
COLUMN_NOTES = {
    "id": "FAQ id の案（faq-<topic>-NNN）。最も近い既存FAQのtopic、該当なしは new。承認時に確定する",
    "category": "カテゴリ（最も近い既存FAQから。該当なしは（要設定））",
    "question": "質問文の案（最も代表的な問合せから作成）",
    "answer": "回答の案。【要確認】の注記を消し、内容を確定してから公開する",
    "url": "空欄（必要なら設定）",
    "updated": "作成日（YYYY-MM-DD）",
    "release": "空欄 = 取り込むリリースのラベルが入る",
    "status": "pending_approval（承認したら approved に変える）",
    "proposal_type": "new = 既存FAQにない話題、related = 同じ話題のFAQがある（改訂するか、別のFAQとして追加するか検討）",
    "size": "まとまった問合せの件数",
    "first_half": "期間の前半の件数",
    "second_half": "期間の後半の件数",
    "trend": "増加 / 減少 / 横ばい（前半と後半の比較）",
    "weekly": "ISO週ごとの件数",
    "reasons": "候補になった理由と件数（escalate, low_confidence, rejected, heavily_edited, escalated_by_operator）",
    "closest_faq_id": "最も近い既存FAQのid（該当なしは none）",
    "closest_faq_question": "その質問文",
    "closest_faq_score": "話題の類似度（まとまりの判定と同じ尺度。しきい値は「説明」シートの下）",
    "sources": "回答案に引用したナレッジのid",
    "references": "参考になるその他のナレッジ（内部資料は引用しない）",
    "example_1": "代表的な問合せ（マスク済み、保存されたまま）",
    "example_2": "代表的な問合せ 2",
    "example_3": "代表的な問合せ 3",
    "draft_ids": "まとまった下書きのid（カンマ区切り）",
}
REASON_LABELS = {
    "escalate": "エスカレーション推奨",
    "low_confidence": "低い確信度",
    "rejected": "不採用",
    "heavily_edited": "大幅に修正",
    "escalated_by_operator": "オペレーターがエスカレーション",
}


def _row(p: Proposal) -> list[object]:
    examples = [*p.examples, "", "", ""][:3]
    return [
        p.id, p.category, p.question, p.answer, p.url, p.updated, p.release, p.status, p.proposal_type,
        p.size, p.first_half, p.second_half, p.trend,
        ", ".join(f"{w}: {n}" for w, n in p.weekly.items()),
        ", ".join(f"{r}: {n}" for r, n in p.reasons.items()),
        p.closest.id if p.closest else "none", p.closest.question if p.closest else "",
        p.closest.score if p.closest else None, ", ".join(p.sources), ", ".join(p.references),
        *examples, ", ".join(p.draft_ids),
    ]  # fmt: skip


def write_xlsx(result: ProposalSet, out_dir: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "提案"  # the FAQ loader reads the first sheet
    ws.append(list(PROPOSAL_COLUMNS))
    for p in result.proposals:
        ws.append(_row(p))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "B2"
    for letter, width in zip("ABCDEFG", (16, 16, 40, 60, 8, 12, 10), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    members = wb.create_sheet("問合せ")
    members.append(list(MEMBER_COLUMNS))
    for p in result.proposals:
        for c in p.members:
            members.append(
                [p.id, c.draft_id, c.created_at.isoformat(), ", ".join(c.reasons), c.masked_inquiry]
            )

    notes = wb.create_sheet("説明")
    notes.append(["列", "説明"])
    for column in PROPOSAL_COLUMNS:
        notes.append([column, COLUMN_NOTES[column]])
    notes.append([])
    notes.append(["期間（UTC）", f"{result.window.start.isoformat()} 〜 {result.window.end.isoformat()}"])
    notes.append(["類似度のしきい値（言語別）", _thresholds(result)])
    notes.append(["承認の手順", "docs/operations.md「FAQ追加の提案」を参照"])
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / XLSX_NAME
    wb.save(path)
    return path


def _thresholds(result: ProposalSet) -> str:
    return ", ".join(f"{lang} {value:.3f}" for lang, value in sorted(result.similarity.items()))


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines() or [""])


def render_markdown(result: ProposalSet) -> str:
    w = result.window
    lines = [
        "# FAQ追加の提案（承認待ち）",
        "",
        f"- 期間（UTC）: {w.start.isoformat(timespec='seconds')} 〜 {w.end.isoformat(timespec='seconds')}",
        f"- 期間の下書き: {result.drafts}件 / 候補（エスカレーション・低い確信度・不採用・大幅修正）: "
        f"{result.candidates}件 / 提案: {len(result.proposals)}件（{result.min_size}件以上のまとまり）",
        f"- 類似度のしきい値（言語別）: {_thresholds(result) or '—'}",
        f"- 作成: {result.generated_at.isoformat(timespec='seconds')}",
        "",
        "すべての提案は `pending_approval` です。回答案の【要確認】を消して内容を確定し、承認されたものだけを"
        "knowledge/faq/ に入れます（手順: docs/operations.md）。問合せは保存されたまま（マスク済み）です。",
    ]
    if not result.proposals:
        lines += ["", "この期間に提案はありません。"]
    for n, p in enumerate(result.proposals, 1):
        closest = (
            f"{p.closest.id}「{p.closest.question}」（類似度 {p.closest.score:.3f}）" if p.closest else "なし"
        )
        lines += [
            "",
            f"## {n}. {p.id} — {p.question}",
            "",
            "| 項目 | 内容 |",
            "|---|---|",
            f"| 状態 | {p.status} |",
            f"| 種類 | {'同じ話題の既存FAQあり（改訂か追加を検討）' if p.proposal_type == 'related' else '既存FAQにない話題'} |",
            f"| 件数 | {p.size}（前半 {p.first_half} / 後半 {p.second_half}、{p.trend}） |",
            f"| 週別 | {', '.join(f'{k}: {v}' for k, v in p.weekly.items())} |",
            f"| 理由 | {', '.join(f'{REASON_LABELS.get(r, r)} {c}' for r, c in p.reasons.items())} |",
            f"| 最も近い既存FAQ | {closest} |",
            f"| カテゴリ | {p.category} |",
            f"| 引用したナレッジ | {', '.join(p.sources) or 'なし'} |",
            f"| 参考（引用しない） | {', '.join(p.references) or 'なし'} |",
            "",
            "### 代表的な問合せ（マスク済み）",
        ]
        for i, example in enumerate(p.examples, 1):
            lines += ["", f"{i}.", "", _quote(example)]
        lines += ["", "### FAQ案", "", f"**Q.** {p.question}", "", "**A.**", "", _quote(p.answer)]
    return "\n".join(lines) + "\n"


def write_markdown(result: ProposalSet, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / MARKDOWN_NAME
    path.write_text(render_markdown(result), encoding="utf-8")
    return path
