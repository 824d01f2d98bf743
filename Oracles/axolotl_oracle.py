"""JSON-lines oracle around python-axolotl (the Signal port we test against).

One request object per line on stdin, one reply per line on stdout; bytes are hex.
Errors come back as {"error": "..."} and the process keeps serving.

Curve operations (this file grows with the Signal layer):
  keypair {priv}            -> {pub}          private key is clamped first (see below)
  sign    {priv, msg}       -> {sig}          axolotl's curve25519 signature (libsignal style)
  verify  {pub, msg, sig}   -> {ok}
  agree   {priv, pub}       -> {shared}

axolotl_curve25519 neither clamps scalars nor copies them: generatePrivateKey clamps the
caller's buffer in place. Every private key from outside is copied and clamped here, as
libsignal and whatsmeow clamp at generation.
"""
import json
import os
import sys

import axolotl_curve25519 as curve
from axolotl.ecc.curve import Curve
from axolotl.ecc.djbec import DjbECPrivateKey, DjbECPublicKey


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


OPS = {"keypair": op_keypair, "sign": op_sign, "verify": op_verify, "agree": op_agree}


def main():
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            handler = OPS.get(req.get("op"))
            reply = handler(req) if handler else {"error": "unknown op %r" % req.get("op")}
        except Exception as exc:  # the oracle reports and keeps serving
            reply = {"error": "%s: %s" % (type(exc).__name__, exc)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
