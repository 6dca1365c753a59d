"""What may be replaced, what is written in place, file modes, and bad input lines in a batch."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SCRIPTS, TEST_KEY
from stub_server import StubServer
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.render import to_markdown

runner = CliRunner()
ARTICLE = "date 2024-03-12\nMinister Ana Ruiz said the port's plan would go ahead.\n"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def summarize(*args: str):
    return runner.invoke(app, ["summarize", *args, "--engine", "rules"])


def test_summarize_o_on_a_folder_is_one_line_and_exit_1(tmp_path, article):
    folder = tmp_path / "out"
    folder.mkdir()
    result = summarize(str(article), "-o", str(folder))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == f"summarizer: error: cannot write {folder}: it is a folder; name a file"
    assert folder.is_dir() and not any(folder.iterdir())


def test_output_paths_under_a_file_are_one_line_for_summarize_schema_and_collect(tmp_path, article):
    blocker = tmp_path / "afile"
    blocker.write_text("mine")
    (tmp_path / "requests.jsonl").write_text("")
    (tmp_path / "requests.jsonl.articles.jsonl").write_text("")
    for command in (
        ["summarize", str(article), "--engine", "rules", "-o", str(blocker / "x.json")],
        ["schema", "-o", str(blocker)],
        ["batch", "collect", str(tmp_path / "requests.jsonl"), str(tmp_path / "requests.jsonl"), "-o", str(blocker / "c")],
    ):
        result = runner.invoke(app, command)
        assert result.exit_code == 1, command
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith("summarizer: error: cannot write") and str(blocker) in last, command
    assert blocker.read_text() == "mine"


def test_summarize_o_naming_the_input_is_refused_and_the_article_kept(article):
    result = summarize(str(article), "-o", str(article))
    assert result.exit_code == 1
    assert "it is the article being read" in result.stderr.strip().splitlines()[-1]
    assert article.read_text(encoding="utf-8") == ARTICLE


def test_summarize_o_on_a_pipe_writes_into_it_and_leaves_it_a_pipe(tmp_path, article):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    try:
        result = summarize(str(article), "-o", str(fifo))
        got = reader.communicate(timeout=30)[0]
    finally:
        reader.kill()
        reader.wait()
    assert result.exit_code == 0, result.stderr
    assert json.loads(got)["article"]["id"] == "a"
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # not replaced by a regular file


def test_summarize_o_on_a_character_device_writes_into_it_and_leaves_it_a_device(tmp_path, article):
    # a private copy of /dev/null: a regression must not destroy the machine's own
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    assert summarize(str(article), "-o", str(device)).exit_code == 0
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_summarize_o_dev_stdout_writes_in_place(article):
    done = subprocess.run(
        [sys.executable, "-m", "summarizer", "summarize", str(article), "--engine", "rules", "-o", "/dev/stdout"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["article"]["id"] == "a"


def test_new_files_follow_the_umask_and_a_replaced_file_keeps_its_mode(tmp_path, article):
    old = os.umask(0o027)
    try:
        assert summarize(str(article), "-o", str(tmp_path / "new.json")).exit_code == 0
        assert runner.invoke(app, ["batch", str(article), "-o", str(tmp_path / "b.jsonl"), "--engine", "rules"]).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.json").st_mode) == 0o640
    assert stat.S_IMODE(os.stat(tmp_path / "b.jsonl").st_mode) == 0o640
    kept = tmp_path / "kept.json"
    kept.write_text("old")
    kept.chmod(0o604)
    assert summarize(str(article), "-o", str(kept)).exit_code == 0
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o604 and kept.read_text().startswith("{")


def test_batch_o_dev_full_is_one_line_and_exit_1(tmp_path, article):
    result = runner.invoke(app, ["batch", str(article), "-o", "/dev/full", "--engine", "rules"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == "summarizer: error: cannot write /dev/full: No space left on device"


def test_batch_o_dev_stdout_into_a_pipe_works(tmp_path, article):
    done = subprocess.run(
        f"{sys.executable} -m summarizer batch {article} -o /dev/stdout --engine rules | cat",
        shell=True, capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["article"]["id"] for line in done.stdout.splitlines()] == ["a"]


def test_an_output_inside_an_input_folder_is_never_read_back(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = folder / "out.jsonl"
    for _ in range(2):
        result = runner.invoke(app, ["batch", str(folder), "-o", str(out), "--engine", "rules"])
        assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["article"]["id"] for line in out.read_text().splitlines()] == ["a"]


def test_a_retried_article_keeps_only_its_newest_row(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a", "error": "the server was down"}\n{"id": "z", "error": "kept"}\n')
    result = runner.invoke(app, ["batch", str(folder), "-o", str(out), "--engine", "rules"])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r.get("id") or r["article"]["id"] for r in rows] == ["z", "a"]
    assert "summary" in rows[1]


def bad_lines() -> str:
    return "\n".join([
        json.dumps({"id": "good1", "text": "The mayor said the bridge would reopen."}),
        "[" * 200_000 + "]" * 200_000,
        '{"id": "big", "text": "x said y.", "n": ' + "9" * 5000 + "}",
        '{"id": 1' + "0" * 5000 + ', "text": "x said y."}',
        '{"id": "sur", "text": "Bad \\ud800 said the man."}',
        json.dumps({"id": "good2", "text": "The minister said the port would open."}),
    ]) + "\n"  # fmt: skip


def test_each_malformed_jsonl_line_is_one_error_row_and_the_others_land(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(bad_lines(), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["batch", str(feed), "-o", str(out), "--engine", "rules"])
    assert result.exit_code == 1 and "internal error" not in result.stderr
    rows = {r.get("id") or r["article"]["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert set(rows) == {"good1", "good2", "feed:2", "feed:3", "feed:4", "sur"}
    assert "summary" in rows["good1"] and "summary" in rows["good2"]
    assert rows["feed:2"]["error"].endswith("is not valid JSON (nested too deeply)")
    assert "Exceeds the limit (4300 digits)" in rows["feed:3"]["error"]
    assert "lone surrogate (\\ud800 at character 4)" in rows["sur"]["error"]


def test_a_surrogate_in_an_llm_batch_with_the_cache_on_is_one_error_row(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(bad_lines(), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with StubServer(SCRIPTS) as stub:
        result = runner.invoke(
            app,
            ["batch", str(feed), "-o", str(out), "--engine", "llm", "--base-url", stub.base_url,
             "--model", "stub/echo", "--mode", "json_schema", "--cache", str(tmp_path / "c.sqlite3")],
            env={"OPENAI_API_KEY": TEST_KEY},
        )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["article"]["id"] for r in rows if "summary" in r) == ["good1", "good2"]
    assert len([r for r in rows if "error" in r]) == 4


@pytest.mark.parametrize(
    ("content", "says"),
    [("[" * 200_000, "nested too deeply"), ('{"text": "a", "n": ' + "1" * 5000 + "}", "4300 digits"),
     ('{"text": "a \\udfff b"}', "lone surrogate")],
)  # fmt: skip
def test_summarize_bad_json_files_are_one_line_exit_1(tmp_path, content, says):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = summarize(str(path))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and "internal error" not in lines[0]


def test_markdown_shows_apostrophes_and_quotes_but_escapes_html(tmp_path):
    from summarizer import summarize as summarize_text

    summary = summarize_text(
        "date 2024-03-12\nMinister Ana Ruiz said the port's \"plan\" <b>would</b> go ahead.\n", engine="rules"
    )
    text = to_markdown(summary)
    assert "port's" in text and "&#x27;" not in text
    assert "<b>" not in text and "&lt;b&gt;" in text
