"""The `summarizer` command as a user runs it: output on stdout or in a file, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, SEED, TEST_KEY
from typer.testing import CliRunner

from summarizer.cli import app

runner = CliRunner()


def run(*args: str, input: bytes | str | None = None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


@pytest.mark.vcr
def test_summarize_seed_writes_grounded_json_to_stdout(llm_env):
    result = run("summarize", str(SEED), "--model", "stub/seed", "--mode", "json_schema")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    text = SEED.read_text(encoding="utf-8").split("2022-02-07 ", 1)[1]
    assert data["article"]["id"] == "000_2c3e132f8f386317"
    assert data["article"]["published"] == "2022-02-07"
    for kind in ("meetings", "statements", "allegations"):
        assert data[kind]
        for item in data[kind]:
            for ev in item["evidence"]:
                assert text[ev["start"] : ev["end"]] == ev["text"]
    assert TEST_KEY not in result.stdout + result.stderr


@pytest.mark.vcr
def test_summarize_markdown_to_file(llm_env, tmp_path):
    out = tmp_path / "seed.md"
    result = run(
        "summarize", str(SEED), "--model", "stub/seed", "--mode", "json_schema", "-f", "md", "-o", str(out)
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# 000\\_2c3e132f8f386317")
    assert "## Meetings" in md and "## Statements" in md and "## Allegations" in md
    assert "**Xi Jinping** (direct, said)" in md


@pytest.mark.vcr
def test_summarize_reads_a_json_article_from_stdin(llm_env):
    text = SEED.read_text(encoding="utf-8")
    payload = json.dumps({"text": text, "id": "000_2c3e132f8f386317", "title": "Guterres in Beijing"})
    result = run("summarize", "-", "--model", "stub/seed", "--mode", "json_schema", input=payload)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["article"]["title"] == "Guterres in Beijing"
    assert data["article"]["published"] == "2022-02-07"


@pytest.mark.vcr
def test_server_error_exits_1_with_one_line_and_leaves_no_output_file(llm_env, tmp_path):
    out = tmp_path / "out.json"
    result = run(
        "summarize", str(SEED), "--model", "stub/server_error", "--mode", "json_schema", "-o", str(out)
    )
    assert result.exit_code == 1
    line = one_line(result.stderr)
    assert line.startswith("summarizer: error: the server at") and "HTTP 500" in line
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.vcr
def test_refused_key_exits_1_and_never_prints_the_key(llm_env):
    result = run("summarize", str(SEED), "--model", "stub/auth_refused", "--mode", "json_schema")
    assert result.exit_code == 1
    assert "refused the API key" in one_line(result.stderr)
    assert TEST_KEY not in result.stderr + result.stdout


def test_llm_engine_without_a_configured_model_exits_1_with_a_hint(no_llm_env):
    result = run("summarize", str(SEED), "--engine", "llm")
    assert result.exit_code == 1
    assert "no model configured" in one_line(result.stderr)


def test_auto_engine_without_a_model_reads_offline_and_says_so(no_llm_env):
    result = run("summarize", str(SEED))
    assert result.exit_code == 0, result.stderr
    assert "engine: rules (offline" in one_line(result.stderr)
    data = json.loads(result.stdout)
    assert data["meta"]["engine"] == "rules"
    assert {"Antonio Guterres", "Xi Jinping"} <= {s["speaker"] for s in data["statements"]}


@pytest.mark.vcr
def test_auto_engine_with_a_base_url_uses_the_llm_and_says_so(llm_env):
    result = run("summarize", str(SEED), "--model", "stub/seed", "--mode", "json_schema")
    assert result.exit_code == 0, result.stderr
    assert f"engine: llm (stub/seed at {llm_env})" in result.stderr
    assert json.loads(result.stdout)["meta"]["engine"] == "llm"


def test_base_url_without_model_asks_for_one(no_llm_env, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    result = run("summarize", str(SEED), "--engine", "auto")
    assert result.exit_code == 1
    assert "--model" in one_line(result.stderr)


def test_unknown_mode_is_a_configuration_error(llm_env):
    result = run("summarize", str(SEED), "--model", "m", "--mode", "grammar")
    assert result.exit_code == 1
    assert "unknown mode 'grammar'" in one_line(result.stderr)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n\t ", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary"),
        ("Caf\xe9 au lait".encode("latin-1"), "is not UTF-8"),
        (b" date 2022-02-07 ", "has no text"),
        (b"date 2022-13-45 Text of an article.", "is not a date"),
    ],
    ids=["empty", "whitespace", "binary", "latin-1", "header-only", "impossible-date"],
)
def test_bad_article_files_exit_1_with_one_line(no_llm_env, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = run("summarize", str(path))
    assert result.exit_code == 1
    assert message in one_line(result.stderr)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"text": "An article", ', "is not valid JSON"),
        ('["a", "list"]', "must be a JSON object"),
        ('{"title": "no text"}', "has no 'text'"),
        ('{"text": "Body", "published": "last Tuesday"}', "is not a date"),
    ],
    ids=["truncated", "not-an-object", "no-text", "bad-published"],
)
def test_bad_json_articles_exit_1_with_one_line(no_llm_env, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = run("summarize", str(path))
    assert result.exit_code == 1
    assert message in one_line(result.stderr)


def test_a_jsonl_file_is_pointed_to_batch(no_llm_env, tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"text": "One."}\n{"text": "Two."}\n', encoding="utf-8")
    result = run("summarize", str(path))
    assert result.exit_code == 1
    assert "use `summarizer batch" in one_line(result.stderr)


def test_missing_file_and_folder_exit_1(no_llm_env, tmp_path):
    assert "no such file" in one_line(run("summarize", str(tmp_path / "nope.txt")).stderr)
    assert "is a folder" in one_line(run("summarize", str(tmp_path)).stderr)


def test_huge_article_is_refused(no_llm_env, tmp_path):
    from summarizer.article import MAX_BYTES

    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * (MAX_BYTES // 5 + 1))
    result = run("summarize", str(path))
    assert result.exit_code == 1
    assert "too large" in one_line(result.stderr)


def test_usage_errors_exit_2(no_llm_env):
    assert runner.invoke(app, ["summarize"]).exit_code == 2
    assert runner.invoke(app, ["summarize", str(SEED), "--format", "pdf"]).exit_code == 2
    assert runner.invoke(app, ["summarize", str(SEED), "--retries", "-1"]).exit_code == 2


def test_schema_command_prints_the_summary_schema():
    result = run("schema")
    schema = json.loads(result.stdout)
    assert schema["title"] == "ArticleSummary"
    assert {"article", "summary", "meetings", "statements", "allegations"} <= set(schema["properties"])


def test_python_dash_m_runs_the_cli_without_a_traceback(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "summarizer", "summarize", str(tmp_path / "missing.txt")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 1
    assert done.stderr.strip().endswith("missing.txt: no such file")
    assert "Traceback" not in done.stderr


def test_eval_scores_gold_against_itself_perfectly_as_json():
    gold = str(ROOT / "seeds" / "gold.jsonl")
    result = run("eval", gold, gold, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["statements"]["f1"] == 1.0
    assert report["meetings"]["tp"] == 9
    assert report["allegations"]["f1"] == 1.0


def test_eval_prints_a_table_and_refuses_malformed_predictions(tmp_path):
    gold = str(ROOT / "seeds" / "gold.jsonl")
    table = run("eval", gold, gold).stdout
    assert "statements" in table and "meeting date accuracy" in table
    bad = tmp_path / "pred.jsonl"
    bad.write_text('{"article": {"id": "x"}}\n{not json\n', encoding="utf-8")
    result = run("eval", gold, str(bad))
    assert result.exit_code == 1
    assert "malformed JSON" in one_line(result.stderr)


def test_html_format_writes_a_page_with_the_evidence_marked(no_llm_env, tmp_path):
    out = tmp_path / "seed.html"
    result = run("summarize", str(SEED), "--engine", "rules", "-f", "html", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<mark") >= 10
    assert "習近平" in page
