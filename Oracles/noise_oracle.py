#!/usr/bin/env python3
"""Noise oracle: WhatsApp's Noise_XX_25519_AESGCM_SHA256 handshake over a WebSocket, built on
dissononce, so our Swift implementation can be checked against code we did not write.

Two roles, each on 127.0.0.1 only:

  serve   [--root-private HEX] [--greetings N] [--chop] [--stall] [--expired] [--tamper]
      A responder (WhatsApp's chat server). Prints {"ready": true, "port": P, "root_public": HEX}.
      For every connection it reads the intro header (and an optional edge-routing prefix), answers
      ClientHello with its ephemeral, its static key and a CertChain signed by its root, reads
      ClientFinish, decodes the ClientPayload by hand, then sends N greeting frames and echoes every
      frame it receives as b"echo:" + frame. A frame reading b"close" makes it close the socket.
      After each connection it prints {"event": "session", ...} describing what it saw.
      --chop sends ServerHello split across two WebSocket messages (the split falls inside the
      length prefix) and the greetings merged into a single message. --stall reads ClientHello and
      never answers (for handshake timeouts). --expired presents a chain whose validity ended.
      --tamper flips a bit in the last greeting's ciphertext.

  vectors
      No network: reads JSON requests on stdin, one a line, each fixing every key of a handshake
      ({"initiator_ephemeral", "noise_key", "responder_ephemeral", "responder_static",
      "cert_chain", "client_payload", "client_frames", "server_frames"}, all hex), and answers
      with the exact bytes dissononce produces: {"client_hello", "server_hello", "client_finish",
      "client_transport", "server_transport", "handshake_hash"}.

  connect --port P --root-public HEX [--frames N] [--expect K] [--routing-info HEX] [--path PATH]
          [--stall]
      An initiator (the web client). Completes the handshake, verifies the server's certificate
      chain the way whatsmeow's verifyServerCert does, sends N frames b"frame-<i>", reads K frames
      and prints {"ok": true, "server_static": HEX, "received": [HEX, ...]} (or {"ok": false,
      "error": "..."}) before exiting. --stall sends nothing after connecting and reports
      {"ok": true, "closed_after": SECONDS, "close_code": N} once the server gives up.

WhatsApp deviates from the Noise specification in one place: a payload is never MixHash-ed while
no cipher key is set. dissononce hashes it anyway, so WASymmetricState skips the hash in both
encrypt_and_hash and decrypt_and_hash while the cipher state has no key. Protobufs are encoded and
decoded by hand below, so nothing here shares code with the Swift side.
"""

import argparse
import asyncio
import json
import os
import sys
import threading
import time

import axolotl_curve25519 as curve
from dissononce.cipher.aesgcm import AESGCMCipher
from dissononce.dh.keypair import KeyPair
from dissononce.dh.private import PrivateKey
from dissononce.dh.x25519.x25519 import X25519DH
from dissononce.hash.sha256 import SHA256Hash
from dissononce.processing.handshakepatterns.interactive.XX import XXHandshakePattern
from dissononce.processing.impl.cipherstate import CipherState
from dissononce.processing.impl.handshakestate import HandshakeState
from dissononce.processing.impl.symmetricstate import SymmetricState
from websockets.asyncio.client import connect as ws_connect
from websockets.asyncio.server import serve as ws_serve
from websockets.exceptions import ConnectionClosed

WA_HEADER = b"WA\x06\x03"
EDGE_PREFIX = b"ED\x00\x01"
ORIGIN = "https://web.whatsapp.com"
TIMEOUT = 20.0


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


# ---------------------------------------------------------------- protobuf, by hand


def put_varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field_varint(number, value):
    return put_varint(number << 3 | 0) + put_varint(value)


def field_bytes(number, value):
    return put_varint(number << 3 | 2) + put_varint(len(value)) + value


def read_varint(data, pos):
    shift = 0
    value = 0
    while True:
        if pos >= len(data):
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def parse_message(data):
    """Returns {field_number: [value, ...]}: ints for varints and fixed ints, bytes for LEN."""
    fields = {}
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ValueError("field number 0")
        if wire == 0:
            value, pos = read_varint(data, pos)
        elif wire == 1:
            if pos + 8 > len(data):
                raise ValueError("truncated fixed64")
            value = int.from_bytes(data[pos:pos + 8], "little")
            pos += 8
        elif wire == 2:
            length, pos = read_varint(data, pos)
            if pos + length > len(data):
                raise ValueError("truncated length-delimited field")
            value = bytes(data[pos:pos + length])
            pos += length
        elif wire == 5:
            if pos + 4 > len(data):
                raise ValueError("truncated fixed32")
            value = int.from_bytes(data[pos:pos + 4], "little")
            pos += 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        fields.setdefault(number, []).append(value)
    return fields


def last(fields, number, default=None):
    values = fields.get(number)
    return values[-1] if values else default


# HandshakeMessage: clientHello=2, serverHello=3, clientFinish=4.
# ClientHello/ServerHello: ephemeral=1, static=2, payload=3. ClientFinish: static=1, payload=2.


def client_hello(ephemeral):
    return field_bytes(2, field_bytes(1, ephemeral))


def server_hello(ephemeral, static, payload):
    return field_bytes(3, field_bytes(1, ephemeral) + field_bytes(2, static) + field_bytes(3, payload))


def client_finish(static, payload):
    return field_bytes(4, field_bytes(1, static) + field_bytes(2, payload))


def cert_details(serial, issuer_serial, key, not_before, not_after):
    return (field_varint(1, serial) + field_varint(2, issuer_serial) + field_bytes(3, key)
            + field_varint(4, not_before) + field_varint(5, not_after))


def noise_certificate(details, signature):
    return field_bytes(1, details) + field_bytes(2, signature)


def cert_chain(leaf, intermediate):
    return field_bytes(1, leaf) + field_bytes(2, intermediate)


def sample_client_payload():
    """A login ClientPayload: username, passive, userAgent{platform=WEB, appVersion, device},
    connectType=WIFI_UNKNOWN, connectReason=USER_ACTIVATED, device=3, pull=true."""
    app_version = field_varint(1, 2) + field_varint(2, 3000) + field_varint(3, 1045649367)
    user_agent = field_varint(1, 14) + field_bytes(2, app_version) + field_bytes(7, b"Desktop")
    return (field_varint(1, 15551234567) + field_varint(3, 1) + field_bytes(5, user_agent)
            + field_varint(12, 1) + field_varint(13, 1) + field_varint(18, 3) + field_varint(33, 1))


def describe_client_payload(data):
    fields = parse_message(data)
    described = {
        "username": last(fields, 1),
        "passive": last(fields, 3),
        "connect_type": last(fields, 12),
        "connect_reason": last(fields, 13),
        "device": last(fields, 18),
        "pull": last(fields, 33),
    }
    user_agent = last(fields, 5)
    if user_agent is not None:
        described["platform"] = last(parse_message(user_agent), 1)
    return described


# ---------------------------------------------------------------- keys and signatures


def clamp(private):
    key = bytearray(private)
    key[0] &= 248
    key[31] &= 127
    key[31] |= 64
    return bytes(key)


def public_of(private):
    return curve.generatePublicKey(bytes(clamp(private)))


def sign(private, message):
    return curve.calculateSignature(os.urandom(64), clamp(private), message)


def verify(public, message, signature):
    return curve.verifySignature(public, message, signature) == 0


def keypair(private):
    return X25519DH().generate_keypair(PrivateKey(clamp(private)))


# ---------------------------------------------------------------- WhatsApp's symmetric state


class WASymmetricState(SymmetricState):
    """dissononce's symmetric state, minus the MixHash of payloads while no key is set."""

    def encrypt_and_hash(self, plaintext):
        if not self.cipherstate_has_key():
            return plaintext
        return super().encrypt_and_hash(plaintext)

    def decrypt_and_hash(self, ciphertext):
        if not self.cipherstate_has_key():
            return ciphertext
        return super().decrypt_and_hash(ciphertext)


class FixedEphemeralDH(X25519DH):
    """X25519 whose "generated" ephemeral key is the one a test vector fixes."""

    def __init__(self, ephemeral_private):
        super().__init__()
        self.ephemeral_private = ephemeral_private

    def generate_keypair(self, privatekey=None):
        if privatekey is None:
            privatekey = PrivateKey(clamp(self.ephemeral_private))
        return super().generate_keypair(privatekey)


def new_handshake(initiator, static, dh=None):
    state = HandshakeState(WASymmetricState(CipherState(AESGCMCipher()), SHA256Hash()), dh or X25519DH())
    # dissononce derives "Noise_XX_25519_AESGCM_SHA256" and pads it with zeros to 32 bytes, which
    # is exactly WhatsApp's name with its four NULs.
    state.initialize(XXHandshakePattern(), initiator, WA_HEADER, s=static)
    assert state.protocol_name == "Noise_XX_25519_AESGCM_SHA256"
    return state


# ---------------------------------------------------------------- framing


def frame(payload):
    if len(payload) >= 1 << 24:
        raise ValueError("frame too large")
    return len(payload).to_bytes(3, "big") + payload


class FrameReader:
    """Buffers WebSocket messages and yields whole length-prefixed frames."""

    def __init__(self, ws, expect_intro):
        self.ws = ws
        self.buffer = b""
        self.expect_intro = expect_intro
        self.routing_info = None

    async def fill(self, count):
        while len(self.buffer) < count:
            message = await asyncio.wait_for(self.ws.recv(), TIMEOUT)
            if isinstance(message, str):
                continue  # binary only, like whatsmeow
            self.buffer += message

    def take(self, count):
        out, self.buffer = self.buffer[:count], self.buffer[count:]
        return out

    async def read_intro(self):
        await self.fill(4)
        if self.buffer[:4] == EDGE_PREFIX:
            self.take(4)
            await self.fill(3)
            length = int.from_bytes(self.take(3), "big")
            await self.fill(length)
            self.routing_info = self.take(length)
            await self.fill(4)
        header = self.take(4)
        if header != WA_HEADER:
            raise ValueError("bad intro header %s" % header.hex())

    async def next(self):
        if self.expect_intro:
            self.expect_intro = False
            await self.read_intro()
        await self.fill(3)
        length = int.from_bytes(self.buffer[:3], "big")
        await self.fill(3 + length)
        self.take(3)
        return self.take(length)


# ---------------------------------------------------------------- certificate chain


class CertError(Exception):
    pass


def check_validity(details, now, which):
    not_before, not_after = last(details, 4, 0), last(details, 5, 0)
    if now < not_before:
        raise CertError("%s certificate not valid yet" % which)
    if now > not_after:
        raise CertError("%s certificate expired" % which)


def verify_chain(chain_bytes, server_static, root_public, now):
    """The checks of whatsmeow's verifyServerCert, in its order."""
    try:
        chain = parse_message(chain_bytes)
        leaf = parse_message(last(chain, 1, b""))
        intermediate = parse_message(last(chain, 2, b""))
    except ValueError as error:
        raise CertError("malformed chain: %s" % error)
    inter_details, inter_sig = last(intermediate, 1), last(intermediate, 2)
    leaf_details, leaf_sig = last(leaf, 1), last(leaf, 2)
    if None in (inter_details, inter_sig, leaf_details, leaf_sig):
        raise CertError("missing parts of noise certificate")
    if len(inter_sig) != 64:
        raise CertError("intermediate signature length %d" % len(inter_sig))
    if len(leaf_sig) != 64:
        raise CertError("leaf signature length %d" % len(leaf_sig))
    if not verify(root_public, inter_details, inter_sig):
        raise CertError("intermediate signature invalid")
    inter = parse_message(inter_details)
    if last(inter, 2, 0) != 0:
        raise CertError("intermediate issuer serial %d" % last(inter, 2, 0))
    inter_key = last(inter, 3, b"")
    if len(inter_key) != 32:
        raise CertError("intermediate key length %d" % len(inter_key))
    if not verify(inter_key, leaf_details, leaf_sig):
        raise CertError("leaf signature invalid")
    check_validity(inter, now, "intermediate")
    leaf_fields = parse_message(leaf_details)
    if last(leaf_fields, 2, 0) != last(inter, 1, 0):
        raise CertError("leaf issuer serial %d, intermediate serial %d"
                        % (last(leaf_fields, 2, 0), last(inter, 1, 0)))
    if last(leaf_fields, 3, b"") != server_static:
        raise CertError("leaf key does not match server static key")
    check_validity(leaf_fields, now, "leaf")


def issue_chain(root_private, server_static, expired=False):
    now = int(time.time()) - (30 * 86400 if expired else 0)
    intermediate = keypair(os.urandom(32))
    inter_serial = int.from_bytes(os.urandom(2), "big") + 1
    inter_details = cert_details(inter_serial, 0, intermediate.public.data, now - 3600, now + 86400)
    leaf_details = cert_details(inter_serial + 1, inter_serial, server_static, now - 3600, now + 86400)
    return cert_chain(
        noise_certificate(leaf_details, sign(intermediate.private.data, leaf_details)),
        noise_certificate(inter_details, sign(root_private, inter_details)),
    )


# ---------------------------------------------------------------- responder


async def serve_connection(ws, root_private, greetings, chop, stall, expired, tamper):
    report = {"event": "session", "ok": False, "origin": ws.request.headers.get("Origin"),
              "path": ws.request.path, "received": []}
    try:
        reader = FrameReader(ws, expect_intro=True)
        static = keypair(os.urandom(32))
        state = new_handshake(False, static)

        hello = parse_message(await reader.next())
        ephemeral = last(parse_message(last(hello, 2, b"")), 1, b"")
        if len(ephemeral) != 32:
            raise ValueError("ClientHello ephemeral is %d bytes" % len(ephemeral))
        state.read_message(ephemeral, bytearray())
        if stall:
            await ws.wait_closed()
            raise ValueError("stalled until the client closed")

        message = bytearray()
        state.write_message(issue_chain(root_private, static.public.data, expired), message)
        message = bytes(message)
        reply = frame(server_hello(message[:32], message[32:80], message[80:]))
        if chop:
            await ws.send(reply[:2])
            await ws.send(reply[2:])
        else:
            await ws.send(reply)

        finish = parse_message(last(parse_message(await reader.next()), 4, b""))
        enc_static, enc_payload = last(finish, 1, b""), last(finish, 2, b"")
        payload = bytearray()
        # Split gives the initiator-to-responder cipher first.
        receive, send = state.read_message(enc_static + enc_payload, payload)
        payload = bytes(payload)
        report.update({
            "client_static": state.rs.data.hex(),
            "client_payload": payload.hex(),
            "client_payload_fields": describe_client_payload(payload),
            "routing_info": reader.routing_info.hex() if reader.routing_info is not None else None,
        })

        sealed = [send.encrypt_with_ad(b"", b"greeting-%d" % i) for i in range(greetings)]
        if tamper and sealed:
            sealed[-1] = sealed[-1][:-1] + bytes([sealed[-1][-1] ^ 0x01])
        outgoing = [frame(item) for item in sealed]
        if chop and outgoing:
            await ws.send(b"".join(outgoing))
        else:
            for item in outgoing:
                await ws.send(item)

        while True:
            try:
                ciphertext = await reader.next()
            except ConnectionClosed:
                break
            data = receive.decrypt_with_ad(b"", ciphertext)
            report["received"].append(data.hex())
            if data == b"close":
                await ws.close()
                break
            await ws.send(frame(send.encrypt_with_ad(b"", b"echo:" + data)))
        report["ok"] = True
    except Exception as error:
        report["error"] = "%s: %s" % (type(error).__name__, error)
    emit(report)


async def run_serve(args):
    root_private = bytes.fromhex(args.root_private) if args.root_private else os.urandom(32)
    root_public = public_of(root_private)

    async def handler(ws):
        await serve_connection(ws, root_private, args.greetings, args.chop, args.stall, args.expired, args.tamper)

    async with ws_serve(handler, "127.0.0.1", args.port, max_size=None, compression=None) as server:
        port = server.sockets[0].getsockname()[1]
        emit({"ready": True, "port": port, "root_public": root_public.hex()})
        await asyncio.Future()


# ---------------------------------------------------------------- initiator


async def run_connect(args):
    root_public = bytes.fromhex(args.root_public)
    routing = bytes.fromhex(args.routing_info) if args.routing_info else None
    url = "ws://127.0.0.1:%d%s" % (args.port, args.path)
    result = {"ok": False, "received": []}
    try:
        async with ws_connect(url, origin=ORIGIN, max_size=None, compression=None,
                              open_timeout=TIMEOUT, proxy=None) as ws:  # never through a proxy
            if args.stall:
                started = time.monotonic()
                await asyncio.wait_for(ws.wait_closed(), TIMEOUT)
                result.update({"ok": True, "closed_after": time.monotonic() - started,
                               "close_code": ws.close_code})
                emit(result)
                return
            reader = FrameReader(ws, expect_intro=False)
            noise_key = keypair(os.urandom(32))
            state = new_handshake(True, noise_key)

            message = bytearray()
            state.write_message(b"", message)
            intro = WA_HEADER
            if routing is not None:
                intro = EDGE_PREFIX + len(routing).to_bytes(3, "big") + routing + WA_HEADER
            await ws.send(intro + frame(client_hello(bytes(message))))

            hello = parse_message(last(parse_message(await reader.next()), 3, b""))
            ephemeral, enc_static, enc_payload = last(hello, 1), last(hello, 2), last(hello, 3)
            if ephemeral is None or len(ephemeral) != 32 or enc_static is None or enc_payload is None:
                raise ValueError("missing parts of ServerHello")
            chain = bytearray()
            state.read_message(ephemeral + enc_static + enc_payload, chain)
            server_static = state.rs.data
            verify_chain(bytes(chain), server_static, root_public, int(time.time()))
            result["server_static"] = server_static.hex()

            message = bytearray()
            send, receive = state.write_message(sample_client_payload(), message)
            message = bytes(message)
            await ws.send(frame(client_finish(message[:48], message[48:])))
            result["client_static"] = noise_key.public.data.hex()

            for i in range(args.frames):
                await ws.send(frame(send.encrypt_with_ad(b"", b"frame-%d" % i)))
            for _ in range(args.expect):
                result["received"].append(receive.decrypt_with_ad(b"", await reader.next()).hex())
            result["ok"] = True
    except CertError as error:
        result["error"] = "cert: %s" % error
    except Exception as error:
        result["error"] = "%s: %s" % (type(error).__name__, error)
    emit(result)


# ---------------------------------------------------------------- known-answer vectors


def handshake_vector(request):
    def key(name):
        return bytes.fromhex(request[name])

    initiator = new_handshake(True, keypair(key("noise_key")), FixedEphemeralDH(key("initiator_ephemeral")))
    responder = new_handshake(False, keypair(key("responder_static")), FixedEphemeralDH(key("responder_ephemeral")))

    first = bytearray()
    initiator.write_message(b"", first)
    responder.read_message(bytes(first), bytearray())

    second = bytearray()
    responder.write_message(key("cert_chain"), second)
    second = bytes(second)
    chain = bytearray()
    initiator.read_message(second, chain)
    assert bytes(chain) == key("cert_chain")

    third = bytearray()
    client_send, client_receive = initiator.write_message(key("client_payload"), third)
    third = bytes(third)
    payload = bytearray()
    server_receive, server_send = responder.read_message(third, payload)
    assert bytes(payload) == key("client_payload")

    client_transport = [client_send.encrypt_with_ad(b"", bytes.fromhex(f)) for f in request["client_frames"]]
    server_transport = [server_send.encrypt_with_ad(b"", bytes.fromhex(f)) for f in request["server_frames"]]
    for sealed, plain in zip(client_transport, request["client_frames"]):
        assert server_receive.decrypt_with_ad(b"", sealed).hex() == plain
    for sealed, plain in zip(server_transport, request["server_frames"]):
        assert client_receive.decrypt_with_ad(b"", sealed).hex() == plain

    assert initiator.symmetricstate.get_handshake_hash() == responder.symmetricstate.get_handshake_hash()
    return {
        "client_hello": client_hello(bytes(first)).hex(),
        "server_hello": server_hello(second[:32], second[32:80], second[80:]).hex(),
        "client_finish": client_finish(third[:48], third[48:]).hex(),
        "client_transport": [item.hex() for item in client_transport],
        "server_transport": [item.hex() for item in server_transport],
        "handshake_hash": initiator.symmetricstate.get_handshake_hash().hex(),
    }


def run_vectors():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            emit(handshake_vector(json.loads(line)))
        except Exception as error:
            emit({"error": "%s: %s" % (type(error).__name__, error)})


# ---------------------------------------------------------------- entry


def exit_when_stdin_closes():
    # The Swift test owns this process: when it closes our stdin, we are done.
    def watch():
        try:
            while sys.stdin.buffer.read(1):
                pass
        finally:
            os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    roles = parser.add_subparsers(dest="role", required=True)
    serve = roles.add_parser("serve")
    serve.add_argument("--port", type=int, default=0)
    serve.add_argument("--root-private")
    serve.add_argument("--greetings", type=int, default=2)
    serve.add_argument("--chop", action="store_true")
    serve.add_argument("--stall", action="store_true")
    serve.add_argument("--expired", action="store_true")
    serve.add_argument("--tamper", action="store_true")
    client = roles.add_parser("connect")
    client.add_argument("--port", type=int, required=True)
    client.add_argument("--root-public", required=True)
    client.add_argument("--frames", type=int, default=3)
    client.add_argument("--expect", type=int, default=3)
    client.add_argument("--routing-info")
    client.add_argument("--path", default="/ws/chat")
    client.add_argument("--stall", action="store_true")
    roles.add_parser("vectors")
    args = parser.parse_args()

    if args.role == "vectors":
        run_vectors()
        return
    exit_when_stdin_closes()
    if args.role == "serve":
        asyncio.run(run_serve(args))
    else:
        asyncio.run(run_connect(args))
        # Leave without joining the stdin watcher, which may hold the stdin lock.
        os._exit(0)


if __name__ == "__main__":
    main()
