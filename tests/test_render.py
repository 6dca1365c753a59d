"""Markdown output: readable, and nothing from an article escapes into HTML."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from summarizer.article import from_text
from summarizer.normalize.pipeline import normalize
from summarizer.render import to_html, to_markdown
from summarizer.schema import ArticleExtraction, Meta


def test_markdown_escapes_html_and_markdown_from_the_article():
    text = 'Mallory said "<script>alert(1)</script> **bold** [x](javascript:y)" at the <b>summit</b>.'
    article = from_text(text, id="<img src=x onerror=alert(1)>", title="<i>T</i>")
    draft = ArticleExtraction.model_validate(
        {
            "summary": "A <b>summary</b>.",
            "statements": [
                {
                    "speaker": "Mallory <b>",  # a hostile name, but words the article uses
                    "content": "<script>alert(1)</script> **bold** [x](javascript:y)",
                    "kind": "direct",
                    "evidence": ["<script>alert(1)</script> **bold** [x](javascript:y)"],
                }
            ],
        }
    )
    md = to_markdown(normalize(article, draft, Meta(engine="test")))
    assert "<script>" not in md and "<b>" not in md and "<img" not in md and "<i>" not in md
    assert "&lt;script&gt;" in md
    assert "\\*\\*bold\\*\\*" in md and "\\[x\\]" in md


class _Page(HTMLParser):
    """Collects what a browser would build from the page: tags, mark ids and texts, links."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.marks: dict[str, str] = {}
        self.links: list[str] = []
        self.article = ""
        self._in_article = False
        self._mark: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "article":
            self._in_article = True
        if tag == "mark":
            self._mark = attrs["id"]
            self.marks[self._mark] = ""
        if tag == "a":
            self.links.append(attrs["href"].lstrip("#"))

    def handle_endtag(self, tag):
        if tag == "article":
            self._in_article = False
        if tag == "mark":
            self._mark = None

    def handle_data(self, data):
        if self._in_article:
            self.article += data
            if self._mark:
                self.marks[self._mark] += data


def test_html_page_marks_every_item_in_the_article_and_escapes_everything():
    text = (
        "Mallory said <script>alert(1)</script> was a joke. Mallory met Trent in Paris on Monday. "
        "Critics accused Mallory of writing <img src=x onerror=alert(2)>."
    )
    article = from_text(text, id="x", title="<b>bold</b>")
    draft = ArticleExtraction.model_validate(
        {
            "summary": "<i>s</i>",
            "meetings": [
                {"participants": ["Mallory", "Trent"], "evidence": ["Mallory met Trent in Paris on Monday."]},
                {"participants": ["Mallory", "Critics"], "evidence": ["Mallory met Trent in Paris"]},
            ],
            "statements": [
                {
                    "speaker": "Mallory",
                    "content": "<script>alert(1)</script> was a joke",
                    "kind": "indirect",
                    "evidence": ["Mallory said <script>alert(1)</script> was a joke."],
                }
            ],
            "allegations": [
                {
                    "accuser": "Critics",
                    "accused": ["Mallory"],
                    "claim": "writing <img src=x onerror=alert(2)>",
                    "evidence": ["Critics accused Mallory of writing <img src=x onerror=alert(2)>."],
                }
            ],
        }
    )
    page_html = to_html(normalize(article, draft, Meta(engine="test")), text)
    page = _Page()
    page.feed(page_html)
    assert "script" not in page.tags and "img" not in page.tags and "i" not in page.tags
    assert page.article == text  # the article comes back exactly, escaped only for HTML
    assert len(page.links) == 4 and all(link in page.marks for link in page.links)
    assert page.marks[page.links[0]] == "Mallory met Trent in Paris on Monday."  # shared by both meetings
    assert page.links[0] == page.links[1]
    assert "default-src 'none'" in page_html


def test_a_real_browser_shows_hostile_article_text_as_text(tmp_path):
    """Headless Chromium loads the page: markup in the article must stay words, never run."""
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    text = (
        "Mallory said <script>document.title='pwned'</script> was a joke. "
        "Critics accused Mallory of writing <img src=x onerror=\"document.title='pwned'\">."
    )
    article = from_text(text, id="hostile")
    draft = ArticleExtraction.model_validate(
        {
            "summary": "s",
            "statements": [
                {
                    "speaker": "Mallory",
                    "content": "it was a joke",
                    "kind": "indirect",
                    "evidence": ["Mallory said <script>document.title='pwned'</script> was a joke."],
                }
            ],
        }
    )
    page = tmp_path / "page.html"
    page.write_text(to_html(normalize(article, draft, Meta(engine="test")), text), encoding="utf-8")
    dom = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "<title>hostile</title>" in dom and "pwned</title>" not in dom
    assert "&lt;script&gt;" in dom and "<script" not in dom and "<img" not in dom
    assert '<mark class="statement" id="m0">' in dom
