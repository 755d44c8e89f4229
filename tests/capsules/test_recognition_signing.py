"""eddsa-rdfc-2022 against the published test vectors (1EdTech OB 3.0 and W3C vc-di-eddsa)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld.jsonld import JsonLdError

from capsules.recognition import signing
from capsules.recognition.contexts import make_loader

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
OB = FIXTURES / "openbadges"
W3C = FIXTURES / "vc_di_eddsa"


@pytest.fixture(scope="module")
def vector() -> dict:
    return json.loads((OB / "obv3p0-eddsa-rdfc-2022-vector.json").read_text())


def _resolver(public_key, controller):
    def resolve(method):
        return (public_key, controller) if method.split("#")[0] == controller else None
    return resolve


def test_1edtech_vector_reproduced_byte_for_byte(vector):
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vector["privateKeyHex"])[:32])
    assert key.public_key().public_bytes_raw().hex() == vector["publicKeyHex"]
    assert signing.public_key_multibase(key.public_key()) == vector["publicKeyMultibase"]
    assert signing.private_key_from_multibase(signing.secret_key_multibase(key)).public_key().public_bytes_raw() \
        == key.public_key().public_bytes_raw()

    data = signing.hash_data(vector["credential"], vector["proofOptions"])
    assert data.proof_canon == (OB / "proof-canon.txt").read_text()
    assert data.document_canon == (OB / "document-canon.txt").read_text()
    assert data.document_hash.hex() == vector["documentHashHex"]
    assert data.proof_hash.hex() == vector["proofHashHex"]
    assert data.to_sign.hex() == vector["dataToSignHex"]

    signed = signing.sign(vector["credential"], key, vector["proofOptions"])
    proof = signed["proof"][0]
    assert signing.multibase_decode(proof["proofValue"]).hex() == vector["signatureHex"]
    assert proof["proofValue"] == vector["proofValue"]
    assert {k: v for k, v in proof.items() if k != "proofValue"} == vector["proofOptions"]


def test_1edtech_signed_credential_verifies_and_tampering_fails(vector):
    public = signing.public_key_from_multibase(vector["publicKeyMultibase"])
    resolve = _resolver(public, vector["credential"]["issuer"]["id"])
    signed = {**vector["credential"], "proof": {**vector["proofOptions"], "proofValue": vector["proofValue"]}}
    assert signing.verify(signed, resolve).valid

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Leadership"
    check = signing.verify(tampered, resolve)
    assert not check.valid and "Signature invalide" in check.reason

    later = copy.deepcopy(signed)
    later["proof"]["created"] = "2011-01-01T19:23:24Z"  # the proof options are signed too
    assert not signing.verify(later, resolve).valid

    other = Ed25519PrivateKey.generate().public_key()
    assert not signing.verify(signed, _resolver(other, vector["credential"]["issuer"]["id"])).valid
    assert not signing.verify(vector["credential"], resolve).valid  # no proof at all


def test_w3c_vc_di_eddsa_vector():
    loader = make_loader({"https://www.w3.org/ns/credentials/examples/v2": W3C / "credentials-examples-v2.jsonld"})
    signed = json.loads((W3C / "signedDataInt.json").read_text())
    config = json.loads((W3C / "proofConfigDataInt.json").read_text())
    keys = json.loads((W3C / "keyPair.json").read_text())
    key = signing.private_key_from_multibase(keys["privateKeyMultibase"])
    assert signing.public_key_multibase(key.public_key()) == keys["publicKeyMultibase"]

    options = {k: v for k, v in config.items() if k != "@context"}
    data = signing.hash_data(signed, options, loader)
    assert data.proof_canon == (W3C / "proofCanonDataInt.txt").read_text()
    assert data.document_canon == (W3C / "canonDocDataInt.txt").read_text()
    assert data.to_sign.hex() == (W3C / "combinedHashDataInt.txt").read_text().strip()
    proof = signing.create_proof(signing.unsecured(signed), key, options, loader)
    assert proof["proofValue"] == (W3C / "sigBTC58DataInt.txt").read_text().strip() == signed["proof"]["proofValue"]


def test_loader_never_fetches_unknown_contexts(vector):
    doc = {**vector["credential"], "@context": [*vector["credential"]["@context"], "https://evil.example/ctx.json"]}
    with pytest.raises(JsonLdError):
        signing.canonicalize(doc)
