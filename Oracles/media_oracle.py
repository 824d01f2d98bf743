"""JSON-lines oracle for WhatsApp media encryption, written from the protocol facts
(protocol.md §10) over `cryptography`'s HKDF, AES-CBC, PKCS#7 and HMAC. It shares no code
with the Swift side and checks a download the way whatsmeow does. A second path runs
baileys-python's own key derivation and primitives (`baileys.whatsapp_keys`, `baileys.crypto`)
for the kinds Baileys names; its `media` module needs aiohttp, which is not installed, so its
four-line encrypt_media composition is repeated here.

One request object per line on stdin, one reply per line on stdout; bytes are hex.
Errors come back as {"error": "..."} and the process keeps serving.

  kinds   {}                                     -> {kinds: {name: {info, mms_type}}}
  keys    {kind, media_key}                      -> {iv, cipher_key, mac_key, ref_key}
  encrypt {kind, media_key, plaintext}           -> {body, file_sha256, file_enc_sha256,
                                                     file_length, token, token_unpadded}
  decrypt {kind, media_key, body, file_enc_sha256, file_sha256}
                                                 -> {plaintext} | {rejected: reason}
  baileys_encrypt {kind, media_key, plaintext}   -> {body, file_sha256, file_enc_sha256}
  baileys_decrypt {kind, media_key, body}        -> {plaintext} | {rejected: "mac"}
                                                    (Baileys checks only the MAC)

`kind` uses Zapgate's MediaKind names; the table below is the oracle's own. Rejection reasons,
in the order they are checked: "short" (no room for a block and the MAC), "enc_sha256",
"mac", "padding", "sha256".
"""
import base64
import hashlib
import hmac

from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from oracle_io import register_baileys_package, serve

MAC_LENGTH = 10

# name -> (HKDF info, upload path segment)
KINDS = {
    "image": ("WhatsApp Image Keys", "image"),
    "sticker": ("WhatsApp Image Keys", "image"),
    "video": ("WhatsApp Video Keys", "video"),
    "gif": ("WhatsApp Video Keys", "video"),
    "videoNote": ("WhatsApp Video Keys", "video"),
    "audio": ("WhatsApp Audio Keys", "audio"),
    "voiceNote": ("WhatsApp Audio Keys", "audio"),
    "document": ("WhatsApp Document Keys", "document"),
    "history": ("WhatsApp History Keys", "md-msg-hist"),
    "appState": ("WhatsApp App State Keys", "md-app-state"),
    "linkThumbnail": ("WhatsApp Link Thumbnail Keys", "thumbnail-link"),
    "stickerPack": ("WhatsApp Sticker Pack Keys", "sticker-pack"),
}


def expand(kind, media_key):
    if len(media_key) != 32:
        raise ValueError("media key is %d bytes" % len(media_key))
    info = KINDS[kind][0].encode()
    out = HKDF(algorithm=hashes.SHA256(), length=112, salt=None, info=info).derive(media_key)
    return out[:16], out[16:48], out[48:80], out[80:]


def mac(mac_key, iv, ciphertext):
    return hmac.new(mac_key, iv + ciphertext, hashlib.sha256).digest()[:MAC_LENGTH]


def encrypt(kind, media_key, plaintext):
    iv, cipher_key, mac_key, _ = expand(kind, media_key)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(cipher_key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    body = ciphertext + mac(mac_key, iv, ciphertext)
    enc_sha = hashlib.sha256(body).digest()
    token = base64.urlsafe_b64encode(enc_sha).decode()
    return {
        "body": body.hex(),
        "file_sha256": hashlib.sha256(plaintext).hexdigest(),
        "file_enc_sha256": enc_sha.hex(),
        "file_length": len(plaintext),
        "token": token,
        "token_unpadded": token.rstrip("="),
    }


def decrypt(kind, media_key, body, file_enc_sha256, file_sha256):
    iv, cipher_key, mac_key, _ = expand(kind, media_key)
    if len(body) < 16 + MAC_LENGTH or (len(body) - MAC_LENGTH) % 16:
        return {"rejected": "short"}
    if not hmac.compare_digest(hashlib.sha256(body).digest(), file_enc_sha256):
        return {"rejected": "enc_sha256"}
    ciphertext, received = body[:-MAC_LENGTH], body[-MAC_LENGTH:]
    if not hmac.compare_digest(mac(mac_key, iv, ciphertext), received):
        return {"rejected": "mac"}
    decryptor = Cipher(algorithms.AES(cipher_key), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plaintext = unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        return {"rejected": "padding"}
    if not hmac.compare_digest(hashlib.sha256(plaintext).digest(), file_sha256):
        return {"rejected": "sha256"}
    return {"plaintext": plaintext.hex()}


# Zapgate's kind -> Baileys' media type name, for the kinds Baileys has.
BAILEYS_TYPES = {
    "image": "image",
    "sticker": "sticker",
    "video": "video",
    "gif": "gif",
    "audio": "audio",
    "voiceNote": "ptt",
    "document": "document",
    "appState": "md-app-state",
}


def baileys_encrypt(kind, media_key, plaintext):
    register_baileys_package()
    from baileys.crypto import aes_encrypt_cbc, hmac_sign, sha256
    from baileys.whatsapp_keys import derive_media_keys

    keys = derive_media_keys(media_key, BAILEYS_TYPES[kind])
    ciphertext = aes_encrypt_cbc(plaintext, keys.cipher_key, keys.iv)
    body = ciphertext + hmac_sign(keys.iv + ciphertext, keys.mac_key)[:10]
    return {"body": body.hex(), "file_sha256": sha256(plaintext).hex(), "file_enc_sha256": sha256(body).hex()}


def baileys_decrypt(kind, media_key, body):
    register_baileys_package()
    from baileys.crypto import aes_decrypt_cbc, hmac_sign
    from baileys.whatsapp_keys import derive_media_keys

    keys = derive_media_keys(media_key, BAILEYS_TYPES[kind])
    ciphertext, received = body[:-10], body[-10:]
    if hmac_sign(keys.iv + ciphertext, keys.mac_key)[:10] != received:
        return {"rejected": "mac"}
    return {"plaintext": aes_decrypt_cbc(ciphertext, keys.cipher_key, keys.iv).hex()}


def handle(request):
    op = request["op"]
    if op == "kinds":
        return {"kinds": {name: {"info": info, "mms_type": path} for name, (info, path) in KINDS.items()}}
    kind = request["kind"]
    media_key = bytes.fromhex(request["media_key"])
    if op == "keys":
        iv, cipher_key, mac_key, ref_key = expand(kind, media_key)
        return {"iv": iv.hex(), "cipher_key": cipher_key.hex(), "mac_key": mac_key.hex(), "ref_key": ref_key.hex()}
    if op == "encrypt":
        return encrypt(kind, media_key, bytes.fromhex(request["plaintext"]))
    if op == "baileys_encrypt":
        return baileys_encrypt(kind, media_key, bytes.fromhex(request["plaintext"]))
    if op == "baileys_decrypt":
        return baileys_decrypt(kind, media_key, bytes.fromhex(request["body"]))
    if op == "decrypt":
        return decrypt(
            kind,
            media_key,
            bytes.fromhex(request["body"]),
            bytes.fromhex(request["file_enc_sha256"]),
            bytes.fromhex(request["file_sha256"]),
        )
    raise ValueError("unknown op %r" % op)


if __name__ == "__main__":
    serve(handle)
