"""A user's own verb dictionary (STANCEWIRE_DICTIONARIES) codes stances; a malformed one stops start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from spacy.language import Language

from app.core.config import Settings
from app.evaluation import actor_code
from app.nlp.dictionaries import DictionaryError
from app.nlp.pipeline import analyze_texts, load_pipeline
from tests.support import MODEL, make_settings, start_app

# "upbraid" is in neither the curated lexicon nor CAMEO.2.0.txt: only the user's file can code it.
USER_VERBS = """\
# A made-up addition for the test.
---  UPBRAID   [111]  ---
UPBRAID
- * + (OVER {NUCLEAR PROGRAMME})   [1124]   # upbraided X over its nuclear programme
"""


@pytest.fixture(scope="module")
def user_nlp(tmp_path_factory: pytest.TempPathFactory) -> Language:
    path = tmp_path_factory.mktemp("dictionaries") / "mine.verbs.txt"
    path.write_text(USER_VERBS, encoding="utf-8")
    return load_pipeline(MODEL, dictionaries=[path])


def _coded(nlp: Language, text: str) -> list[tuple[str, list[str], list[str], dict[str, str]]]:
    analysis = analyze_texts(nlp, [text])[0].analysis
    assert analysis is not None
    codes = {a["id"]: actor_code(a) for a in analysis["actors"]}
    return [
        (s["event"], [codes[h] for h in s["holder"]], [codes[t] for t in s["target"]], s["rule"])
        for s in analysis["stances"]
    ]


def test_a_user_verb_is_coded_with_its_pattern_and_says_so(user_nlp: Language) -> None:
    found = _coded(user_nlp, "Japan upbraided North Korea over its nuclear programme on Tuesday.")
    _, holders, targets, rule = next(f for f in found if f[0] == "ACCUSE")
    assert (holders, targets) == (["JPN"], ["PRK"])
    assert rule["source"] == "dictionary"
    assert rule["ref"] == "mine.verbs.txt:4"
    assert rule["cameo"] == "1124"


def test_a_user_verb_without_a_pattern_takes_its_block_code(user_nlp: Language) -> None:
    found = _coded(user_nlp, "Japan upbraided North Korea on Tuesday.")
    assert any(f[0] == "ACCUSE" and f[1] == ["JPN"] and f[3]["cameo"] == "111" for f in found), found


def test_without_the_user_file_the_verb_is_not_coded(nlp: Language) -> None:
    assert not [f for f in _coded(nlp, "Japan upbraided North Korea on Tuesday.") if f[0] == "ACCUSE"]


def test_a_malformed_user_file_stops_the_pipeline_with_file_line_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "broken.verbs.txt"
    path.write_text("---  UPBRAID   [111]  ---\nUPBRAID\n- * + (OVER {NUCLEAR PROGRAMME}   [1124]\n", encoding="utf-8")
    with pytest.raises(DictionaryError, match=r"broken\.verbs\.txt:3: "):
        load_pipeline(MODEL, dictionaries=[path])


def test_a_malformed_user_file_is_refused_by_the_settings_with_file_line_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "broken.verbs.txt"
    path.write_text("---  UPBRAID   [111]  ---\nUPBRAID\n- * + (OVER {NUCLEAR PROGRAMME}   [1124]\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"broken\.verbs\.txt:3: "):
        Settings(dictionaries=[path])
    with pytest.raises(ValidationError, match=r"unknown dictionary kind"):
        Settings(dictionaries=[tmp_path / "mine.txt"])


def test_serve_stops_at_once_on_a_malformed_user_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.actors.txt"
    path.write_text("MARTA_KOVALENKO_\n\t[UKRGOV 2020-01-01]\n", encoding="utf-8")
    env = {**os.environ, "STANCEWIRE_DICTIONARIES": str(path)}
    command = [sys.executable, "-m", "app.cli", "serve", "--port", "1"]
    done = subprocess.run(command, check=False, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "broken.actors.txt:2: " in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.anyio
async def test_the_service_codes_with_the_user_dictionaries(tmp_path: Path) -> None:
    path = tmp_path / "mine.verbs.txt"
    path.write_text(USER_VERBS, encoding="utf-8")
    app, context = await start_app(make_settings(dictionaries=[path]))
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            text = "Japan upbraided North Korea over its nuclear programme on Tuesday."
            response = await client.post("/v1/analyze", json={"text": text})
        assert response.status_code == 200, response.text
        rules = [s["rule"]["ref"] for s in response.json()["stances"] if s["event"] == "ACCUSE"]
        assert rules == ["mine.verbs.txt:4"]
    finally:
        await context.__aexit__(None, None, None)
