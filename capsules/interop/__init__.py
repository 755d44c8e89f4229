"""The learning ecosystem: LTI 1.3 launches and grades, xAPI statements sent to an LRS, cmi5 and
SCORM packages (comes with the interoperability issue)."""
