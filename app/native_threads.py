"""Native thread pools of numpy/scipy (OpenBLAS) sized for a server, not for one big computation.

Measured on 2 cores: with OpenBLAS's default of one thread per core, a draft cost 109 ms of CPU for 55 ms of
wall time — the second BLAS thread spins between the small matrix products of masking NER, USE and the
router, and under load it takes the core another request needed. One thread: 53 ms CPU, 53 ms wall.
"""

from __future__ import annotations

from threadpoolctl import threadpool_limits


def limit_blas_threads(threads: int) -> None:
    """Apply to the BLAS libraries loaded so far (call after the models are loaded); 0 leaves the default.
    The embedder's own OpenMP pool is not touched: `embedding_threads` sizes it."""
    if threads > 0:
        threadpool_limits(limits=threads, user_api="blas")
