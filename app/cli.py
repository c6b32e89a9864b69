"""`draftdesk` command line: config, ingest, draft, serve, eval."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.settings import Settings, get_settings

if TYPE_CHECKING:
    from app.embeddings import Embedder
    from app.masking import Masker
    from app.store import KnowledgeStore

app = typer.Typer(
    help="draftdesk — PII-masked, cited first-reply drafts for the マイナポータル helpdesk.",
    no_args_is_help=True,
    add_completion=False,
)


def _service(engine: str | None = None):  # type: ignore[no-untyped-def]
    from app.service import DraftService

    settings = get_settings()
    if engine:
        settings = settings.model_copy(update={"mask_engine": engine})
    return DraftService(settings)


@app.command()
def config() -> None:
    """Print the effective settings (env DRAFTDESK_*, .env), secrets hidden."""
    typer.echo(json.dumps(get_settings().public_view(), ensure_ascii=False, indent=2, default=str))


@app.command()
def ingest(
    path: Annotated[
        Path | None, typer.Argument(help="A knowledge folder or file (default: the bundled knowledge/)")
    ] = None,
    release: Annotated[str, typer.Option(help="Knowledge release label, e.g. 2026.12")] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the diff; write nothing")] = False,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Re-embed everything (e.g. after changing the model)")
    ] = False,
) -> None:
    """Index knowledge: load, mask past inquiries, embed what changed, switch atomically, report the diff."""
    from tqdm import tqdm

    from app.embeddings import build_embedder
    from app.masking import build_masker
    from app.store import KnowledgeStore
    from ingest.pipeline import run_ingest

    settings = get_settings()
    root = path or settings.knowledge_dir
    if not root.exists():
        typer.echo(f"error: {root} does not exist", err=True)
        raise typer.Exit(2)
    label = release or _release_label(settings.knowledge_dir)
    embedder = build_embedder(settings)
    try:
        masker = build_masker(settings.mask_engine)
    except Exception as exc:  # fail closed: past inquiries are then rejected by the loader
        typer.echo(f"warning: masker unavailable ({exc}); past inquiries will not be indexed", err=True)
        masker = None
    store = KnowledgeStore(settings, embedder)
    bar = tqdm(total=0, unit="chunk", desc="embedding", disable=not sys.stderr.isatty())

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    report = run_ingest(
        root, settings, store, embedder, masker, label, dry_run=dry_run, rebuild=rebuild, progress=progress
    )
    bar.close()
    typer.echo(report.summary())
    if report.diff.added or report.diff.changed or report.diff.removed:
        typer.echo(report.diff.to_markdown(label))
    if report.issues:
        raise typer.Exit(1)
    if not dry_run and masker is not None:
        _prepare_router(settings, masker, embedder, store)


def _prepare_router(settings: Settings, masker: Masker, embedder: Embedder, store: KnowledgeStore) -> None:
    """Build the semantic router once so its vector cache is filled: on a fresh machine that is minutes of
    embedding (examples, FAQ phrasings, labelled inquiries) the server would otherwise spend before serving."""
    from app.labelled import LabelledInquiryError
    from app.semantic_router import RouterExamplesError
    from app.service import DraftService

    t = time.perf_counter()
    try:
        service = DraftService(settings, masker=masker, embedder=embedder, store=store)
        service.router()
    except (LabelledInquiryError, RouterExamplesError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"routing ready: {len(service.route_examples)} examples, {len(service.labelled)} labelled inquiries "
        f"({time.perf_counter() - t:.0f} s)"
    )


def _release_label(knowledge_dir: Path) -> str:
    marker = knowledge_dir / "RELEASE"
    return marker.read_text(encoding="utf-8").strip() if marker.exists() else "unreleased"


@app.command()
def draft(
    inquiry: Annotated[str | None, typer.Argument(help="Inquiry text; omit to read stdin")] = None,
    channel: Annotated[str, typer.Option(help="web_form | free_dial | app_helpdesk")] = "web_form",
    as_json: Annotated[bool, typer.Option("--json", help="Print the draft contract as JSON")] = False,
    mode: Annotated[str | None, typer.Option(help="extractive | llm (default: DRAFTDESK_DRAFT_MODE)")] = None,
    batch: Annotated[
        Path | None, typer.Option(help='JSONL input: {"id": ..., "inquiry": ...} per line')
    ] = None,
    out: Annotated[Path | None, typer.Option(help="JSONL output for --batch (default: stdout)")] = None,
) -> None:
    """Draft a reply for one inquiry (argument or stdin) or many (--batch)."""
    from pydantic import ValidationError

    from app.schemas import DraftRequest
    from app.service import InquiryError

    service = _service()
    if batch is not None:
        raise typer.Exit(_draft_batch(service, batch, out, mode))
    text = inquiry if inquiry is not None else sys.stdin.read()
    try:
        result = service.draft(DraftRequest(inquiry=text, channel=channel), mode=mode)
    except (InquiryError, ValidationError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    rec = result.recommendation
    typer.echo(
        f"[{rec.action}{' → ' + rec.destination if rec.destination else ''}] {rec.reason} "
        f"(confidence {rec.confidence:.2f}, mode {result.mode})\n"
    )
    typer.echo(result.draft)
    if result.citations:
        typer.echo("\n出典:")
        for i, c in enumerate(result.citations, 1):
            typer.echo(f"  [{i}] {c.title} ({c.kind}, {c.source})")
    for alert in result.alerts:
        typer.echo(f"! {alert.kind}: {alert.message}")


def _draft_batch(service, batch: Path, out: Path | None, mode: str | None) -> int:  # type: ignore[no-untyped-def]
    from pydantic import ValidationError

    from app.schemas import DraftRequest
    from app.service import InquiryError

    failures = 0
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        for lineno, line in enumerate(batch.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                request = DraftRequest(inquiry=row["inquiry"], channel=row.get("channel", "web_form"))
                result = service.draft(request, mode=mode).model_dump(mode="json")
                sink.write(
                    json.dumps(
                        {
                            "id": row.get("id"),
                            **{k: v for k, v in result.items() if k != "id"},
                            "draft_id": result["id"],
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
            except (json.JSONDecodeError, KeyError, TypeError, ValidationError, InquiryError) as exc:
                failures += 1
                typer.echo(f"{batch} line {lineno}: {type(exc).__name__}: {exc}", err=True)
                rid = row.get("id") if isinstance(locals().get("row"), dict) else None
                sink.write(json.dumps({"id": rid, "error": str(exc)}, ensure_ascii=False) + "\n")
    finally:
        if out:
            sink.close()
    return 1 if failures else 0


def embedding_threads_for(workers: int, cores: int, chosen: bool) -> int | None:
    """Several workers share the cores: each embeds with cores/workers threads unless the operator chose.
    Two workers with two OpenMP threads each on two cores spend their time spinning."""
    if workers <= 1 or chosen:
        return None
    return max(1, cores // workers)


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve the API (/v1, /docs) and the operator page on http://HOST:PORT/."""
    import uvicorn

    chosen = "embedding_threads" in get_settings().model_fields_set  # from the environment or .env
    threads = embedding_threads_for(workers, os.cpu_count() or 1, chosen)
    if threads is not None:  # workers are spawned processes: they read settings from the environment
        os.environ["DRAFTDESK_EMBEDDING_THREADS"] = str(threads)
    uvicorn.run(
        "app.api.main:create_app", factory=True, host=host, port=port, workers=workers, log_level="info"
    )


@app.command()
def purge(
    apply: Annotated[
        bool, typer.Option("--apply", help="Really delete (default: dry run, counts only)")
    ] = False,
    days: Annotated[
        int | None, typer.Option(help="Retention in days (default: DRAFTDESK_RETENTION_DAYS)")
    ] = None,
) -> None:
    """Delete stored drafts, feedback and audit events older than the retention period (dry run first)."""
    from datetime import UTC, datetime, timedelta

    from app.storage import SQLiteRecords

    settings = get_settings()
    keep = days if days is not None else settings.retention_days
    cutoff = (datetime.now(UTC) - timedelta(days=keep)).isoformat(timespec="milliseconds")
    records = SQLiteRecords(settings.resolved_database_path())
    counts = records.purge_before(cutoff, dry_run=not apply)
    records.audit("cli", "admin", "purge.apply" if apply else "purge.dry_run", cutoff, json.dumps(counts))
    verb = "deleted" if apply else "would delete (dry run; add --apply)"
    typer.echo(
        f"records older than {keep} days (before {cutoff}): {verb} "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
    )


@app.command()
def export(
    out: Annotated[Path, typer.Argument(help="Folder for the backup (JSONL per table + one XLSX)")],
) -> None:
    """Write everything stored (all masked) to a readable backup: JSONL per table and one workbook."""
    from openpyxl import Workbook

    from app.storage import SQLiteRecords

    settings = get_settings()
    records = SQLiteRecords(settings.resolved_database_path())
    tables = records.export_all()
    out.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in tables.items():
        with (out / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        ws = wb.create_sheet(name)
        if rows:
            ws.append(list(rows[0].keys()))
            for row in rows:
                ws.append([str(v) if v is not None else "" for v in row.values()])
    wb.save(out / "draftdesk-export.xlsx")
    records.audit("cli", "admin", "export", str(out), json.dumps({k: len(v) for k, v in tables.items()}))
    typer.echo(f"exported {', '.join(f'{k} {len(v)}' for k, v in tables.items())} to {out}")


eval_app = typer.Typer(
    help="Score drafts on the labelled set, or compare two runs.", invoke_without_command=True
)
app.add_typer(eval_app, name="eval")


@eval_app.callback()
def eval_cmd(
    ctx: typer.Context,
    split: Annotated[str, typer.Option(help="dev | heldout | probe | all (dev + heldout)")] = "heldout",
    mode: Annotated[str, typer.Option(help="extractive | llm")] = "extractive",
    fail_under: Annotated[
        list[str] | None, typer.Option(help="metric=floor, e.g. single_resolution=0.9")
    ] = None,
    out_dir: Annotated[Path, typer.Option(help="Where reports are written")] = Path("eval/reports"),
    limit: Annotated[int, typer.Option(help="Only the first N cases (0 = all)")] = 0,
    judge: Annotated[
        bool | None,
        typer.Option(
            "--judge/--no-judge",
            help="LLM-judged ragas metrics (default: in llm mode; needs DRAFTDESK_LLM_BASE_URL)",
        ),
    ] = None,
    judge_limit: Annotated[int, typer.Option(help="Judge only the first N cases (0 = all)")] = 0,
    judge_concurrency: Annotated[int, typer.Option(help="Cases judged at once")] = 4,
    judge_timeout: Annotated[float, typer.Option(help="Seconds per judge metric and case")] = 120.0,
) -> None:
    """Score drafts on the labelled set; write report.md/html, results.jsonl; append eval/history.jsonl."""
    if ctx.invoked_subcommand is not None:
        return
    from eval.harness import check_floors, run_eval
    from eval.llm_judge import JudgeOptions

    service = _service()
    options = JudgeOptions(limit=judge_limit, concurrency=judge_concurrency, timeout_s=judge_timeout)
    summary = run_eval(
        service, split=split, mode=mode, out_dir=out_dir, limit=limit, progress=sys.stderr.isatty(),
        judge=judge, judge_options=options,
    )  # fmt: skip
    typer.echo(summary.headline())
    failed = check_floors(summary.metrics, fail_under or [])
    for line in failed:
        typer.echo(f"FAIL {line}", err=True)
    if failed:
        raise typer.Exit(1)


@eval_app.command("compare")
def eval_compare(run_a: Path, run_b: Path) -> None:
    """What improved and what regressed between two report directories, case by case."""
    from eval.compare import compare

    try:
        typer.echo(compare(run_a, run_b))
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc


@app.command()
def report(
    period: Annotated[str, typer.Option(help="daily | weekly (the ISO week, Mon–Sun) | monthly")],
    day: Annotated[
        str | None, typer.Option("--date", help="A day in the period, YYYY-MM-DD (UTC; default: today)")
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for the workbook")] = Path("reports"),
) -> None:
    """Operations report for the Agency (one .xlsx, fixed layout: docs/operations.md), from stored records."""
    import re
    from datetime import UTC, date, datetime

    from app.ops.periods import PeriodKind, period_for
    from app.ops.reports import build_report, fetch_period
    from app.ops.xlsx_report import write_report_xlsx
    from app.storage import SQLiteRecords

    kinds = [k.value for k in PeriodKind]
    if period not in kinds:
        raise typer.BadParameter(f"{period!r} is not one of {', '.join(kinds)}", param_hint="'--period'")
    try:
        if day is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            raise ValueError
        when = date.fromisoformat(day) if day is not None else datetime.now(UTC).date()
    except ValueError as exc:
        raise typer.BadParameter(f"{day!r} is not a date (YYYY-MM-DD)", param_hint="'--date'") from exc
    settings = get_settings()
    records = SQLiteRecords(settings.resolved_database_path())
    span = period_for(PeriodKind(period), when)
    drafts, feedback = fetch_period(records, span)
    result = build_report(span, drafts, feedback, datetime.now(UTC))
    path = write_report_xlsx(result, out)
    o = result.overview
    records.audit("cli", "admin", "report", str(path), json.dumps({"period": span.label, "total": o.total}))
    rate = "—" if o.single_resolution_rate is None else f"{o.single_resolution_rate:.1%}"
    verdicts = " / ".join(
        f"{t:.0%}: {'—' if o.meets(t) is None else ('達成' if o.meets(t) else '未達')}"
        for t in result.targets
    )
    typer.echo(f"{span.title()}: 問合せ {o.total}件、一次解決率 {rate}（目標 {verdicts}）")
    typer.echo(f"wrote {path}")


@app.command("labelled-export")
def labelled_export(
    month: Annotated[str, typer.Option(help="The month of drafts to export, YYYY-MM (UTC)")],
    out: Annotated[
        Path | None, typer.Option(help="JSONL file to write (default: data_dir/labelled/fb-YYYY-MM.jsonl)")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file")] = False,
) -> None:
    """Export the routes operators confirmed in a month as labelled inquiries (masked) for the route classifier:
    review the file, then list it in DRAFTDESK_LABELLED_INQUIRIES and run `draftdesk ingest`."""
    import re
    from datetime import UTC, date, datetime

    from app.ops.labelled_export import labelled_from_feedback
    from app.ops.periods import PeriodKind, period_for
    from app.ops.reports import fetch_period
    from app.storage import SQLiteRecords

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise typer.BadParameter(f"{month!r} is not a month (YYYY-MM)", param_hint="'--month'")
    settings = get_settings()
    span = period_for(PeriodKind.monthly, date.fromisoformat(f"{month}-01"))
    target = out if out is not None else settings.data_dir / "labelled" / f"fb-{span.label}.jsonl"
    if target.exists() and not force:
        typer.echo(
            f"error: {target} exists; a reviewed file is not overwritten (use --force to replace it)",
            err=True,
        )
        raise typer.Exit(2)
    records = SQLiteRecords(settings.resolved_database_path())
    drafts, feedback = fetch_period(records, span)
    result = labelled_from_feedback(drafts, feedback, batch=f"fb-{span.label}")
    meta = {
        "_meta": {
            "source": "operator feedback on stored drafts (inquiries masked)",
            "month": span.label,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "use": "review, then list in DRAFTDESK_LABELLED_INQUIRIES and run draftdesk ingest",
        }
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with partial.open("w", encoding="utf-8") as fh:
        for row in (meta, *result.rows):
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    partial.replace(target)
    records.audit("cli", "admin", "labelled.export", str(target), json.dumps({"rows": len(result.rows)}))
    typer.echo(f"{span.label}: {result.summary()}")
    typer.echo(f"wrote {target}")


@app.command("faq-proposals")
def faq_proposals(
    since: Annotated[str, typer.Option(help="Look-back window ending now: 30d (days) or 4w (weeks)")] = "30d",
    out: Annotated[Path, typer.Option(help="Folder for faq-proposals.md and faq-proposals.xlsx")] = Path(
        "reports"
    ),
    min_size: Annotated[int, typer.Option(min=2, help="Smallest group of inquiries worth a proposal")] = 3,
    similarity: Annotated[
        float | None,
        typer.Option(help="Same-topic threshold on centred cosine (default: read off the indexed FAQs)"),
    ] = None,
) -> None:
    """Propose FAQ entries for groups of inquiries the knowledge did not serve well (all pending approval)."""
    from datetime import UTC, datetime

    from app.embeddings import build_embedder
    from app.ops.faq_gaps import find_gaps
    from app.ops.faq_output import write_markdown, write_xlsx
    from app.ops.knowledge_profile import KnowledgeProfile
    from app.ops.periods import Window, iso, parse_span
    from app.retrieval import HybridRetriever
    from app.storage import SQLiteRecords
    from app.store import KnowledgeStore

    try:
        span = parse_span(since)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--since'") from exc
    settings = get_settings()
    embedder = build_embedder(settings)
    store = KnowledgeStore(settings, embedder)
    collection = store.active()
    if collection is None:
        typer.echo("error: there is no active knowledge index; run `draftdesk ingest` first", err=True)
        raise typer.Exit(2)
    profile = KnowledgeProfile.from_rows(store.iter_all(collection, include_embeddings=True))
    now = datetime.now(UTC)
    window = Window.ending(now, span)
    records = SQLiteRecords(settings.resolved_database_path())
    drafts = records.drafts_between(iso(window.start), iso(window.end))
    feedback = records.feedback_between(iso(window.start), iso(window.end))
    result = find_gaps(
        drafts, feedback, window, embedder, HybridRetriever(store, embedder, rrf_k=settings.rrf_k), profile,
        min_size=min_size, similarity=similarity, today=now.date(),
        generated_at=now,
    )  # fmt: skip
    paths = [write_markdown(result, out), write_xlsx(result, out)]
    records.audit(
        "cli", "admin", "faq_proposals", str(out),
        json.dumps({"since": since, "candidates": result.candidates, "proposals": len(result.proposals)}),
    )  # fmt: skip
    typer.echo(
        f"{result.drafts} drafts, {result.candidates} candidates, {len(result.proposals)} proposals "
        f"(pending_approval) → {', '.join(str(p) for p in paths)}"
    )


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
