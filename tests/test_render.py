"""Markdown output: readable, and nothing from an article escapes into HTML."""

from __future__ import annotations

from summarizer.article import from_text
from summarizer.normalize.pipeline import normalize
from summarizer.render import to_markdown
from summarizer.schema import ArticleExtraction, Meta


def test_markdown_escapes_html_and_markdown_from_the_article():
    text = 'Mallory said "<script>alert(1)</script> **bold** [x](javascript:y)" at the <b>summit</b>.'
    article = from_text(text, id="<img src=x onerror=alert(1)>", title="<i>T</i>")
    draft = ArticleExtraction.model_validate(
        {
            "summary": "A <b>summary</b>.",
            "statements": [
                {
                    "speaker": "Mallory <evil>",
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
