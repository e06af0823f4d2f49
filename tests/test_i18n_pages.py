"""Every page each demo role reaches (and the public pages) reads in Russian and in
Kyrgyz: `<html lang>` is right and no English sentence of the interface is left on it.

The pages are found by following the links each role sees, from the home page, so a page
added later is checked without editing this test. A page is any GET of this site that
answers HTML; one URL of each shape (numbers and registration numbers masked) is enough."""
from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import func, select

from complaints.i18n import extract
from complaints.models import Complaint, Filer, User

ROLES = [None, "monitor", "clerk", "investigator", "commissioner", "admin"]
#: Not pages to read: leaving the session, downloads, machine-readable answers.
SKIP = re.compile(r"^/(logout|static/|api/)|\.(csv|json|pdf|txt)$|/download|/export")
MAX_PAGES = 80


class _Page(HTMLParser):
    """The words a person reads (text, labels for assistive technology) and the links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style", "code", "pre"):
            self._hidden += 1
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        for name in ("aria-label", "title", "placeholder", "alt"):
            if a.get(name):
                self.words.append(a[name] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.words.append(data)


def _english_sentences() -> list[str]:
    """The interface's English sentences: each message's literal parts of three words or more."""
    out = set()
    for message in extract():
        if not message.id:
            continue
        for text in (message.id if isinstance(message.id, tuple) else (message.id,)):
            for part in re.split(r"%\(\w+\)[sd]|%[sd]", text):
                part = " ".join(part.split()).strip(" :;,.()")
                if len(re.findall(r"[A-Za-z]{2,}", part)) >= 3:
                    out.add(part)
    return sorted(out, key=len, reverse=True)


ENGLISH = _english_sentences()


def _shape(path: str) -> str:
    path = re.sub(r"KG\d{4}[A-Z]-\d{6}", "NUMBER", path)
    return re.sub(r"\d+", "N", path)


def crawl(client, lang: str, also: list[str] = ()) -> dict[str, str]:
    """Every page reachable from the home page by links, one per URL shape, and every URL
    of `also` (a case in each state): {url: html}."""
    seen_shapes: set[str] = set()
    pages: dict[str, str] = {}
    queue = deque(["/", *also])
    always = set(also)
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        shape = _shape(urlsplit(url).path) + ("?" if urlsplit(url).query else "")
        if url in pages or (shape in seen_shapes and url not in always):
            continue
        seen_shapes.add(shape)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        pages[url] = html
        parser = _Page()
        parser.feed(html)
        for href in parser.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc not in ("", "localhost") or parts.scheme not in ("", "http"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if not SKIP.search(parts.path):
                queue.append(local)
    return pages


def leftover_english(html: str) -> list[str]:
    parser = _Page()
    parser.feed(html)
    text = " ".join(" ".join(parser.words).split())
    return [sentence for sentence in ENGLISH if sentence in text]


def test_the_english_sentences_are_many_and_found_on_an_english_page(client):
    # The check below can fail: an English page is full of them.
    assert len(ENGLISH) > 200
    assert leftover_english(client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True))


def one_case_per_state(session, role):
    """A case in each state, as the role would open it (a monitor: their own cases)."""
    query = select(Complaint.status, func.min(Complaint.registration_number)).where(
        Complaint.registration_number.is_not(None)).group_by(Complaint.status)
    if role == "monitor":
        query = query.join(Filer, Complaint.filer_id == Filer.id).join(User, Filer.user_id == User.id).where(
            User.username == "monitor")
    numbers = [number for _status, number in session.execute(query)]
    if role is None:
        return [f"/public/cases/{n}" for n in numbers]
    return [f"/cases/{n}" for n in numbers]


@pytest.mark.parametrize("lang", ["ru", "ky"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_reads_in_the_language(app, session, role, lang):
    client = app.test_client()
    if role is not None:
        response = client.post("/login", data={"username": role, "password": "test-password-123"})
        assert response.status_code == 302
    client.post(f"/lang/{lang}")
    pages = crawl(client, lang, one_case_per_state(session, role))
    # Each role reaches its own pages and the public ones, a case page among them for staff.
    assert len(pages) >= (4 if role is None else 6), sorted(pages)
    problems = {}
    for url, html in pages.items():
        found = re.search(r'<html lang="([^"]+)"', html)
        if not found or found.group(1) != lang:
            problems[url] = f"lang={found.group(1) if found else None}"
            continue
        english = leftover_english(html)
        if english:
            problems[url] = english[:5]
    assert not problems, problems
