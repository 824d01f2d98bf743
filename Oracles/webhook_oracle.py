"""A webhook receiver that judges Zapgate's signed deliveries with two verifiers we did not
write into the gateway: the `standardwebhooks` package from PyPI (the Standard Webhooks
reference library, pinned in requirements-events.txt) and the stdlib-only `verify` of
docs/examples/verify_webhook.py, which is what the docs tell integrators to copy.

    .venv-events/bin/python Oracles/webhook_oracle.py whsec_...

Serves HTTP on 127.0.0.1 (a port the system picks) and prints `listening <port>` first. Each
POST, whatever its path, is checked by both verifiers on the bytes as they arrived and answered
204 when both accept, 400 otherwise; one JSON line per request goes to stdout:

    {"id", "type", "seq", "path", "library_ok", "stdlib_ok", "error",
     "webhook_id", "timestamp", "signature", "attempt", "body"}

`id`, `type` and `seq` come from the body (null if it is not a JSON object); `webhook_id`,
`timestamp`, `signature` and `attempt` are the `webhook-*` and `zapgate-attempt` headers and
`body` the body as text, so a test can send a genuine delivery again with one part changed.
`error` is null or what the verifiers said. A tampered request is reported like any other,
with both flags false.
The process ends when its stdin closes (the test that started it went away) or on SIGTERM.
"""
import importlib.util
import json
import pathlib
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook

EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "docs" / "examples" / "verify_webhook.py"


def load_example():
    # Imported by path: docs/examples is not a package, and the file must stay a plain snippet.
    spec = importlib.util.spec_from_file_location("verify_webhook", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.verify


stdlib_verify = load_example()
print_lock = threading.Lock()


def report(line):
    with print_lock:
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()


def judge(secret, headers, body):
    """Runs both verifiers; returns (library_ok, stdlib_ok, errors)."""
    errors = []
    try:
        Webhook(secret).verify(body, headers)
        library_ok = True
    except Exception as exc:  # any refusal or crash counts as "not accepted"
        library_ok = False
        errors.append("standardwebhooks: %s: %s" % (type(exc).__name__, exc))
    try:
        stdlib_verify(secret, headers, body)
        stdlib_ok = True
    except Exception as exc:
        stdlib_ok = False
        errors.append("verify_webhook: %s: %s" % (type(exc).__name__, exc))
    return library_ok, stdlib_ok, errors


class Handler(BaseHTTPRequestHandler):
    # Keep-alive, as the gateway's HTTP client pools connections; every answer has a length.
    protocol_version = "HTTP/1.1"
    secret = ""

    def read_body(self):
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("content-length", "0")))

    def do_POST(self):
        body = self.read_body()
        headers = {name.lower(): value for name, value in self.headers.items()}
        library_ok, stdlib_ok, errors = judge(self.secret, headers, body)
        try:
            event = json.loads(body)
        except ValueError:
            event = None
        if not isinstance(event, dict):
            event = {}
        report(
            {
                "id": event.get("id"),
                "type": event.get("type"),
                "seq": event.get("seq"),
                "path": self.path,
                "library_ok": library_ok,
                "stdlib_ok": stdlib_ok,
                "error": "; ".join(errors) or None,
                "webhook_id": headers.get("webhook-id"),
                "timestamp": headers.get("webhook-timestamp"),
                "signature": headers.get("webhook-signature"),
                "attempt": headers.get("zapgate-attempt"),
                "body": body.decode("utf-8", "replace"),
            }
        )
        status = 204 if library_ok and stdlib_ok else 400
        answer = b"" if status == 204 else ("; ".join(errors)).encode()
        self.send_response(status)
        if status != 204:
            self.send_header("content-type", "text/plain; charset=utf-8")
            self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):
        sys.stderr.write("webhook_oracle: %s\n" % (format % args))


def main():
    if len(sys.argv) != 2 or not sys.argv[1].startswith("whsec_"):
        sys.exit("usage: webhook_oracle.py whsec_<base64 key>")
    Handler.secret = sys.argv[1]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print("listening %d" % server.server_address[1], flush=True)

    def watch_stdin():
        sys.stdin.read()
        server.shutdown()

    threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
