"""Fetch an activity file over http(s) with ``requests``, defensively.

Rules (all errors are :class:`~sem_carbon.errors.InputFormatError`):

- only ``http`` and ``https`` URLs are fetched, and redirects are followed by hand so that
  every target is checked too: a redirect to ``file://``, ``ftp://`` ... is refused;
  at most ``max_redirects`` redirects (default 5), and a redirect back to a URL already
  visited is reported as a loop;
- TLS certificates are always verified;
- ``timeout`` is ``(connect, read)`` seconds (a single number is used for both); the read
  timeout bounds every wait for data, not the whole download;
- connection failures (refused, reset, connect timeout) and 5xx answers are retried
  ``retries`` times (default 3) with exponential backoff (0.5 s, 1 s, 2 s ...; a
  ``Retry-After`` of at most 10 s is honoured); read timeouts, TLS failures and 4xx answers
  are not retried;
- the body is streamed and the download aborted as soon as it exceeds ``max_bytes``
  (default 200 MB, also checked against ``Content-Length`` before reading);
- an HTTP error status raises with the status code and reason;
- user names, passwords, query strings and fragments never appear in ``source`` or in
  a message (see :mod:`sem_carbon.io.redact`); the query string is still sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import attrs

from ..errors import InputFormatError
from .progress import progress_bar
from .redact import redact_url, scrub

if TYPE_CHECKING:
    import requests

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "Download",
    "fetch_url",
]

#: Default (connect, read) timeouts [s].
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)
#: Default size cap of a download [bytes].
DEFAULT_MAX_BYTES = 200_000_000
#: Default number of retries after a connection failure or a 5xx answer.
DEFAULT_RETRIES = 3
#: Default redirect limit.
DEFAULT_MAX_REDIRECTS = 5
_BACKOFF = 0.5
_MAX_RETRY_AFTER = 10.0
_ALLOWED_SCHEMES = ("http", "https")
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 1 << 16
_USER_AGENT = "sem-carbon (python-requests)"


@attrs.frozen
class Download:
    """A fetched body and what the server said about it.

    Attributes
    ----------
    content : bytes
        The (decompressed, if the server used Content-Encoding) body.
    media_type : str
        Lower-case media type of Content-Type without parameters ("" when absent).
    charset : str or None
        The ``charset`` parameter of Content-Type, if any.
    path : str
        Path of the final URL (after redirects), used for the suffix.
    source : str
        The requested URL without credentials, query string or fragment.
    """

    content: bytes
    media_type: str
    charset: str | None
    path: str
    source: str


def _timeouts(timeout: float | tuple[float, float]) -> tuple[float, float]:
    if isinstance(timeout, int | float):
        return float(timeout), float(timeout)
    connect, read = timeout
    return float(connect), float(read)


def _check_scheme(url: str, what: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in _ALLOWED_SCHEMES:
        shown = f"a {scheme}:// URL" if scheme else "a URL without a scheme"
        raise InputFormatError(
            f"refused: {what} {redact_url(url)}, {shown}; only http:// and https:// URLs "
            "are fetched"
        )


def _attempts(count: int) -> str:
    return f"{count} attempt" if count == 1 else f"{count} attempts"


def _reading(shown: str, source: str) -> str:
    return "" if shown == source else f" (reading {source})"


def fetch_url(
    url: str,
    *,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    retries: int = DEFAULT_RETRIES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    progress: bool | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Download:
    """Download ``url`` into memory following the rules of this module.

    Parameters
    ----------
    url : str
        An ``http://`` or ``https://`` URL (credentials and query string allowed; they are
        used but never shown).
    timeout : float or (float, float), default (10, 60)
        Connect and read timeouts [s].
    max_bytes : int, default 200_000_000
        Abort when the body is larger.
    retries : int, default 3
        Retries after connection failures and 5xx answers.
    max_redirects : int, default 5
        Most redirects followed.
    progress : bool or None
        Progress bar of the download (None: only when stderr is a terminal).
    sleep : callable
        Used between retries (tests may pass a faster one).

    Returns
    -------
    Download

    Raises
    ------
    InputFormatError
        Scheme not allowed (also after a redirect), too many redirects or a loop, HTTP
        error status, timeout, connection failure after the retries, body too large.
    """
    import requests

    source = redact_url(url)
    _check_scheme(url, "the URL is")
    connect, read = _timeouts(timeout)
    seen = {url}
    current = url
    with requests.Session() as session:
        session.headers["User-Agent"] = _USER_AGENT
        for _ in range(max_redirects + 1):
            response, attempts = _get(session, current, (connect, read), retries, source,
                                      url, sleep)
            with response:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    target = urljoin(current, response.headers["location"])
                    _check_scheme(target, f"{redact_url(current)} redirects to")
                    if target in seen:
                        raise InputFormatError(
                            f"redirect loop: {redact_url(current)} redirects back to "
                            f"{redact_url(target)} (reading {source})"
                        )
                    seen.add(target)
                    current = target
                    continue
                if response.status_code >= 400:
                    tried = f" after {_attempts(attempts)}" if attempts > 1 else ""
                    raise InputFormatError(
                        f"HTTP {response.status_code} {response.reason or ''}".rstrip()
                        + f" from {source}{tried}"
                    )
                body = _read_body(response, max_bytes, read, source, url, progress)
                content_type = response.headers.get("content-type", "")
                return Download(
                    content=body,
                    media_type=content_type.split(";")[0].strip().lower(),
                    charset=_charset(content_type),
                    path=urlsplit(current).path,
                    source=source,
                )
    raise InputFormatError(f"more than {max_redirects} redirects while fetching {source}")


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"').lower()
    return None


def _get(
    session: requests.Session,
    url: str,
    timeout: tuple[float, float],
    retries: int,
    source: str,
    original: str,
    sleep: Callable[[float], None],
) -> tuple[requests.Response, int]:
    """GET with retries on connection failures and 5xx; returns (response, attempts)."""
    import requests

    shown = redact_url(url)
    for attempt in range(retries + 1):
        delay = _BACKOFF * 2**attempt
        try:
            response = session.get(url, stream=True, allow_redirects=False, timeout=timeout,
                                   verify=True)
        except requests.exceptions.ReadTimeout:
            raise InputFormatError(
                f"timed out: no answer from {shown} within {timeout[1]:g} s (read timeout)"
                f"{_reading(shown, source)}"
            ) from None
        except requests.exceptions.SSLError as exc:
            raise InputFormatError(
                f"TLS verification failed for {shown}: {scrub(str(exc), url, original)}"
            ) from None
        except requests.exceptions.ConnectionError as exc:  # also ConnectTimeout
            if attempt < retries:
                sleep(delay)
                continue
            kind = ("connect timeout" if isinstance(exc, requests.exceptions.ConnectTimeout)
                    else "connection failed")
            raise InputFormatError(
                f"{kind} for {shown} after {_attempts(attempt + 1)}{_reading(shown, source)}"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise InputFormatError(
                f"cannot fetch {shown}: {type(exc).__name__}: {scrub(str(exc), url, original)}"
            ) from None
        if response.status_code >= 500 and attempt < retries:
            retry_after = response.headers.get("retry-after", "")
            if retry_after.strip().isdigit():
                delay = max(delay, min(float(retry_after), _MAX_RETRY_AFTER))
            response.close()
            sleep(delay)
            continue
        return response, attempt + 1
    raise AssertionError("unreachable")  # pragma: no cover


def _read_body(
    response: requests.Response,
    max_bytes: int,
    read_timeout: float,
    source: str,
    original: str,
    progress: bool | None,
) -> bytes:
    import requests

    length_text = response.headers.get("content-length", "")
    length = int(length_text) if length_text.strip().isdigit() else None
    if length is not None and length > max_bytes:
        raise InputFormatError(
            f"{source} is {length:,} bytes, more than the limit of {max_bytes:,} bytes "
            "(raise max_bytes= to read it)"
        )
    chunks: list[bytes] = []
    total = 0
    with progress_bar(progress, length, "download", unit="B", unit_scale=True) as bar:
        try:
            for chunk in response.iter_content(_CHUNK):
                total += len(chunk)
                if total > max_bytes:
                    raise InputFormatError(
                        f"{source}: download aborted after {max_bytes:,} bytes, the limit "
                        "(raise max_bytes= to read it)"
                    )
                chunks.append(chunk)
                bar.update(len(chunk))
        except requests.exceptions.RequestException as exc:
            text = scrub(str(exc), original)
            if "timed out" in text.lower() or "timeout" in text.lower():
                raise InputFormatError(
                    f"timed out: {source} stopped sending data for {read_timeout:g} s "
                    "(read timeout)"
                ) from None
            raise InputFormatError(
                f"reading the body of {source} failed: {type(exc).__name__}"
            ) from None
    return b"".join(chunks)
