"""Spam words (暗链的博彩、色情、代开发票… words): what injected links advertise, in a text or a URL.

One place for the matching, so the hidden-link check, a profile veto or a defacement check between
runs all read the same words (auditcli/core/knowledge/content.yaml `spam`):
- `spam_words(text)`: the words of the lists in a text (link text, title, a hidden block), lower
  case; none when the text reports on them (打击/整治/警惕… `report_words`: a crackdown story is news);
- `spam_url_fragments(url)`: the URL fragments in a target's host and path (`xpj8888.com`), each where
  no ASCII letter stands right before it;
- `spam_matches(text, url)`: both, in that order, without repeats;
- `trusted_host(host)`: the government and central hosts links to which are never spam or tampering.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from urllib.parse import unquote, urlsplit

from auditcli.core import knowledge
from auditcli.core.urls import public_suffix, registered_domain
from auditcli.core.wordlists import trie_pattern


@cache
def _lists() -> tuple[re.Pattern[str], re.Pattern[str], tuple[str, ...]]:
    spam = knowledge.load("content")["spam"]
    words = {w.lower() for group in spam["words"].values() for w in group}
    fragments = {f.lower() for f in spam["url_fragments"]}
    word_re = re.compile(trie_pattern(words))
    fragment_re = re.compile(r"(?<![a-z])(?:" + trie_pattern(fragments) + ")")
    return word_re, fragment_re, tuple(spam["report_words"])


def is_report(text: str) -> bool:
    """Does the text report on what it names (打击/整治/警惕…): news, not an advertisement?"""
    return any(word in text for word in _lists()[2])


def spam_words(text: str) -> list[str]:
    """The spam words in `text` (lower case, in order of first appearance); [] for a report on them."""
    if not text:
        return []
    word_re, _, _ = _lists()
    found = list(dict.fromkeys(m.group(0) for m in word_re.finditer(text.lower())))
    return [] if found and is_report(text) else found


def spam_url_fragments(url: str) -> list[str]:
    """The spam fragments in a URL's host, path and query (lower case, percent-decoded)."""
    return list(_url_fragments(url))


@lru_cache(maxsize=4096)  # a template's links repeat on every page
def _url_fragments(url: str) -> tuple[str, ...]:
    if not url:
        return ()
    try:
        parts = urlsplit(url)
    except ValueError:
        return ()
    where = unquote(f"{parts.netloc} {parts.path} {parts.query}").lower()
    _, fragment_re, _ = _lists()
    found = list(dict.fromkeys(m.group(0) for m in fragment_re.finditer(where)))
    return (*found, *(w for w in spam_words(where) if w not in found))  # 代开发票 in a decoded path


def trusted_host(host: str) -> bool:
    """A government (gov.cn, 政务…) or central media and service host a portal links to as a matter of
    course (content.yaml `trusted_hosts`): a hidden link to it is no spam without a spam word, a new
    link to it on the home page no sign of tampering."""
    host = host.lower()
    trusted = knowledge.load("content")["trusted_hosts"]
    return public_suffix(host) in trusted["suffixes"] or registered_domain(host) in trusted["domains"]


def spam_matches(text: str, url: str = "") -> list[str]:
    """Words of `text`, then fragments of `url`, each once."""
    return list(dict.fromkeys([*spam_words(text), *spam_url_fragments(url)]))
