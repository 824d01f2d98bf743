"""Messaging for the companion oracle, the way whatsmeow does it, built on python-axolotl.

companion_oracle.py links and logs in; with --commands it hands its logged-in connection to a
Messenger from this module, which then

  * sends texts to people: usync device lists (own user and the peer's, with <lid/>), prekey
    bundles for devices it has no session with (`reason="identity"`), one SessionCipher per
    device (Signal address `lidUser_1`.device for LID devices, `user`.device for PN ones), the
    WhatsApp padding (n bytes of value n, 1 <= n <= 15), `<participants>` fan-out with a
    DeviceSentMessage copy for its own other devices, `<device-identity>` when any copy is a
    pkmsg, and the server's `<ack class="message">` awaited;
  * sends texts to groups: members from `w:g2` `<query request="interactive"/>`, the sender key
    distribution message pairwise to every member device (as whatsmeow does on every send) and
    the content once as `<enc type="skmsg">` under its own sender key;
  * receives `pkmsg`, `msg` and `skmsg`: decrypts, unpads (checking every padding byte),
    processes a sender key distribution, reports each message once and answers with a receipt
    (a retry receipt when it cannot decrypt);
  * reports every receipt for its own messages.

Protobufs are encoded and parsed by hand (field numbers from protocol.md §12): Message
conversation=1, senderKeyDistributionMessage=2 {groupID=1, axolotlSenderKeyDistributionMessage=2},
extendedTextMessage=6 {text=1}, deviceSentMessage=31 {destinationJID=1, message=2}.

Signal sessions and sender keys live in memory for one run; the one-time prekeys' private halves
are kept in the state (DeviceKeys.prekeys), so a device that logs in again can still open a
pkmsg made from a bundle the server handed out earlier.
"""

import asyncio
import hashlib
import os
import time

import axolotl_oracle  # noqa: F401  (its pkmsg-without-prekey fix and quiet logging apply here too)
from axolotl.axolotladdress import AxolotlAddress
from axolotl.ecc.djbec import DjbECPrivateKey, DjbECPublicKey
from axolotl.ecc.eckeypair import ECKeyPair
from axolotl.groups.groupcipher import GroupCipher
from axolotl.groups.groupsessionbuilder import GroupSessionBuilder
from axolotl.groups.senderkeyname import SenderKeyName
from axolotl.identitykey import IdentityKey
from axolotl.identitykeypair import IdentityKeyPair
from axolotl.invalidkeyidexception import InvalidKeyIdException
from axolotl.protocol.prekeywhispermessage import PreKeyWhisperMessage
from axolotl.protocol.senderkeydistributionmessage import SenderKeyDistributionMessage
from axolotl.protocol.whispermessage import WhisperMessage
from axolotl.sessionbuilder import SessionBuilder
from axolotl.sessioncipher import SessionCipher
from axolotl.state.prekeybundle import PreKeyBundle
from axolotl.state.prekeyrecord import PreKeyRecord
from axolotl.state.prekeystore import PreKeyStore
from axolotl.state.signedprekeyrecord import SignedPreKeyRecord
from axolotl.tests.groups.inmemorysenderkeystore import InMemorySenderKeyStore
from axolotl.tests.inmemoryaxolotlstore import InMemoryAxolotlStore
from axolotl.tests.inmemoryidentitykeystore import InMemoryIdentityKeyStore

from noise_oracle import clamp, emit, field_bytes, last, parse_message, public_of
from wa_node import child, children, node

ACK_TIMEOUT = 10.0
PN_SERVER = "s.whatsapp.net"
LID_SERVER = "lid"
GROUP_SERVER = "g.us"

# Message fields (waE2E.Message).
CONVERSATION = 1
SENDER_KEY_DISTRIBUTION = 2
EXTENDED_TEXT = 6
DEVICE_SENT = 31


class CommandFailed(Exception):
    """A command that could not be carried out; reported, and the oracle keeps running."""

    def __init__(self, reason, **details):
        super().__init__(reason)
        self.reason = reason
        self.details = details


# ---------------------------------------------------------------- JIDs and addresses


def parse_jid(jid):
    """"user[:device]@server" -> (user, device, server)."""
    user, _, server = str(jid).partition("@")
    user, _, device = user.partition(":")
    return user, int(device or 0), server


def make_jid(user, server, device=0):
    return "%s:%d@%s" % (user, device, server) if device else "%s@%s" % (user, server)


def bare(jid):
    user, _, server = parse_jid(jid)
    return make_jid(user, server)


def signal_address(jid):
    """The Signal (name, device) of a device JID: `user` for PN, `user_1` for LID."""
    user, device, server = parse_jid(jid)
    if server == PN_SERVER:
        return SignalName(user, device), device
    if server == LID_SERVER:
        return SignalName(user + "_1", device), device
    raise CommandFailed("no Signal address for %s" % jid)


# ---------------------------------------------------------------- plaintext


def pad(plaintext):
    """whatsmeow's padMessage: n = random & 0x0F, 0 taken as 15; n bytes of value n."""
    n = os.urandom(1)[0] & 0x0F or 0x0F
    return plaintext + bytes([n]) * n


def unpad(padded):
    if not padded:
        raise ValueError("empty plaintext")
    n = padded[-1]
    if n == 0 or n > len(padded) or padded[-n:] != bytes([n]) * n:
        raise ValueError("bad padding (last byte %d)" % n)
    return padded[:-n]


def text_message(text):
    return field_bytes(CONVERSATION, text.encode("utf-8"))


def device_sent_message(destination, message):
    return field_bytes(DEVICE_SENT, field_bytes(1, destination.encode("utf-8")) + field_bytes(2, message))


def skdm_message(group, skdm):
    return field_bytes(SENDER_KEY_DISTRIBUTION, field_bytes(1, group.encode("utf-8")) + field_bytes(2, skdm))


def describe_fields(fields):
    """Every field of a parsed message, bytes as hex, for the test to look at."""
    return {str(number): [value.hex() if isinstance(value, bytes) else value for value in values]
            for number, values in sorted(fields.items())}


def text_of(fields):
    """conversation, or extendedTextMessage.text; None for other kinds."""
    conversation = last(fields, CONVERSATION)
    if isinstance(conversation, bytes):
        return conversation.decode("utf-8", "replace")
    extended = last(fields, EXTENDED_TEXT)
    if isinstance(extended, bytes):
        text = last(parse_message(extended), 1)
        if isinstance(text, bytes):
            return text.decode("utf-8", "replace")
    return None


def new_message_id(own_user):
    """whatsmeow's GenerateMessageID: 3EB0 + hex(SHA256(ts ‖ user@c.us ‖ 16 random)[:9])."""
    digest = hashlib.sha256(int(time.time()).to_bytes(8, "big") + (own_user + "@c.us").encode()
                            + os.urandom(16)).digest()
    return "3EB0" + digest[:9].hex().upper()


# ---------------------------------------------------------------- Signal state


class SignalName(str):
    """A Signal address name that also knows its device.

    python-axolotl's identity store is asked about a name alone, while libsignal (and so
    whatsmeow) trusts identities per name and device; every device of an account has its own
    identity key. The name stays an ordinary string for the session store (equal and hashed
    as one), and DeviceIdentityStore reads the device from it."""

    def __new__(cls, name, device):
        value = super().__new__(cls, name)
        value.device = device
        return value


class DeviceIdentityStore(InMemoryIdentityKeyStore):
    """Trust on first use per (name, device), as whatsmeow's store does per address."""

    @staticmethod
    def address(recepientId):
        return recepientId, getattr(recepientId, "device", None)

    def saveIdentity(self, recepientId, identityKey):
        self.trustedKeys[self.address(recepientId)] = identityKey

    def isTrustedIdentity(self, recepientId, identityKey):
        known = self.trustedKeys.get(self.address(recepientId))
        return known is None or known == identityKey


class DevicePreKeyStore(PreKeyStore):
    """The one-time prekeys straight from DeviceKeys.prekeys: the ones uploaded after the
    messenger started are there too, and a used one leaves the state file with it."""

    def __init__(self, keys):
        self.keys = keys

    def loadPreKey(self, preKeyId):
        private = self.keys.prekeys.get(str(preKeyId))
        if private is None:
            raise InvalidKeyIdException("No such prekeyRecord!")
        private = bytes.fromhex(private)
        return PreKeyRecord(preKeyId, ECKeyPair(DjbECPublicKey(public_of(private)), DjbECPrivateKey(private)))

    def storePreKey(self, preKeyId, preKeyRecord):
        self.keys.prekeys[str(preKeyId)] = bytes(preKeyRecord.getKeyPair().getPrivateKey().serialize()).hex()

    def containsPreKey(self, preKeyId):
        return str(preKeyId) in self.keys.prekeys

    def removePreKey(self, preKeyId):
        self.keys.prekeys.pop(str(preKeyId), None)


class SignalState:
    """python-axolotl stores filled with the companion's own keys (DeviceKeys)."""

    def __init__(self, keys):
        self.keys = keys
        store = InMemoryAxolotlStore()
        store.identityKeyStore = DeviceIdentityStore()
        # InMemoryAxolotlStore invents an identity and registration id; ours replace them.
        store.identityKeyStore.identityKeyPair = IdentityKeyPair(
            IdentityKey(DjbECPublicKey(keys.identity_public)), DjbECPrivateKey(keys.identity_private))
        store.identityKeyStore.localRegistrationId = keys.registration_id
        store.storeSignedPreKey(keys.signed_prekey_id, SignedPreKeyRecord(
            keys.signed_prekey_id, int(time.time() * 1000),
            ECKeyPair(DjbECPublicKey(keys.signed_prekey_public), DjbECPrivateKey(keys.signed_prekey_private)),
            keys.signed_prekey_signature))
        store.preKeyStore = DevicePreKeyStore(keys)
        self.store = store
        self.sender_keys = InMemorySenderKeyStore()

    def has_session(self, device_jid):
        name, device = signal_address(device_jid)
        return self.store.containsSession(name, device)

    def cipher(self, device_jid):
        name, device = signal_address(device_jid)
        s = self.store
        return SessionCipher(s, s, s, s, name, device)

    def process_bundle(self, device_jid, bundle):
        name, device = signal_address(device_jid)
        s = self.store
        SessionBuilder(s, s, s, s, name, device).processPreKeyBundle(PreKeyBundle(
            bundle["registration"], device, bundle.get("prekey_id"),
            DjbECPublicKey(bundle["prekey"]) if bundle.get("prekey") else None,
            bundle["skey_id"], DjbECPublicKey(bundle["skey"]), bundle["skey_signature"],
            IdentityKey(DjbECPublicKey(bundle["identity"]))))

    def encrypt(self, device_jid, plaintext):
        """(enc type, ciphertext) of the padded plaintext for one device."""
        message = self.cipher(device_jid).encrypt(pad(plaintext))
        kind = "pkmsg" if isinstance(message, PreKeyWhisperMessage) else "msg"
        return kind, bytes(message.serialize())

    def decrypt(self, device_jid, kind, ciphertext):
        cipher = self.cipher(device_jid)
        if kind == "pkmsg":
            padded = cipher.decryptPkmsg(PreKeyWhisperMessage(serialized=ciphertext))
        elif kind == "msg":
            padded = cipher.decryptMsg(WhisperMessage(serialized=ciphertext))
        else:
            raise ValueError("not a pairwise type: %r" % kind)
        return unpad(bytes(padded))

    def sender_key_name(self, group, sender_jid):
        name, device = signal_address(sender_jid)
        return SenderKeyName(bare(group), AxolotlAddress(name, device))

    def own_distribution(self, group, own_jid):
        """Our sender key for `group` (made on first use) as a SenderKeyDistributionMessage."""
        return bytes(GroupSessionBuilder(self.sender_keys).create(self.sender_key_name(group, own_jid)).serialize())

    def group_encrypt(self, group, own_jid, plaintext):
        return bytes(GroupCipher(self.sender_keys, self.sender_key_name(group, own_jid)).encrypt(pad(plaintext)))

    def process_distribution(self, group, sender_jid, skdm):
        GroupSessionBuilder(self.sender_keys).process(
            self.sender_key_name(group, sender_jid), SenderKeyDistributionMessage(serialized=skdm))

    def group_decrypt(self, group, sender_jid, ciphertext):
        return unpad(bytes(GroupCipher(self.sender_keys, self.sender_key_name(group, sender_jid)).decrypt(ciphertext)))


# ---------------------------------------------------------------- the messenger


class Messenger:
    """Sends and receives on a logged-in Session (companion_oracle.Session)."""

    def __init__(self, session, keys, save):
        self.session = session
        self.keys = keys
        self.save = save
        self.signal = SignalState(keys)
        self.acks = {}
        self.seen = set()
        self.retries = {}
        own_user, self.own_device, _ = parse_jid(keys.jid)
        self.own_pn = make_jid(own_user, PN_SERVER)
        self.own_lid_user = parse_jid(keys.lid)[0] if keys.lid else None
        session.stanza_handlers.update({"message": self.on_message, "receipt": self.on_receipt, "ack": self.on_ack})

    @property
    def own_lid_device(self):
        return make_jid(self.own_lid_user, LID_SERVER, self.own_device)

    def is_own(self, jid):
        user = parse_jid(jid)[0]
        return user in (parse_jid(self.own_pn)[0], self.own_lid_user)

    # ---- queries

    async def usync(self, users):
        """{queried jid: (lid jid or None, [device ids])} from a usync device query with <lid/>."""
        response = await self.session.request("usync", "get", [node("usync", {
            "sid": self.session.next_id(), "mode": "query", "last": "true", "index": "0", "context": "message",
        }, [
            node("query", None, [node("devices", {"version": "2"}), node("lid")]),
            node("list", None, [node("user", {"jid": user}) for user in users]),
        ])], what="usync")
        answer = {}
        usync = child(response, "usync")
        listed = child(usync, "list") if usync is not None else None
        for user in children(listed) if listed is not None else []:
            if user.tag != "user":
                continue
            devices = []
            device_list = child(user, "devices")
            device_list = child(device_list, "device-list") if device_list is not None else None
            for device in children(device_list) if device_list is not None else []:
                if device.tag == "device" and str(device.attrs.get("id", "")).isdigit():
                    devices.append(int(device.attrs["id"]))
            lid = child(user, "lid")
            answer[str(user.attrs.get("jid"))] = (str(lid.attrs["val"]) if lid is not None and lid.attrs.get("val")
                                                  else None, devices)
        return answer

    async def fetch_bundles(self, devices):
        """Prekey bundles for `devices` (whatsmeow always asks with reason="identity")."""
        response = await self.session.request("encrypt", "get", [node("key", None, [
            node("user", {"jid": device, "reason": "identity"}) for device in devices])], what="encrypt/key")
        bundles = {}
        listed = child(response, "list")
        for user in children(listed) if listed is not None else []:
            if user.tag != "user":
                continue
            jid = str(user.attrs.get("jid"))
            error = child(user, "error")
            if error is not None:
                emit({"event": "bundle_error", "jid": jid, "code": error.attrs.get("code")})
                continue
            holder = child(user, "keys")  # whatsmeow also takes them wrapped in <keys>
            if holder is None:
                holder = user
            skey = child(holder, "skey")
            key = child(holder, "key")
            bundles[jid] = {
                "registration": int.from_bytes(child(holder, "registration").content, "big"),
                "identity": child(holder, "identity").content,
                "skey_id": int.from_bytes(child(skey, "id").content, "big"),
                "skey": child(skey, "value").content,
                "skey_signature": child(skey, "signature").content,
                "prekey_id": int.from_bytes(child(key, "id").content, "big") if key is not None else None,
                "prekey": child(key, "value").content if key is not None else None,
            }
        return bundles

    async def ensure_sessions(self, devices):
        """Sessions with every device, from fetched bundles where there is none yet."""
        missing = [device for device in devices if not self.signal.has_session(device)]
        if not missing:
            return []
        bundles = await self.fetch_bundles(missing)
        built = []
        for device in missing:
            if self.signal.has_session(device):
                continue  # a pkmsg from it arrived while we were asking
            bundle = bundles.get(device)
            if bundle is None:
                raise CommandFailed("no-bundle", device=device)
            self.signal.process_bundle(device, bundle)
            built.append(device)
        return built

    async def send_and_wait(self, stanza, message_id):
        waiter = asyncio.get_running_loop().create_future()
        self.acks[message_id] = waiter
        try:
            await self.session.send(stanza)
            ack = await asyncio.wait_for(waiter, ACK_TIMEOUT)
        except asyncio.TimeoutError:
            raise CommandFailed("ack-timeout", id=message_id)
        finally:
            self.acks.pop(message_id, None)
        if ack.attrs.get("error"):
            raise CommandFailed("ack-error", id=message_id, code=ack.attrs.get("error"))
        return ack

    def encrypt_for(self, devices, plaintext):
        """`<to jid><enc/></to>` for each device, and which of them are pkmsg."""
        nodes, prekey_devices = [], []
        for device in devices:
            kind, ciphertext = self.signal.encrypt(device, plaintext)
            if kind == "pkmsg":
                prekey_devices.append(device)
            nodes.append(node("to", {"jid": device}, [node("enc", {"v": "2", "type": kind}, ciphertext)]))
        return nodes, prekey_devices

    # ---- sending

    async def send_text(self, to, text, message_id=None):
        """A text to a person (phone-number or LID JID), addressed to the LID as whatsmeow does."""
        message_id = message_id or new_message_id(parse_jid(self.own_pn)[0])
        peer = bare(to)
        lists = await self.usync([peer, self.own_pn])
        peer_lid, peer_devices = lists.get(peer, (None, []))
        if not peer_devices:
            raise CommandFailed("no-such-user", to=peer)
        if parse_jid(peer)[2] == LID_SERVER:
            peer_lid = peer
        if peer_lid is None:
            raise CommandFailed("no-lid", to=peer)  # whatsmeow: "no LID found for … from server"
        own_lid, own_devices = lists.get(self.own_pn, (None, []))
        if own_lid and not self.own_lid_user:
            self.own_lid_user = parse_jid(own_lid)[0]
        lid_user = parse_jid(peer_lid)[0]
        theirs = [make_jid(lid_user, LID_SERVER, device) for device in peer_devices]
        ours = [make_jid(self.own_lid_user, LID_SERVER, device) for device in own_devices
                if device != self.own_device]
        new_sessions = await self.ensure_sessions(theirs + ours)
        message = text_message(text)
        direct, prekey_devices = self.encrypt_for(theirs, message)
        copies, prekey_copies = self.encrypt_for(ours, device_sent_message(peer_lid, message))
        content = [node("participants", None, direct + copies)]
        if prekey_devices or prekey_copies:
            content.append(node("device-identity", None, self.keys.account))
        attrs = {"id": message_id, "type": "text", "to": peer_lid}
        if parse_jid(peer)[2] == PN_SERVER:
            attrs["peer_recipient_pn"] = peer
        ack = await self.send_and_wait(node("message", attrs, content), message_id)
        return {"event": "sent", "id": message_id, "to": peer_lid, "chat": peer, "devices": theirs + ours,
                "pkmsg": prekey_devices + prekey_copies, "new_sessions": new_sessions, "t": ack.attrs.get("t")}

    async def send_group_text(self, group, text, message_id=None):
        """A text to a group: the sender key pairwise to every member device, the text as skmsg."""
        message_id = message_id or new_message_id(parse_jid(self.own_pn)[0])
        group = bare(group)
        metadata = await self.session.request("w:g2", "get", [node("query", {"request": "interactive"})],
                                              what="w:g2 group query", to=group)
        info = child(metadata, "group")
        members = [str(p.attrs.get("jid")) for p in (children(info) if info is not None else [])
                   if p.tag == "participant"]
        if not members:
            raise CommandFailed("no-members", group=group)
        lists = await self.usync(members)
        devices = []
        for member in members:
            lid, ids = lists.get(member, (None, []))
            lid_user = parse_jid(lid or member)[0]
            devices += [make_jid(lid_user, LID_SERVER, device) for device in ids]
        devices = [device for device in devices if device != self.own_lid_device]
        new_sessions = await self.ensure_sessions(devices)
        distribution = skdm_message(group, self.signal.own_distribution(group, self.own_lid_device))
        pairwise, prekey_devices = self.encrypt_for(devices, distribution)
        skmsg = self.signal.group_encrypt(group, self.own_lid_device, text_message(text))
        content = [node("participants", None, pairwise), node("enc", {"v": "2", "type": "skmsg"}, skmsg)]
        if prekey_devices:
            content.append(node("device-identity", None, self.keys.account))
        ack = await self.send_and_wait(node("message", {
            "id": message_id, "type": "text", "to": group, "addressing_mode": "lid"}, content), message_id)
        return {"event": "sent", "id": message_id, "to": group, "chat": group, "members": members,
                "devices": devices, "pkmsg": prekey_devices, "new_sessions": new_sessions,
                "t": ack.attrs.get("t")}

    # ---- receiving (called from the session's read loop; must not raise)

    async def on_ack(self, item):
        waiter = self.acks.get(item.attrs.get("id"))
        if item.attrs.get("class") == "message" and waiter is not None and not waiter.done():
            waiter.set_result(item)

    async def on_receipt(self, item):
        attrs = item.attrs
        listed = child(item, "list")
        ids = [attrs.get("id")] + [i.attrs.get("id") for i in (children(listed) if listed is not None else [])
                                   if i.tag == "item"]
        emit({"event": "receipt", "ids": [str(i) for i in ids if i], "from": str(attrs.get("from")),
              "participant": str(attrs["participant"]) if attrs.get("participant") else None,
              "recipient": str(attrs["recipient"]) if attrs.get("recipient") else None,
              "type": attrs.get("type")})
        await self.session.send(node("ack", {
            "class": "receipt", "id": attrs.get("id"), "to": attrs.get("from"),
            "participant": attrs.get("participant"), "type": attrs.get("type")}))

    async def on_message(self, item):
        try:
            await self.receive(item)
        except Exception as error:  # a bug here must not end the read loop
            emit({"event": "message_error", "id": item.attrs.get("id"),
                  "reason": "%s: %s" % (type(error).__name__, error)})
            await self.session.send(node("ack", {"class": "message", "id": item.attrs.get("id"),
                                                 "to": item.attrs.get("from"), "error": "500"}))

    def receipt_for(self, item, group, sender, from_me):
        attrs = item.attrs
        return node("receipt", {
            "id": attrs.get("id"), "to": attrs.get("from"),
            "participant": sender if group else None,
            "recipient": attrs.get("recipient"),
            "type": "sender" if from_me and not group else None,
        })

    async def receive(self, item):
        attrs = item.attrs
        message_id, source = attrs.get("id"), str(attrs.get("from"))
        group = source if parse_jid(source)[2] == GROUP_SERVER else None
        sender = str(attrs.get("participant")) if group else source
        from_me = self.is_own(sender)
        key = (source, sender, message_id)
        if key in self.seen:
            await self.session.send(self.receipt_for(item, group, sender, from_me))
            return
        encs = [enc for enc in children(item) if enc.tag == "enc"]
        encs.sort(key=lambda enc: enc.attrs.get("type") == "skmsg")  # the sender key comes first
        content, distribution, failures = None, None, []
        for enc in encs:
            kind = enc.attrs.get("type")
            try:
                if kind == "skmsg":
                    if group is None:
                        raise ValueError("skmsg outside a group")
                    plaintext = self.signal.group_decrypt(group, sender, enc.content)
                else:
                    plaintext = self.signal.decrypt(sender, kind, enc.content)
                fields = parse_message(plaintext)
            except Exception as error:
                failures.append({"type": kind, "reason": "%s: %s" % (type(error).__name__, error)})
                continue
            skdm = last(fields, SENDER_KEY_DISTRIBUTION)
            if isinstance(skdm, bytes):
                distribution = parse_message(skdm)
                self.signal.process_distribution(
                    group or last(distribution, 1, b"").decode(), sender, last(distribution, 2, b""))
            if set(fields) - {SENDER_KEY_DISTRIBUTION} or content is None:
                content = (kind, plaintext, fields)
        self.save()
        meaningful = content is not None and set(content[2]) - {SENDER_KEY_DISTRIBUTION}
        if failures and not meaningful:
            await self.ask_again(item, group, sender, failures)
            return
        if content is None:
            await self.session.send(node("ack", {"class": "message", "id": message_id, "to": attrs.get("from"),
                                                 "error": "488"}))
            return
        self.seen.add(key)
        kind, plaintext, fields = content
        chat = group or (str(attrs["recipient"]) if from_me and attrs.get("recipient") else bare(sender))
        inner = fields
        dsm = last(fields, DEVICE_SENT)
        if isinstance(dsm, bytes):
            wrapper = parse_message(dsm)
            chat = last(wrapper, 1, chat.encode()).decode()
            inner = parse_message(last(wrapper, 2, b""))
        if meaningful:
            emit({"event": "message", "id": message_id, "from": source, "chat": chat, "sender": sender,
                  "sender_pn": str(attrs["sender_pn"]) if attrs.get("sender_pn") else None,
                  "participant_pn": str(attrs["participant_pn"]) if attrs.get("participant_pn") else None,
                  "group": group, "from_me": from_me, "type": attrs.get("type"),
                  "offline": attrs.get("offline") is not None, "t": attrs.get("t"),
                  "enc": [enc.attrs.get("type") for enc in encs], "device_identity": child(item, "device-identity")
                  is not None, "sender_key": distribution is not None, "text": text_of(inner),
                  "fields": describe_fields(inner), "raw": plaintext.hex(), "failures": failures})
        await self.session.send(self.receipt_for(item, group, sender, from_me))

    async def ask_again(self, item, group, sender, failures):
        """whatsmeow's retry receipt: <retry count id t v="1"/> and our registration id."""
        attrs = item.attrs
        key = (str(attrs.get("from")), sender, attrs.get("id"))
        count = self.retries.get(key, 0) + 1
        self.retries[key] = count
        emit({"event": "decrypt_failed", "id": attrs.get("id"), "from": str(attrs.get("from")), "sender": sender,
              "count": count, "failures": failures})
        await self.session.send(node("receipt", {
            "id": attrs.get("id"), "to": attrs.get("from"), "participant": sender if group else None,
            "type": "retry"}, [
            node("retry", {"count": str(count), "id": attrs.get("id"), "t": attrs.get("t"), "v": "1"}),
            node("registration", None, self.keys.registration_id.to_bytes(4, "big")),
        ]))

    # ---- the command loop

    async def run_command(self, command):
        ref = command.get("ref")
        name = command.get("cmd")
        try:
            if name == "send":
                result = await self.send_text(command["to"], command["text"], command.get("id"))
            elif name == "send_group":
                result = await self.send_group_text(command["to"], command["text"], command.get("id"))
            else:
                raise CommandFailed("unknown-command", cmd=name)
        except CommandFailed as failure:
            result = dict({"event": "command_failed", "cmd": name, "reason": failure.reason}, **failure.details)
        except Exception as error:
            failure_reason = getattr(error, "reason", None)
            result = {"event": "command_failed", "cmd": name,
                      "reason": failure_reason or "%s: %s" % (type(error).__name__, error)}
            if hasattr(error, "details"):
                result.update(error.details)
        if ref is not None:
            result["ref"] = ref
        emit(result)


# ---------------------------------------------------------------- offline checks


def selftest_checks(check, keys_class):
    """Padding, message layout and both kinds of session between two DeviceKeys, no socket."""
    samples = [pad(b"hi") for _ in range(200)]
    check("padding is 1..15 bytes of n", all(
        1 <= p[-1] <= 15 and p[2:] == bytes([p[-1]]) * p[-1] and unpad(p) == b"hi" for p in samples))
    try:
        unpad(b"hi\x02\x03")
        check("uneven padding is refused", False)
    except ValueError:
        check("uneven padding is refused", True)
    fields = parse_message(text_message("héllo"))
    check("conversation is field 1", text_of(fields) == "héllo" and list(fields) == [1])
    wrapped = parse_message(device_sent_message("9@lid", text_message("x")))
    check("deviceSentMessage is field 31 {1, 2}", text_of(parse_message(last(parse_message(last(wrapped, 31)), 2)))
          == "x")
    check("message ids look like whatsmeow's", len(new_message_id("1555")) == 22)
    check("signal addresses", signal_address("123:4@lid") == ("123_1", 4)
          and signal_address("1555@s.whatsapp.net") == ("1555", 0))

    alice_keys, bob_keys = keys_class(), keys_class()
    prekey = clamp(os.urandom(32))
    bob_keys.prekeys = {"7": prekey.hex()}
    alice, bob = SignalState(alice_keys), SignalState(bob_keys)
    bob_jid, alice_jid = "200:3@lid", "100:2@lid"
    alice.process_bundle(bob_jid, {
        "registration": bob_keys.registration_id, "identity": bob_keys.identity_public,
        "skey_id": bob_keys.signed_prekey_id, "skey": bob_keys.signed_prekey_public,
        "skey_signature": bob_keys.signed_prekey_signature, "prekey_id": 7, "prekey": public_of(prekey)})
    kind, ciphertext = alice.encrypt(bob_jid, text_message("one"))
    check("first message is a pkmsg with 0x33 framing", kind == "pkmsg" and ciphertext[0] == 0x33)
    check("pkmsg opens with the DeviceKeys' prekeys", text_of(parse_message(bob.decrypt(alice_jid, kind, ciphertext)))
          == "one" and "7" not in bob_keys.prekeys)
    kind, ciphertext = bob.encrypt(alice_jid, text_message("two"))
    check("the answer is a msg", kind == "msg" and
          text_of(parse_message(alice.decrypt(bob_jid, kind, ciphertext))) == "two")
    group = "120363000000000001@g.us"
    distribution = alice.own_distribution(group, alice_jid)
    bob.process_distribution(group, alice_jid, distribution)
    skmsg = alice.group_encrypt(group, alice_jid, text_message("all"))
    carol = SignalState(keys_class())
    for device, identity in ((0, alice_keys.identity_public), (3, bob_keys.identity_public)):
        carol.store.saveIdentity(signal_address("100:%d@lid" % device)[0], IdentityKey(DjbECPublicKey(identity)))
    check("identities are trusted per device", carol.store.isTrustedIdentity(
        signal_address("100:3@lid")[0], IdentityKey(DjbECPublicKey(bob_keys.identity_public))))
    check("a changed identity of a known device is not", not carol.store.isTrustedIdentity(
        signal_address("100:0@lid")[0], IdentityKey(DjbECPublicKey(bob_keys.identity_public))))
    check("sender keys: skmsg opens after the distribution", skmsg[0] == 0x33
          and text_of(parse_message(bob.group_decrypt(group, alice_jid, skmsg))) == "all")
