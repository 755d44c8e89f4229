"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C vc-di-eddsa).

Sign: canonicalise the proof options (with the document's ``@context``) and the document without
its proof using RDFC-1.0 (pyld, shipped contexts only), hash each with SHA-256, sign
``sha256(proof) || sha256(document)`` with Ed25519, and encode the signature in base58btc
(multibase ``z``). Verify does the same and checks the signature with the public key that the
``verificationMethod`` resolves to. Pure functions: no Django here, so the test vectors run alone.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from pyld import jsonld

from capsules.recognition.contexts import document_loader

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub (varint 0xed)
ED25519_PRIV_PREFIX = b"\x80\x26"  # multicodec ed25519-priv (varint 0x1300)
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        i = _B58.find(ch)
        if i < 0:
            raise ValueError("caractère base58 invalide")
        n = n * 58 + i
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def multibase_decode(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise ValueError("multibase base58btc attendu (préfixe z)")
    return b58decode(value[1:])


def public_key_multibase(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + b58encode(ED25519_PUB_PREFIX + raw)


def secret_key_multibase(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return "z" + b58encode(ED25519_PRIV_PREFIX + raw)


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    raw = multibase_decode(value)
    if not raw.startswith(ED25519_PUB_PREFIX) or len(raw) != 34:
        raise ValueError("clé publique Ed25519 Multikey attendue")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def private_key_from_multibase(value: str) -> Ed25519PrivateKey:
    raw = multibase_decode(value)
    if not raw.startswith(ED25519_PRIV_PREFIX) or len(raw) != 34:
        raise ValueError("clé privée Ed25519 Multikey attendue")
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


def canonicalize(document: dict, loader=None) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document."""
    return jsonld.normalize(document, {
        "algorithm": "URDNA2015", "format": "application/n-quads",
        "documentLoader": loader or document_loader})


@dataclass(frozen=True)
class HashData:
    proof_canon: str
    document_canon: str

    @property
    def proof_hash(self) -> bytes:
        return hashlib.sha256(self.proof_canon.encode()).digest()

    @property
    def document_hash(self) -> bytes:
        return hashlib.sha256(self.document_canon.encode()).digest()

    @property
    def to_sign(self) -> bytes:
        return self.proof_hash + self.document_hash


def unsecured(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "proof"}


def hash_data(document: dict, proof_options: dict, loader=None) -> HashData:
    """Transformation + proof configuration + hashing steps of eddsa-rdfc-2022."""
    config = {k: v for k, v in proof_options.items() if k != "proofValue"}
    config["@context"] = document["@context"]
    return HashData(proof_canon=canonicalize(config, loader),
                    document_canon=canonicalize(unsecured(document), loader))


def proof_options(verification_method: str, created: str, purpose: str = "assertionMethod") -> dict:
    return {"type": PROOF_TYPE, "created": created, "verificationMethod": verification_method,
            "cryptosuite": CRYPTOSUITE, "proofPurpose": purpose}


def create_proof(document: dict, private_key: Ed25519PrivateKey, options: dict, loader=None) -> dict:
    """The proof object (options + ``proofValue``) for ``document``."""
    data = hash_data(document, options, loader)
    signature = private_key.sign(data.to_sign)
    return {**options, "proofValue": "z" + b58encode(signature)}


def sign(document: dict, private_key: Ed25519PrivateKey, options: dict, loader=None) -> dict:
    """A copy of ``document`` with its proof appended to ``proof`` (an array, as OB 3.0 requires)."""
    signed = copy.deepcopy(unsecured(document))
    signed["proof"] = [create_proof(signed, private_key, options, loader)]
    return signed


@dataclass(frozen=True)
class ProofCheck:
    valid: bool
    reason: str = ""
    verification_method: str = ""
    controller: str = ""


def gettext_noop(message: str) -> str:
    """Marks a French reason for makemessages (this module stays free of Django); verification.py translates it."""
    return message


KeyResolver = Callable[[str], "tuple[Ed25519PublicKey, str] | None"]
"""verificationMethod id -> (public key, controller id), or None when unknown."""


def proofs_of(document: dict) -> list[dict]:
    proof = document.get("proof")
    if isinstance(proof, dict):
        return [proof]
    return [p for p in proof or [] if isinstance(p, dict)]


def verify_proof(document: dict, proof: dict, resolve_key: KeyResolver, loader=None,
                 expected_purpose: str = "assertionMethod") -> ProofCheck:
    """Check one proof of ``document`` (reasons: French msgids, translated by verification.py for the page)."""
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return ProofCheck(False, gettext_noop("Type de preuve ou suite cryptographique non prise en charge."))
    if proof.get("proofPurpose") != expected_purpose:
        return ProofCheck(False, gettext_noop("Finalité de la preuve inattendue."))
    method = proof.get("verificationMethod", "")
    resolved = resolve_key(method) if isinstance(method, str) else None
    if resolved is None:
        return ProofCheck(False, gettext_noop("Clé de vérification introuvable."), method)
    public_key, controller = resolved
    try:
        signature = multibase_decode(proof.get("proofValue", ""))
        data = hash_data(document, proof, loader)
        public_key.verify(signature, data.to_sign)
    except InvalidSignature:
        return ProofCheck(False, gettext_noop("Signature invalide : le document a été modifié ou n'a pas été "
                                              "signé par cette clé."), method, controller)
    except (ValueError, jsonld.JsonLdError) as exc:
        return ProofCheck(False, f"Preuve illisible : {exc.__class__.__name__}.", method, controller)
    return ProofCheck(True, "", method, controller)


def verify(document: dict, resolve_key: KeyResolver, loader=None) -> ProofCheck:
    """Valid when the document has at least one proof and every proof verifies."""
    proofs = proofs_of(document)
    if not proofs:
        return ProofCheck(False, gettext_noop("Aucune preuve cryptographique."))
    for proof in proofs:
        check = verify_proof(document, proof, resolve_key, loader)
        if not check.valid:
            return check
    return check
