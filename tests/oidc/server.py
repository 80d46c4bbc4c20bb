"""A real OpenID Connect provider on loopback for tests: `node provider.mjs` (panva/oidc-provider) in a subprocess.

    with OidcProvider(
        accounts=[{"sub": "u1", "email": "lead@state.example", "name": "Lee Lead"}],
        client_id="roadmap-web",
        client_secret="s3cret",
        redirect_uris=["http://127.0.0.1:8000/auth/callback"],
    ) as op:
        op.issuer  # "http://127.0.0.1:PORT"; discovery at op.discovery_url

Sign-in is non-interactive: add `login_hint=<email>` to the authorization request (see `with_login_hint`). The user
agent that follows the redirects must keep the provider's cookies. The first use runs `npm ci` in this folder when
its node_modules is missing. Standard library only.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, NotRequired, Self, TypedDict
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
PROVIDER_SCRIPT = HERE / "provider.mjs"
NODE_MODULES = HERE / "node_modules"


class OidcAccount(TypedDict):
    """One user of the provider: `sub` and `email` are required; `email_verified` defaults to true."""

    sub: str
    email: str
    name: NotRequired[str]
    email_verified: NotRequired[bool]


class OidcProviderError(RuntimeError):
    """The provider could not be installed or started."""


class OidcStartTimeout(OidcProviderError):
    """The provider started but did not say READY in time."""


# Starts tried before giving up (see `start`).
START_ATTEMPTS = 2


def ensure_installed(timeout: float = 300.0) -> None:
    """Run `npm ci` in tests/oidc once, when its node_modules lacks oidc-provider (a file lock guards parallel runs)."""
    if (NODE_MODULES / "oidc-provider" / "package.json").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise OidcProviderError("npm is not on PATH: Node.js 20+ and npm are needed for the test OIDC provider")
    with open(HERE / ".npm-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (NODE_MODULES / "oidc-provider" / "package.json").is_file():
            return
        done = subprocess.run(
            [npm, "ci", "--silent", "--no-audit", "--no-fund"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise OidcProviderError(f"npm ci in {HERE} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def with_login_hint(url: str, login_hint: str) -> str:
    """The authorization URL `url` with `login_hint` set: the provider then signs in the account with that email."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "login_hint"]
    query.append(("login_hint", login_hint))
    return urlunsplit(parts._replace(query=urlencode(query)))


class OidcProvider:
    """Starts the provider on 127.0.0.1 (a free port unless `port` is given) and stops it on exit.

    `token_endpoint_auth_method` is the one method the client may use at the token endpoint (client_secret_basic or
    client_secret_post). `pkce_required` makes a code_challenge mandatory (otherwise PKCE S256 is optional).
    `id_token_claims=False` keeps email and name out of the ID token (then only the userinfo endpoint has them).
    `default_login` is the email signed in when an authorization request has no login_hint.
    """

    def __init__(
        self,
        accounts: Sequence[OidcAccount | Mapping[str, Any]],
        client_id: str,
        client_secret: str,
        redirect_uris: Sequence[str],
        *,
        token_endpoint_auth_method: str = "client_secret_basic",
        pkce_required: bool = False,
        id_token_claims: bool = True,
        default_login: str | None = None,
        post_logout_redirect_uris: Sequence[str] = (),
        port: int = 0,
        # A deadline, not a wait: Node loads oidc-provider in a second or two, but a loaded CI machine (two test
        # workers and Chromium) once took over 20 s to start it, and a fresh clone's first start over 60 s.
        startup_timeout: float = 120.0,
        debug: bool = False,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = list(redirect_uris)
        self.config: dict[str, Any] = {
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uris": list(redirect_uris),
            "token_endpoint_auth_method": token_endpoint_auth_method,
            "pkce_required": pkce_required,
            "id_token_claims": id_token_claims,
            "default_login": default_login,
            "post_logout_redirect_uris": list(post_logout_redirect_uris),
            "accounts": [dict(account) for account in accounts],
        }
        self.port = port
        self.startup_timeout = startup_timeout
        self.debug = debug
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._issuer: str | None = None

    @property
    def issuer(self) -> str:
        """The issuer URL, e.g. http://127.0.0.1:41543 (no trailing slash)."""
        if self._issuer is None:
            raise OidcProviderError("the provider is not running")
        return self._issuer

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def stderr_text(self) -> str:
        """What the provider has logged so far (errors, and every request's details when `debug`)."""
        if self._stderr is None:
            return ""
        # pread leaves the file offset alone: the provider shares it and keeps appending at it.
        fd = self._stderr.fileno()
        return os.pread(fd, os.fstat(fd).st_size, 0).decode("utf-8", "replace")

    def start(self) -> Self:
        if self._process is not None:
            raise OidcProviderError("the provider is already running")
        ensure_installed()
        node = shutil.which("node")
        if node is None:
            raise OidcProviderError("node is not on PATH: Node.js 20+ is needed for the test OIDC provider")
        env = {
            **os.environ,
            "OIDC_CONFIG": json.dumps(self.config),
            "OIDC_PORT": str(self.port),
            "OIDC_HOST": "127.0.0.1",
            "OIDC_EXIT_WITH_STDIN": "1",
            "OIDC_DEBUG": "1" if self.debug else "0",
            "NODE_ENV": "test",
        }
        # A second try when the first never says READY: in fresh clones a start has hung past 180 s after loading
        # oidc-provider, with nothing logged, where a start normally takes a second or two.
        for attempt in range(START_ATTEMPTS):
            # Held open for the life of the provider (stop() closes it): a file never fills up as a pipe would.
            self._stderr = tempfile.TemporaryFile(prefix="oidc-provider-stderr-")  # noqa: SIM115
            self._process = subprocess.Popen(
                [node, str(PROVIDER_SCRIPT)],
                cwd=HERE,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
            try:
                self._issuer = self._wait_ready()
                return self
            except OidcStartTimeout:
                self.stop()
                if attempt == START_ATTEMPTS - 1:
                    raise
            except BaseException:
                self.stop()
                raise
        raise AssertionError("unreachable")

    def _wait_ready(self) -> str:
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        deadline = time.monotonic() + self.startup_timeout
        buffer = b""
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while b"\n" not in buffer:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise OidcStartTimeout(
                        f"the OIDC provider did not print READY within {self.startup_timeout:g} s; "
                        f"stdout so far {buffer!r}; stderr:\n{self.stderr_text()}"
                    )
                if not selector.select(timeout=left):
                    continue
                chunk = os.read(stdout.fileno(), 4096)
                if not chunk:
                    code = self._process.wait(timeout=5)
                    raise OidcProviderError(
                        f"the OIDC provider exited ({code}) before it was ready; stderr:\n{self.stderr_text()}"
                    )
                buffer += chunk
        line = buffer.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        if not line.startswith("READY "):
            raise OidcProviderError(
                f"unexpected first line from the OIDC provider {line!r}; stderr:\n{self.stderr_text()}"
            )
        return line.removeprefix("READY ").strip()

    def stop(self) -> None:
        process, self._process = self._process, None
        self._issuer = None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):
                        pipe.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
