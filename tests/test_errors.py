"""Every error code the source names has its message, and every call that names one gives the
details the message needs; a code or detail that is missing raises instead of printing a bare
code. The call sites are read with ``ast`` from src/saidwhat, not run."""
from __future__ import annotations

import ast
import pickle
import string
import subprocess
import sys
from pathlib import Path

import pytest

from saidwhat.errors import MESSAGES, SaidwhatError, message, print_error

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "saidwhat"
# the callables whose first argument is an error code
CODE_TAKERS = {"SaidwhatError", "message", "DocumentError"}


def call_sites():
    """(file:line, callable, code, keyword names or None where ``**details`` hides them) of
    each call with a literal code."""
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            first = node.args[0]
            if name in CODE_TAKERS and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str):
                keywords = [k.arg for k in node.keywords]
                yield (f"{path.relative_to(PACKAGE)}:{node.lineno}", name, first.value,
                       None if None in keywords else set(keywords))


def needed(code: str) -> set[str]:
    return {field.split(".")[0].split("[")[0]
            for _, field, _, _ in string.Formatter().parse(MESSAGES[code]) if field}


SITES = list(call_sites())


def test_the_walk_finds_the_call_sites():
    codes = {code for _, _, code, _ in SITES}
    assert len(SITES) > 60 and {"empty", "too_large", "store_missing", "bad_option"} <= codes


def test_every_code_used_in_the_source_has_a_message():
    unknown = [f"{site}: {name}({code!r})" for site, name, code, _ in SITES
               if code not in MESSAGES]
    assert not unknown, "\n".join(unknown)


def test_every_call_site_gives_the_details_its_message_needs():
    wrong = []
    for site, name, code, given in SITES:
        if name == "DocumentError" or code not in MESSAGES or given is None:
            continue   # a DocumentError carries a message already made
        if needed(code) - given:
            wrong.append(f"{site}: {code} lacks {sorted(needed(code) - given)}")
        else:
            message(code, **{k: 1 for k in given})   # formats, with numbers where it wants them
    assert not wrong, "\n".join(wrong)


def test_every_message_formats_with_its_own_details():
    for code in MESSAGES:
        text = message(code, **{k: 1 for k in needed(code)})
        assert "{" not in text and text


def test_an_unknown_code_raises():
    with pytest.raises(KeyError, match="no_such_code"):
        message("no_such_code")
    with pytest.raises(KeyError, match="no_such_code"):
        SaidwhatError("no_such_code")


def test_a_missing_detail_raises_and_names_it():
    with pytest.raises(KeyError, match="'path'"):
        SaidwhatError("not_found")
    assert str(SaidwhatError("not_found", path="a.txt")) == "no such file or folder: a.txt"


def test_an_error_pickles_as_its_code_message_and_details():
    # process pools and Spark send errors between processes
    error = SaidwhatError("too_large", size=12, limit=10, unit="bytes", more="")
    back = pickle.loads(pickle.dumps(error))
    assert (back.code, str(back), back.details) == (error.code, str(error), error.details)


def test_the_cli_error_line_escapes_control_characters(capsys):
    print_error(SaidwhatError("store_missing", path="x\n\x1b[31mfake"))
    err = capsys.readouterr().err
    assert err == ("saidwhat: error [store_missing]: no store at x\\n\\x1b[31mfake: run "
                   "'saidwhat ingest' first, or pass --db\n")


def test_the_commands_print_their_errors_alike(tmp_path):
    missing = tmp_path / "none.db"
    lines = []
    for command in (["query"], ["stats"], ["speakers"]):
        r = subprocess.run([sys.executable, "-m", "saidwhat.cli", *command, "--db", str(missing)],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode != 0
        lines.append(r.stderr.strip().splitlines()[-1])
    expected = f"saidwhat: error [store_missing]: {message('store_missing', path=missing)}"
    assert lines == [expected] * 3


def test_no_command_formats_an_error_line_itself():
    # the CLI's one format lives in errors.print_error / errors.error_line
    copies = [f"{path.relative_to(PACKAGE)}" for path in sorted(PACKAGE.rglob("*.py"))
              if path.name != "errors.py" and "error [" in path.read_text(encoding="utf-8")]
    assert not copies, copies
