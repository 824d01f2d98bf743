"""Checks a Zapgate webhook with nothing but the Python 3 standard library.

Zapgate signs each delivery the Standard Webhooks way: `webhook-signature` holds one or more
space-separated `v1,<base64>` entries, each an HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.`
followed by the raw body, keyed with the bytes of the secret (the base64 after `whsec_`).
Verify the body exactly as it arrived, before any JSON parsing or re-encoding.
"""

import base64
import hashlib
import hmac
import json
import time


def verify(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> dict:
    """Returns the event as a dict, or raises ValueError if the request is not genuine."""
    headers = {name.lower(): value for name, value in headers.items()}
    event_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    if not event_id or not timestamp.isdigit():
        raise ValueError("missing or malformed webhook-id or webhook-timestamp")
    # An old (or future) timestamp is refused so a captured request cannot be replayed later.
    if abs(time.time() - int(timestamp)) > tolerance:
        raise ValueError("timestamp outside the tolerance")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{event_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    # Several entries appear while a secret is being rotated; any one matching is enough.
    for entry in headers.get("webhook-signature", "").split():
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode(), expected):
            return json.loads(body)
    raise ValueError("no valid signature")


if __name__ == "__main__":
    # A round trip with a made-up key: sign a body as Zapgate does, then check it.
    key = bytes(range(32))
    secret = "whsec_" + base64.b64encode(key).decode()
    event_id = "3f2b8a4e-5d1c-4f7a-9b2e-1c0d6e8f9a7b:1"
    body = b'{"id":"%s","seq":1,"type":"instance.status","data":{}}' % event_id.encode()
    now = str(int(time.time()))
    mac = hmac.new(key, f"{event_id}.{now}.".encode() + body, hashlib.sha256).digest()
    headers = {
        "Webhook-Id": event_id,
        "Webhook-Timestamp": now,
        "Webhook-Signature": "v1," + base64.b64encode(mac).decode(),
    }
    print(verify(secret, headers, body)["type"])  # instance.status
    try:
        verify(secret, headers, body.replace(b'"seq":1', b'"seq":2'))
    except ValueError as error:
        print("tampered body refused:", error)  # no valid signature
