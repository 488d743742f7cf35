"""Remove credentials and query strings from URLs and from messages that quote them.

A URL such as ``https://user:secret@host/log.csv?token=abc`` must never appear as such in an
:class:`~sem_carbon.io.ActivityTable` ``source`` or in an error message: the user name,
password, query string and fragment are removed (``https://host/log.csv``).

Examples
--------
>>> redact_url("https://ann:pw@example.org:8443/a/log.csv?sig=XYZ#top")
'https://example.org:8443/a/log.csv'
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit, urlunsplit

__all__ = ["is_url", "redact_url", "scrub"]

_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
# user-info in any URL of a message: scheme://user:pass@host -> scheme://host
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)[^/\s@'\"]*@")
# query or fragment after a URL or a bare path in a message
_QUERY = re.compile(r"(?P<path>(?:[A-Za-z][A-Za-z0-9+.\-]*://|/)[^\s?#'\"]*)[?#][^\s'\")]*")


def is_url(text: str) -> bool:
    """True when ``text`` starts with a URL scheme (``http://``, ``file://`` ...)."""
    return bool(_URL_SCHEME.match(text))


def redact_url(url: str) -> str:
    """``url`` without user name, password, query string and fragment.

    Parameters
    ----------
    url : str
        Any URL.

    Returns
    -------
    str
        ``scheme://host[:port]/path``.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:  # IPv6 literal
            host = f"[{host}]"
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:  # unparseable port or brackets: keep only what is safe
        return _QUERY.sub(r"\g<path>", _USERINFO.sub(r"\g<scheme>", url))
    return urlunsplit((parts.scheme, host + port, parts.path, "", ""))


def _secrets(url: str) -> list[str]:
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        return []
    found: list[str] = []
    for value in (password, user, parts.query, parts.fragment):
        if value and len(value) >= 3:
            found += [value, unquote(value), quote(unquote(value), safe="")]
    # the user-info as written (user:pass), longest first
    netloc = parts.netloc
    if "@" in netloc:
        found.insert(0, netloc.rsplit("@", 1)[0])
    return sorted({s for s in found if s}, key=len, reverse=True)


def scrub(text: str, *urls: str) -> str:
    """Remove credentials and query strings of ``urls`` (and of any URL) from ``text``.

    Parameters
    ----------
    text : str
        A message, possibly quoting a URL (e.g. a ``requests`` exception text).
    *urls : str
        URLs whose user name, password, query and fragment must not appear.

    Returns
    -------
    str
    """
    for url in urls:
        text = text.replace(url, redact_url(url))
        for secret in _secrets(url):
            text = text.replace(secret, "***")
    text = _USERINFO.sub(r"\g<scheme>", text)
    return _QUERY.sub(r"\g<path>", text)
