"""Knowledge base articles and the Smart Assist search over them."""

from __future__ import annotations

import html
import re

from aiohttp import web

from .envelope import ApiError, ok
from .routes import Route, state_of
from .state import Record, SandboxState
from .validation import read_json_object

__all__ = ["ROUTES", "rank_articles"]

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[a-z0-9]+")
# Words too common to say anything about an article.
_STOP_WORD_LIST = (
    "a", "an", "and", "are", "be", "but", "can", "do", "for", "from", "has",
    "have", "how", "i", "in", "is", "it", "my", "no", "not", "of", "on", "or",
    "our", "so", "that", "the", "this", "to", "was", "we", "what", "when",
    "with", "you", "your",
)  # fmt: skip
_STOP_WORDS = frozenset(_STOP_WORD_LIST)
SNIPPET_LENGTH = 160


def plain_text(markup: str) -> str:
    """Return article HTML as one line of plain text."""
    return " ".join(html.unescape(_TAG.sub(" ", markup)).split())


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.casefold()) if w not in _STOP_WORDS}


def rank_articles(
    state: SandboxState, query: str, locale: str | None = None
) -> list[tuple[Record, float]]:
    """Return published articles that share words with ``query``, best first.

    The score is the share of the query's words found in the article, with
    title words counted twice, so it lies between 0 and 1.
    """
    wanted = _words(query)
    if not wanted:
        return []
    ranked = []
    for article in state.articles.values():
        if article["status"] != "PUBLISHED" or article.get("deleted"):
            continue
        if locale and article.get("locale") != locale:
            continue
        title = _words(article["content"]["title"])
        body = _words(plain_text(article["content"]["markUpText"]))
        hits = sum(2 if word in title else 1 for word in wanted if word in title | body)
        if hits:
            ranked.append((article, round(min(1.0, hits / (2 * len(wanted))), 3)))
    ranked.sort(key=lambda pair: (-pair[1], pair[0]["content"]["title"]))
    return ranked


async def get_knowledge_base_content(request: web.Request) -> web.StreamResponse:
    """GET /api/v2/knowledgebase/{contentId}."""
    content_id = request.match_info["contentId"]
    article = state_of(request).articles.get(content_id)
    if article is None:
        raise ApiError(404, f"Knowledge base content not found for id {content_id}")
    return ok(article)


async def smart_assist_search(request: web.Request) -> web.StreamResponse:
    """POST /api/v2/smart-assist/search: articles that answer a question.

    A ``caseId`` or ``messageId`` adds the case's subject or the message's text
    to the question, as the care console ranks by the conversation.
    """
    state = state_of(request)
    body = await read_json_object(request)
    query = body.text("query", required=True)
    assert query is not None
    size = body.integer("size")
    if size is None:
        size = 10
    if not 1 <= size <= 50:
        raise ApiError(
            400, f"Invalid request: size must be 1 to 50, got {size}", field="size"
        )
    context = query
    case_id = body.text("caseId")
    if case_id is not None:
        case = state.case_by_id(case_id)
        context += f" {case.get('subject', '')}"
    message_id = body.text("messageId")
    if message_id is not None:
        message = state.message_by_id(message_id)
        context += f" {message.get('content', {}).get('text', '')}"

    ranked = rank_articles(state, context, body.text("locale"))
    results = []
    for article, score in ranked[:size]:
        text = plain_text(article["content"]["markUpText"])
        results.append(
            {
                "id": article["id"],
                "title": article["content"]["title"],
                "snippet": text[:SNIPPET_LENGTH],
                "contentType": article["content"]["contentType"],
                "score": score,
            }
        )
    return ok({"results": results, "totalCount": len(ranked)})


ROUTES = (
    Route("GET", "/api/v2/knowledgebase/{contentId}", get_knowledge_base_content),
    Route("POST", "/api/v2/smart-assist/search", smart_assist_search),
)
