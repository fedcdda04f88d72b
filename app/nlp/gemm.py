"""Choose the matrix multiply behind the model's layers: thinc's bundled BLIS or numpy's BLAS.

Most of a parse is matrix products in the two tok2vec encoders. BLIS picks its kernel from the
CPU it recognises and falls back to a slow reference kernel on CPUs newer than its release
(AMD Zen 5 with blis 1.3: 3x slower than numpy's OpenBLAS on the encoder's shape). thinc can use
either (``NumpyOps(use_blis=...)``); ``auto`` times both at start-up and keeps the faster.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from statistics import median
from typing import Literal

GemmBackend = Literal["blis", "numpy"]
GemmPreference = Literal["auto", "blis", "numpy"]

# A batch of tokens through one encoder layer of the small English model: 96 wide, a window of
# one token each side (288 in), three maxout pieces (288 out).
_PROBE_SHAPE = (512, 288, 288)
# BLIS is what spaCy ships with: leave it unless numpy is clearly faster, so that a noisy
# measurement on a machine where the two are close never flips the choice.
_CLEAR_MARGIN = 1.25


@dataclass(frozen=True, slots=True)
class GemmChoice:
    """The backend a process uses, and the timings behind an ``auto`` choice."""

    backend: GemmBackend
    measured: bool
    blis_ms: float | None = None
    numpy_ms: float | None = None

    def describe(self) -> str:
        if not self.measured:
            return f"{self.backend} (configured)"
        return f"{self.backend} (measured: blis {self.blis_ms:.2f} ms, numpy {self.numpy_ms:.2f} ms)"


def time_backends(repeats: int = 15) -> tuple[float, float]:
    """Median milliseconds of one probe product with BLIS and with numpy, interleaved."""
    import numpy
    from thinc.api import NumpyOps

    rows, inner, cols = _PROBE_SHAPE
    generator = numpy.random.default_rng(0)
    x = generator.standard_normal((rows, inner), dtype=numpy.float32)
    w = generator.standard_normal((inner, cols), dtype=numpy.float32)
    backends = {"blis": NumpyOps(use_blis=True), "numpy": NumpyOps(use_blis=False)}
    samples: dict[str, list[float]] = {name: [] for name in backends}
    for _ in range(repeats):
        for name, ops in backends.items():
            started = time.perf_counter()
            ops.gemm(x, w)
            samples[name].append((time.perf_counter() - started) * 1000)
    return median(samples["blis"]), median(samples["numpy"])


def choose_gemm(preference: GemmPreference) -> GemmChoice:
    """Resolve ``preference`` to a backend, timing both when it is ``auto``."""
    if preference != "auto":
        return GemmChoice(backend=preference, measured=False)
    blis_ms, numpy_ms = time_backends()
    backend: GemmBackend = "numpy" if numpy_ms * _CLEAR_MARGIN < blis_ms else "blis"
    return GemmChoice(backend=backend, measured=True, blis_ms=blis_ms, numpy_ms=numpy_ms)


def use_gemm(backend: GemmBackend) -> None:
    """Make ``backend`` the gemm of every model this process creates from now on."""
    from thinc.api import NumpyOps, set_current_ops

    set_current_ops(NumpyOps(use_blis=backend == "blis"))
