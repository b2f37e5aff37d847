"""The one HTTP session: User-Agent, timeouts, retries with backoff, conditional GET, size cap."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from advisor_cli import HOMEPAGE, __version__
from advisor_cli.errors import FetchError

if TYPE_CHECKING:
    from types import TracebackType

    import requests
    from typing_extensions import Self
    from urllib3.connectionpool import ConnectionPool
    from urllib3.response import BaseHTTPResponse
    from urllib3.util.retry import Retry

USER_AGENT = f"advisor/{__version__} (+{HOMEPAGE})"
MAX_BYTES = 20 * 1024 * 1024
RETRY_STATUSES = (429, 500, 502, 503, 504)
# The longest Retry-After advisor waits for. A server that asks for more gets its answer taken
# as the failure it is, at once: urllib3 alone would sleep up to 6 hours before each retry.
RETRY_AFTER_MAX = 30.0


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


class Http:
    """Wraps one requests.Session; every failure comes out as a FetchError a user can read."""

    def __init__(
        self,
        *,
        timeout: float | None = None,
        retries: int = 3,
        backoff: float | None = None,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.timeout = timeout if timeout is not None else _env_float("ADVISOR_HTTP_TIMEOUT", 30.0)
        self.connect_timeout = min(10.0, self.timeout)
        self.retries = retries
        self.backoff = backoff if backoff is not None else _env_float("ADVISOR_HTTP_BACKOFF", 0.5)
        self.max_bytes = max_bytes
        self._session: requests.Session | None = None

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            import requests
            from requests.adapters import HTTPAdapter

            retry = _capped_retry(
                total=self.retries,
                connect=self.retries,
                # A server that does not answer within the timeout will not do better at once:
                # retrying reads would multiply the wait.
                read=0,
                status=self.retries,
                backoff_factor=self.backoff,
                backoff_max=30,
                status_forcelist=RETRY_STATUSES,
                allowed_methods=frozenset({"GET"}),
                respect_retry_after_header=True,
                raise_on_status=False,
            )
            session = requests.Session()
            adapter = HTTPAdapter(max_retries=retry, pool_maxsize=8)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers["User-Agent"] = USER_AGENT
            self._session = session
        return self._session

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        """GET a URL; with validators, a 304 comes back as a Response whose body is empty."""
        import requests

        headers: dict[str, str] = {"Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = urlsplit(url).netloc or url
        try:
            with self.session.get(
                url, headers=headers, timeout=(self.connect_timeout, self.timeout), stream=True
            ) as r:
                if r.status_code == 304:
                    return Response(url, 304, b"", etag, last_modified)
                _check_status(r, host)
                body = self._read(r, host)
                return Response(
                    url, r.status_code, body, r.headers.get("ETag"), r.headers.get("Last-Modified")
                )
        except requests.exceptions.RetryError as exc:
            raise FetchError(
                f"{host} kept failing after {self.retries} retries ({_reason(exc)})."
            ) from None
        except requests.exceptions.ConnectTimeout:
            raise FetchError(f"Could not connect to {host}: timed out.") from None
        except (requests.exceptions.ReadTimeout, requests.exceptions.Timeout):
            raise FetchError(f"{host} did not answer within {self.timeout:g} s.") from None
        except requests.exceptions.ChunkedEncodingError:
            raise FetchError(
                f"{host} closed the connection before the whole answer arrived."
            ) from None
        except requests.exceptions.ConnectionError as exc:
            # urllib3 reports a read timeout that used up its retries as a connection error.
            if "Read timed out" in str(exc):
                raise FetchError(f"{host} did not answer within {self.timeout:g} s.") from None
            raise FetchError(f"Could not connect to {host}: {_reason(exc)}.") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"Request to {host} failed: {_reason(exc)}.") from None

    def _read(self, r: Any, host: str) -> bytes:
        declared = r.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"{host} sent {int(declared):,} bytes, over the {self._cap()} cap.")
        chunks: list[bytes] = []
        size = 0
        for chunk in r.iter_content(64 * 1024):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"{host} sent more than the {self._cap()} cap; stopped reading.")
            chunks.append(chunk)
        return b"".join(chunks)

    def _cap(self) -> str:
        return f"{self.max_bytes / 1024 / 1024:g} MB"


def _capped_retry(**options: Any) -> Retry:
    """urllib3's Retry, except that a Retry-After over RETRY_AFTER_MAX ends the retries."""
    from urllib3.exceptions import InvalidHeader, MaxRetryError
    from urllib3.util.retry import Retry

    class CappedRetry(Retry):
        def increment(
            self,
            method: str | None = None,
            url: str | None = None,
            response: BaseHTTPResponse | None = None,
            error: Exception | None = None,
            _pool: ConnectionPool | None = None,
            _stacktrace: TracebackType | None = None,
        ) -> Self:
            if response is not None and _pool is not None and self.respect_retry_after_header:
                with contextlib.suppress(InvalidHeader):
                    wait = self.get_retry_after(response)
                    if wait is not None and wait > RETRY_AFTER_MAX:
                        # urllib3 catches this and hands back the response (429, 503) as it is.
                        raise MaxRetryError(_pool, url or "")
            return super().increment(method, url, response, error, _pool, _stacktrace)

    return CappedRetry(**options)


def _check_status(r: Any, host: str) -> None:
    status = r.status_code
    if status < 400:
        return
    if status == 403:
        raise FetchError(f"{host} refused the request (HTTP 403 Forbidden).")
    if status == 404:
        raise FetchError(f"{host} has no such page: {r.url} (HTTP 404).")
    if status == 429:
        raise FetchError(f"{host} is rate-limiting requests (HTTP 429); try again later.")
    raise FetchError(f"{host} answered HTTP {status} {r.reason or ''}".rstrip() + ".")


def _reason(exc: BaseException) -> str:
    """The innermost cause of a requests/urllib3 error, in a few words."""
    text = str(exc)
    for marker, words in (
        ("Connection refused", "connection refused"),
        ("Name or service not known", "host name not found"),
        ("nodename nor servname", "host name not found"),
        ("Temporary failure in name resolution", "host name not found"),
        ("too many 5", "server errors"),
        ("too many 429", "rate-limited (HTTP 429)"),
        ("CERTIFICATE_VERIFY_FAILED", "TLS certificate not trusted"),
        ("timed out", "timed out"),
        ("Connection reset", "connection reset"),
        ("RemoteDisconnected", "connection closed by the server"),
    ):
        if marker in text:
            return words
    return text.splitlines()[0][:160] if text else type(exc).__name__
