"""Turn an engine's draft into the grounded `ArticleSummary` users receive.

Whatever engine produced the draft, this step decides what may be published: an item is kept
only when at least one of its evidence passages is found in the article, and a direct quote
only when its words are the article's. What is dropped is said in `warnings`, never silently.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from summarizer.article import Article
from summarizer.normalize.grounding import locate
from summarizer.schema import (
    Allegation,
    ArticleExtraction,
    ArticleInfo,
    ArticleSummary,
    Evidence,
    Issue,
    Meeting,
    Meta,
    Statement,
)

Out = TypeVar("Out", Meeting, Statement, Allegation)


def _clip(s: str, n: int = 80) -> str:
    return s if len(s) <= n else s[: n - 3] + "..."


def _ground(
    text: str, draft: BaseModel, out_type: type[Out], label: str, warnings: list[Issue]
) -> Out | None:
    """The output item with located evidence, or None (and a warning) when nothing grounds it."""
    evidence: list[Evidence] = []
    seen: set[tuple[int, int]] = set()
    for passage in draft.evidence:  # type: ignore[attr-defined]
        span = locate(text, passage)
        if span is None:
            warnings.append(
                Issue(
                    code="ungrounded_evidence",
                    message=f"evidence not found in the article, dropped: {_clip(passage)!r}",
                    item=label,
                )
            )
        elif span not in seen:
            seen.add(span)
            evidence.append(Evidence(text=passage, start=span[0], end=span[1]))
    if not evidence:
        warnings.append(
            Issue(
                code="ungrounded_item",
                message="no evidence for this item is in the article; the item was dropped",
                item=label,
            )
        )
        return None
    fields = draft.model_dump(exclude={"evidence"})
    return out_type(**fields, evidence=evidence)


def _keep_quote(text: str, statement: Statement, label: str, warnings: list[Issue]) -> bool:
    """A direct quote is published only when its words are in the article."""
    if statement.kind != "direct" or statement.content in text:
        return True
    warnings.append(
        Issue(
            code="invented_quote",
            message=f"quoted words not in the article, statement dropped: {_clip(statement.content)!r}",
            item=label,
        )
    )
    return False


def normalize(article: Article, draft: ArticleExtraction, meta: Meta) -> ArticleSummary:
    """Ground every item of `draft` in `article.text` and assemble the summary."""
    text = article.text
    warnings: list[Issue] = []
    meetings = [
        m
        for i, d in enumerate(draft.meetings)
        if (m := _ground(text, d, Meeting, f"meetings[{i}]", warnings)) is not None
    ]
    statements = [
        s
        for i, d in enumerate(draft.statements)
        if (s := _ground(text, d, Statement, f"statements[{i}]", warnings)) is not None
        and _keep_quote(text, s, f"statements[{i}]", warnings)
    ]
    allegations = [
        a
        for i, d in enumerate(draft.allegations)
        if (a := _ground(text, d, Allegation, f"allegations[{i}]", warnings)) is not None
    ]
    return ArticleSummary(
        article=ArticleInfo(
            id=article.id,
            title=article.title,
            published=article.published,
            source=article.source,
            sha256=article.sha256,
        ),
        summary=draft.summary.strip(),
        entities=draft.entities,
        meetings=meetings,
        statements=statements,
        allegations=allegations,
        warnings=warnings,
        meta=meta,
    )
