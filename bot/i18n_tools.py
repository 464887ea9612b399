"""Catalog upkeep and checks: used by `make i18n` and by the catalog tests.

`python -m bot.i18n_tools fill-source PO` copies the English source into empty
entries of the English catalog; `python -m bot.i18n_tools report` lists what is
missing in every language.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAIN, LOCALES_DIR, SUPPORTED

PLACEHOLDER = re.compile(r"(?<!\{)\{([a-zA-Z_][a-zA-Z0-9_]*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")
TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")


def catalog_path(language: str) -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as fp:
        return read_po(fp, locale=language)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def tags(text: str) -> list[str]:
    return sorted(TAG.findall(text))


def catalog_problems(language: str) -> list[str]:
    """Everything wrong with one language's catalog against the template."""
    template = read_catalog(LOCALES_DIR / f"{DOMAIN}.pot")
    path = catalog_path(language)
    if not path.exists():
        return [f"{language}: no catalog at {path}"]
    catalog = read_catalog(path, language)
    problems = []
    for source in template:
        if not source.id:
            continue
        entry = catalog.get(source.id)
        label = source.id if isinstance(source.id, str) else source.id[0]
        if entry is None:
            problems.append(f"{language}: missing {label!r}")
            continue
        if entry.fuzzy:
            problems.append(f"{language}: fuzzy {label!r}")
        sources = [source.id] if isinstance(source.id, str) else list(source.id)
        strings = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        if isinstance(source.id, tuple) and len(strings) != catalog.num_plurals:
            problems.append(f"{language}: {label!r} has {len(strings)} plural forms, needs {catalog.num_plurals}")
        wanted_names = set().union(*(placeholders(s) for s in sources))
        wanted_tags = tags(sources[0])
        for text in strings:
            if not text:
                problems.append(f"{language}: untranslated {label!r}")
                continue
            if placeholders(text) != wanted_names:
                found = sorted(placeholders(text))
                problems.append(f"{language}: {label!r} placeholders {found} differ from {sorted(wanted_names)}")
            if tags(text) != wanted_tags:
                problems.append(f"{language}: {label!r} HTML tags {tags(text)} differ from {wanted_tags}")
    return problems


def fill_source(path: Path) -> int:
    """Fill empty English entries with the source text; return how many were filled."""
    catalog = read_catalog(path, "en")
    filled = 0
    for entry in catalog:
        if not entry.id:
            continue
        if isinstance(entry.id, tuple):
            if not all(entry.string):
                entry.string = tuple(entry.id[: catalog.num_plurals])
                filled += 1
        elif not entry.string:
            entry.string = entry.id
            filled += 1
        entry.flags.discard("fuzzy")
    with path.open("wb") as fp:
        write_po(fp, catalog, width=100, omit_header=False, include_previous=False)
    return filled


def main(argv: list[str]) -> int:
    if argv[:1] == ["fill-source"] and len(argv) == 2:
        print(f"{argv[1]}: filled {fill_source(Path(argv[1]))} entries from the source")
        return 0
    if argv[:1] == ["report"]:
        problems = [p for lang in SUPPORTED for p in catalog_problems(lang)]
        for problem in problems:
            print(problem)
        print(f"{len(problems)} catalog problem(s)" if problems else "all catalogs complete")
        return 0
    print("usage: python -m bot.i18n_tools fill-source PO | report", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
