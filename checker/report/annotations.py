"""GitHub Actions workflow commands (``::error file=...::``) so problems show on the Files tab.

Values are escaped as the runner expects (``%``, CR, LF; and ``,`` ``:`` in properties) so a
file name or message cannot end the command early or inject a second one, and made inert
(``checker.bounds.inert``: no terminal escape, bidirectional override or markup), as every
message already is where it is made, since a result may also come from a file.
"""

from __future__ import annotations

from typing import Any

from checker.bounds import inert
from checker.sources import STAFF_RULE

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return inert(text, lines=True).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _staff(finding: dict[str, Any]) -> str:
    if finding.get("source") != "staff":
        return ""
    why = finding.get("staff_rule")
    return f" ({STAFF_RULE}" + (f": {why})" if why else ")")


def render_annotations(result: dict[str, Any]) -> str:
    lines = []
    for finding in result["findings"]:
        lines.append(f"::{LEVEL[finding['severity']]} title={_prop(finding['rule'])}::"
                     f"{_data(finding['message'] + ' ' + finding['hint'] + _staff(finding))}")
    for f in result["files"]:
        for finding in f["findings"]:
            props = [f"file={_prop(f['path'])}"]
            if finding.get("line"):
                props.append(f"line={int(finding['line'])}")
            props.append(f"title={_prop(finding['rule'])}")
            text = finding["message"] + " Fix: " + finding["hint"] + _staff(finding)
            lines.append(f"::{LEVEL[finding['severity']]} {','.join(props)}::{_data(text)}")
    return "\n".join(lines) + ("\n" if lines else "")
