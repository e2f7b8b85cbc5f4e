"""Write docs/data_dictionary.md from dbt's own documentation (the manifest): every column of every mart,
with its definition, and for the measures the unit, polarity and the gap it closes as the doc blocks say.

    .venv/bin/python -m pipeline.data_dictionary      (make docs)

The definitions live once, in dbt (models/docs.md and the YAML); this only lays them out.
"""

from __future__ import annotations

import json
import re
import sys

from reference.paths import DBT_PROJECT_DIR, PROJECT_ROOT

OUTPUT = PROJECT_ROOT / "docs" / "data_dictionary.md"
MART_ORDER = ["workforce_indicators", "benchmarks", "submissions", "validation_issues"]
_FIELD = {name: re.compile(rf"{name}:\s*(.+?)(?:\.(?:\s|$)|$)", re.S) for name in ("Unit", "Polarity", "Gap")}


def field(description: str, name: str) -> str:
    match = _FIELD[name].search(description)
    return " ".join(match.group(1).split()) if match else ""


def rules(column: dict) -> str:
    """The column's constraints: 'not null', and each check's expression."""
    found = ["not null" if c["type"] == "not_null" else f"`{c.get('expression')}`"
             for c in column.get("constraints") or [] if c["type"] in ("not_null", "check")]
    return "; ".join(found).replace("|", "\\|")


def render(manifest: dict) -> str:
    marts = {node["name"]: node for node in manifest["nodes"].values()
             if node["resource_type"] == "model" and node["config"].get("schema") == "marts"}
    lines = ["# Data dictionary", "",
             "Generated from the dbt project's documentation by `make docs` "
             "(`pipeline/data_dictionary.py`); do not edit by hand. The tables are in schema `marts` of "
             "`serving.duckdb`. Unit, polarity and gap are quoted from each column's definition; polarity is "
             "given for the measures that are banded and ranked (low is good / high is good). The rules are the "
             "column's constraints, which DuckDB checks on every row as dbt writes the table.", ""]
    for name in sorted(marts, key=lambda n: (MART_ORDER.index(n) if n in MART_ORDER else 99, n)):
        node = marts[name]
        lines += [f"## marts.{name}", "", " ".join(node["description"].split()), "",
                  "| column | definition | unit | polarity | gap it closes | rules |", "|---|---|---|---|---|---|"]
        for column in node["columns"].values():
            text = " ".join(column.get("description", "").split())
            unit = field(text, "Unit")
            polarity = field(text, "Polarity") or ("none" if unit else "")
            gap = field(text, "Gap") or ("national (DfE) definition" if unit else "")
            cells = [f"`{column['name']}`", text.replace("|", "\\|"), unit, polarity, gap, rules(column)]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    manifest_path = DBT_PROJECT_DIR / "target" / "manifest.json"
    if not manifest_path.exists():
        print("no dbt manifest: run `make prepare` first", file=sys.stderr)
        return 1
    OUTPUT.write_text(render(json.loads(manifest_path.read_text())), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
