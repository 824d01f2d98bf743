"""JSON-lines oracle around python-axolotl (the Signal port we test against).

One request object per line on stdin, one reply per line on stdout; bytes are hex.
Errors come back as {"error": "..."} and the process keeps serving.

Curve operations:
  keypair {priv}            -> {pub}          private key is clamped first (see below)
  sign    {priv, msg}       -> {sig}          axolotl's curve25519 signature (libsignal style)
  verify  {pub, msg, sig}   -> {ok}
  agree   {priv, pub}       -> {shared}

Sessions and groups. A "party" is one axolotl device with its own in-memory stores; public
keys cross the boundary as 32 raw bytes (as on the WhatsApp wire), messages as full
serialised Signal messages:
  new            {party, reg?}                         -> {identity, reg}
  bundle         {party, prekey_id?, spk_id}           -> {reg, prekey_id?, prekey?, spk_id, spk,
                                                           spk_sig, identity}
  process_bundle {party, peer, device, bundle}          (bundle as returned by "bundle")
  encrypt        {party, peer, device, pt}             -> {type: pkmsg|msg, ct}
  encrypt_many   {party, peer, device, pts: [..]}      -> {items: [{type, ct}]}
  decrypt        {party, peer, device, type, ct}       -> {pt}
  decrypt_many   {party, peer, device, items: [{type, ct}]}
                                                       -> {results: [{pt} | {error}]}
  has_prekey     {party, prekey_id}                    -> {present}
  group_create   {party, group, sender, device}        -> {skdm}
  group_process  {party, group, sender, device, skdm}
  group_encrypt  {party, group, sender, device, pt}    -> {ct}
  group_decrypt  {party, group, sender, device, ct}    -> {pt}
  group_decrypt_many {party, group, sender, device, cts: [..]} -> {results: [{pt} | {error}]}

axolotl_curve25519 neither clamps scalars nor copies them: generatePrivateKey clamps the
caller's buffer in place. Every private key from outside is copied and clamped here, as
libsignal and whatsmeow clamp at generation.
"""
import logging

import axolotl_curve25519 as curve
from axolotl.axolotladdress import AxolotlAddress
from axolotl.ecc.curve import Curve
from axolotl.ecc.djbec import DjbECPrivateKey, DjbECPublicKey
from axolotl.groups.groupcipher import GroupCipher
from axolotl.groups.groupsessionbuilder import GroupSessionBuilder
from axolotl.groups.senderkeyname import SenderKeyName
from axolotl.identitykey import IdentityKey
from axolotl.protocol import prekeywhispermessage
from axolotl.protocol.prekeywhispermessage import PreKeyWhisperMessage
from axolotl.protocol.senderkeydistributionmessage import SenderKeyDistributionMessage
from axolotl.protocol.whispermessage import WhisperMessage
from axolotl.sessionbuilder import SessionBuilder
from axolotl.sessioncipher import SessionCipher
from axolotl.state.prekeybundle import PreKeyBundle
from axolotl.tests.groups.inmemorysenderkeystore import InMemorySenderKeyStore
from axolotl.tests.inmemoryaxolotlstore import InMemoryAxolotlStore
from axolotl.util.keyhelper import KeyHelper

from oracle_io import serve


def clamp(priv: bytes) -> bytes:
    b = bytearray(priv)
    b[0] &= 248
    b[31] &= 127
    b[31] |= 64
    return bytes(b)


def op_keypair(req):
    priv = clamp(bytes.fromhex(req["priv"]))
    return {"pub": curve.generatePublicKey(priv).hex()}


def op_sign(req):
    priv = DjbECPrivateKey(clamp(bytes.fromhex(req["priv"])))
    return {"sig": Curve.calculateSignature(priv, bytes.fromhex(req["msg"])).hex()}


def op_verify(req):
    pub = DjbECPublicKey(bytes.fromhex(req["pub"]))
    return {"ok": bool(Curve.verifySignature(pub, bytes.fromhex(req["msg"]), bytes.fromhex(req["sig"])))}


def op_agree(req):
    priv = DjbECPrivateKey(clamp(bytes.fromhex(req["priv"])))
    pub = DjbECPublicKey(bytes.fromhex(req["pub"]))
    return {"shared": Curve.calculateAgreement(pub, priv).hex()}


# python-axolotl reads PreKeyWhisperMessage.preKeyId without checking presence, so a message
# built from a bundle without a one-time prekey (field absent) parses as prekey id 0 and fails
# to load it. libsignal and whatsmeow treat the absent field as "no one-time prekey"; the
# oracle restores that reading after the original parser has run.
_original_pkmsg_init = PreKeyWhisperMessage.__init__


def _pkmsg_init(self, *args, **kwargs):
    _original_pkmsg_init(self, *args, **kwargs)
    serialized = kwargs.get("serialized")
    if serialized:
        proto = prekeywhispermessage.whisperprotos.PreKeyWhisperMessage()
        proto.ParseFromString(serialized[1:])
        if not proto.HasField("preKeyId"):
            self.preKeyId = None


PreKeyWhisperMessage.__init__ = _pkmsg_init

# axolotl logs a warning for every later prekey message of a session; stderr is only read
# when the oracle exits, so a long run could fill the pipe. Keep it quiet.
logging.getLogger("axolotl").setLevel(logging.ERROR)

PARTIES = {}


class Party:
    def __init__(self, reg):
        self.identity = KeyHelper.generateIdentityKeyPair()
        self.reg = reg
        # InMemoryAxolotlStore invents an identity of its own; replace it with ours.
        self.store = InMemoryAxolotlStore()
        self.store.identityKeyStore.identityKeyPair = self.identity
        self.store.identityKeyStore.localRegistrationId = reg
        self.senderKeys = InMemorySenderKeyStore()

    def cipher(self, peer, device):
        s = self.store
        return SessionCipher(s, s, s, s, peer, device)


def raw(pub):
    """32 raw bytes of an axolotl public key (drops the 0x05 type byte)."""
    return pub.serialize()[1:]


def djb(hexkey):
    return DjbECPublicKey(bytes.fromhex(hexkey))


def party(req):
    try:
        return PARTIES[req["party"]]
    except KeyError:
        raise KeyError("no party %r (call new first)" % req["party"])


def op_new(req):
    p = Party(req.get("reg") or KeyHelper.generateRegistrationId())
    PARTIES[req["party"]] = p
    return {"identity": raw(p.identity.getPublicKey().getPublicKey()).hex(), "reg": p.reg}


def op_bundle(req):
    p = party(req)
    spk = KeyHelper.generateSignedPreKey(p.identity, req["spk_id"])
    p.store.storeSignedPreKey(spk.getId(), spk)
    out = {
        "reg": p.reg,
        "spk_id": spk.getId(),
        "spk": raw(spk.getKeyPair().getPublicKey()).hex(),
        "spk_sig": bytes(spk.getSignature()).hex(),
        "identity": raw(p.identity.getPublicKey().getPublicKey()).hex(),
    }
    if req.get("prekey_id") is not None:
        pk = KeyHelper.generatePreKeys(req["prekey_id"], 1)[0]
        p.store.storePreKey(pk.getId(), pk)
        out["prekey_id"] = pk.getId()
        out["prekey"] = raw(pk.getKeyPair().getPublicKey()).hex()
    return out


def op_process_bundle(req):
    p = party(req)
    b = req["bundle"]
    has_prekey = b.get("prekey_id") is not None
    bundle = PreKeyBundle(
        b["reg"], req["device"],
        b["prekey_id"] if has_prekey else None,
        djb(b["prekey"]) if has_prekey else None,
        b["spk_id"], djb(b["spk"]), bytes.fromhex(b["spk_sig"]),
        IdentityKey(djb(b["identity"])))
    s = p.store
    SessionBuilder(s, s, s, s, req["peer"], req["device"]).processPreKeyBundle(bundle)
    return {}


def encrypt_one(cipher, pt):
    msg = cipher.encrypt(pt)
    kind = "pkmsg" if isinstance(msg, PreKeyWhisperMessage) else "msg"
    return {"type": kind, "ct": bytes(msg.serialize()).hex()}


def decrypt_one(cipher, kind, ct):
    if kind == "pkmsg":
        return cipher.decryptPkmsg(PreKeyWhisperMessage(serialized=ct))
    if kind == "msg":
        return cipher.decryptMsg(WhisperMessage(serialized=ct))
    raise ValueError("type must be pkmsg or msg, not %r" % kind)


def op_encrypt(req):
    return encrypt_one(party(req).cipher(req["peer"], req["device"]), bytes.fromhex(req["pt"]))


def op_encrypt_many(req):
    cipher = party(req).cipher(req["peer"], req["device"])
    return {"items": [encrypt_one(cipher, bytes.fromhex(pt)) for pt in req["pts"]]}


def op_decrypt(req):
    cipher = party(req).cipher(req["peer"], req["device"])
    return {"pt": bytes(decrypt_one(cipher, req["type"], bytes.fromhex(req["ct"]))).hex()}


def op_decrypt_many(req):
    cipher = party(req).cipher(req["peer"], req["device"])
    results = []
    for item in req["items"]:
        try:
            results.append({"pt": bytes(decrypt_one(cipher, item["type"], bytes.fromhex(item["ct"]))).hex()})
        except Exception as exc:  # one bad message must not hide the others' results
            results.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return {"results": results}


def op_has_prekey(req):
    return {"present": bool(party(req).store.containsPreKey(req["prekey_id"]))}


def sender_key_name(req):
    return SenderKeyName(req["group"], AxolotlAddress(req["sender"], req["device"]))


def op_group_create(req):
    skdm = GroupSessionBuilder(party(req).senderKeys).create(sender_key_name(req))
    return {"skdm": bytes(skdm.serialize()).hex()}


def op_group_process(req):
    skdm = SenderKeyDistributionMessage(serialized=bytes.fromhex(req["skdm"]))
    GroupSessionBuilder(party(req).senderKeys).process(sender_key_name(req), skdm)
    return {}


def op_group_encrypt(req):
    cipher = GroupCipher(party(req).senderKeys, sender_key_name(req))
    return {"ct": bytes(cipher.encrypt(bytes.fromhex(req["pt"]))).hex()}


def op_group_decrypt(req):
    cipher = GroupCipher(party(req).senderKeys, sender_key_name(req))
    return {"pt": bytes(cipher.decrypt(bytes.fromhex(req["ct"]))).hex()}


def op_group_decrypt_many(req):
    cipher = GroupCipher(party(req).senderKeys, sender_key_name(req))
    results = []
    for ct in req["cts"]:
        try:
            results.append({"pt": bytes(cipher.decrypt(bytes.fromhex(ct))).hex()})
        except Exception as exc:
            results.append({"error": "%s: %s" % (type(exc).__name__, exc)})
    return {"results": results}


OPS = {
    "keypair": op_keypair, "sign": op_sign, "verify": op_verify, "agree": op_agree,
    "new": op_new, "bundle": op_bundle, "process_bundle": op_process_bundle,
    "encrypt": op_encrypt, "encrypt_many": op_encrypt_many,
    "decrypt": op_decrypt, "decrypt_many": op_decrypt_many, "has_prekey": op_has_prekey,
    "group_create": op_group_create, "group_process": op_group_process,
    "group_encrypt": op_group_encrypt, "group_decrypt": op_group_decrypt,
    "group_decrypt_many": op_group_decrypt_many,
}



def handle(request):
    handler = OPS.get(request.get("op"))
    if handler is None:
        return {"error": "unknown op %r" % request.get("op")}
    return handler(request)


if __name__ == "__main__":
    serve(handle)
