"""Extract the values key paths a chart understands (a maintainer's tool, not run by tests).

    python scripts/chart_values_keys.py <git-dir> <repo> <tag> <chart-dir> <values-file> \
        <chart> <version> > tests/data/chart-values/<chart>-<version>.txt

Reads, at `tag` of a bare mirror: the key paths of `values-file`, and every `.Values.<path>`
its templates (and sub-charts' templates) reference, since charts read keys they only
document in comments. Writes only key paths (never values or template text): one per line,
segments joined by ``.`` (a ``.`` inside a key is written ``\\.``); ``<path>.*`` marks a map
whose sub-keys the chart passes through (default ``{}`` / null, or rendered with
``toYaml``/``tpl``: annotations, labels, security contexts, config blocks).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import yaml

REFERENCE = re.compile(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
ALIAS = re.compile(r"(\$[A-Za-z_][A-Za-z0-9_]*)\s*:?=\s*\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")


def escape(key: object) -> str:
    return str(key).replace(".", "\\.")


def key_paths(value: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        if prefix and not value:
            yield f"{prefix}.*"
        for key, child in value.items():
            path = f"{prefix}.{escape(key)}" if prefix else escape(key)
            yield path
            yield from key_paths(child, path)
    elif value is None and prefix:
        yield f"{prefix}.*"


def git(git_dir: str, *args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True, text=True
    ).stdout


def referenced_paths(text: str) -> Iterator[str]:
    """`.Values.a.b` references in template text (also through `$x := .Values.a` aliases);
    ``a.b.*`` when the template renders that whole map: ``toYaml``/``tpl`` applied to it, or a
    ``with`` block whose body renders ``.`` whole (``toYaml``, ``range``) within three lines."""
    aliases: dict[str, str] = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        for alias, path in ALIAS.findall(line):
            aliases[alias] = path
        refs = [(m.group(1), m.start()) for m in REFERENCE.finditer(line)]
        for alias, path in aliases.items():
            pattern = re.escape(alias) + r"((?:\.[A-Za-z_][A-Za-z0-9_]*)+)"
            refs += [(path + m.group(1), m.start()) for m in re.finditer(pattern, line)]
        for ref, start in refs:
            parts = ref.lstrip(".").split(".")
            for n in range(1, len(parts) + 1):
                yield ".".join(parts[:n])
            before = line[:start].rstrip(" ($")
            rendered = re.search(r"(toYaml|tpl)(\s*\(?\s*toYaml)?$", before)
            body = lines[i + 1 : i + 4]
            with_block = re.search(r"with\s*$", before) and any(
                re.search(r"toYaml \.|\. \| toYaml|range \$\w+, \$\w+ := \.", b) for b in body
            )
            if rendered or with_block:
                yield ".".join(parts) + ".*"


def template_paths(git_dir: str, tag: str, chart_dir: str) -> Iterator[str]:
    files = git(git_dir, "ls-tree", "-r", "--name-only", tag, chart_dir).splitlines()
    for name in files:
        inside = name[len(chart_dir) :] if chart_dir != "." else "/" + name
        if "/templates/" not in inside or "/charts/" in inside:
            continue
        yield from referenced_paths(git(git_dir, "show", f"{tag}:{name}"))


def main() -> None:
    git_dir, repo, tag, chart_dir, values_file, chart, version = sys.argv[1:8]
    text = git(git_dir, "show", f"{tag}:{values_file}")
    try:  # templated strings inside block scalars (cortex's config) parse as they are
        values = yaml.safe_load(text) or {}
    except yaml.YAMLError:
        # gateway-helm keeps values.tmpl.yaml, whose image tags are Go template placeholders
        values = yaml.safe_load(text.replace("{{", "").replace("}}", "")) or {}
    paths = set(key_paths(values)) | set(template_paths(git_dir, tag, chart_dir))
    paths |= set(referenced_paths(text))  # templated strings inside values.yaml (loki.config)
    sys.stdout.write(
        f"# Values key paths of {chart} {version}, extracted by scripts/chart_values_keys.py\n"
        f"# from {repo} tag {tag}: {values_file} and {chart_dir}/templates (.Values refs);\n"
        "# key paths only, no upstream text; `<path>.*`: a map the chart passes through\n"
    )
    for line in sorted(paths):
        sys.stdout.write(line + "\n")


if __name__ == "__main__":
    main()
