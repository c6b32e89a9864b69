"""The default engine: presidio-analyzer for language `ja` with GiNZA as its spaCy NLP engine, our pattern
and name recognizers registered beside GiNZA's NER. GiNZA's Extended Named Entity labels map to
PERSON/LOCATION; its Date/Phone/ID labels are ignored (they misfire on error codes and My Numbers)."""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from app.masking.base import MaskResult, apply_findings, chunks, prepare
from app.masking.fast import find_all
from app.masking.findings import Finding
from app.masking.names import hiragana_common_word, product_word
from app.masking.patterns import _HOUSE
from app.textnorm import normalize_with_map

log = logging.getLogger(__name__)

GINZA_LABELS = {
    "Person": "PERSON",
    "Province": "LOCATION",
    "City": "LOCATION",
    "County": "LOCATION",
    "GPE_Other": "LOCATION",
    "Address_Other": "LOCATION",
}
_HOUSE_AFTER = re.compile(rf"[一-龥々ぁ-んァ-ヴー]{{0,12}}?{_HOUSE}")
_NER_PIPES_KEEP = {"tok2vec", "ner"}
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?\n]*")
_KNOWN_PROPER = {
    "マイナポータル",
    "マイナンバー",
    "マイナンバーカード",
    "マイナ",
    "デジタル庁",
    "日本",
    "e-Tax",
    "ねんきんネット",
}


def _sentences(text: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in _SENTENCE.finditer(text)]


def needs_ner(sentence: str) -> bool:
    """Run GiNZA only on sentences with a proper noun, an unknown word or a capitalised Latin word."""
    from app import sudachi

    if re.search(r"[A-Z][a-z]+", sentence):
        return True
    for m in sudachi.tokenizer().tokenize(sentence):
        pos = m.part_of_speech()
        if m.is_oov() or (pos[1] == "固有名詞" and m.surface() not in _KNOWN_PROPER):
            return True
    return False


def _build_analyzer() -> Any:
    from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    class DraftdeskRecognizer(EntityRecognizer):
        """Our Japanese patterns and Sudachi names, run inside presidio on the NFKC text."""

        def load(self) -> None:
            return None

        def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[Any]:
            return [RecognizerResult(f.entity, f.start, f.end, f.score) for f in find_all(text)]

    logging.getLogger("presidio-analyzer").setLevel(
        logging.ERROR
    )  # GiNZA's unmapped labels are ignored on purpose
    config = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "ja", "model_name": "ja_ginza"}],
        "ner_model_configuration": {
            "model_to_presidio_entity_mapping": GINZA_LABELS,
            "low_confidence_score_multiplier": 1.0,
            "low_score_entity_names": [],
            "labels_to_ignore": [],
        },
    }
    nlp_engine = NlpEngineProvider(nlp_configuration=config).create_engine()
    nlp = nlp_engine.nlp["ja"]  # type: ignore[attr-defined]
    nlp.select_pipes(enable=[p for p in nlp.pipe_names if p in _NER_PIPES_KEEP])
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    registry = RecognizerRegistry(supported_languages=["ja"])
    registry.add_recognizer(
        DraftdeskRecognizer(
            supported_entities=list(_entities()), supported_language="ja", name="draftdesk_ja"
        )
    )
    registry.add_recognizer(
        SpacyRecognizer(supported_language="ja", supported_entities=["PERSON", "LOCATION"])
    )
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=["ja"])


def _entities() -> tuple[str, ...]:
    from app.masking.findings import ENTITY_TYPES

    return ENTITY_TYPES


def _ner_location(text: str, start: int, end: int) -> Finding | None:
    """NER places count only as part of an address (with a house number); 東京都の窓口 stays."""
    m = _HOUSE_AFTER.match(text, end)
    if not m:
        return None
    return Finding("LOCATION", start, m.end(), 0.85)


class PresidioMasker:
    name = "presidio"

    def __init__(self) -> None:
        self._analyzer = _build_analyzer()
        self._lock = threading.Lock()  # GiNZA's tokenizer (Sudachi) must not run in two threads at once

    def _ner_findings(self, text: str) -> list[Finding]:
        with self._lock:
            results = self._analyzer.analyze(text=text, language="ja", entities=list(_entities()))
        out: list[Finding] = []
        for r in results:
            if r.recognition_metadata and r.recognition_metadata.get("recognizer_name") == "draftdesk_ja":
                continue  # the pattern findings are already taken over the whole text
            if r.entity_type == "LOCATION":
                loc = _ner_location(text, r.start, r.end)
                if loc:
                    out.append(loc)
            elif (
                r.entity_type == "PERSON"
                and r.end - r.start >= 2
                and not text[r.start : r.end].isascii()
                and not product_word(text[r.start : r.end])
                and not hiragana_common_word(text, r.start, r.end)
            ):
                # GiNZA tags English words as persons ("Portal with"); romaji names come from our cues
                out.append(Finding("PERSON", r.start, r.end, r.score))
        return out

    def mask(self, text: str) -> MaskResult:
        original = prepare(text)
        norm = normalize_with_map(original)
        findings: list[Finding] = find_all(norm.text)
        for offset, piece in chunks(norm.text):
            # GiNZA costs a fixed ~13 ms a call plus ~0.4 ms a character: run it once per chunk, and only over
            # the sentences where a name can be (a proper noun, an unknown word, a capitalised Latin word).
            picked = [
                (offset + start, sentence) for start, sentence in _sentences(piece) if needs_ner(sentence)
            ]
            if not picked:
                continue
            joined = ""
            segments: list[tuple[int, int, int]] = []  # (start in joined, end in joined, start in text)
            for start, sentence in picked:
                segments.append((len(joined), len(joined) + len(sentence), start))
                joined += sentence + "\n"
            for f in self._ner_findings(joined):
                for j_start, j_end, t_start in segments:
                    if j_start <= f.start and f.end <= j_end:
                        findings.append(
                            Finding(f.entity, f.start - j_start + t_start, f.end - j_start + t_start, f.score)
                        )
                        break
        return apply_findings(original, norm, findings)
