"""JSON-LD contexts shipped with Geste, and a pyld document loader that serves only them.

Canonicalising a credential (RDFC-1.0) needs its ``@context`` documents. Fetching them at run
time would make every signature and verification depend on third-party servers (and let them
change what a signature means), so the loader answers from these files and refuses any other URL.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pyld.jsonld import JsonLdError

HERE = Path(__file__).resolve().parent

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
CID_V1 = "https://www.w3.org/ns/cid/v1"

#: URL -> file in this folder (see LICENSES.md for where each comes from).
CONTEXT_FILES: dict[str, str] = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    OB_V3P0: "ob-v3p0-context-3.0.3.json",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
    CID_V1: "cid-v1.jsonld",
}


@cache
def _read(path: str) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def make_loader(extra: dict[str, Path] | None = None):
    """A pyld ``documentLoader`` serving the shipped contexts (plus ``extra``: URL -> file, for tests)."""
    files = {url: HERE / name for url, name in CONTEXT_FILES.items()}
    files.update(extra or {})

    def load(url: str, options=None) -> dict:
        path = files.get(url)
        if path is None:
            raise JsonLdError(
                f"Contexte JSON-LD inconnu (aucun téléchargement à l'exécution) : {url}",
                "jsonld.LoadDocumentError", code="loading document failed")
        return {"contextUrl": None, "documentUrl": url, "document": _read(str(path))}

    return load


document_loader = make_loader()
