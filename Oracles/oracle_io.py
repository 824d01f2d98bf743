"""What every oracle here shares: the JSON-lines loop, and importing baileys-python's modules.

serve(handle) reads one JSON request per line from stdin and writes handle(request) as one JSON
line to stdout. Any exception becomes {"error": "..."} (with where it was raised) and the loop
keeps serving, so one bad request does not end a test's oracle process.
"""
import importlib.util
import json
import os
import sys
import traceback
import types


def serve(handle):
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            reply = handle(json.loads(line))
        except Exception as exc:  # reported to the test, which decides what it means
            where = traceback.extract_tb(exc.__traceback__)[-1]
            reply = {
                "error": "%s: %s (at %s:%d)"
                % (type(exc).__name__, exc, os.path.basename(where.filename), where.lineno)
            }
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def register_baileys_package():
    """Makes `import baileys.<module>` work without running baileys/__init__.py.

    That __init__ imports a Rust Signal binding which has no wheel for this Python; the codec
    and protobuf modules we use do not need it.
    """
    if "baileys" in sys.modules:
        return
    spec = importlib.util.find_spec("baileys")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("baileys-python is not installed in this environment")
    package = types.ModuleType("baileys")
    package.__path__ = list(spec.submodule_search_locations)
    sys.modules["baileys"] = package
