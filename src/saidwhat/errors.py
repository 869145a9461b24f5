"""Every user-facing error message of saidwhat lives here, so wording stays consistent."""
from __future__ import annotations


class SaidwhatError(Exception):
    """A per-document problem: reported in ``Analysis.errors`` and by the CLI, never a traceback."""

    def __init__(self, code: str, **details):
        self.code = code
        self.details = details
        super().__init__(message(code, **details))


MESSAGES = {
    "empty": "the document is empty (no text to analyse)",
    "binary": "the file looks binary ({reason}), not text or HTML",
    "encoding": "the file is not valid UTF-8 (byte {position}) and no other text encoding fits",
    "too_large": "the document has {size:,} characters, over the limit of {limit:,}",
    "no_text_in_html": "the HTML holds no article text (only scripts, styles or markup)",
    "not_found": "no such file or folder: {path}",
    "unreadable": "cannot read {path}: {reason}",
    "analysis_failed": "analysis failed: {reason}",
    "bad_jsonl": "line {line} is not a JSON object with a text or html field: {reason}",
}


def message(code: str, **details) -> str:
    template = MESSAGES.get(code, code)
    try:
        return template.format(**details)
    except (KeyError, IndexError, ValueError):
        return template
