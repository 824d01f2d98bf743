"""Schemathesis hooks for APIConformanceTests (named by `hooks` in schemathesis.toml).

The gateway fetches the `url` of a media message and POSTs events to the `url` of a webhook.
Schemathesis fills those fields with whatever the schema allows, public hosts included, and
the test must reach no host but 127.0.0.1. So, right before each request goes out, every
`url` string in the body that could name a host (it has a colon, so it may carry a scheme) is
replaced with the receiver the test runs on 127.0.0.1 (ZAPGATE_LOOPBACK_URL), which answers
at once (a port where nothing listens would make each test ping wait out the gateway's
timeout). Strings without a colon are left alone, so the gateway's refusal of a relative or
garbled URL is still tested.
"""

import os

import schemathesis

# Without the variable: port 9 (discard) on loopback, not served on a test machine.
LOOPBACK_URL = os.environ.get("ZAPGATE_LOOPBACK_URL", "http://127.0.0.1:9/zapgate-conformance")


def _confine(value):
    if isinstance(value, dict):
        return {
            key: (LOOPBACK_URL if key == "url" and isinstance(item, str) and ":" in item else _confine(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_confine(item) for item in value]
    return value


@schemathesis.hook
def before_call(context, case, **kwargs):
    if isinstance(case.body, (dict, list)):
        case.body = _confine(case.body)
