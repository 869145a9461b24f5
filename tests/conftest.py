from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED = SHARED / "examples" / "konashenkov-aleppo.txt"
SEED_GOLD = SHARED / "examples" / "konashenkov-aleppo.gold.json"
POLNEAR = SHARED / "data" / "polnear"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


@pytest.fixture(scope="session")
def analyze_text():
    """analyze() on a string, techniques off unless asked (the tagger has its own tests)."""
    from saidwhat.model import Document
    from saidwhat.pipeline import Options, analyze

    def run(text: str, *, techniques: bool = False, source: str = "test"):
        return analyze(Document(id="t", text=text, source=source), Options(techniques=techniques))

    return run
