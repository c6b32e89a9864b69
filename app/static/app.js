// draftdesk operator page: plain JS, no build step. All user-provided text is set with textContent.
"use strict";
const $ = (id) => document.getElementById(id);
const DEST = { agency: "デジタル庁 主管課", ops_vendor: "運用保守事業者", ministry: "関係省庁", ask_agency: "デジタル庁に確認（担当不明）" };
const KIND = { faq: "FAQ", internal: "内部ナレッジ", manual: "マニュアル", past_inquiry: "過去の問合せ" };
let current = null;

function apiKey() { return localStorage.getItem("draftdesk_api_key") || ""; }
async function api(path, options = {}) {
  const headers = Object.assign({ "Content-Type": "application/json" }, options.headers || {});
  if (apiKey()) headers["X-API-Key"] = apiKey();
  const res = await fetch(path, Object.assign({}, options, { headers }));
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!res.ok) {
    const detail = body && body.detail ? (typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail)) : res.statusText;
    throw new Error(`${res.status}: ${detail}`);
  }
  return body;
}

// POST /v1/drafts/stream: server-sent events — "delta" text while an LLM writes, then the final "draft".
async function streamDraft(payload) {
  const headers = { "Content-Type": "application/json" };
  if (apiKey()) headers["X-API-Key"] = apiKey();
  const res = await fetch("/v1/drafts/stream", { method: "POST", headers, body: JSON.stringify(payload) });
  if (!res.ok) {
    let detail = res.statusText;
    try { const b = await res.json(); detail = typeof b.detail === "string" ? b.detail : JSON.stringify(b.detail); } catch (e) { /* keep */ }
    throw new Error(`${res.status}: ${detail}`);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "", streamed = "";
  $("draft").value = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
      const event = (block.match(/^event: (.*)$/m) || [])[1];
      const data = (block.match(/^data: (.*)$/m) || [])[1];
      if (!event || data === undefined) continue;
      const parsed = JSON.parse(data);
      if (event === "delta") { streamed += parsed.text; $("draft").value = streamed; }
      else if (event === "draft") return parsed;
      else if (event === "error") throw new Error(parsed.detail);
    }
  }
  throw new Error("the stream ended without a draft");
}

function renderMasked(text) {
  const box = $("masked");
  box.textContent = "";
  const re = /<[A-Z_]+_\d+>/g;
  let last = 0, m;
  while ((m = re.exec(text)) !== null) {
    box.appendChild(document.createTextNode(text.slice(last, m.index)));
    const span = document.createElement("span");
    span.className = "ph"; span.textContent = m[0];
    box.appendChild(span);
    last = m.index + m[0].length;
  }
  box.appendChild(document.createTextNode(text.slice(last)));
}

function renderRecommendation(rec) {
  const box = $("recommendation");
  box.hidden = false;
  box.className = "recommendation " + rec.action;
  box.textContent = "";
  const head = document.createElement("strong");
  head.textContent = rec.action === "escalate" ? `エスカレーション推奨：${DEST[rec.destination] || "確認"}` : "回答可能";
  const reason = document.createElement("div");
  reason.textContent = rec.reason;
  const conf = document.createElement("div");
  conf.className = "muted";
  conf.textContent = `確信度 ${(rec.confidence * 100).toFixed(0)}%`;
  box.append(head, reason, conf);
}

function renderCitations(citations) {
  const list = $("citations");
  list.textContent = "";
  citations.forEach((c) => {
    const li = document.createElement("li");
    const a = document.createElement("a");
    a.href = "#source"; a.textContent = c.title; a.dataset.id = c.id;
    a.addEventListener("click", (ev) => { ev.preventDefault(); openSource(c.id); });
    const meta = document.createElement("span");
    meta.className = "muted"; meta.textContent = ` （${KIND[c.kind] || c.kind}・${c.source}）`;
    li.append(a, meta);
    list.appendChild(li);
  });
}

async function openSource(id) {
  const box = $("source");
  try {
    const s = await api(`/v1/sources/${encodeURIComponent(id)}`);
    box.textContent = "";
    const h = document.createElement("strong"); h.textContent = s.title;
    const meta = document.createElement("div"); meta.className = "muted";
    meta.textContent = `${KIND[s.kind] || s.kind} ／ ${s.source}${s.page ? " p." + s.page : ""} ／ リリース ${s.release}`;
    const body = document.createElement("div"); body.textContent = s.text;
    box.append(h, meta, body);
    box.hidden = false;
    box.focus();
  } catch (e) { showError(e); }
}

function showError(e) { const el = $("error"); el.textContent = "エラー：" + e.message; el.hidden = false; }
function setButtons(enabled) { ["copy", "accept", "edited", "reject", "escalate"].forEach((id) => { $(id).disabled = !enabled; }); }

async function submit(ev) {
  if (ev) ev.preventDefault();
  $("error").hidden = true;
  $("feedback-status").textContent = "";
  $("submit").disabled = true;
  try {
    const d = await streamDraft({ inquiry: $("inquiry").value, channel: $("channel").value });
    current = d;
    renderMasked(d.masked_inquiry);
    renderRecommendation(d.recommendation);
    $("draft").value = d.draft;
    renderCitations(d.citations);
    const alerts = $("alerts"); alerts.textContent = "";
    d.alerts.forEach((a) => { const li = document.createElement("li"); li.textContent = "⚠ " + a.message; alerts.appendChild(li); });
    $("source").hidden = true;
    setButtons(true);
  } catch (e) { showError(e); } finally { $("submit").disabled = false; }
}

async function feedback(outcome) {
  if (!current) return;
  const body = { outcome, final_text: $("draft").value, escalated_to: outcome === "escalated" ? (current.recommendation.destination || "ask_agency") : null };
  try {
    await api(`/v1/drafts/${current.id}/feedback`, { method: "POST", body: JSON.stringify(body) });
    $("feedback-status").textContent = { accepted: "承認として記録しました", edited: "編集して送信として記録しました", rejected: "不採用として記録しました", escalated: "エスカレーションとして記録しました" }[outcome];
  } catch (e) { showError(e); }
}

$("form").addEventListener("submit", submit);
$("inquiry").addEventListener("keydown", (ev) => { if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) submit(ev); });
$("copy").addEventListener("click", async () => {
  try { await navigator.clipboard.writeText($("draft").value); $("feedback-status").textContent = "コピーしました"; }
  catch (e) { $("draft").select(); document.execCommand("copy"); $("feedback-status").textContent = "コピーしました"; }
});
$("accept").addEventListener("click", () => feedback("accepted"));
$("edited").addEventListener("click", () => feedback("edited"));
$("reject").addEventListener("click", () => feedback("rejected"));
$("escalate").addEventListener("click", () => feedback("escalated"));
$("source").tabIndex = -1;

(async function poll() {
  try {
    const r = await fetch("/readyz");
    if (r.ok) { $("status").textContent = "準備完了"; $("status").className = "status ready"; return; }
  } catch (e) { /* retry */ }
  setTimeout(poll, 1500);
})();
