"""SCORM 1.2 packages: ``imsmanifest.xml`` and one small launcher page per capsule (SCO).

The launcher runs inside the LMS, finds the SCORM 1.2 API (``window.API`` in a parent frame or the
opener), and embeds Geste's *relay* page for the capsule. The relay, on Geste, reads the learner's
progress and posts it back (``postMessage``, to the launcher's origin only); the launcher turns it
into ``cmi.core.lesson_status`` and ``cmi.core.score.raw`` and commits. No video and no answer key
travel in the package: the capsule stays on Geste.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from django.template.loader import render_to_string
from lxml import etree

from capsules.interop.cmi5 import FIXED_TIME
from capsules.interop.course import PackageCourse

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
LAUNCHER_JS = Path(__file__).parent / "static" / "capsules" / "interop" / "scorm_launcher.js"


def _sco_href(index: int) -> str:
    return f"capsule-{index:03d}.html"


def manifest(course: PackageCourse) -> bytes:
    root = etree.Element(f"{{{IMSCP}}}manifest", nsmap={None: IMSCP, "adlcp": ADLCP, "xsi": XSI},
                         identifier=f"geste-{_safe(course.code)}", version="1.0")
    root.set(f"{{{XSI}}}schemaLocation", f"{IMSCP} imscp_rootv1p1p2.xsd {ADLCP} adlcp_rootv1p2.xsd")
    metadata = etree.SubElement(root, f"{{{IMSCP}}}metadata")
    etree.SubElement(metadata, f"{{{IMSCP}}}schema").text = "ADL SCORM"
    etree.SubElement(metadata, f"{{{IMSCP}}}schemaversion").text = "1.2"
    organizations = etree.SubElement(root, f"{{{IMSCP}}}organizations", default="geste-org")
    organization = etree.SubElement(organizations, f"{{{IMSCP}}}organization", identifier="geste-org")
    etree.SubElement(organization, f"{{{IMSCP}}}title").text = course.title
    resources = etree.SubElement(root, f"{{{IMSCP}}}resources")
    for index, unit in enumerate(course.units, start=1):
        item = etree.SubElement(organization, f"{{{IMSCP}}}item", identifier=f"item-{index}",
                                identifierref=f"sco-{index}", isvisible="true")
        etree.SubElement(item, f"{{{IMSCP}}}title").text = unit.title
        resource = etree.SubElement(resources, f"{{{IMSCP}}}resource", identifier=f"sco-{index}",
                                    type="webcontent", href=_sco_href(index))
        resource.set(f"{{{ADLCP}}}scormtype", "sco")
        etree.SubElement(resource, f"{{{IMSCP}}}file", href=_sco_href(index))
        etree.SubElement(resource, f"{{{IMSCP}}}file", href="geste_launcher.js")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _safe(code: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in code) or "cours"


def launcher_pages(course: PackageCourse) -> dict[str, str]:
    """One HTML page per SCO; the script is a separate file (no inline script, CSP-friendly)."""
    return {_sco_href(i): render_to_string("capsules/interop/scorm_sco.html", {"unit": unit})
            for i, unit in enumerate(course.units, start=1)}


def package(course: PackageCourse) -> bytes:
    buffer = io.BytesIO()
    files = {"imsmanifest.xml": manifest(course), "geste_launcher.js": LAUNCHER_JS.read_bytes(),
             **{name: html.encode() for name, html in launcher_pages(course).items()}}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
