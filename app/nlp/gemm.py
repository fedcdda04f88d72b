"""The matrix multiply behind the model's layers: thinc's bundled BLIS or numpy's BLAS.

Most of a parse is matrix products in the two tok2vec encoders. BLIS picks its kernel from the
CPU it recognises and falls back to a slow reference kernel on CPUs newer than its release
(AMD Zen 5 with blis 1.3: 3x slower than numpy's OpenBLAS on the encoder's shape); OpenBLAS picks
its kernel at run time. The analyses are the same with either. ``make bench`` times both on a
machine and says which to configure (``STANCEWIRE_GEMM``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Literal

Gemm = Literal["blis", "numpy"]
SPACY_GEMM: Gemm = "blis"  # what spaCy uses unless told otherwise


@contextlib.contextmanager
def models_use(gemm: Gemm) -> Iterator[None]:
    """Within the block, models that are created (a pipeline loaded) do their products with ``gemm``.

    thinc binds each layer to the ops current when it is created, so the choice holds for the
    pipeline's lifetime and nothing else in the process changes.
    """
    from thinc.api import use_ops

    with use_ops("numpy", use_blis=gemm == "blis"):
        yield
