"""The portfolio export: a ZIP of every live credential (JSON-LD) and the French PDF attestation."""

from __future__ import annotations

import io
import json
import zipfile

from capsules.recognition.portfolio import build_portfolio


def export_zip(user) -> bytes:
    """The whole portfolio: every live credential as JSON-LD, and a printable French PDF attestation."""
    from capsules.recognition.attestation import render_pdf  # WeasyPrint loads only when a PDF is made

    data = build_portfolio(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for badge in data.badges:
            archive.writestr(f"badges/badge-{badge.achievement.skills_block.code}-{badge.uuid}.jsonld",
                             json.dumps(badge.document, ensure_ascii=False, indent=2))
        archive.writestr("attestation.pdf", render_pdf(data))
        archive.writestr("LISEZMOI.txt", (
            "Portfolio Geste\n\n"
            "badges/ : vos badges Open Badges 3.0 signés (JSON-LD, preuve eddsa-rdfc-2022). Tout vérificateur\n"
            "Open Badges 3.0 / Verifiable Credentials 2.0 peut les contrôler ; la page de vérification de chaque\n"
            "badge est à l'adresse indiquée dans son champ « id ».\n"
            "attestation.pdf : attestation imprimable de vos badges, capsules terminées et gestes pratiqués.\n"))
    return buffer.getvalue()
