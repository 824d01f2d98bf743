#!/usr/bin/env python3
"""Binary-node oracle: baileys-python's codec (baileys/wabinary.py) behind a JSON-lines protocol.

One request per line on stdin, one reply per line on stdout:

  {"op": "decode", "payloads": [hex, ...]}  -> {"nodes": [tree or {"error": msg}, ...]}
      each payload is a frame payload (flag byte 0x00, then the node), as encode_binary_node
      writes and decode_binary_node reads.
  {"op": "encode", "nodes": [tree, ...]}    -> {"payloads": [hex, ...]}
  {"op": "tokens"}                          -> {"single": [...], "double": [[...], ...]}

Any request may add "reply_file": path; the reply is then written to that file and the line on
stdout is {"reply_file": path}. Tests use it for replies of megabytes (a BINARY_32 node), which
are slow to read back through a pipe line by line.

Tree form (shared with the Swift tests, keeps text, bytes and JIDs apart):

  node    = {"tag": str, "attrs": [[key, value], ...], "content": content}
  value   = {"s": str} | {"jid": jid}
  content = null | {"s": str} | {"jid": jid} | {"bytes": hex} | {"children": [node, ...]}
  jid     = {"user": str, "server": str, "device": int, "agent": int, "integrator": int}

baileys-python keeps attribute values and JIDs as plain strings (`user:device@server`). To tell a
JID from text on decode, its reader is wrapped so that strings read from a JID tag come back
marked; the marked text is then split with baileys' own text conventions. On encode, JIDs are
turned into that text form so that baileys' writer picks the JID encoding by itself.
"""

import json

from oracle_io import register_baileys_package, serve


register_baileys_package()
from baileys import token_loader, wabinary  # noqa: E402  (needs the package registered first)


Tag = wabinary.Tag
JID_TAGS = {Tag.JID_PAIR, Tag.AD_JID, Tag.FB_JID, Tag.INTEROP_JID}


class JidText(str):
    """Text that baileys' decoder produced from a JID encoding."""

    tag = 0


_original_read_string = wabinary._Decoder._read_string


def _marking_read_string(self, tag):
    value = _original_read_string(self, tag)
    if tag in JID_TAGS:
        marked = JidText(value)
        marked.tag = int(tag)
        return marked
    return value


wabinary._Decoder._read_string = _marking_read_string


def jid_from_text(text):
    """Splits baileys' JID text: user[:device]@server, and integrator-user:device@interop."""
    user, _, server = text.rpartition("@")
    device = 0
    integrator = 0
    if ":" in user:
        user, _, device_text = user.rpartition(":")
        device = int(device_text)
    if text.tag == Tag.INTEROP_JID:
        integrator_text, _, user = user.partition("-")
        integrator = int(integrator_text)
    return {"user": user, "server": server, "device": device, "agent": 0, "integrator": integrator}


def jid_to_text(jid):
    """The text baileys' writer turns into the same JID encoding we would choose."""
    user, server = jid["user"], jid["server"]
    device, agent = jid.get("device", 0), jid.get("agent", 0)
    if server in ("hosted", "hosted.lid") or device or agent:
        # A `:device` part is what makes baileys write AD_JID; `_agent` sets its domain byte.
        agent_part = f"_{agent}" if agent else ""
        return f"{user}{agent_part}:{device}@{server}"
    return f"{user}@{server}"


def value_to_json(value):
    if isinstance(value, JidText):
        return {"jid": jid_from_text(value)}
    return {"s": value}


def node_to_json(node):
    content = node.content
    if content is None:
        content_json = None
    elif isinstance(content, bytes):
        content_json = {"bytes": content.hex()}
    elif isinstance(content, list):
        content_json = {"children": [node_to_json(child) for child in content]}
    else:
        content_json = value_to_json(content)
    return {
        "tag": node.tag,
        "attrs": [[key, value_to_json(value)] for key, value in node.attrs.items()],
        "content": content_json,
    }


def value_from_json(value):
    if "jid" in value:
        return jid_to_text(value["jid"])
    return value["s"]


def node_from_json(tree):
    content = tree.get("content")
    if content is None:
        content_value = None
    elif "bytes" in content:
        content_value = bytes.fromhex(content["bytes"])
    elif "children" in content:
        content_value = [node_from_json(child) for child in content["children"]]
    else:
        content_value = value_from_json(content)
    attrs = {key: value_from_json(value) for key, value in tree.get("attrs", [])}
    return wabinary.BinaryNode(tree["tag"], attrs, content_value)


def decode_one(payload_hex):
    try:
        return node_to_json(wabinary.decode_binary_node(bytes.fromhex(payload_hex)))
    except Exception as error:  # a per-item failure, reported in place
        return {"error": f"{type(error).__name__}: {error}"}


def handle(request):
    op = request.get("op")
    if op == "decode":
        return {"nodes": [decode_one(payload) for payload in request["payloads"]]}
    if op == "encode":
        return {"payloads": [wabinary.encode_binary_node(node_from_json(tree)).hex() for tree in request["nodes"]]}
    if op == "tokens":
        tokens = token_loader.load_tokens()
        return {"single": tokens.single_byte_tokens, "double": tokens.double_byte_tokens}
    return {"error": f"unknown op {op!r}"}


def handle_with_reply_file(request):
    reply = handle(request)
    # Very large replies go through a file the test names, rather than one huge line.
    if "reply_file" in request and "error" not in reply:
        with open(request["reply_file"], "w", encoding="utf-8") as file:
            json.dump(reply, file)
        reply = {"reply_file": request["reply_file"]}
    return reply


if __name__ == "__main__":
    serve(handle_with_reply_file)
