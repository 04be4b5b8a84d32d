import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _hr_without_second_factor(no_mfa_enforcement):
    """HR accounts need a second factor to open pages; not what these tests are about (the
    second factor has its own tests in tests/lms/test_mfa.py)."""


@pytest.fixture
def english():
    """English, for the tests that assert the English texts (zh-hans is the default); a module
    asks for it with `pytestmark = pytest.mark.usefixtures("english")`."""
    with translation.override("en"):
        yield


@pytest.fixture
def group_robots(settings):
    """DingTalk's and WeCom's group robots, a local HTTP server that keeps every JSON message
    posted to it (what the group chat would show) and answers as the robots do."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    posted: list[dict] = []

    class Robots(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            posted.append({"path": self.path, "json": json.loads(self.rfile.read(length))})
            answer = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Robots)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    settings.LMS_NOTIFY_CHANNELS = ["email", "dingtalk", "wecom"]
    settings.LMS_DINGTALK_WEBHOOK = f"{base}/dingtalk?access_token=robot-token"
    settings.LMS_DINGTALK_SECRET = "SEC-test"
    settings.LMS_WECOM_WEBHOOK = f"{base}/wecom?key=wecom-key"
    yield posted
    server.shutdown()
    server.server_close()
