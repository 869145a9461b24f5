"""Hostile input: a clear per-document error, no traceback, and the batch goes on."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import POLNEAR, SEED, need


def run_cli(*args, stdin: bytes | None = None):
    return subprocess.run([sys.executable, "-m", "saidwhat.cli", "analyze", *map(str, args)],
                          input=stdin, capture_output=True)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "latin1.txt").write_bytes("Der Bürgermeister sagte, er sei zufrieden.".encode("latin-1"))
    (folder / "huge.txt").write_bytes(b"The minister said that nothing happened. " * 520_000)
    (folder / "scripts.html").write_text(
        "<html><head><script>var a = 1;</script></head><body><script>alert(1)</script>"
        "<style>p{}</style></body></html>", encoding="utf-8")
    return folder


@pytest.mark.parametrize("name,code", [
    ("empty.txt", "empty"), ("binary.txt", "binary"), ("latin1.txt", "encoding"),
    ("huge.txt", "too_large"), ("scripts.html", "no_text_in_html")])
def test_bad_file_gives_clear_error(hostile, name, code):
    assert (hostile / name).stat().st_size < 30_000_000
    result = run_cli(hostile / name, "--format", "jsonl")
    err = result.stderr.decode()
    assert result.returncode == 1
    assert "Traceback" not in err
    assert f"error [{code}]" in err and name in err
    line = json.loads(result.stdout.decode().splitlines()[0])
    assert line["errors"][0]["code"] == code and line["statements"] == []


def test_unbalanced_quotes_neither_crash_nor_swallow(analyze_text):
    text = ("“The first claim is false, the minister said on Monday.\n"
            "“Another opening mark and no closing one at all, he added.\n"
            "Officials said that “three “four “five marks opened here.\n"
            "The spokesman said that the talks would resume on “Friday” in Geneva.\n"
            "“Nothing was agreed,” the spokesman said.\n")
    assert text.count("“") == 7 and text.count("”") == 2
    analysis = analyze_text(text)
    assert not analysis.errors
    contents = [s.content.text for s in analysis.statements if s.content]
    assert "“Nothing was agreed,”" in contents
    assert any(c.startswith("the talks would resume") for c in contents)
    for s in analysis.statements:
        if s.content:  # no content runs across a paragraph into the next
            assert "\n" not in s.content.text


def test_folder_with_one_bad_file(tmp_path):
    need(SEED)
    (tmp_path / "a_good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b_bad.txt").write_bytes(b"\xff\xfe\x00\x00garbage\x00")
    (tmp_path / "c_good.txt").write_text(
        "The mayor said that the bridge would reopen in May.\n", encoding="utf-8")
    result = run_cli(tmp_path, "--format", "jsonl", "--no-techniques")
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [l["source"].rsplit("/", 1)[-1] for l in lines] == ["a_good.txt", "b_bad.txt",
                                                                "c_good.txt"]
    assert len(lines[0]["statements"]) >= 10 and not lines[0]["errors"]
    assert lines[1]["errors"][0]["code"] == "binary"
    assert lines[2]["statements"][0]["speaker"]["name"].lower() == "the mayor"
    assert result.returncode == 1 and "b_bad.txt" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_stdin_jsonl_stream():
    need(POLNEAR)
    records = [{"id": "one", "text": "The senator said that taxes would fall.", "outlet": "x"},
               {"id": "two", "html": "<html><body><script>1</script></body></html>"},
               "not an object"]
    stdin = "\n".join(json.dumps(r) for r in records).encode()
    result = run_cli("-", "--format", "jsonl", "--no-techniques", stdin=stdin)
    lines = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [l["id"] for l in lines][:2] == ["one", "two"]
    assert lines[0]["statements"] and lines[1]["errors"] and lines[2]["errors"]
    assert lines[0]["meta"]["outlet"] == "x"


def test_missing_path():
    result = run_cli("/nonexistent/file.txt", "--format", "json")
    assert result.returncode == 1 and b"no such file" in result.stderr
