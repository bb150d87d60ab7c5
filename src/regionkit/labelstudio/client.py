"""Connect to a Label Studio server and call it with retries and one-line errors.

:func:`connect` builds a label-studio-sdk client from :class:`~regionkit.config.LabelStudioSettings`,
checks the URL and the API key with one request, and turns every failure into a
:class:`~regionkit.errors.ConnectionFailed` with the fix. :func:`call_with_retries` wraps
any later SDK call: connection errors, timeouts, 429 and 5xx responses are retried with
exponential backoff, and the last failure becomes one clear line.

The SDK distinguishes legacy tokens from Personal Access Tokens (JWT refresh tokens)
itself, so both kinds of key work without a flag.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from regionkit.config import (
    API_KEY_VARIABLE,
    URL_VARIABLE,
    LabelStudioSettings,
    label_studio_settings,
)
from regionkit.errors import ConnectionFailed, InputError
from regionkit.i18n import _

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Seconds one HTTP request may take. The community edition builds an export inside one
#: request: 20k tasks took 24-38 s on a quiet 2-core machine and 54-80 s on a loaded one
#: (label-studio 1.23.2), so the SDK's 60 s default is too short for big projects.
DEFAULT_TIMEOUT_S = 600.0
#: Attempts after the first one for connection errors, timeouts, 429 and 5xx.
DEFAULT_RETRIES = 4
#: Backoff before retry ``n`` (0-based) is ``BACKOFF_BASE_S * 2**n`` seconds, plus jitter.
BACKOFF_BASE_S = 0.5
BACKOFF_MAX_S = 30.0

LEGACY_DISABLED_MARKER = "legacy token authentication has been disabled"


def connect(
    settings: LabelStudioSettings | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    retries: int = DEFAULT_RETRIES,
    check: bool = True,
) -> LabelStudio:
    """Create a label-studio-sdk client and check that the server accepts the API key.

    Parameters
    ----------
    settings : LabelStudioSettings, optional
        URL and API key; by default read from ``LABEL_STUDIO_URL`` /
        ``LABEL_STUDIO_API_KEY`` or the config file (:func:`regionkit.config.label_studio_settings`).
    timeout : float, default=600
        Seconds one HTTP request may take. Must be positive.
    retries : int, default=4
        Retries of the checking request after connection errors, timeouts, 429 and 5xx.
        Must be >= 0. Later calls pass their own ``retries`` to :func:`call_with_retries`.
    check : bool, default=True
        Send ``GET /api/current-user/whoami`` once, so a wrong URL or key fails here.

    Returns
    -------
    label_studio_sdk.LabelStudio
        The client. The SDK's own retries are switched off; wrap calls in
        :func:`call_with_retries`.

    Raises
    ------
    InputError
        If ``timeout`` or ``retries`` is out of range, or no URL or key is configured.
    ConnectionFailed
        If the server cannot be reached, is not Label Studio, or rejects the key.
    """
    if not timeout > 0:
        raise InputError(
            _("timeout={value} must be a positive number of seconds.").format(value=timeout)
        )
    if not isinstance(retries, int) or retries < 0:
        raise InputError(_("retries={value} must be an integer >= 0.").format(value=retries))
    settings = settings or label_studio_settings()
    _check_url(settings.url)

    from label_studio_sdk import LabelStudio
    from label_studio_sdk.core.api_error import ApiError

    try:
        client = LabelStudio(
            base_url=settings.url, api_key=settings.api_key, timeout=timeout, max_retries=0
        )
    except ApiError as error:
        # The SDK rejects an expired JWT or one without an expiry before any request.
        raise ConnectionFailed(_describe_auth_failure(settings.url, error)) from None
    if check:
        call_with_retries(client.users.whoami, what=_("connect"), url=settings.url, retries=retries)
    return client


def call_with_retries(
    function: Callable[[], T],
    *,
    what: str,
    url: str,
    retries: int = DEFAULT_RETRIES,
    not_found: str | None = None,
) -> T:
    """Call ``function`` and retry it with backoff on transient failures.

    Parameters
    ----------
    function : callable
        A call without arguments, e.g. ``lambda: client.projects.get(id=3)``.
    what : str
        A short, translated name of the operation for the error message.
    url : str
        The server URL, named in error messages.
    retries : int, default=4
        Attempts after the first one.
    not_found : str, optional
        The message to raise on a 404 (for example "project 3 not found"); by default a
        404 is reported as a generic HTTP error.

    Returns
    -------
    object
        Whatever ``function`` returns.

    Raises
    ------
    ConnectionFailed
        On 401/403, on 404 (with ``not_found``), on other 4xx responses, and when the
        last retry fails.
    """
    import httpx
    from label_studio_sdk.core.api_error import ApiError

    attempt = 0
    while True:
        try:
            return function()
        except ApiError as error:
            status = error.status_code or 0
            if status in (401, 403):
                raise ConnectionFailed(_describe_auth_failure(url, error)) from None
            if status == 404 and not_found is not None:
                raise ConnectionFailed(not_found) from None
            if status < 500 and not isinstance(error.body, (dict, list)):
                # An HTML or empty body means the URL points at something other than the API.
                raise ConnectionFailed(
                    _(
                        "{url} answered '{what}' with HTTP {status} and no Label Studio API response; "
                        "set {variable} to the server's base URL, e.g. http://localhost:8080."
                    ).format(url=url, what=what, status=status, variable=URL_VARIABLE)
                ) from None
            if not (status >= 500 or status in (408, 429)):
                raise ConnectionFailed(
                    _(
                        "Label Studio at {url} rejected '{what}' with HTTP {status}: {detail}"
                    ).format(url=url, what=what, status=status, detail=_short_detail(error.body))
                ) from None
            failure = _("HTTP {status}").format(status=status)
        except httpx.TimeoutException:
            failure = _("timed out")
        except (httpx.TransportError, OSError) as error:
            failure = type(error).__name__
        except ValueError as error:
            # The SDK raises a JSON decoding error when the URL serves HTML, not the API.
            raise ConnectionFailed(
                _(
                    "{url} did not answer like a Label Studio server ({error}); check {variable}."
                ).format(url=url, error=type(error).__name__, variable=URL_VARIABLE)
            ) from None

        if attempt >= retries:
            raise ConnectionFailed(
                _(
                    "'{what}' on Label Studio at {url} failed after {attempts} attempts ({failure}); "
                    "check that the server is running and {variable} is right."
                ).format(
                    what=what, url=url, attempts=attempt + 1, failure=failure, variable=URL_VARIABLE
                )
            )
        delay = min(BACKOFF_BASE_S * 2**attempt, BACKOFF_MAX_S) * (0.75 + random.random() / 2)
        logger.warning(
            "'%s' failed (%s); retry %d of %d in %.1f s", what, failure, attempt + 1, retries, delay
        )
        time.sleep(delay)
        attempt += 1


def request_json(
    client: LabelStudio,
    path: str,
    *,
    params: dict[str, Any] | None = None,
    what: str,
    url: str,
    retries: int = DEFAULT_RETRIES,
    not_found: str | None = None,
) -> Any:
    """Send ``GET path`` with the client's authentication and return the decoded JSON.

    For endpoints whose SDK wrapper mishandles parameters (for example ``ids[]``),
    this goes through the SDK's HTTP layer, so legacy tokens and PATs both work.

    Raises
    ------
    ConnectionFailed
        As :func:`call_with_retries`.
    """
    http = client._client_wrapper.httpx_client

    def send() -> Any:
        return checked_json(http.request(path, method="GET", params=params or {}))

    return call_with_retries(send, what=what, url=url, retries=retries, not_found=not_found)


def checked_json(response) -> Any:
    """Return the decoded JSON of an ``httpx`` response, or raise the SDK's ``ApiError`` for 4xx and 5xx.

    Raising ``ApiError`` lets :func:`call_with_retries` treat raw requests like SDK calls.
    """
    from label_studio_sdk.core.api_error import ApiError

    if response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            body = response.text
        raise ApiError(status_code=response.status_code, headers=dict(response.headers), body=body)
    return response.json()


def _check_url(url: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise InputError(
            _(
                "Label Studio URL {url!r} must start with http:// or https://; fix {variable}."
            ).format(url=url, variable=URL_VARIABLE)
        )


def _short_detail(body: Any) -> str:
    if isinstance(body, dict):
        body = body.get("detail") or body.get("message") or body
    text = " ".join(str(body).split())
    return text[:200]


def _describe_auth_failure(url: str, error: Any) -> str:
    """Explain a 401/403, naming the legacy-token switch when that is the cause."""
    detail = _short_detail(getattr(error, "body", error))
    if LEGACY_DISABLED_MARKER in detail:
        return _(
            "Label Studio at {url} rejected the API key because legacy tokens are disabled for "
            "this organization; set {variable} to a Personal Access Token (Account & Settings > "
            "Personal Access Token) or enable legacy tokens in Organization > API Token Settings."
        ).format(url=url, variable=API_KEY_VARIABLE)
    if getattr(error, "status_code", None) == 403:
        return _(
            "Label Studio at {url} denied access ({detail}); use the API key of a user with access to the project."
        ).format(url=url, detail=detail)
    return _(
        "Label Studio at {url} rejected the API key ({detail}); set {variable} to a valid legacy "
        "token or Personal Access Token from Account & Settings."
    ).format(url=url, detail=detail, variable=API_KEY_VARIABLE)
