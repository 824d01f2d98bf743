#!/usr/bin/env python3
"""Companion-client oracle: links to a WhatsApp server the way whatsmeow and Baileys do, built
only on code we did not write (dissononce for Noise, axolotl_curve25519 for X25519 and XEdDSA,
`cryptography` for HMAC/HKDF/PBKDF2/AES, baileys-python's wabinary for binary nodes, websockets),
so our simulator's pairing and login can be judged by an independent client.

  link  --url ws://127.0.0.1:PORT/ws/chat --root-public HEX [--pair-phone DIGITS]
        [--prekeys N] [--state FILE] [--wait SECONDS] [--linger SECONDS] [--ca-file PEM]
      Registers a new device: Noise handshake with a registration ClientPayload, then either
      prints the QR string of the first <ref> (the test scans it) or, with --pair-phone, asks for
      a pairing code and completes the code exchange once the phone has entered it. Verifies
      pair-success as whatsmeow does, answers with pair-device-sign, expects the 515 restart,
      logs in again with the same noise key and runs the after-login sequence.
  login --url ... --root-public HEX --state FILE [--prekeys N] [--linger SECONDS] [--ca-file PEM]
      Logs in a device linked earlier (its keys and JID from --state) and runs the same
      after-login sequence.
  --linger keeps the logged-in connection open that long after "done" (answering the server as
  before), so a test can look at the device while it is online or have the phone remove it; a
  stream error, <failure> or close in that time ends the run with an error event.
  A wss:// URL is dialled over TLS with the certificate and the host name both verified: against
  only the CA certificates in --ca-file when it is given (a test's self-signed certificate),
  otherwise against the system's default trust store. --ca-file with a ws:// URL is refused.
  --commands (link and login) turns the oracle into a messaging client once it is logged in
  (companion_messaging.py): messages and receipts are handled from <success> on, and after
  "done" it reads one JSON command per line on stdin, one at a time, until stdin closes (then it
  exits with status 0; --linger is not used):
      {"cmd": "send", "to": "PN@s.whatsapp.net" | "LID@lid", "text": T [, "id": ID] [, "ref": R]}
      {"cmd": "send_group", "to": "GROUP@g.us", "text": T [, "id": ID] [, "ref": R]}
  each answered with "sent" once the server acked the message, or "command_failed"; "ref" is
  echoed in the answer. Uploaded one-time prekeys keep their private halves in --state.
  selftest
      No network: checks the pieces above against each other and against `cryptography`
      (pairing-code wrapping, X25519, ADV verification, node encodings, ClientPayload layout),
      and the messaging pieces (padding, message fields, axolotl sessions from our own keys).

Output is one JSON object per line on stdout:
  {"event": "qr", "qr": "https://wa.me/settings/linked_devices#ref,noise,identity,adv,1"}
  {"event": "pairing_code", "code": "XXXX-XXXX", "ref": HEX}
  {"event": "paired", "jid", "lid", "platform", "key_index", "account_signature_key"}
  {"event": "restart"}
  {"event": "connected", "lid", "t"}
  {"event": "prekey_count", "stage": "before"|"after", "count": N}
  {"event": "done", "prekey_count_before": N, "prekey_count_after": N}
  with --commands:
  {"event": "sent", "id", "to" (the LID or group), "chat", "devices", "pkmsg" (devices sent a
     prekey message), "new_sessions", "t" [, "members"]}
  {"event": "command_failed", "cmd", "reason" [, ...]}     (ack-error with "code", ack-timeout,
     no-such-user, no-lid, no-bundle, iq-error …; the oracle keeps running)
  {"event": "message", "id", "from", "chat", "sender", "sender_pn", "participant_pn", "group",
     "from_me", "type", "offline", "t", "enc" (types), "device_identity", "sender_key", "text",
     "fields" ({number: [values, bytes as hex]}), "raw" (the unpadded Message, hex), "failures"}
     once per message (a redelivery is receipted again, not reported again)
  {"event": "receipt", "ids", "from", "participant", "recipient", "type"}
  {"event": "decrypt_failed", "id", "from", "sender", "count", "failures"}   (a retry receipt
     was sent)
  {"event": "message_error" | "handler_error" | "bundle_error", ...}
  {"event": "error", "reason": "..."}                      (then exit status 1)
     reason "failure" carries the <failure> reason as "code" (a refused login: 401 when the
     device was removed); reason "stream-error" carries "code" and the <conflict> "type" as
     "conflict" (device_removed, replaced); reason "tls-verification" carries the verifier's
     message as "detail" (the server's certificate is not trusted or does not name the host).
Diagnostics, including every node received, go to stderr.

Every IQ we send must be answered with type="result" within 10 s; server IQs get a result and
server notifications an <ack>, as whatsmeow answers them. Only loopback hosts are accepted.
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import ssl
import stat
import sys
import threading
import time
from urllib.parse import urlparse

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed

import axolotl_curve25519 as curve
from noise_oracle import (ORIGIN, exit_when_stdin_closes, WA_HEADER, CertError, FrameReader, clamp, client_finish,
                          client_hello, emit, field_bytes, field_varint, frame, keypair, last,
                          new_handshake, parse_message, public_of, sign, verify, verify_chain)
from companion_messaging import Messenger, selftest_checks as messaging_checks
from wa_node import (SERVER_JID, child, children, decode_payload, describe, encode_payload,
                     is_jid, node, path)

IQ_TIMEOUT = 10.0
WA_VERSION = (2, 3000, 1045649367)
MIN_PREKEY_COUNT = 5
DJB_TYPE = 0x05

# ADV prefixes (whatsmeow pair.go): account signature, device signature, hosted account.
ADV_ACCOUNT_PREFIX = b"\x06\x00"
ADV_DEVICE_PREFIX = b"\x06\x01"
ADV_HOSTED_ACCOUNT_PREFIX = b"\x06\x05"
ADV_HOSTED = 1

PAIR_CODE_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTVWXYZ"
PAIR_CODE_ITERATIONS = 2 << 16
PAIR_PLATFORM_ID = "1"  # Chrome, matching DeviceProps.platformType below
PAIR_PLATFORM_DISPLAY = "Chrome (Linux)"


def log(message):
    sys.stderr.write("[companion] %s\n" % message)
    sys.stderr.flush()


class OracleFailure(Exception):
    """Ends the run with {"event": "error", "reason": ...}."""

    def __init__(self, reason, **details):
        super().__init__(reason)
        self.reason = reason
        self.details = details


# ---------------------------------------------------------------- keys


def new_private():
    return clamp(os.urandom(32))


def agree(private, public):
    return curve.calculateAgreement(clamp(private), public)


class DeviceKeys:
    """What a companion keeps across connections (whatsmeow's store.Device, reduced)."""

    def __init__(self):
        self.noise_private = new_private()
        self.identity_private = new_private()
        self.adv_secret = os.urandom(32)
        self.registration_id = int.from_bytes(os.urandom(4), "big")
        self.signed_prekey_id = 1
        self.signed_prekey_private = new_private()
        self.signed_prekey_signature = sign(self.identity_private, bytes([DJB_TYPE]) + self.signed_prekey_public)
        self.next_prekey_id = 1
        self.prekeys = {}  # one-time prekeys uploaded and not yet used: id (text) -> private hex
        self.jid = None
        self.lid = None
        self.platform = None
        self.account = None

    @property
    def noise_public(self):
        return public_of(self.noise_private)

    @property
    def identity_public(self):
        return public_of(self.identity_private)

    @property
    def signed_prekey_public(self):
        return public_of(self.signed_prekey_private)

    def to_json(self):
        return {
            "noise_private": self.noise_private.hex(),
            "identity_private": self.identity_private.hex(),
            "adv_secret": self.adv_secret.hex(),
            "registration_id": self.registration_id,
            "signed_prekey": {"id": self.signed_prekey_id, "private": self.signed_prekey_private.hex(),
                              "signature": self.signed_prekey_signature.hex()},
            "next_prekey_id": self.next_prekey_id,
            "prekeys": self.prekeys,
            "jid": self.jid,
            "lid": self.lid,
            "platform": self.platform,
            "account": self.account.hex() if self.account else None,
        }

    @classmethod
    def from_json(cls, data):
        keys = cls.__new__(cls)
        keys.noise_private = bytes.fromhex(data["noise_private"])
        keys.identity_private = bytes.fromhex(data["identity_private"])
        keys.adv_secret = bytes.fromhex(data["adv_secret"])
        keys.registration_id = data["registration_id"]
        keys.signed_prekey_id = data["signed_prekey"]["id"]
        keys.signed_prekey_private = bytes.fromhex(data["signed_prekey"]["private"])
        keys.signed_prekey_signature = bytes.fromhex(data["signed_prekey"]["signature"])
        keys.next_prekey_id = data["next_prekey_id"]
        keys.prekeys = dict(data.get("prekeys") or {})
        keys.jid = data.get("jid")
        keys.lid = data.get("lid")
        keys.platform = data.get("platform")
        keys.account = bytes.fromhex(data["account"]) if data.get("account") else None
        return keys

    def save(self, path):
        if not path:
            return
        temporary = path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(self.to_json(), file, indent=1)
        os.replace(temporary, path)


# ---------------------------------------------------------------- ClientPayload, by hand
# Field numbers: protocol.md §2.5 (WAWebProtobufsWa6 / WACompanionReg).


def version_string():
    return ".".join(str(part) for part in WA_VERSION)


def app_version():
    return field_varint(1, WA_VERSION[0]) + field_varint(2, WA_VERSION[1]) + field_varint(3, WA_VERSION[2])


def user_agent():
    return (field_varint(1, 14)  # platform WEB
            + field_bytes(2, app_version())
            + field_bytes(3, b"000") + field_bytes(4, b"000")  # mcc, mnc
            + field_bytes(5, b"0.1") + field_bytes(6, b"") + field_bytes(7, b"Desktop")
            + field_bytes(8, b"0.1")
            + field_varint(10, 0)  # releaseChannel RELEASE
            + field_bytes(11, b"en") + field_bytes(12, b"US"))


def web_info():
    return field_varint(4, 0)  # webSubPlatform WEB_BROWSER


def device_props():
    version = field_varint(1, 0) + field_varint(2, 1) + field_varint(3, 0)
    history = field_varint(3, 10240) + field_varint(4, 1) + field_varint(6, 1)
    return (field_bytes(1, b"zapgate-oracle") + field_bytes(2, version)
            + field_varint(3, 1)  # platformType CHROME
            + field_varint(4, 0)  # requireFullSync
            + field_bytes(5, history))


def registration_payload(keys):
    pairing = (field_bytes(1, keys.registration_id.to_bytes(4, "big"))
               + field_bytes(2, bytes([DJB_TYPE]))
               + field_bytes(3, keys.identity_public)
               + field_bytes(4, keys.signed_prekey_id.to_bytes(3, "big"))
               + field_bytes(5, keys.signed_prekey_public)
               + field_bytes(6, keys.signed_prekey_signature)
               + field_bytes(7, hashlib.md5(version_string().encode()).digest())
               + field_bytes(8, device_props()))
    return (field_varint(3, 0)  # passive
            + field_bytes(5, user_agent()) + field_bytes(6, web_info())
            + field_varint(12, 1) + field_varint(13, 1)  # WIFI_UNKNOWN, USER_ACTIVATED
            + field_bytes(19, pairing)
            + field_varint(33, 0))  # pull


def split_device_jid(jid):
    """"user:device@server" (or "user@server") -> (user, device)."""
    user, _, _ = jid.partition("@")
    user, _, device = user.partition(":")
    return user, int(device or 0)


def login_payload(keys):
    user, device = split_device_jid(keys.jid)
    return (field_varint(1, int(user))  # username
            + field_varint(3, 1)  # passive
            + field_bytes(5, user_agent()) + field_bytes(6, web_info())
            + field_varint(12, 1) + field_varint(13, 1)
            + field_varint(18, device)
            + field_varint(24, 1)  # lc, as whatsmeow
            + field_varint(33, 1)  # pull
            + field_varint(41, 1))  # lidDbMigrated, as whatsmeow


# ---------------------------------------------------------------- pairing code (protocol.md §5.2)


def new_pairing_code():
    """5 random bytes in WhatsApp's base32 alphabet: 8 characters."""
    standard = base64.b32encode(os.urandom(5)).decode()
    return standard.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", PAIR_CODE_ALPHABET))


def pairing_code_key(code, salt):
    return PBKDF2HMAC(hashes.SHA256(), 32, salt, PAIR_CODE_ITERATIONS).derive(code.encode())


def aes_ctr(key, iv, data):
    cipher = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return cipher.update(data) + cipher.finalize()


def wrap_ephemeral(code, public, salt=None, iv=None):
    """salt(32) ‖ iv(16) ‖ AES-256-CTR(PBKDF2(code, salt), iv, public): 80 bytes."""
    salt = salt or os.urandom(32)
    iv = iv or os.urandom(16)
    return salt + iv + aes_ctr(pairing_code_key(code, salt), iv, public)


def unwrap_ephemeral(code, wrapped):
    if len(wrapped) < 80:
        raise OracleFailure("wrapped ephemeral key is %d bytes" % len(wrapped))
    return aes_ctr(pairing_code_key(code, wrapped[:32]), wrapped[32:48], wrapped[48:80])


def hkdf(ikm, salt, info):
    return HKDF(hashes.SHA256(), 32, salt, info).derive(ikm)


def companion_finish_secrets(keys, companion_ephemeral_private, primary_ephemeral_public, primary_identity):
    """The key bundle for companion_finish and the new adv secret (protocol.md §5.2 step 5)."""
    ephemeral_shared = agree(companion_ephemeral_private, primary_ephemeral_public)
    adv_random = os.urandom(32)
    bundle_salt = os.urandom(32)
    bundle_nonce = os.urandom(12)
    bundle_key = hkdf(ephemeral_shared, bundle_salt, b"link_code_pairing_key_bundle_encryption_key")
    sealed = AESGCM(bundle_key).encrypt(bundle_nonce, keys.identity_public + primary_identity + adv_random, None)
    identity_shared = agree(keys.identity_private, primary_identity)
    adv_secret = hkdf(ephemeral_shared + identity_shared + adv_random, None, b"adv_secret")
    return bundle_salt + bundle_nonce + sealed, adv_secret


# ---------------------------------------------------------------- pair-success (protocol.md §5.1)


class PairRejected(Exception):
    def __init__(self, code, text):
        super().__init__(text)
        self.code = code
        self.text = text


def check_pair_success(keys, device_identity):
    """whatsmeow's handlePair checks, in its order. Returns (account, reply bytes, key index)."""
    try:
        container = parse_message(device_identity)
    except ValueError:
        raise PairRejected(500, "internal-error")
    details, mac = last(container, 1, b""), last(container, 2, b"")
    signer = hmac.new(keys.adv_secret, digestmod=hashlib.sha256)
    if last(container, 3, 0) == ADV_HOSTED:
        signer.update(ADV_HOSTED_ACCOUNT_PREFIX)
    signer.update(details)
    if not hmac.compare_digest(signer.digest(), mac):
        raise PairRejected(401, "hmac-mismatch")
    try:
        signed = parse_message(details)
        identity_details = last(signed, 1, b"")
        identity = parse_message(identity_details)
    except ValueError:
        raise PairRejected(500, "internal-error")
    account_key = last(signed, 2, b"")
    account_signature = last(signed, 3, b"")
    if len(account_key) != 32 or len(account_signature) != 64:
        raise PairRejected(401, "signature-mismatch")
    prefix = ADV_HOSTED_ACCOUNT_PREFIX if last(identity, 5, 0) == ADV_HOSTED else ADV_ACCOUNT_PREFIX
    if not verify(account_key, prefix + identity_details + keys.identity_public, account_signature):
        raise PairRejected(401, "signature-mismatch")
    device_signature = sign(keys.identity_private,
                            ADV_DEVICE_PREFIX + identity_details + keys.identity_public + account_key)
    account = (field_bytes(1, identity_details) + field_bytes(2, account_key)
               + field_bytes(3, account_signature) + field_bytes(4, device_signature))
    # The reply is the same identity without accountSignatureKey (whatsmeow clears it).
    reply = field_bytes(1, identity_details) + field_bytes(3, account_signature) + field_bytes(4, device_signature)
    return account, reply, last(identity, 3, 0), account_key


# ---------------------------------------------------------------- the connection


class StreamReader(FrameReader):
    """noise_oracle's frame reader without its per-read timeout: a logged-in socket may be quiet
    for as long as it likes; waits that matter have their own deadlines."""

    async def fill(self, count):
        while len(self.buffer) < count:
            message = await self.ws.recv()
            if isinstance(message, str):
                continue
            self.buffer += message


CLOSED = "closed"


class Session:
    """One Noise-encrypted connection carrying binary nodes."""

    def __init__(self, ws, reader, send_cipher, receive_cipher):
        self.ws = ws
        self.reader = reader
        self.send_cipher = send_cipher
        self.receive_cipher = receive_cipher
        self.send_lock = asyncio.Lock()
        self.pending = {}
        self.incoming = asyncio.Queue()
        # Stanzas handed to another layer instead of being answered here (the messenger takes
        # message, receipt and ack once --commands is given).
        self.stanza_handlers = {}
        self.id_prefix = "%d.%d-" % (os.urandom(1)[0], os.urandom(1)[0])
        self.id_counter = 0
        self.task = asyncio.create_task(self.read_loop())

    def next_id(self):
        self.id_counter += 1
        return self.id_prefix + str(self.id_counter)

    async def send(self, item):
        log("send %s" % describe(item))
        async with self.send_lock:
            await self.ws.send(frame(self.send_cipher.encrypt_with_ad(b"", encode_payload(item))))

    async def request(self, xmlns, iq_type, content=None, what=None, to=SERVER_JID):
        """Sends an IQ (to the server unless `to` says otherwise) and returns its result;
        type="error" or silence fails."""
        iq_id = self.next_id()
        waiter = asyncio.get_running_loop().create_future()
        self.pending[iq_id] = waiter
        await self.send(node("iq", {"id": iq_id, "xmlns": xmlns, "type": iq_type, "to": to}, content))
        what = what or "%s/%s" % (xmlns, iq_type)
        try:
            response = await asyncio.wait_for(waiter, IQ_TIMEOUT)
        except asyncio.TimeoutError:
            raise OracleFailure("iq-timeout", iq=what)
        finally:
            self.pending.pop(iq_id, None)
        if response == CLOSED:
            raise OracleFailure("connection-closed", iq=what)
        if response.attrs.get("type") != "result":
            error = child(response, "error")
            raise OracleFailure("iq-error", iq=what, code=error.attrs.get("code") if error else None,
                                text=error.attrs.get("text") if error else None)
        return response

    async def read_loop(self):
        try:
            while True:
                payload = self.receive_cipher.decrypt_with_ad(b"", await self.reader.next())
                item = decode_payload(payload)
                log("recv %s" % describe(item))
                await self.dispatch(item)
        except ConnectionClosed as closed:
            log("socket closed: %s" % closed)
        except Exception as error:
            log("read loop ended: %s: %s" % (type(error).__name__, error))
        for waiter in self.pending.values():
            if not waiter.done():
                waiter.set_result(CLOSED)
        await self.incoming.put(CLOSED)

    async def dispatch(self, item):
        """Answers what whatsmeow answers on its own; queues what the flow waits for."""
        iq_type = item.attrs.get("type")
        if item.tag == "iq" and iq_type in ("result", "error"):
            waiter = self.pending.get(item.attrs.get("id"))
            if waiter is not None and not waiter.done():
                waiter.set_result(item)
            else:
                log("unmatched response %s" % describe(item))
            return
        handler = self.stanza_handlers.get(item.tag)
        if handler is not None:
            try:
                await handler(item)
            except ConnectionClosed:
                raise
            except Exception as error:  # a handler's bug must not end the read loop
                log("handler for <%s> failed: %s: %s" % (item.tag, type(error).__name__, error))
                emit({"event": "handler_error", "tag": item.tag, "reason": "%s: %s" % (type(error).__name__, error)})
            return
        if item.tag == "iq":
            first = children(item)[0].tag if children(item) else None
            if first in ("pair-device", "pair-success"):
                await self.incoming.put(item)
                return
            # Any other server request (e.g. urn:xmpp:ping) gets an empty result.
            await self.send(node("iq", {"to": item.attrs.get("from"), "id": item.attrs.get("id"),
                                        "type": "result"}))
            return
        if item.tag in ("notification", "receipt", "message", "call"):
            # whatsmeow's sendAck: class = tag, type copied except for messages.
            await self.send(node("ack", {
                "class": item.tag, "id": item.attrs.get("id"), "to": item.attrs.get("from"),
                "participant": item.attrs.get("participant"), "recipient": item.attrs.get("recipient"),
                "type": iq_type if item.tag != "message" else None,
            }))
            if item.tag == "notification" and iq_type == "link_code_companion_reg":
                await self.incoming.put(item)
            return
        if item.tag in ("success", "failure", "stream:error", "xmlstreamend"):
            await self.incoming.put(item)
            return
        # <ib> (offline, dirty, edge_routing …) and anything else: nothing to answer.

    async def expect(self, what, accept, timeout):
        """The next queued node that `accept` takes; stream errors and closes fail the run."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise OracleFailure("timeout", waiting_for=what)
            try:
                item = await asyncio.wait_for(self.incoming.get(), remaining)
            except asyncio.TimeoutError:
                raise OracleFailure("timeout", waiting_for=what)
            if item == CLOSED:
                raise OracleFailure("connection-closed", waiting_for=what)
            if accept(item):
                return item
            if item.tag == "stream:error":
                conflict = child(item, "conflict")
                raise OracleFailure("stream-error", code=item.attrs.get("code"),
                                    conflict=conflict.attrs.get("type") if conflict else None,
                                    node=describe(item), waiting_for=what)
            if item.tag == "failure":
                raise OracleFailure("failure", code=item.attrs.get("reason"), waiting_for=what)
            log("ignored while waiting for %s: %s" % (what, describe(item)))

    async def close(self):
        await self.ws.close()
        self.task.cancel()


def check_loopback(url):
    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise OracleFailure("refusing non-loopback host %r" % host)


def tls_context(url, ca_file):
    """The TLS settings for `url`: None for ws://; for wss:// a client context that verifies the
    chain and the host name, trusting only `ca_file` when given, else the system's store."""
    scheme = urlparse(url).scheme
    if scheme != "wss":
        if ca_file:
            raise OracleFailure("--ca-file needs a wss:// URL, got %s://" % scheme)
        return None
    # PROTOCOL_TLS_CLIENT starts with CERT_REQUIRED and check_hostname on and with no trusted
    # certificates, so with --ca-file nothing but that file can vouch for the server.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            raise OracleFailure("cannot load --ca-file", detail=str(error)) from None
    else:
        context.load_default_certs(ssl.Purpose.SERVER_AUTH)
    return context


async def open_session(url, root_public, keys, payload, ca_file=None):
    check_loopback(url)
    context = tls_context(url, ca_file)
    try:
        ws = await ws_connect(url, origin=ORIGIN, max_size=None, compression=None, open_timeout=IQ_TIMEOUT,
                              ssl=context, proxy=None)  # loopback only: never through a proxy
    except ssl.SSLCertVerificationError as error:
        raise OracleFailure("tls-verification", detail=error.verify_message or str(error)) from None
    reader = StreamReader(ws, expect_intro=False)
    state = new_handshake(True, keypair(keys.noise_private))
    message = bytearray()
    state.write_message(b"", message)
    await ws.send(WA_HEADER + frame(client_hello(bytes(message))))

    hello = parse_message(last(parse_message(await asyncio.wait_for(reader.next(), IQ_TIMEOUT)), 3, b""))
    ephemeral, enc_static, enc_payload = last(hello, 1), last(hello, 2), last(hello, 3)
    if ephemeral is None or len(ephemeral) != 32 or enc_static is None or enc_payload is None:
        raise OracleFailure("missing parts of ServerHello")
    chain = bytearray()
    state.read_message(ephemeral + enc_static + enc_payload, chain)
    try:
        verify_chain(bytes(chain), state.rs.data, root_public, int(time.time()))
    except CertError as error:
        raise OracleFailure("cert: %s" % error)

    message = bytearray()
    send_cipher, receive_cipher = state.write_message(payload, message)
    message = bytes(message)
    await ws.send(frame(client_finish(message[:48], message[48:])))
    return Session(ws, reader, send_cipher, receive_cipher)


# ---------------------------------------------------------------- linking


def make_qr(ref, keys):
    def b64(data):
        return base64.b64encode(data).decode()

    return "https://wa.me/settings/linked_devices#%s,%s,%s,%s,%s" % (
        ref.decode("utf-8"), b64(keys.noise_public), b64(keys.identity_public), b64(keys.adv_secret),
        PAIR_PLATFORM_ID)


def is_server_iq(item, first_child):
    """whatsmeow's handleIQ: exactly one child, and `from` must be the server JID *as a JID*."""
    return (item.tag == "iq" and len(children(item)) == 1 and children(item)[0].tag == first_child
            and is_jid(item.attrs.get("from"), SERVER_JID))


async def pair_with_code(session, keys, phone, wait):
    code = new_pairing_code()
    companion_ephemeral = new_private()
    wrapped = wrap_ephemeral(code, public_of(companion_ephemeral))
    jid = "%s@s.whatsapp.net" % phone
    response = await session.request("md", "set", [node("link_code_companion_reg", {
        "jid": jid, "stage": "companion_hello", "should_show_push_notification": "true",
    }, [
        node("link_code_pairing_wrapped_companion_ephemeral_pub", content=wrapped),
        node("companion_server_auth_key_pub", content=keys.noise_public),
        node("companion_platform_id", content=PAIR_PLATFORM_ID),
        node("companion_platform_display", content=PAIR_PLATFORM_DISPLAY),
        node("link_code_pairing_nonce", content=b"\x00"),  # whatsmeow's byte 0 (Baileys: "0")
    ])], what="companion_hello")
    ref_node = path(response, "link_code_companion_reg", "link_code_pairing_ref")
    if ref_node is None or not isinstance(ref_node.content, bytes):
        raise OracleFailure("companion_hello result has no link_code_pairing_ref bytes")
    ref = ref_node.content
    emit({"event": "pairing_code", "code": code[:4] + "-" + code[4:], "ref": ref.hex()})

    notification = await session.expect(
        "link_code_companion_reg notification",
        lambda item: item.tag == "notification" and item.attrs.get("type") == "link_code_companion_reg",
        wait)
    reg = child(notification, "link_code_companion_reg")
    if reg is None:
        raise OracleFailure("notification without link_code_companion_reg")
    got_ref = child(reg, "link_code_pairing_ref")
    if got_ref is None or got_ref.content != ref:
        raise OracleFailure("pairing ref mismatch in code pair notification")
    wrapped_primary = child(reg, "link_code_pairing_wrapped_primary_ephemeral_pub")
    primary_identity = child(reg, "primary_identity_pub")
    if wrapped_primary is None or not isinstance(wrapped_primary.content, bytes):
        raise OracleFailure("notification without link_code_pairing_wrapped_primary_ephemeral_pub")
    if primary_identity is None or not isinstance(primary_identity.content, bytes) \
            or len(primary_identity.content) != 32:
        raise OracleFailure("notification without a 32-byte primary_identity_pub")
    primary_ephemeral = unwrap_ephemeral(code, wrapped_primary.content)
    bundle, adv_secret = companion_finish_secrets(keys, companion_ephemeral, primary_ephemeral,
                                                  primary_identity.content)
    keys.adv_secret = adv_secret
    await session.request("md", "set", [node("link_code_companion_reg", {
        "jid": jid, "stage": "companion_finish",
    }, [
        node("link_code_pairing_wrapped_key_bundle", content=bundle),
        node("companion_identity_public", content=keys.identity_public),
        node("link_code_pairing_ref", content=ref),
    ])], what="companion_finish")


async def handle_pair_success(session, keys, item):
    success = child(item, "pair-success")
    iq_id = item.attrs.get("id")
    identity_node = child(success, "device-identity")
    device = child(success, "device")
    platform = child(success, "platform")
    try:
        if identity_node is None or not isinstance(identity_node.content, bytes):
            raise PairRejected(500, "internal-error")
        account, reply, key_index, account_key = check_pair_success(keys, identity_node.content)
    except PairRejected as rejected:
        await session.send(node("iq", {"to": SERVER_JID, "type": "error", "id": iq_id}, [
            node("error", {"code": str(rejected.code), "text": rejected.text})]))
        raise OracleFailure(rejected.text)
    jid = device.attrs.get("jid") if device else None
    lid = device.attrs.get("lid") if device else None
    if not is_jid(jid) or not is_jid(lid):
        raise OracleFailure("pair-success device jid/lid are not JIDs", jid=jid, lid=lid)
    keys.jid, keys.lid = str(jid), str(lid)
    keys.platform = platform.attrs.get("name") if platform else None
    keys.account = account
    await session.send(node("iq", {"to": SERVER_JID, "type": "result", "id": iq_id}, [
        node("pair-device-sign", None, [
            node("device-identity", {"key-index": str(key_index)}, reply)])]))
    emit({"event": "paired", "jid": keys.jid, "lid": keys.lid, "platform": keys.platform,
          "key_index": key_index, "account_signature_key": account_key.hex()})
    # Telemetry both libraries send after pairing; the server must simply tolerate it.
    week_ms = 7 * 86400 * 1000
    unified = (int(time.time() * 1000) + 3 * 86400 * 1000) % week_ms
    try:
        await session.send(node("ib", None, [node("unified_session", {"id": str(unified)})]))
    except ConnectionClosed:
        pass


async def link(args, keys):
    root_public = bytes.fromhex(args.root_public)
    session = await open_session(args.url, root_public, keys, registration_payload(keys), args.ca_file)
    item = await session.expect("pair-device", lambda n: is_server_iq(n, "pair-device"), IQ_TIMEOUT)
    await session.send(node("iq", {"to": SERVER_JID, "id": item.attrs.get("id"), "type": "result"}))
    refs = [ref.content for ref in children(children(item)[0]) if ref.tag == "ref"]
    if not refs or not all(isinstance(ref, bytes) for ref in refs):
        raise OracleFailure("pair-device without <ref> bytes")
    log("pair-device with %d refs" % len(refs))
    if args.pair_phone:
        await pair_with_code(session, keys, args.pair_phone, args.wait)
    else:
        emit({"event": "qr", "qr": make_qr(refs[0], keys)})

    def accept_pairing(n):
        if is_server_iq(n, "pair-device"):
            # A repeated pair-device (fresh refs) is answered and otherwise ignored.
            asyncio.ensure_future(session.send(node("iq", {"to": SERVER_JID, "id": n.attrs.get("id"),
                                                           "type": "result"})))
            return False
        return is_server_iq(n, "pair-success")

    item = await session.expect("pair-success", accept_pairing, args.wait)
    await handle_pair_success(session, keys, item)
    keys.save(args.state)
    item = await session.expect("stream:error 515", lambda n: n.tag == "stream:error"
                                and n.attrs.get("code") == "515", IQ_TIMEOUT)
    emit({"event": "restart"})
    await session.close()


async def login(args, keys):
    root_public = bytes.fromhex(args.root_public)
    session = await open_session(args.url, root_public, keys, login_payload(keys), args.ca_file)
    # Installed before <success>: messages held for us while offline come right after it.
    messenger = Messenger(session, keys, lambda: keys.save(args.state)) if args.commands else None
    success = await session.expect("success", lambda n: n.tag == "success", IQ_TIMEOUT)
    lid = success.attrs.get("lid")
    t = success.attrs.get("t")
    emit({"event": "connected", "lid": lid, "t": int(t) if t and t.isdigit() else t})

    async def prekey_count(stage):
        response = await session.request("encrypt", "get", [node("count")], what="encrypt/count")
        count_node = child(response, "count")
        value = count_node.attrs.get("value") if count_node else None
        if value is None or not value.isdigit():
            raise OracleFailure("count result without a numeric value", node=describe(response))
        emit({"event": "prekey_count", "stage": stage, "count": int(value)})
        return int(value)

    before = await prekey_count("before")
    after = before
    if before < MIN_PREKEY_COUNT:
        await session.request("encrypt", "set", prekey_upload(keys, args.prekeys), what="encrypt/upload")
        keys.save(args.state)
        after = await prekey_count("after")
        if after != before + args.prekeys:
            raise OracleFailure("prekey count after upload is %d, expected %d" % (after, before + args.prekeys))
    await session.request("passive", "set", [node("active")], what="passive/active")
    await session.request("w:p", "get", None, what="ping")
    digest = await session.request("encrypt", "get", [node("digest")], what="encrypt/digest")
    if child(digest, "digest") is None:
        raise OracleFailure("digest result has no <digest> child", node=describe(digest))
    emit({"event": "done", "prekey_count_before": before, "prekey_count_after": after})
    if messenger is not None:
        await serve_commands(session, messenger)
    elif args.linger > 0:
        try:
            # Nothing is accepted: only the deadline ends this quietly.
            await session.expect("the end of --linger", lambda item: False, args.linger)
        except OracleFailure as failure:
            if failure.reason != "timeout":
                raise
    await session.close()


async def serve_commands(session, messenger):
    """Runs the JSON commands read from stdin, one at a time, until stdin closes; messages and
    receipts keep arriving meanwhile. A stream error, <failure> or close ends the run."""
    watch = asyncio.ensure_future(session.expect("the end of the commands", lambda item: False, 10 ** 9))
    try:
        while True:
            line = asyncio.ensure_future(COMMANDS.get())
            await asyncio.wait({line, watch}, return_when=asyncio.FIRST_COMPLETED)
            if not line.done():
                line.cancel()
                watch.result()  # raises the OracleFailure that ended the connection
            text = line.result()
            if text is None:
                break
            try:
                command = json.loads(text)
                if not isinstance(command, dict):
                    raise ValueError("a command is a JSON object")
            except ValueError as error:
                emit({"event": "command_failed", "reason": "bad-json", "detail": str(error)})
                continue
            await messenger.run_command(command)
    finally:
        watch.cancel()


# Lines from stdin once --commands is given; None when stdin closes.
COMMANDS = None


def start_command_reader(loop):
    """A thread feeding stdin's lines to COMMANDS. When stdin closes the oracle stops: at once
    from the command loop, and within a few seconds whatever it was doing."""
    global COMMANDS
    COMMANDS = asyncio.Queue()

    def read():
        for line in sys.stdin:
            if line.strip():
                loop.call_soon_threadsafe(COMMANDS.put_nowait, line)
        loop.call_soon_threadsafe(COMMANDS.put_nowait, None)
        time.sleep(5)
        os._exit(0)

    threading.Thread(target=read, daemon=True).start()


def prekey_upload(keys, count):
    """The encrypt/set children (protocol.md §6): ids 3 bytes BE, registration id 4 bytes BE."""
    prekeys = []
    for key_id in range(keys.next_prekey_id, keys.next_prekey_id + count):
        private = new_private()
        keys.prekeys[str(key_id)] = private.hex()  # kept: a pkmsg built on it must open later
        prekeys.append(node("key", None, [
            node("id", content=key_id.to_bytes(3, "big")),
            node("value", content=public_of(private)),
        ]))
    keys.next_prekey_id += count
    return [
        node("registration", content=keys.registration_id.to_bytes(4, "big")),
        node("type", content=bytes([DJB_TYPE])),
        node("identity", content=keys.identity_public),
        node("list", None, prekeys),
        node("skey", None, [
            node("id", content=keys.signed_prekey_id.to_bytes(3, "big")),
            node("value", content=keys.signed_prekey_public),
            node("signature", content=keys.signed_prekey_signature),
        ]),
    ]


async def run(args):
    if args.commands:
        start_command_reader(asyncio.get_running_loop())
    if args.role == "link":
        keys = DeviceKeys()
        await link(args, keys)
    else:
        if not args.state:
            raise OracleFailure("login needs --state")
        with open(args.state, encoding="utf-8") as file:
            keys = DeviceKeys.from_json(json.load(file))
        if not keys.jid:
            raise OracleFailure("state file has no JID: the device was never paired")
    await login(args, keys)


# ---------------------------------------------------------------- offline self-test


def selftest():
    """Checks the pieces that need no server; prints {"ok": true, "checks": [...]}."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from wa_node import JidText, decode_payload as decode

    checks = []

    def check(name, condition):
        if not condition:
            raise AssertionError(name)
        checks.append(name)

    # X25519 through axolotl_curve25519 agrees with cryptography's.
    a, b = new_private(), new_private()
    reference = X25519PrivateKey.from_private_bytes(a).exchange(X25519PublicKey.from_public_bytes(public_of(b)))
    check("x25519 matches cryptography", agree(a, public_of(b)) == reference == agree(b, public_of(a)))

    # Pairing code: alphabet, and the wrap unwraps (also with an independent CTR decryption).
    code = new_pairing_code()
    check("pairing code is 8 characters of the alphabet", len(code) == 8 and set(code) <= set(PAIR_CODE_ALPHABET))
    standard = code.translate(str.maketrans(PAIR_CODE_ALPHABET, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"))
    check("pairing code decodes to 5 bytes", len(base64.b32decode(standard)) == 5)
    secret = new_private()
    wrapped = wrap_ephemeral(code, public_of(secret))
    check("wrapped ephemeral is 80 bytes", len(wrapped) == 80)
    check("wrapped ephemeral unwraps", unwrap_ephemeral(code, wrapped) == public_of(secret))
    check("wrong code does not unwrap", unwrap_ephemeral("11111111", wrapped) != public_of(secret))
    key = hashlib.pbkdf2_hmac("sha256", code.encode(), wrapped[:32], PAIR_CODE_ITERATIONS, 32)
    check("pbkdf2 matches hashlib", key == pairing_code_key(code, wrapped[:32]))

    # Code pairing from the primary's side: it recovers our identity and the same adv secret.
    keys = DeviceKeys()
    primary_identity, primary_ephemeral = new_private(), new_private()
    bundle, adv_secret = companion_finish_secrets(keys, secret, public_of(primary_ephemeral),
                                                  public_of(primary_identity))
    shared = agree(primary_ephemeral, public_of(secret))
    plain = AESGCM(hkdf(shared, bundle[:32], b"link_code_pairing_key_bundle_encryption_key")).decrypt(
        bundle[32:44], bundle[44:], None)
    check("key bundle opens on the primary side",
          plain[:32] == keys.identity_public and plain[32:64] == public_of(primary_identity))
    primary_adv = hkdf(shared + agree(primary_identity, keys.identity_public) + plain[64:], None, b"adv_secret")
    check("adv secret agrees on both sides", primary_adv == adv_secret)

    # pair-success: a phone-built identity passes; a bad HMAC and a bad signature fail as whatsmeow's do.
    details = field_varint(1, 7) + field_varint(2, int(time.time())) + field_varint(3, 2)
    account_signature = sign(primary_identity, ADV_ACCOUNT_PREFIX + details + keys.identity_public)
    signed = field_bytes(1, details) + field_bytes(2, public_of(primary_identity)) + field_bytes(3, account_signature)
    container = field_bytes(1, signed) + field_bytes(2, hmac.new(keys.adv_secret, signed, hashlib.sha256).digest())
    account, reply, key_index, _ = check_pair_success(keys, container)
    reply_fields = parse_message(reply)
    check("pair-device-sign reply omits accountSignatureKey", 2 not in reply_fields and key_index == 2)
    check("device signature verifies", verify(public_of(keys.identity_private),
                                             ADV_DEVICE_PREFIX + details + keys.identity_public
                                             + public_of(primary_identity), last(reply_fields, 4)))
    check("stored account keeps all four fields", sorted(parse_message(account)) == [1, 2, 3, 4])
    for label, bad, expected in (
        ("hmac", field_bytes(1, signed) + field_bytes(2, b"\x00" * 32), "hmac-mismatch"),
        ("signature", field_bytes(1, signed[:-1] + bytes([signed[-1] ^ 1]))
         + field_bytes(2, hmac.new(keys.adv_secret, signed[:-1] + bytes([signed[-1] ^ 1]), hashlib.sha256).digest()),
         "signature-mismatch"),
    ):
        try:
            check_pair_success(keys, bad)
            check("bad %s is rejected" % label, False)
        except PairRejected as rejected:
            check("bad %s is rejected as %s" % (label, expected), rejected.text == expected)

    # Nodes: the server JID goes out as JID_PAIR fa 00 03 and round-trips byte for byte.
    iq = node("iq", {"id": "1.2-3", "xmlns": "encrypt", "type": "get", "to": SERVER_JID}, [node("count")])
    payload = encode_payload(iq)
    check("server JID encodes as fa 00 03", b"\xfa\x00\x03" in payload)
    decoded = decode(payload)
    check("server JID decodes as a JID", isinstance(decoded.attrs["to"], JidText) and decoded.attrs["to"] == SERVER_JID)
    check("iq round-trips byte for byte", encode_payload(decoded) == payload)
    user_jid = node("iq", {"jid": "15550001111@s.whatsapp.net", "from": "15550001111:4@s.whatsapp.net"})
    round_trip = decode(encode_payload(user_jid))
    check("user and device JIDs stay JIDs", all(isinstance(v, JidText) for v in round_trip.attrs.values()))
    upload = node("iq", {"to": SERVER_JID}, prekey_upload(keys, 3))
    decoded = decode(encode_payload(upload))
    ids = [path(k, "id").content for k in children(child(decoded, "list"))]
    check("prekey ids are 3 bytes BE", ids == [b"\x00\x00\x01", b"\x00\x00\x02", b"\x00\x00\x03"])
    check("registration id is 4 bytes BE",
          child(decoded, "registration").content == keys.registration_id.to_bytes(4, "big"))
    import zlib
    compressed = b"\x02" + zlib.compress(encode_payload(iq)[1:])
    check("compressed frames inflate", decode(compressed).attrs["xmlns"] == "encrypt")

    # ClientPayloads: registration fields per protocol.md §2.5 (a), login per (b).
    fields = parse_message(registration_payload(keys))
    pairing = parse_message(last(fields, 19))
    check("registration: passive and pull false", last(fields, 3) == 0 and last(fields, 33) == 0)
    check("registration: eRegid, eKeytype, eSkeyID", last(pairing, 1) == keys.registration_id.to_bytes(4, "big")
          and last(pairing, 2) == b"\x05" and last(pairing, 4) == b"\x00\x00\x01")
    check("registration: eSkeySig over 05 ‖ spk", verify(last(pairing, 3), b"\x05" + last(pairing, 5), last(pairing, 6)))
    check("registration: buildHash", last(pairing, 7) == hashlib.md5(b"2.3000.1045649367").digest())
    check("registration: platform CHROME", last(parse_message(last(pairing, 8)), 3) == 1)
    check("registration: user agent WEB", last(parse_message(last(fields, 5)), 1) == 14)
    keys.jid = "15550001111:3@s.whatsapp.net"
    fields = parse_message(login_payload(keys))
    check("login: username, device, passive, pull", last(fields, 1) == 15550001111 and last(fields, 18) == 3
          and last(fields, 3) == 1 and last(fields, 33) == 1 and 19 not in fields)

    # QR string layout.
    qr = make_qr(b"2@abc", keys)
    parts = qr.split("#", 1)[1].split(",")
    check("qr has ref, three base64 keys and a client type",
          parts[0] == "2@abc" and base64.b64decode(parts[1]) == keys.noise_public
          and base64.b64decode(parts[2]) == keys.identity_public and base64.b64decode(parts[3]) == keys.adv_secret
          and parts[4] == "1")

    # State survives a save and load.
    keys.lid, keys.account = "99:3@lid", account
    keys.prekeys = {"5": new_private().hex()}
    check("state round-trips", DeviceKeys.from_json(json.loads(json.dumps(keys.to_json()))).to_json() == keys.to_json())
    upload_keys = DeviceKeys()
    prekey_upload(upload_keys, 2)
    check("uploaded prekeys keep their private halves", sorted(upload_keys.prekeys) == ["1", "2"])

    # Messaging: padding, the message fields, and pairwise and sender-key sessions between two
    # companions' own keys through python-axolotl.
    messaging_checks(check, DeviceKeys)
    return {"ok": True, "checks": checks}


# ---------------------------------------------------------------- entry


def exit_when_owned_by_a_pipe():
    """When a test owns us through a pipe, its closing our stdin means stop."""
    try:
        if not stat.S_ISFIFO(os.fstat(sys.stdin.fileno()).st_mode):
            return
    except (OSError, ValueError):
        return
    exit_when_stdin_closes()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    roles = parser.add_subparsers(dest="role", required=True)
    for role in ("link", "login"):
        sub = roles.add_parser(role)
        sub.add_argument("--url", required=True)
        sub.add_argument("--root-public", required=True)
        sub.add_argument("--prekeys", type=int, default=30)
        sub.add_argument("--state")
        sub.add_argument("--wait", type=float, default=90.0,
                         help="seconds to wait for the phone (scan, code entry)")
        sub.add_argument("--linger", type=float, default=0.0,
                         help="seconds to stay connected after the after-login sequence")
        sub.add_argument("--ca-file", metavar="PEM",
                         help="for wss://, trust only the CA certificates in this PEM file")
        sub.add_argument("--commands", action="store_true",
                         help="after login, send and receive messages, taking JSON commands from stdin")
        if role == "link":
            sub.add_argument("--pair-phone")
    roles.add_parser("selftest")
    args = parser.parse_args()

    if args.role == "selftest":
        try:
            emit(selftest())
        except AssertionError as failed:
            emit({"ok": False, "failed": str(failed)})
            os._exit(1)
        os._exit(0)

    if not args.commands:
        exit_when_owned_by_a_pipe()  # with --commands, stdin is read by the command reader
    status = 0
    try:
        asyncio.run(run(args))
    except OracleFailure as failure:
        emit(dict({"event": "error", "reason": failure.reason}, **failure.details))
        status = 1
    except Exception as error:
        emit({"event": "error", "reason": "%s: %s" % (type(error).__name__, error)})
        status = 1
    sys.stdout.flush()
    # Leave without joining the stdin watcher, which may hold the stdin lock.
    os._exit(status)


if __name__ == "__main__":
    main()
