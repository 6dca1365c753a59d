"""A long article made of the project's own articles (eval/project-dev and the seed), for tests
and bench/long.py: never of ../shared texts, which are copyrighted."""

from __future__ import annotations

from pathlib import Path

from summarizer.article import Article, read_path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "eval" / "project-dev" / "articles").glob("*.txt")) + sorted(
    p for p in (ROOT / "seeds").glob("*.txt")
)


def long_article(words: int = 30_000) -> Article:
    """The project's articles, one after another, paragraphs apart, until `words` words: each
    round starts one article further on, so the same article never follows the same one twice
    and its repeated sentences sit among different neighbours."""
    texts = [read_path(p).text.strip() for p in SOURCES]
    pieces: list[str] = []
    count, round_ = 0, 0
    while count < words:
        for k in range(len(texts)):
            text = texts[(k + round_) % len(texts)]
            pieces.append(text)
            count += len(text.split())
            if count >= words:
                break
        round_ += 1
    return Article(text="\n\n".join(pieces), id="long", published=None)
