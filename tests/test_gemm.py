"""The matrix-multiply choice: configured or measured, and the same analysis either way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from spacy.language import Language
from thinc.api import Model, NumpyOps, get_current_ops, set_current_ops, use_ops

from app.evaluation import SEED_ARTICLE_PATH
from app.nlp.gemm import choose_gemm, use_gemm
from app.nlp.pipeline import analyze_texts, load_pipeline
from tests.conftest import MODEL

SEED_ARTICLE = SEED_ARTICLE_PATH.read_text("utf-8")

SENTENCES = [
    "The United States is urging China to press Russia to halt its aggression in Ukraine.",
    "Iranian officials accused Israel of attacking its embassy in Damascus.",
    "Rebels in Mali threatened to attack army positions near Kidal unless the junta withdrew.",
]


@pytest.fixture
def restore_ops() -> Iterator[None]:
    previous = get_current_ops()
    yield
    set_current_ops(previous)


def _encoder_layers(nlp: Language) -> list[Model[Any, Any]]:
    """The layers that do the heavy products of a parse: both tok2vec encoders and the parsers' lower layers."""
    models = [model for _, component in nlp.pipeline if (model := getattr(component, "model", None)) is not None]
    layers = [layer for model in models for layer in model.walk() if layer.name in {"maxout", "precomputable_affine"}]
    assert len(layers) >= 10
    return layers


@pytest.mark.parametrize("backend", ["blis", "numpy"])
def test_a_configured_backend_is_taken_without_timing(backend: str) -> None:
    choice = choose_gemm(backend)  # type: ignore[arg-type]
    assert (choice.backend, choice.measured, choice.blis_ms, choice.numpy_ms) == (backend, False, None, None)
    assert choice.describe() == f"{backend} (configured)"


def test_auto_times_both_and_keeps_blis_unless_numpy_is_clearly_faster() -> None:
    choice = choose_gemm("auto")
    assert choice.measured and choice.blis_ms and choice.numpy_ms
    clearly_faster = choice.numpy_ms * 1.25 < choice.blis_ms
    assert choice.backend == ("numpy" if clearly_faster else "blis")
    assert f"blis {choice.blis_ms:.2f} ms" in choice.describe()


def test_use_gemm_sets_the_ops_new_models_get(restore_ops: None) -> None:
    use_gemm("numpy")
    ops = get_current_ops()
    assert isinstance(ops, NumpyOps) and not ops.use_blis
    use_gemm("blis")
    assert get_current_ops().use_blis  # type: ignore[attr-defined]


def test_the_model_loaded_with_numpy_gemm_analyses_exactly_as_with_blis(nlp: Language) -> None:
    with use_ops("numpy", use_blis=False):
        numpy_nlp = load_pipeline(MODEL)
    assert all(not layer.ops.use_blis for layer in _encoder_layers(numpy_nlp))
    assert all(layer.ops.use_blis for layer in _encoder_layers(nlp))
    texts = [SEED_ARTICLE, *SENTENCES]
    expected = [result.analysis for result in analyze_texts(nlp, texts)]
    assert [result.analysis for result in analyze_texts(numpy_nlp, texts)] == expected
