"""The matrix multiply: a plain setting, bound to the model's layers when the pipeline loads."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError
from spacy.language import Language
from thinc.api import Model, get_current_ops

from app.core.config import Settings
from app.evaluation import SEED_ARTICLE_PATH
from app.nlp.pipeline import analyze_texts, load_pipeline
from tests.support import MODEL

SEED_ARTICLE = SEED_ARTICLE_PATH.read_text("utf-8")

SENTENCES = [
    "The United States is urging China to press Russia to halt its aggression in Ukraine.",
    "Iranian officials accused Israel of attacking its embassy in Damascus.",
    "Rebels in Mali threatened to attack army positions near Kidal unless the junta withdrew.",
]


def _encoder_layers(nlp: Language) -> list[Model[Any, Any]]:
    """The layers that do the heavy products of a parse: both tok2vec encoders and the parsers' lower layers."""
    models = [model for _, component in nlp.pipeline if (model := getattr(component, "model", None)) is not None]
    layers = [layer for model in models for layer in model.walk() if layer.name in {"maxout", "precomputable_affine"}]
    assert len(layers) >= 10
    return layers


def test_the_pipeline_is_built_with_the_gemm_it_is_given_and_nothing_else_changes(nlp: Language) -> None:
    before = get_current_ops()
    numpy_nlp = load_pipeline(MODEL, gemm="numpy")
    assert get_current_ops() is before  # the process's other models are not affected
    assert all(not layer.ops.use_blis for layer in _encoder_layers(numpy_nlp))
    assert all(layer.ops.use_blis for layer in _encoder_layers(nlp))  # spaCy's own default: BLIS


def test_the_model_loaded_with_numpy_gemm_analyses_exactly_as_with_blis(nlp: Language) -> None:
    numpy_nlp = load_pipeline(MODEL, gemm="numpy")
    texts = [SEED_ARTICLE, *SENTENCES]
    expected = [result.analysis for result in analyze_texts(nlp, texts)]
    assert [result.analysis for result in analyze_texts(numpy_nlp, texts)] == expected


def test_the_setting_takes_a_backend_not_a_measurement(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STANCEWIRE_GEMM", raising=False)
    assert Settings().gemm == "numpy"
    assert Settings(gemm="blis").gemm == "blis"
    with pytest.raises(ValidationError, match="'blis' or 'numpy'"):
        Settings(gemm="auto")  # type: ignore[arg-type]
