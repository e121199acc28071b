"""What each path under a root is: a page (and where its categories start) or ignored, and why.

People open the repository of their site. What is a page there depends on the generator:
`layouts/` holds Hugo's templates but is an ordinary section of a Zola site, `themes/` is
tooling at a Hugo site's root and 129 pages under a Zola site's `content/`. So nothing is
ignored by its name alone: a folder is recognised as a site of one generator (by its
configuration files and folders), and that generator's own rules say which of its folders
hold pages, which are tooling, and which files are pages at all (site_generators.py).

`Layout.of(root)` reads the root given (and, when it is a repository holding a site, the
folders one level below it) and answers, for any path under the root, whether it is a page
(and where its categories start) or ignored (by which rule, and why). It reads a few small
configuration files and never raises.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .natural_order import natural_key
from .site_generators import (
    DEPENDENCY_FOLDERS,
    POST_SUFFIXES,
    ContentRoot,
    Site,
    detect_site,
    folder_names,
    is_under,
    split_path,
)

DOCUMENT_NAMES = frozenset(
    {
        "readme",
        "license",
        "licence",
        "changelog",
        "changes",
        "history",
        "contributing",
        "code_of_conduct",
        "security",
        "agents",
        "claude",
        "gemini",
        "copying",
        "notice",
        "authors",
        "maintainers",
        "governance",
        "support",
    }
)
"""Stems of files that describe a repository (README.md, LICENSE.md…): not posts at its root."""

REPOSITORY_MARKERS = frozenset(
    {
        ".git",
        "package.json",
        "cargo.toml",
        "pyproject.toml",
        "setup.py",
        "gemfile",
        "go.mod",
        "makefile",
        "composer.json",
        "_config.yml",
        "_config.yaml",
        "hugo.toml",
        "hugo.yaml",
        "hugo.json",
        "config.toml",
        "config.yaml",
        "config.yml",
    }
)
"""Names that make a folder a repository (or a site's root): a project, not a folder of posts."""
DOCUMENT_MARKERS = REPOSITORY_MARKERS | {"readme.md", "readme.markdown", "readme", "license", "license.md", "licence"}
"""Names that make a folder's README, LICENSE… documents about it rather than posts."""

PLAIN_ROOT_FOLDERS = {
    "public": "generated output",
    "_site": "generated output",
    "themes": "themes",
    "scaffolds": "templates",
    "resources": "generated resources",
    "vendor": "dependencies",
}
"""In a folder of no recognised generator: tooling when found at its root (and only there)."""

_TEST_SITE = re.compile(r"^(?:tests?|testing|fixtures?|examples?|samples?|demos?)(?:$|[-_.\d])", re.IGNORECASE)


# ---------------------------------------------------------------- what each path is


@dataclass(frozen=True, slots=True)
class Keep:
    """A page. Its categories are the folders of its path after the first `content_parts`."""

    generator: str
    content_parts: int
    folder_categories: bool


@dataclass(frozen=True, slots=True)
class Ignore:
    rule: str
    """What is ignored, relative to the root given: `layouts/`, `README.md`, `src/**/*.html`."""
    reason: str


@dataclass(frozen=True, slots=True)
class Descend:
    """Look inside: some of what it holds may be pages."""


_DESCEND = Descend()
PLAIN = Keep("", 0, True)


def is_post_file(name: str) -> bool:
    """A name with a post extension (whether or not it turns out to be a post). As
    `os.path.splitext` reads extensions (`.md` alone is a name, not one), without its cost:
    this runs once per file of every walk."""
    dot = name.rfind(".")
    if dot <= 0 or not name[:dot].strip("."):
        return False
    return name[dot:].lower() in POST_SUFFIXES


def _is_document(name: str) -> bool:
    return os.path.splitext(name)[0].lower() in DOCUMENT_NAMES


@dataclass
class Layout:
    """How the folders and files under one root given are to be read."""

    root: Path
    sites: tuple[Site, ...] = ()
    set_aside: dict[str, str] = field(default_factory=dict)
    """Sites found one level down that are not shown (the repository's test sites) -> why."""
    repository: bool = False
    """The root is a repository holding the sites: what lies outside them is not shown."""
    documents_at_root: bool = False
    """README, LICENSE… at the root are not posts (a repository or site root)."""

    children: dict[str, Layout] = field(default_factory=dict)
    """Folders one level down that are repositories holding sites (a folder of repositories)."""
    prefix: str = ""
    """Where this layout's root is under the root given ('' for the root itself; 'jekyll/')."""

    @classmethod
    def of(cls, root: Path, nested: bool = False) -> Layout:
        names = folder_names(root)
        repository = any(name in REPOSITORY_MARKERS for name in names)
        documents = any(name in DOCUMENT_MARKERS for name in names)
        site = detect_site(root)
        if site is not None and site.content:
            return cls(root, (site,), documents_at_root=True)
        found: list[Site] = []
        folders = [
            name
            for name in sorted(names.values(), key=natural_key)
            if not name.startswith(".") and name.lower() not in DEPENDENCY_FOLDERS and (root / name).is_dir()
        ]
        for name in folders:
            inner = detect_site(root / name, name)
            if inner is not None and inner.content:
                found.append(inner)
        shown = [inner for inner in found if not _TEST_SITE.match(inner.folder)] or found
        set_aside = {
            inner.folder: f"a {inner.generator} test site of the repository" for inner in found if inner not in shown
        }
        if site is not None and not shown:  # a theme: templates and no content of its own
            return cls(root, (site,), documents_at_root=True)
        if shown and (repository or site is not None):
            return cls(root, tuple(shown), set_aside, True, True)
        children = {}
        if not nested:  # a folder of repositories: each one holding its site one level down
            sites = {inner.folder for inner in found}
            for name in folders:
                if name not in sites and not PLAIN_ROOT_FOLDERS.get(name.lower()):
                    child = cls.of(root / name, nested=True)
                    if child.sites and child.repository:
                        child.prefix = f"{name}/"
                        children[name] = child
        return cls(root, tuple(shown), set_aside, False, documents or bool(shown), children)

    @property
    def all_sites(self) -> list[Site]:
        """The sites read, with their folders relative to the root given."""
        found = list(self.sites)
        for name, child in self.children.items():
            found += [replace(site, folder=f"{name}/{site.folder}".rstrip("/")) for site in child.all_sites]
        return found

    # ------------------------------------------------------------ folders

    def site_of(self, parts: tuple[str, ...]) -> tuple[Site, tuple[str, ...]] | None:
        for site in self.sites:
            prefix = split_path(site.folder)
            if is_under(parts, prefix):
                return site, parts[len(prefix) :]
        return None

    def folder(self, parts: tuple[str, ...]) -> Descend | Ignore:
        """Whether to look inside the folder at `parts` (relative to the root)."""
        child = self.children.get(parts[0])
        if child is not None:
            if len(parts) == 1:
                return _DESCEND
            verdict = child.folder(parts[1:])
            return Ignore(f"{parts[0]}/{verdict.rule}", verdict.reason) if isinstance(verdict, Ignore) else verdict
        name = parts[-1]
        rule = "/".join(parts) + "/"
        if name.startswith("."):
            return Ignore(rule, "hidden folder")
        dependency = DEPENDENCY_FOLDERS.get(name.lower())
        if dependency is not None:
            return Ignore(rule, dependency)
        found = self.site_of(parts)
        if found is None:
            if len(parts) == 1 and name in self.set_aside:
                return Ignore(rule, self.set_aside[name])
            if self.repository:
                return Ignore(rule, self._outside())
            if len(parts) == 1 and name.lower() in PLAIN_ROOT_FOLDERS:
                return Ignore(rule, PLAIN_ROOT_FOLDERS[name.lower()])
            return _DESCEND
        site, inner = found
        if not inner:
            return _DESCEND
        inner_path = "/".join(inner)
        reason = site.tooling.get(inner_path)
        if reason is not None and not self._content_root(site, inner, exact=True):
            return Ignore(rule, reason)
        root = self._content_root(site, inner)
        if root is None:
            if any(is_under(split_path(content.path), inner) for content in site.content):
                return _DESCEND  # on the way to a content folder (Astro's src/ to src/content/)
            return Ignore(rule, self._not_content(site))
        excluded = self._excluded(site, inner, root, name)
        return Ignore(rule, excluded) if excluded else _DESCEND

    def _outside(self) -> str:
        sites = ", ".join(f"{site.generator} site in {self.prefix}{site.folder}/" for site in self.sites)
        return f"outside the {sites}"

    @staticmethod
    def _not_content(site: Site) -> str:
        if not site.content:
            return f"not {site.generator} content (a theme or site without a content folder)"
        return f"not {site.generator} content (pages are in {site.pages})"

    @staticmethod
    def _content_root(site: Site, inner: tuple[str, ...], exact: bool = False) -> ContentRoot | None:
        best = None
        for root in site.content:
            prefix = split_path(root.path)
            if (inner == prefix) if exact else is_under(inner, prefix):
                if best is None or len(prefix) > len(split_path(best.path)):
                    best = root
        return best

    @staticmethod
    def _excluded(site: Site, inner: tuple[str, ...], root: ContentRoot, name: str) -> str:
        """Why a folder or file inside a content folder is not a page ('' when it is one)."""
        if (
            site.underscore
            and name.startswith("_")
            and name not in site.underscore_kept
            and tuple(inner) != split_path(root.path)
        ):
            return f"{site.generator} ignores names starting with _"
        if site.excluded:
            path = "/".join(inner)
            for pattern in site.excluded:
                anywhere = pattern.startswith("**/")
                if fnmatch.fnmatch(path, pattern) or (anywhere and fnmatch.fnmatch(name, pattern[3:])):
                    return f"excluded by the {site.generator} configuration ({pattern})"
        return ""

    # ------------------------------------------------------------ files

    def zone(self, parts: tuple[str, ...]) -> Zone:
        """How the files directly in the folder at `parts` are read (the folder is looked into)."""
        child = self.children.get(parts[0]) if parts else None
        if child is not None:  # the child's zone, with its paths from the root given
            zone = child.zone(parts[1:])
            keep = zone.keep
            if keep is not None and keep.generator:
                keep = replace(keep, content_parts=keep.content_parts + 1)
            return replace(zone, parts=parts, keep=keep)
        found = self.site_of(parts)
        if found is None:
            if self.repository:
                return Zone(parts, outside=self._outside(), documents=not parts)
            return Zone(parts, keep=PLAIN, documents=not parts and self.documents_at_root)
        site, inner = found
        root = self._content_root(site, inner)
        if root is None:
            return Zone(parts, outside=self._not_content(site), documents=not inner, site=site, inner=inner)
        content_parts = len(parts) - len(inner) + len(split_path(root.path))
        keep = Keep(site.generator, content_parts, root.categories)
        return Zone(parts, keep=keep, documents=not inner, site=site, inner=inner, root=root)

    def file(self, parts: tuple[str, ...]) -> Keep | Ignore:
        """What the file at `parts` (relative to the root, with a post extension) is."""
        return self.zone(parts[:-1]).file(parts[-1])

    def path_verdict(self, parts: tuple[str, ...]) -> Keep | Ignore:
        """The same, checking every folder on the way (for a single changed file)."""
        for depth in range(1, len(parts)):
            verdict = self.folder(parts[:depth])
            if isinstance(verdict, Ignore):
                return verdict
        return self.file(parts)


@dataclass
class Zone:
    """The rules for the files of one folder."""

    parts: tuple[str, ...]
    keep: Keep | None = None
    outside: str = ""
    documents: bool = False
    site: Site | None = None
    inner: tuple[str, ...] = ()
    root: ContentRoot | None = None

    def file(self, name: str) -> Keep | Ignore:
        if name.startswith("."):
            return Ignore(self._rule(name), "hidden file")
        if self.documents and _is_document(name):
            return Ignore(self._rule(name), "repository document")
        if self.keep is None:
            return Ignore(self._rule(name), self.outside)
        site = self.site
        if site is not None and self.root is not None:
            excluded = Layout._excluded(site, self.inner + (name,), self.root, name)
            if excluded:
                return Ignore(self._rule(name), excluded)
            suffix = os.path.splitext(name)[1].lower()
            if suffix not in site.suffixes:
                prefix = "/".join(self.parts[: self.keep.content_parts])
                where = f"{prefix}/**/*{suffix}" if prefix else f"**/*{suffix}"
                return Ignore(
                    where, f"{site.generator} makes pages of Markdown files only; the others are copied as they are"
                )
        return self.keep

    def _rule(self, name: str) -> str:
        return "/".join(self.parts + (name,))
