"""cmi5 course packages: ``cmi5.xml`` (the cmi5 CourseStructure) zipped for an LMS to import.

One AU per capsule, launched in its own window (``moveOn="Completed"``). The package carries no
content: the LMS launches the AU URL (Geste's cmi5 launch view, ``cmi5_views``) with the cmi5 query
parameters (endpoint, fetch, actor, registration, activityId); Geste fetches the token, signs the
learner in, shows the capsule page and sends the cmi5 defined statements back (``cmi5_runtime``).
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from capsules.interop.course import PackageCourse

NS = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # zip entries dated the same way every time: identical exports


def _text(parent, tag: str, value: str, lang: str = "fr-FR") -> None:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}")
    etree.SubElement(element, f"{{{NS}}}langstring", lang=lang).text = value


def course_structure(course: PackageCourse) -> bytes:
    root = etree.Element(f"{{{NS}}}courseStructure", nsmap={None: NS})
    head = etree.SubElement(root, f"{{{NS}}}course", id=course.identifier)
    _text(head, "title", course.title)
    _text(head, "description", course.description)
    for unit in course.units:
        au = etree.SubElement(root, f"{{{NS}}}au", id=unit.identifier, moveOn="Completed",
                              launchMethod="OwnWindow")
        _text(au, "title", unit.title)
        _text(au, "description", unit.description)
        etree.SubElement(au, f"{{{NS}}}url").text = unit.cmi5_url or unit.launch_url
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def package(course: PackageCourse) -> bytes:
    """The zip an LMS imports: ``cmi5.xml`` at its root."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("cmi5.xml", FIXED_TIME), course_structure(course),
                         zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
