"""A local Brevo: a real HTTP server that answers as Brevo's documented transactional SMS API.

``POST /v3/transactionalSMS/send`` with the ``api-key`` header and a JSON body
``{sender, recipient, content, type}`` (Brevo's reference: sender at most 11 alphanumeric
characters or 15 digits; recipient the mobile number with its country code; type
``transactional`` or ``marketing``) answers 201 ``{"messageId": …}``; a missing or wrong key
401 ``{"code": "unauthorized", "message": "Key not found"}``; a body Brevo would refuse
400 ``{"code": "invalid_parameter", "message": …}``. ``GET /v3/account`` answers 200 with the
account, or 401. ``plan`` forces the next answers' statuses (such as 500 or 402).
"""

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = "xkeysib-0123456789abcdef-local"
SENDER_RE = re.compile(r"^(?:[A-Za-z0-9 ]{1,11}|\d{1,15})$")
RECIPIENT_RE = re.compile(r"^\+?\d{8,15}$")


class FakeBrevo(BaseHTTPRequestHandler):
    server: "FakeBrevoServer"

    def _answer(self, status: int, data: dict | None = None) -> None:
        body = json.dumps(data).encode() if data is not None else b""
        self.send_response(status)
        if data is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _authorised(self) -> bool:
        if self.headers.get("api-key") != API_KEY:
            self._answer(401, {"code": "unauthorized", "message": "Key not found"})
            return False
        return True

    def _planned(self) -> bool:
        if self.server.plan:
            status = self.server.plan.pop(0)
            data = (
                {"code": "not_enough_credits", "message": "Not enough credits"}
                if status == 402
                else None
            )
            if data is None:
                self.send_response(status)
                body = b"<html><body>Service Unavailable</body></html>"
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self._answer(status, data)
            return True
        return False

    def do_GET(self):  # noqa: N802  (http.server's name)
        if self.path != "/v3/account":
            return self._answer(404, {"code": "not_found", "message": "Not found"})
        if not self._authorised() or self._planned():
            return None
        return self._answer(
            200, {"email": "mairie@example.org", "companyName": "Mairie", "plan": []}
        )

    def do_POST(self):  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        self.server.requests.append(
            {"path": self.path, "headers": dict(self.headers), "body": raw.decode()}
        )
        if self.path != "/v3/transactionalSMS/send":
            return self._answer(404, {"code": "not_found", "message": "Not found"})
        if not self._authorised() or self._planned():
            return None
        if not (self.headers.get("Content-Type") or "").startswith("application/json"):
            return self._answer(
                400, {"code": "invalid_parameter", "message": "Content-Type must be JSON"}
            )
        try:
            data = json.loads(raw)
        except ValueError:
            return self._answer(400, {"code": "bad_request", "message": "Invalid JSON"})
        problem = self._problem(data)
        if problem:
            return self._answer(400, {"code": "invalid_parameter", "message": problem})
        self.server.accepted.append(data)
        return self._answer(201, {"messageId": 1511882900176220 + len(self.server.accepted)})

    @staticmethod
    def _problem(data) -> str:
        if not isinstance(data, dict):
            return "Body must be an object"
        for key in ("sender", "recipient", "content"):
            if not isinstance(data.get(key), str) or not data[key]:
                return f"{key} is missing"
        if not SENDER_RE.match(data["sender"]):
            return "sender is invalid"
        if not RECIPIENT_RE.match(data["recipient"]):
            return "recipient is invalid"
        if data.get("type", "transactional") not in ("transactional", "marketing"):
            return "type is invalid"
        if "unicodeEnabled" in data and not isinstance(data["unicodeEnabled"], bool):
            return "unicodeEnabled must be a boolean"
        return ""

    def log_message(self, *args):
        pass


class FakeBrevoServer(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), FakeBrevo)
        self.requests: list[dict] = []  # every POST, as received
        self.accepted: list[dict] = []  # the SMS Brevo would send
        self.plan: list[int] = []  # statuses forced on the next calls
        self.url = f"http://127.0.0.1:{self.server_address[1]}/v3"

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
