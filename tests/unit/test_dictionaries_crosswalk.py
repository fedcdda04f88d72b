"""The CAMEO -> PLOVER crosswalk, the codebook overrides, and their agreement with plover.yaml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.nlp.dictionaries.crosswalk import Crosswalk, load_overrides, read_crosswalk
from app.nlp.dictionaries.errors import DictionaryError
from app.nlp.dictionaries.upstream import PLOVER, builtin_crosswalk
from app.nlp.taxonomy import categories

SAMPLE = """\
# a crosswalk
03: AGREE
030: AGREE,  , diplomatic # Express intent to cooperate
091: ACCUSE, investigate, crime; corruption # Investigate crime, corruption
~~~~~
"""


@pytest.fixture(scope="module")
def crosswalk() -> Crosswalk:
    return builtin_crosswalk()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "crosswalk.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_reader_rows_contexts_and_end_line(tmp_path: Path) -> None:
    rows = read_crosswalk(write(tmp_path, SAMPLE))
    assert list(rows) == ["03", "030", "091"]
    assert (rows["03"].category, rows["03"].mode, rows["03"].contexts) == ("AGREE", None, ())
    assert (rows["030"].mode, rows["030"].contexts, rows["030"].description) == (
        None,
        ("diplomatic",),
        "Express intent to cooperate",
    )
    assert (rows["091"].mode, rows["091"].contexts, rows["091"].line) == ("investigate", ("crime", "corruption"), 4)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("03: AGREE\n03: RETREAT\n", 2, "already mapped on line 1"),
        ("030: AGREEMENT, , \n", 1, "not a PLOVER category"),
        ("030 AGREE, , \n", 1, "a crosswalk line is"),
        ("030: AGREE, x\n", 1, "a crosswalk line is"),
        ("~~~\n031: AGREE, , \n", 2, "after the end of the table"),
    ],
)
def test_reader_errors(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(DictionaryError, match=reason) as caught:
        read_crosswalk(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_real_crosswalk_and_longest_prefix(crosswalk: Crosswalk) -> None:
    assert len(crosswalk.rows) == 274
    coding = crosswalk.lookup("0311")
    assert coding is not None and (coding.category, coding.mode, coding.contexts, coding.source) == (
        "AGREE", None, ("economic",), "crosswalk",
    )  # fmt: skip
    visit = crosswalk.lookup("042")
    assert visit is not None and (visit.category, visit.mode) == ("CONSULT", "visit")
    fallback = crosswalk.lookup("0455")  # not in the table: 045
    assert fallback is not None and (fallback.matched, fallback.category) == ("045", "CONSULT")
    root = crosswalk.lookup("048")  # not in the table: the root heading 04
    assert root is not None and (root.matched, root.category, root.mode) == ("04", "CONSULT", None)
    assert crosswalk.lookup("99") is None


def test_overrides_where_the_codebook_wins(crosswalk: Crosswalk) -> None:
    sanctions = crosswalk.lookup("163")
    assert sanctions is not None
    assert (sanctions.category, sanctions.mode, sanctions.source) == ("SANCTION", "discontinue", "override")
    assert sanctions.reason is not None and "coded as `discontinue'" in sanctions.reason
    assert crosswalk.rows["163"].category == "COERCE"  # the crosswalk itself is kept as read
    appeal = crosswalk.lookup("0233")  # 02x appeals read as the matching 10x demand; 0233 -> 1033
    assert appeal is not None and (appeal.matched, appeal.category, appeal.mode) == ("1033", "REQUEST", "assist")
    assert appeal.contexts == ("humanitarian",)
    bare_appeal = crosswalk.lookup("020")
    assert bare_appeal is not None and (bare_appeal.category, bare_appeal.mode) == ("REQUEST", None)
    statement = crosswalk.lookup("0123")  # 01x public statements: no PLOVER event
    assert statement is not None and statement.category is None and statement.source == "override"
    repression = crosswalk.lookup("175")
    assert repression is not None and (repression.mode, repression.contexts) == (None, ("pro_autocracy", "repression"))
    assassination = crosswalk.lookup("186")
    assert assassination is not None and assassination.mode == "targeted"


def test_every_override_quotes_its_reason_and_changes_something(crosswalk: Crosswalk) -> None:
    for code, override in crosswalk.overrides.items():
        assert len(override.reason) > 40, code
        before = Crosswalk(crosswalk.rows, {}).lookup(code)
        after = crosswalk.lookup(code)
        assert after != before, f"override {code} changes nothing"


def test_every_category_and_mode_is_known_to_plover_yaml(crosswalk: Crosswalk) -> None:
    modes = {name: category.modes for name, category in categories().items()}
    assert crosswalk.unknown_codings(modes) == []
    assert len(crosswalk.codes()) == 303
    broken = dict(modes, ASSAULT=("beat",))
    assert "CAMEO 186: mode 'targeted' is not a ASSAULT mode in plover.yaml" in crosswalk.unknown_codings(broken)


def test_contexts_are_the_codebooks_but_two(crosswalk: Crosswalk) -> None:
    manual = (PLOVER / "PLOVER_MANUAL.tex").read_text("utf-8")
    table = manual[manual.index("START CONTEXTS TABLE") : manual.index("END CONTEXTS TABLE")]
    known = {
        name.replace("\\_", "_") for name in re.findall(r"^(?:\\hyperref\[[^\]]*\]\{)?([a-z\\_]+)\}? &", table, re.M)
    }
    assert {"military", "pro_autocracy", "repression", "human_security", "crime", "trafficking"} <= known
    used = {context for code in crosswalk.codes() if (c := crosswalk.lookup(code)) for context in c.contexts}
    # The crosswalk uses two contexts the codebook's table lacks; kept as the crosswalk has them.
    assert used - known == {"democracy", "humanitarian"}


def test_override_table_errors() -> None:
    with pytest.raises(ValueError, match="needs a PLOVER category"):
        load_overrides({"overrides": [{"cameo": "163", "category": "EMBARGO", "reason": "x"}]})
    with pytest.raises(ValueError, match="listed twice"):
        load_overrides({"overrides": [{"cameo": "1", "event": "none", "reason": "x"}] * 2})
