"""A real OpenID Connect provider for the FranceConnect tests: ``tests/oidc_provider/server.js``
(the npm package oidc-provider, configured like FranceConnect v2) run by node on 127.0.0.1.

A pytest plugin (listed in ``tests/conftest.py``): ``franceconnect`` enables FranceConnect
against the provider for Django's test client; ``oidc_providers(*site_urls)`` starts one that
accepts callbacks to other addresses (a live server's).

``npm ci`` installs the provider from the project's own package-lock.json when
``node_modules`` is missing; without node or npm the tests are skipped, saying so.
"""

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc_provider"
CLIENT_ID = "ecommune-test-client"
CLIENT_SECRET = "ecommune-test-client-secret-not-a-real-one"
CALLBACK_PATH = "/compte/franceconnect/retour/"
LOGOUT_RETURN_PATH = "/compte/franceconnect/deconnexion/retour/"
ACCOUNTS = {a["login"]: a for a in json.loads((PROVIDER_DIR / "accounts.json").read_text())}


@dataclass
class RunningProvider:
    process: subprocess.Popen
    port: int
    base_urls: list = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v2"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# One provider process per set of site addresses it accepts, for the whole run.
_running: dict[tuple, RunningProvider] = {}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _install():
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run the test OpenID provider (tests/oidc_provider)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=PROVIDER_DIR,
            check=True,
            timeout=300,
        )
    return node


def start_provider(*base_urls: str) -> RunningProvider:
    """The provider accepting callbacks to these site addresses (started once per run)."""
    key = tuple(sorted(base_urls))
    if key in _running and _running[key].process.poll() is None:
        return _running[key]
    node = _install()
    port = _free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URIS": ",".join(base + CALLBACK_PATH for base in base_urls),
        "POST_LOGOUT_REDIRECT_URIS": ",".join(base + LOGOUT_RETURN_PATH for base in base_urls),
    }
    process = subprocess.Popen(
        [node, "server.js"],
        cwd=PROVIDER_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    provider = RunningProvider(process, port, list(base_urls))
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"The test OpenID provider stopped: {process.stderr.read()}")
        try:
            response = requests.get(
                provider.issuer + "/.well-known/openid-configuration", timeout=1
            )
            if response.ok:
                break
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            provider.stop()
            raise RuntimeError("The test OpenID provider did not answer within 30 seconds.")
        time.sleep(0.1)
    _running[key] = provider
    return provider


@pytest.fixture(scope="session")
def oidc_providers():
    """Starts providers on demand (``oidc_providers("http://testserver")``); stops them all."""
    yield start_provider
    while _running:
        _running.popitem()[1].stop()


def enable_franceconnect(settings, provider: RunningProvider):
    settings.ECOMMUNE_FRANCECONNECT_ENABLED = True
    settings.ECOMMUNE_FRANCECONNECT_ISSUER = provider.issuer
    settings.ECOMMUNE_FRANCECONNECT_CLIENT_ID = CLIENT_ID
    settings.ECOMMUNE_FRANCECONNECT_CLIENT_SECRET = CLIENT_SECRET
    settings.ECOMMUNE_FRANCECONNECT_SIGN_ALGO = "ES256"
    from ecommune.accounts.franceconnect import conf

    conf.forget_discovery()


@pytest.fixture
def franceconnect(settings, oidc_providers, commune):
    """FranceConnect enabled against the test provider, for Django's test client."""
    provider = oidc_providers("http://testserver")
    enable_franceconnect(settings, provider)
    yield provider
    from ecommune.accounts.franceconnect import conf

    conf.forget_discovery()


def sign_in_at_provider(authorize_url: str, login: str, *, stop_at: str, session=None):
    """Walks the provider's pages like a browser (login, then consent) and returns the URL
    it sends the browser back to (the first redirection starting with ``stop_at``)."""
    session = session or requests.Session()
    account = ACCOUNTS[login]
    url = authorize_url
    for _ in range(20):
        response = session.get(url, allow_redirects=False, timeout=10)
        while response.is_redirect:
            url = urljoin(response.url, response.headers["location"])
            if url.startswith(stop_at):
                return url
            response = session.get(url, allow_redirects=False, timeout=10)
        response.raise_for_status()
        path = urlsplit(response.url).path
        if 'name="login"' in response.text:
            response = session.post(
                response.url + "/login",
                data={"login": login, "password": account["password"]},
                allow_redirects=False,
                timeout=10,
            )
        elif "/confirm" in response.text:
            response = session.post(response.url + "/confirm", allow_redirects=False, timeout=10)
        else:
            raise AssertionError(f"Unexpected page at {path}: {response.text[:500]}")
        if not response.is_redirect:
            raise AssertionError(f"The provider did not redirect: {response.text[:500]}")
        url = urljoin(response.url, response.headers["location"])
        if url.startswith(stop_at):
            return url
    raise AssertionError("Too many steps at the provider.")


def query(url: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
