"""Binary nodes as a WhatsApp client puts them on the wire, using baileys-python's codec.

baileys/wabinary.py does the encoding and decoding; this module adds what a client needs around
it, without reimplementing the codec:

  * Frame payloads: a flag byte before the node, 0x02 meaning the rest is zlib-compressed.
  * Server-only JIDs. whatsmeow sends `to="s.whatsapp.net"` as a JID, JID_PAIR(LIST_EMPTY,
    token s.whatsapp.net) = fa 00 03, and accepts a server's `from` only in that form. wabinary
    decodes fa 00 03 to the text "@s.whatsapp.net" but encodes that text as a raw string, and
    encodes the bare token text "s.whatsapp.net" as a token (03), neither of which is what
    whatsmeow sends. So `_write_string` is wrapped: text of the form "@server" is written as
    JID_PAIR with an empty user. Only JIDs start with "@" in what our oracles send.
  * Knowing which decoded strings were JIDs. wabinary returns JIDs as plain text; the reader is
    wrapped so they come back as JidText, and a client can insist, as whatsmeow does, that `from`
    and `jid` attributes really are JIDs.
"""
import zlib

from oracle_io import register_baileys_package

register_baileys_package()
from baileys import wabinary  # noqa: E402  (needs the package registered first)

Tag = wabinary.Tag
BinaryNode = wabinary.BinaryNode

SERVER_JID = "@s.whatsapp.net"
JID_TAGS = {Tag.JID_PAIR, Tag.AD_JID, Tag.FB_JID, Tag.INTEROP_JID}
FLAG_COMPRESSED = 0x02


class JidText(str):
    """Text that wabinary's decoder produced from a JID encoding."""


_plain_write_string = wabinary._write_string
_plain_read_string = wabinary._Decoder._read_string


def _write_string(out, value):
    if isinstance(value, str) and len(value) > 1 and value[0] == "@" and "@" not in value[1:]:
        out.append(Tag.JID_PAIR)
        out.append(Tag.LIST_EMPTY)
        _plain_write_string(out, value[1:])
        return
    _plain_write_string(out, value)


def _read_string(self, tag):
    value = _plain_read_string(self, tag)
    return JidText(value) if tag in JID_TAGS else value


# wabinary looks `_write_string` up as a module global on every call (also recursively), so
# replacing the module attribute is enough.
wabinary._write_string = _write_string
wabinary._Decoder._read_string = _read_string


def node(tag, attrs=None, content=None):
    """A node; attributes whose value is None are left out, as both clients do."""
    return BinaryNode(tag, {k: v for k, v in (attrs or {}).items() if v is not None}, content)


def encode_payload(item):
    """The frame payload for a node: flag byte 0x00 (not compressed), then the node."""
    return wabinary.encode_binary_node(item, with_stream_prefix=True)


def decode_payload(payload):
    """The node in a frame payload, inflating it when the flag byte says it is compressed."""
    if not payload:
        raise ValueError("empty frame payload")
    body = payload[1:]
    if payload[0] & FLAG_COMPRESSED:
        body = zlib.decompress(body)
    return wabinary.decode_binary_node(body, has_stream_prefix=False)


def children(item):
    return item.content if isinstance(item.content, list) else []


def child(item, tag):
    """The first child with this tag, or None."""
    for candidate in children(item):
        if candidate.tag == tag:
            return candidate
    return None


def path(item, *tags):
    """Follows a chain of child tags; None when a link is missing."""
    for tag in tags:
        if item is None:
            return None
        item = child(item, tag)
    return item


def is_jid(value, expected=None):
    return isinstance(value, JidText) and (expected is None or value == expected)


def describe(item, depth=0):
    """A one-line XML-ish rendering for logs (bytes shown as their length)."""
    attrs = "".join(' %s="%s"' % (k, v) for k, v in item.attrs.items())
    if isinstance(item.content, list):
        inner = "".join(describe(c, depth + 1) for c in item.content)
        return "<%s%s>%s</%s>" % (item.tag, attrs, inner, item.tag)
    if isinstance(item.content, bytes):
        return "<%s%s>[%d bytes]</%s>" % (item.tag, attrs, len(item.content), item.tag)
    if item.content is None:
        return "<%s%s/>" % (item.tag, attrs)
    return "<%s%s>%s</%s>" % (item.tag, attrs, item.content, item.tag)
