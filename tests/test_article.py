"""Reading articles: the date header, JSON objects, ids, and the text kept exactly."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SEED

from summarizer.api import as_article
from summarizer.article import Article, from_bytes, from_text, read_path
from summarizer.errors import InputError


def test_seed_header_with_leading_space_sets_the_date_and_is_not_text():
    article = read_path(SEED)
    assert article.id == "000_2c3e132f8f386317"
    assert article.published == dt.date(2022, 2, 7)
    assert article.text.startswith("UN Secretary-General Antonio Guterres told leaders")
    assert "date 2022" not in article.text


def test_header_on_its_own_line_is_removed_with_the_blank_lines_after_it():
    article = from_text("date 2016-09-12\n\nFirst paragraph.\n")
    assert article.published == dt.date(2016, 9, 12)
    assert article.text == "First paragraph.\n"


def test_text_without_header_is_kept_byte_for_byte():
    raw = "  Leading spaces, {{ x }} and {% if y %} stay.\r\nSecond line ☃ 🙂\n"
    article = from_text(raw)
    assert article.text == raw and article.published is None


def test_a_sentence_starting_with_the_word_date_is_not_a_header():
    article = from_text("date night in Paris was cancelled, officials said.")
    assert article.published is None
    assert article.text.startswith("date night")


def test_json_object_gives_text_and_metadata():
    article = from_bytes(
        b'{"text": "date 2020-01-02 Body.", "id": 7, "title": "T", "source": "S", "url": "u"}',
        name="x.json",
        id="fallback",
    )
    assert (article.id, article.title, article.source) == ("7", "T", "S")
    assert article.published == dt.date(2020, 1, 2) and article.text == "Body."
    assert article.extra == {"url": "u"}


def test_json_published_wins_over_nothing_and_id_defaults_to_the_stem(tmp_path):
    path = tmp_path / "my-article.json"
    path.write_text('{"text": "Body.", "published": "2021-05-06T10:00:00Z"}', encoding="utf-8")
    article = read_path(path)
    assert article.id == "my-article" and article.published == dt.date(2021, 5, 6)


def test_published_override_and_string_input():
    article = as_article(SEED.read_text(encoding="utf-8"), published="2022-02-08", id="x")
    assert article.published == dt.date(2022, 2, 8) and article.id == "x"
    with pytest.raises(InputError):
        as_article("Body.", published="yesterday")


def test_utf8_bom_is_dropped_and_sha256_identifies_the_text():
    article = from_bytes("\ufeffBody ☃".encode(), name="x", id="x")
    assert article.text == "Body ☃"
    assert article.sha256 == Article(text="Body ☃").sha256
    assert len(article.sha256) == 64
