"""Permissions-Policy: on every response of every URL pattern, whatever its status; strict
(a feature is allowed only where the kit's pages or Wagtail's admin use it); the setting
decides it; nginx's files carry the same policy as the site's pages."""

import importlib
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import clear_url_caches, path
from django_permissions_policy import PermissionsPolicyMiddleware

from ecommune.testing.urls import url_pattern_paths

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parent.parent / "src" / "ecommune"
NGINX_TEMPLATE = next((SRC / "scaffold" / "template").glob("*/deploy/nginx/*.conf"))

# The script APIs behind each policy-controlled feature the kit's default names.
FEATURE_APIS = {
    "accelerometer": r"\bAccelerometer\(",
    "ambient-light-sensor": r"\bAmbientLightSensor\(",
    "autoplay": r"<(?:video|audio)\b[^>]*\bautoplay\b",
    "bluetooth": r"navigator\.bluetooth\b",
    "browsing-topics": r"\bbrowsingTopics\(",
    "camera": r"\bgetUserMedia\(",
    "captured-surface-control": r"\bCaptureController\b",
    "clipboard-read": r"\bclipboard\.read(?:Text)?\(",
    "clipboard-write": r"\bclipboard\.write(?:Text)?\(",
    "compute-pressure": r"\bPressureObserver\b",
    "digital-credentials-create": r"\bDigitalCredential\b",
    "digital-credentials-get": r"\bDigitalCredential\b",
    "display-capture": r"\bgetDisplayMedia\(",
    "encrypted-media": r"\brequestMediaKeySystemAccess\(",
    "fullscreen": r"\b(?:webkitR|r)equestFullscreen\(",
    "gamepad": r"\bgetGamepads\(",
    "geolocation": r"navigator\.geolocation\b",
    "gyroscope": r"\bGyroscope\(",
    "hid": r"navigator\.hid\b",
    "identity-credentials-get": r"\bIdentityCredential\b",
    "idle-detection": r"\bIdleDetector\b",
    "keyboard-map": r"\bgetLayoutMap\(",
    "local-fonts": r"\bqueryLocalFonts\(",
    "local-network": r"\btargetAddressSpace\b",
    "local-network-access": r"\btargetAddressSpace\b",
    "loopback-network": r"\btargetAddressSpace\b",
    "magnetometer": r"\bMagnetometer\(",
    "microphone": r"\bgetUserMedia\(",
    "midi": r"\brequestMIDIAccess\(",
    "otp-credentials": r"\bOTPCredential\b",
    "payment": r"\bPaymentRequest\(",
    "picture-in-picture": r"\brequestPictureInPicture\(",
    "private-state-token-issuance": r"\bprivateToken\b",
    "private-state-token-redemption": r"\bprivateToken\b",
    "publickey-credentials-create": r"navigator\.credentials\.create\(",
    "publickey-credentials-get": r"navigator\.credentials\.get\(",
    "screen-wake-lock": r"\bwakeLock\.request\(",
    "serial": r"navigator\.serial\b",
    "speaker-selection": r"\bselectAudioOutput\(",
    "storage-access": r"\brequestStorageAccess\(",
    "usb": r"navigator\.usb\b",
    "web-share": r"navigator\.share\(",
    "window-management": r"\bgetScreenDetails\(",
    "xr-spatial-tracking": r"navigator\.xr\b",
}


def parse(header: str) -> dict[str, list[str]]:
    """``camera=(), clipboard-write=(self)`` as ``{"camera": [], "clipboard-write": ["self"]}``."""
    policy = {}
    for item in header.split(","):
        feature, _, allowlist = item.strip().partition("=")
        policy[feature] = allowlist.strip("()").split()
    return policy


def expected(settings) -> dict[str, list[str]]:
    return {feature: list(origins) for feature, origins in settings.PERMISSIONS_POLICY.items()}


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def site_urls(request, settings, tmp_path):
    """The site's URLconf as production builds it, and as the demo does (DEBUG: static and
    media files served by Django, debug error pages)."""
    import ecommune.conf.urls

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    (settings.MEDIA_ROOT / "notice.txt").write_text("Avis au public.\n", encoding="utf-8")
    debug = settings.DEBUG
    settings.DEBUG = request.param
    importlib.reload(ecommune.conf.urls)
    clear_url_caches()
    yield request.param
    settings.DEBUG = debug
    importlib.reload(ecommune.conf.urls)
    clear_url_caches()


def test_every_url_pattern_answers_with_the_policy_whatever_the_status(
    site_urls, commune, settings
):
    patterns = url_pattern_paths()
    paths = [p.path for p in patterns] + ["/"]
    if site_urls:
        # Files Django serves in the demo: a real static file and a real media file.
        assert finders.find("ecommune_appointments/queue-live.js")
        paths += ["/static/ecommune_appointments/queue-live.js", "/media/notice.txt"]
        assert any(p.route.startswith("^static/") for p in patterns)
        assert any(p.route.startswith("^media/") for p in patterns)
    client = Client(raise_request_exception=False, HTTP_HOST="commune-a.test")
    statuses, missing = {}, []
    for url in paths:
        response = client.get(url)
        statuses[url] = response.status_code
        if parse(response.get("Permissions-Policy", "")) != expected(settings):
            missing.append((url, response.status_code))
    assert not missing, missing
    assert len(paths) > 400
    # The walk reached pages, redirects, client errors and refusals alike.
    kinds = {status // 100 for status in statuses.values()}
    assert {2, 3, 4} <= kinds, statuses
    if site_urls:
        assert statuses["/static/ecommune_appointments/queue-live.js"] == 200
        assert statuses["/media/notice.txt"] == 200


def broken_view(request):
    raise RuntimeError("A view that fails.")


urlpatterns = [path("en-panne/", broken_view)]


@pytest.mark.urls(__name__)
def test_a_server_error_carries_the_policy(commune, settings):
    response = Client(raise_request_exception=False).get("/en-panne/")
    assert response.status_code == 500
    assert parse(response["Permissions-Policy"]) == expected(settings)


def test_an_it_team_adjusts_the_policy_with_the_setting(client, commune, settings):
    settings.PERMISSIONS_POLICY = {**settings.PERMISSIONS_POLICY, "geolocation": ["self"]}
    policy = parse(client.get("/").get("Permissions-Policy"))
    assert policy["geolocation"] == ["self"] and policy["camera"] == []


def test_the_default_denies_every_powerful_feature_the_pages_do_not_use(settings):
    """Bidirectional: a feature whose API a page's script calls (the kit's, Wagtail's
    admin, DSFR's, every installed app's static files and the kit's templates) is allowed
    for the site itself; every other feature is denied."""
    policy = settings.PERMISSIONS_POLICY
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "fullscreen"):
        assert policy[feature] == [], feature
    assert set(FEATURE_APIS) == set(policy), "every feature of the policy has its API here"
    used = {}
    sources = [
        storage.path(path)
        for finder in finders.get_finders()
        for path, storage in finder.list([])
        if path.endswith(".js")
    ]
    sources += [str(p) for p in SRC.rglob("*.html")]
    assert len(sources) > 100
    for source in sources:
        text = Path(source).read_text(encoding="utf-8", errors="replace")
        for feature, api in FEATURE_APIS.items():
            if re.search(api, text):
                used.setdefault(feature, source)
    allowed = {feature for feature, origins in policy.items() if origins}
    assert set(used) == allowed, used
    assert all(policy[feature] == ["self"] for feature in allowed)


def test_nginx_serves_its_files_with_the_same_policy(settings):
    """The generated nginx configuration serves /static/ and /media/ itself: those
    responses carry the policy the site's pages carry."""
    header = PermissionsPolicyMiddleware.compute_header_value(
        settings.PERMISSIONS_POLICY, name="PERMISSIONS_POLICY"
    )
    config = NGINX_TEMPLATE.read_text(encoding="utf-8")
    locations = re.findall(r"location ([^{]+)\{(.*?)\n    \}", config, re.DOTALL)
    served_by_nginx = [(where, body) for where, body in locations if "proxy_pass" not in body]
    assert len(served_by_nginx) == 3
    for where, body in served_by_nginx:
        assert f'add_header Permissions-Policy "{header}" always;' in body, where
