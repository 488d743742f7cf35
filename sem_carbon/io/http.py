"""Fetch an activity file over http(s) with ``requests``, defensively.

Rules (all errors are :class:`~sem_carbon.errors.InputFormatError`):

- only ``http`` and ``https`` URLs are fetched, and redirects are followed by hand so that
  every target is checked too: a redirect to ``file://``, ``ftp://`` ... is refused;
  at most ``max_redirects`` redirects (default 5), and a redirect back to a URL already
  visited is reported as a loop;
- TLS certificates are always verified;
- ``timeout`` is ``(connect, read)`` seconds (a single number is used for both); the read
  timeout bounds every wait for data, not the whole download;
- ``deadline`` (default 600 s) bounds the whole fetch: connections, redirects, retries and
  their waits, and the body (a server sending one byte every few seconds never hits the
  read timeout); every wait for data is shortened to the time left, so the fetch ends
  at the deadline;
- connection failures (refused, reset, connect timeout) and 5xx answers are retried
  ``retries`` times (default 3) with exponential backoff (0.5 s, 1 s, 2 s ...; a
  ``Retry-After`` of at most 10 s is honoured); read timeouts, TLS failures and 4xx answers
  are not retried;
- the body is streamed and the download aborted as soon as it exceeds ``max_bytes``
  (default 200 MB, also checked against ``Content-Length`` before reading);
- a body shorter than its ``Content-Length`` (the connection closed early), a chunked
  body without its last chunk, or a gzip body (only gzip is asked for, and decompressed
  here, at most ``max_bytes``) without its end, is refused as incomplete (a plain body
  with neither, which ends when the connection closes, cannot be told from a complete
  one);
- an HTTP error status raises with the status code and reason;
- user names, passwords, query strings and fragments never appear in ``source`` or in
  a message (see :mod:`sem_carbon.io.redact`); the query string is still sent.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import attrs

from ..errors import InputFormatError
from .bounds import DEFAULT_MAX_BYTES
from .progress import progress_bar
from .redact import redact_url, scrub

if TYPE_CHECKING:
    import requests

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "Download",
    "fetch_url",
]

#: Default (connect, read) timeouts [s].
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)
#: Default deadline of a whole fetch [s].
DEFAULT_DEADLINE = 600.0
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
        The body (decompressed when the server used a Content-Encoding).
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
    deadline: float = DEFAULT_DEADLINE,
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
    deadline : float, default 600
        Most time for the whole fetch [s] (redirects, retries and the body included).
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
        error status, timeout, deadline passed, connection failure after the retries,
        body too large or incomplete.
    """
    import requests

    if not deadline > 0:
        raise ValueError(f"deadline must be a positive number of seconds, got {deadline!r}")
    source = redact_url(url)
    _check_scheme(url, "the URL is")
    connect, read = _timeouts(timeout)
    clock = _Clock(time.monotonic() + float(deadline), float(deadline), source)
    seen = {url}
    current = url
    with requests.Session() as session:
        session.headers["User-Agent"] = _USER_AGENT
        # gzip only, decompressed here: a gzip stream cut short is then detected
        session.headers["Accept-Encoding"] = "gzip"
        for _ in range(max_redirects + 1):
            response, attempts = _get(session, current, (connect, read), retries, source,
                                      url, sleep, clock)
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
                body = _read_body(response, max_bytes, read, source, progress, clock)
                content_type = response.headers.get("content-type", "")
                return Download(
                    content=body,
                    media_type=content_type.split(";")[0].strip().lower(),
                    charset=_charset(content_type),
                    path=urlsplit(current).path,
                    source=source,
                )
    raise InputFormatError(f"more than {max_redirects} redirects while fetching {source}")


@attrs.frozen
class _Clock:
    """The deadline of one fetch."""

    at: float
    seconds: float
    source: str

    def left(self) -> float:
        """Seconds left [s]; raises once the deadline has passed."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise self.passed()
        return left

    def passed(self) -> InputFormatError:
        return InputFormatError(
            f"{self.source}: the download did not finish within the deadline of "
            f"{self.seconds:g} s; pass a larger deadline= (seconds) to allow more time")


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
    clock: _Clock,
) -> tuple[requests.Response, int]:
    """GET with retries on connection failures and 5xx; returns (response, attempts)."""
    import requests

    shown = redact_url(url)
    for attempt in range(retries + 1):
        delay = _BACKOFF * 2**attempt
        left = clock.left()
        capped = (min(timeout[0], left), min(timeout[1], left))
        try:
            response = session.get(url, stream=True, allow_redirects=False, timeout=capped,
                                   verify=True)
        except requests.exceptions.ReadTimeout:
            if capped[1] < timeout[1]:
                raise clock.passed() from None
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
                _wait(delay, clock, sleep)
                continue
            if isinstance(exc, requests.exceptions.ConnectTimeout) and capped[0] < timeout[0]:
                raise clock.passed() from None
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
            _wait(delay, clock, sleep)
            continue
        return response, attempt + 1
    raise AssertionError("unreachable")  # pragma: no cover


def _wait(delay: float, clock: _Clock, sleep: Callable[[float], None]) -> None:
    """Wait ``delay`` seconds before a retry, unless that passes the deadline."""
    if delay >= clock.left():
        raise clock.passed()
    sleep(delay)


def _wait_at_most(response: requests.Response, seconds: float) -> None:
    """Make the next read of ``response`` wait at most ``seconds`` for data (the socket's
    timeout). Best effort: the socket is reached through http.client's attributes; when
    they change, reads keep the read timeout set at the request, which the deadline
    capped then."""
    buffered = getattr(getattr(response.raw, "_fp", None), "fp", None)
    sock = getattr(getattr(buffered, "raw", None), "_sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):  # a closed socket: the read says so
            sock.settimeout(max(seconds, 0.001))


def _read_body(
    response: requests.Response,
    max_bytes: int,
    read_timeout: float,
    source: str,
    progress: bool | None,
    clock: _Clock,
) -> bytes:
    """The body, read as it arrives (``read1``: no read waits for a full chunk), checked
    against ``max_bytes``, the deadline and ``Content-Length``."""
    from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError

    length_text = response.headers.get("content-length", "")
    length = int(length_text) if length_text.strip().isdigit() else None
    if length is not None and length > max_bytes:
        raise InputFormatError(
            f"{source} is {length:,} bytes, more than the limit of {max_bytes:,} bytes "
            "(raise max_bytes= to read it)"
        )
    coding = response.headers.get("content-encoding", "").strip().lower()
    gzipped = coding in ("gzip", "x-gzip")
    encoded = coding not in ("", "identity", "gzip", "x-gzip")  # not asked for: urllib3's
    raw = response.raw
    chunks: list[bytes] = []
    total = 0
    with progress_bar(progress, length, "download", unit="B", unit_scale=True) as bar:
        while True:
            left = clock.left()
            wait = min(read_timeout, left)
            _wait_at_most(response, wait)
            try:
                chunk = raw.read1(_CHUNK, decode_content=encoded)
            except ReadTimeoutError:
                if wait < read_timeout:
                    raise clock.passed() from None
                raise InputFormatError(
                    f"timed out: {source} stopped sending data for {read_timeout:g} s "
                    "(read timeout)"
                ) from None
            except ProtocolError:
                raise _incomplete(source, raw.tell(), None if encoded else length) from None
            except DecodeError as exc:
                raise InputFormatError(
                    f"{source}: the body cannot be decoded as its Content-Encoding says "
                    f"({type(exc).__name__})") from None
            except OSError as exc:
                raise InputFormatError(
                    f"reading the body of {source} failed: {type(exc).__name__}") from None
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise InputFormatError(
                    f"{source}: download aborted after {max_bytes:,} bytes, the limit "
                    "(raise max_bytes= to read it)"
                )
            chunks.append(chunk)
            bar.update(len(chunk))
    if length is not None and not encoded and total < length:
        raise _incomplete(source, total, length)
    body = b"".join(chunks)
    return _gunzip(body, source, max_bytes) if gzipped else body


def _gunzip(body: bytes, source: str, max_bytes: int) -> bytes:
    """A gzip Content-Encoding decompressed (at most ``max_bytes``); a stream that ends
    before its end marker (the connection closed early) is incomplete."""
    import gzip
    import io
    import zlib

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            out = stream.read(max_bytes + 1)
    except EOFError:
        raise InputFormatError(
            f"{source}: incomplete body: its gzip stream ends before its end (the connection "
            "closed early); try again later") from None
    except (OSError, zlib.error) as exc:
        raise InputFormatError(
            f"{source}: the body cannot be decoded as its Content-Encoding (gzip) says "
            f"({exc})") from None
    if len(out) > max_bytes:
        raise InputFormatError(
            f"{source}: download aborted: it decompresses to more than {max_bytes:,} bytes, "
            "the limit (raise max_bytes= to read it)")
    return out


def _incomplete(source: str, got: int, length: int | None) -> InputFormatError:
    if length is not None:
        return InputFormatError(
            f"{source}: incomplete body: the server sent {got:,} of {length:,} bytes "
            "(Content-Length) and closed the connection; try again later")
    return InputFormatError(
        f"{source}: incomplete body: the connection closed after {got:,} bytes, before "
        "the end of the body; try again later")
