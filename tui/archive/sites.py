"""Site generators: which one built a folder, where its pages are, and what is tooling.

People open the repository of their site. What is a page there depends on the generator:
`layouts/` holds Hugo's templates but is an ordinary section of a Zola site, `themes/` is
tooling at a Hugo site's root and 129 pages under a Zola site's `content/`. So nothing is
ignored by its name alone: a folder is recognised as a site of one generator (by its
configuration files and folders), and that generator's own rules say which of its folders
hold pages, which are tooling, and which files are pages at all.

`Layout.of(root)` reads the root given (and, when it is a repository holding a site, the
folders one level below it) and answers, for any path under the root, whether it is a page
(and where its categories start) or ignored (by which rule, and why). It reads a few small
configuration files and never raises.
"""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

import yaml

POST_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})

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

DEPENDENCY_FOLDERS = {
    "node_modules": "dependencies (node_modules)",
    "__pycache__": "Python's cache",
    "site-packages": "Python packages",
}
"""Never content, at any depth."""

PLAIN_ROOT_FOLDERS = {
    "public": "generated output",
    "_site": "generated output",
    "themes": "themes",
    "scaffolds": "templates",
    "resources": "generated resources",
    "vendor": "dependencies",
}
"""In a folder of no recognised generator: tooling when found at its root (and only there)."""

_CONFIG_BYTES = 1 << 20
_TEST_SITE = re.compile(r"^(?:tests?|testing|fixtures?|examples?|samples?|demos?)(?:$|[-_.\d])", re.IGNORECASE)


def natural_key(text: str) -> str:
    """Sort key putting `2` before `10` (`issue-2` before `issue-10`, `第 2 期` before `第 10 期`)."""
    return _DIGITS.sub(_padded, text) if _HAS_DIGIT.search(text) else text


_DIGITS = re.compile(r"\d{1,30}")
_HAS_DIGIT = re.compile(r"\d")


def _padded(match: re.Match) -> str:
    digits = str(int(match.group()))  # full-width and other Unicode digits as ASCII
    return "0" * (30 - len(digits)) + digits


# ---------------------------------------------------------------- what a site is


@dataclass(frozen=True)
class ContentRoot:
    path: str
    """Relative to the site folder, with '/' ('' for the site folder itself)."""
    categories: bool = True
    """Whether the folders below it are categories (a Hugo section) or not (Jekyll's pages)."""


@dataclass(frozen=True)
class Site:
    generator: str
    folder: str
    """Relative to the root given, with '/' ('' when the root is the site)."""
    content: tuple[ContentRoot, ...]
    suffixes: frozenset[str] = POST_SUFFIXES
    """The files of its content folders that are pages; the rest there are copied as they are."""
    tooling: dict[str, str] = field(default_factory=dict)
    """Folders of the site (relative to it) that are never pages -> why."""
    underscore: bool = False
    """Files and folders whose names start with `_` in its content are not pages (Jekyll, Hexo…)."""
    underscore_kept: frozenset[str] = frozenset()
    """…except these (`_posts`, `_drafts`)."""
    excluded: tuple[str, ...] = ()
    """Patterns from the site's configuration (Jekyll `exclude:`), relative to the site."""

    @property
    def pages(self) -> str:
        """Where its pages are, for people: `content/` (not its language folders too)."""
        shown = [
            root
            for root in self.content
            if not any(
                other.categories and other is not root and _under(_split(root.path), _split(other.path))
                for other in self.content
            )
        ]
        return ", ".join(f"{root.path}/" if root.path else "./" for root in shown) or "none"

    @property
    def described(self) -> str:
        where = f"{self.folder}/" if self.folder else "the root"
        if not self.content:
            return f"{self.generator} theme or site at {where} without a content folder: no pages"
        return f"{self.generator} site at {where} (pages in {self.pages})"


def _names(folder: Path) -> dict[str, str]:
    """Lower-cased name -> name of what is in a folder ({} when it cannot be read)."""
    try:
        with os.scandir(folder) as entries:
            return {entry.name.lower(): entry.name for entry in entries}
    except OSError:
        return {}


def _is_dir(folder: Path, name: str | None) -> bool:
    return name is not None and os.path.isdir(folder / name)


def _read_text(path: Path) -> str:
    try:
        with open(path, "rb") as file:
            return file.read(_CONFIG_BYTES).decode("utf-8", "replace")
    except OSError:
        return ""


def _read_mapping(path: Path) -> dict:
    """A YAML, TOML or JSON configuration file as a dict ({} when it cannot be read)."""
    text = _read_text(path)
    if not text:
        return {}
    try:
        if path.suffix == ".toml":
            loaded = tomllib.loads(text)
        else:
            loaded = yaml.safe_load(text)  # JSON is YAML
    except Exception:  # any parser error: the defaults apply
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _string_list(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [item for item in value[:200] if isinstance(item, str)]
    return []


def _clean_relative(text: str) -> str:
    parts = [part for part in text.replace("\\", "/").split("/") if part not in ("", ".")]
    return "" if any(part == ".." for part in parts) else "/".join(parts)


_STATIC = "static files, copied as they are"
_OUTPUT = "the generated site"


def detect_site(folder: Path, relative: str = "") -> Site | None:
    """The generator that builds `folder`, from its configuration files and folders."""
    names = _names(folder)
    if not names:
        return None
    for detector in _DETECTORS:
        site = detector(folder, names, relative)
        if site is not None:
            return site
    return None


def _hexo(folder: Path, names: dict[str, str], relative: str) -> Site | None:
    config = names.get("_config.yml") or names.get("_config.yaml")
    if config is None:
        return None
    settings = _read_mapping(folder / config)
    source_dir = _clean_relative(str(settings.get("source_dir") or "source")) or "source"
    if "collections" in settings or not (folder / source_dir).is_dir():
        return None  # a Jekyll site (which may have a folder called source)
    marks = (
        (folder / source_dir / "_posts").is_dir()
        or _is_dir(folder, names.get("scaffolds"))
        or ("package.json" in names and "hexo" in _read_text(folder / names["package.json"]))
    )
    if not marks:
        return None
    public_dir = _clean_relative(str(settings.get("public_dir") or "public")) or "public"
    return Site(
        "Hexo",
        relative,
        tuple(
            ContentRoot(path, categories)
            for path, categories in (
                (f"{source_dir}/_posts", True),
                (f"{source_dir}/_drafts", True),
                (source_dir, False),
            )
            if (folder / path).is_dir()
        ),
        tooling={
            "themes": "Hexo themes",
            "scaffolds": "Hexo scaffolds (templates for new posts)",
            public_dir: _OUTPUT,
            "node_modules": DEPENDENCY_FOLDERS["node_modules"],
        },
        underscore=True,
        underscore_kept=frozenset({"_posts", "_drafts"}),
        excluded=tuple(
            _clean_relative(f"{source_dir}/{pattern}") for pattern in _string_list(settings.get("skip_render"))
        ),
    )


_JEKYLL_TOOLING = {
    "_layouts": "Jekyll layouts (templates)",
    "_includes": "Jekyll includes (template parts)",
    "_sass": "Sass styles",
    "_data": "Jekyll data files",
    "_plugins": "Jekyll plugins",
    "_site": _OUTPUT,
    ".jekyll-cache": "Jekyll's cache",
    "vendor": "dependencies",
    "node_modules": DEPENDENCY_FOLDERS["node_modules"],
}


def _jekyll(folder: Path, names: dict[str, str], relative: str) -> Site | None:
    config = names.get("_config.yml") or names.get("_config.yaml") or names.get("_config.toml")
    if config is None and not (
        _is_dir(folder, names.get("_posts"))
        and (_is_dir(folder, names.get("_layouts")) or _is_dir(folder, names.get("_includes")))
    ):
        return None
    settings = _read_mapping(folder / config) if config else {}
    collections_dir = _clean_relative(str(settings.get("collections_dir") or ""))
    prefix = f"{collections_dir}/" if collections_dir else ""
    collections = settings.get("collections")
    labels = list(collections)[:100] if isinstance(collections, (dict, list)) else []
    content = [ContentRoot(f"{prefix}_posts"), ContentRoot(f"{prefix}_drafts")]
    for label in labels:
        if isinstance(label, str) and label not in ("posts", "drafts") and _clean_relative(label):
            content.append(ContentRoot(f"{prefix}_{_clean_relative(label)}"))
    content = [root for root in content if (folder / root.path).is_dir()]
    content.append(ContentRoot("", False))
    return Site(
        "Jekyll",
        relative,
        tuple(content),
        tooling=dict(_JEKYLL_TOOLING),
        underscore=True,
        underscore_kept=frozenset({"_posts", "_drafts"}),
        excluded=tuple(
            _clean_relative(pattern) for pattern in _string_list(settings.get("exclude")) if _clean_relative(pattern)
        ),
    )


_HUGO_TOOLING = {
    "layouts": "Hugo templates",
    "archetypes": "Hugo archetypes (templates for new pages)",
    "themes": "Hugo themes",
    "static": _STATIC,
    "assets": "Hugo assets (styles, scripts)",
    "resources": "Hugo's generated resources",
    "public": _OUTPUT,
    "data": "Hugo data files",
    "i18n": "Hugo translation strings",
    "config": "Hugo configuration",
    "node_modules": DEPENDENCY_FOLDERS["node_modules"],
}
_HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")


def _hugo(folder: Path, names: dict[str, str], relative: str) -> Site | None:
    configs = [names[name] for name in _HUGO_CONFIGS if name in names]
    config_dir = names.get("config")
    if config_dir is not None and _is_dir(folder, config_dir) and (folder / config_dir / "_default").is_dir():
        configs += [
            f"{config_dir}/_default/{entry}" for entry in sorted(_names(folder / config_dir / "_default").values())
        ]
    hugo_folders = any(_is_dir(folder, names.get(name)) for name in ("layouts", "archetypes", "content"))
    if not configs:
        old = [names[name] for name in ("config.toml", "config.yaml", "config.yml", "config.json") if name in names]
        if not old or not hugo_folders or _is_dir(folder, names.get("templates")):
            return None  # Zola's config.toml sits beside templates/
        configs = old
    elif not hugo_folders and "theme.toml" not in names:
        return None
    settings: dict = {}
    languages: dict = {}
    for config in configs:
        if config.endswith((".toml", ".yaml", ".yml", ".json")):
            mapping = {str(key).lower(): value for key, value in _read_mapping(folder / config).items()}
            if PurePosixPath(config).stem == "languages":  # config/_default/languages.toml
                mapping = {"languages": mapping}
            if isinstance(mapping.get("languages"), dict):
                languages.update(mapping["languages"])
            for key, value in mapping.items():
                settings.setdefault(key, value)
    content_dir = _clean_relative(str(settings.get("contentdir") or "content")) or "content"
    content = []
    # content/en, content/fr (a language's contentDir, or a folder named as a language): not categories
    for code, options in list(languages.items())[:100]:
        options = {str(key).lower(): value for key, value in options.items()} if isinstance(options, dict) else {}
        own = _clean_relative(str(options.get("contentdir") or f"{content_dir}/{code}"))
        if own and own != content_dir and (folder / own).is_dir():
            content.append(ContentRoot(own))
    if (folder / content_dir).is_dir():
        content.append(ContentRoot(content_dir))
    return Site("Hugo", relative, tuple(content), tooling=dict(_HUGO_TOOLING))


def _zola(folder: Path, names: dict[str, str], relative: str) -> Site | None:
    config = names.get("zola.toml") or names.get("config.toml")
    if config is None or not _is_dir(folder, names.get("content")):
        return None
    if not _is_dir(folder, names.get("templates")) and "base_url" not in _read_text(folder / config):
        return None
    return Site(
        "Zola",
        relative,
        (ContentRoot(names["content"]),),
        suffixes=MARKDOWN_SUFFIXES,
        tooling={
            "templates": "Zola templates",
            "themes": "Zola themes",
            "static": _STATIC,
            "sass": "Sass styles",
            "public": _OUTPUT,
            "syntaxes": "Zola syntax definitions",
            "highlight_themes": "Zola highlighting themes",
            "node_modules": DEPENDENCY_FOLDERS["node_modules"],
        },
    )


def _vitepress(folder: Path, names: dict[str, str], relative: str) -> Site | None:
    dot = names.get(".vitepress")
    if dot is None or not _is_dir(folder, dot):
        return None
    config_text = ""
    for name in sorted(_names(folder / dot).values()):
        if name.startswith("config."):
            config_text = _read_text(folder / dot / name)
            break
    match = re.search(r"""\bsrcDir\s*:\s*['"]([^'"]+)['"]""", config_text)
    source = _clean_relative(match.group(1)) if match else ""
    excluded: list[str] = []
    exclude_match = re.search(r"\bsrcExclude\s*:\s*\[([^\]]*)\]", config_text)
    if exclude_match:
        excluded = [
            _clean_relative(f"{source}/{pattern}")
            for pattern in re.findall(r"""['"]([^'"]+)['"]""", exclude_match.group(1))
        ]
    public = f"{source}/public" if source else "public"
    return Site(
        "VitePress",
        relative,
        (ContentRoot(source),),
        suffixes=MARKDOWN_SUFFIXES,
        tooling={public: _STATIC, "node_modules": DEPENDENCY_FOLDERS["node_modules"], "dist": _OUTPUT},
        excluded=tuple(pattern for pattern in excluded if pattern),
    )


def _docusaurus(folder: Path, names: dict[str, str], relative: str) -> Site | None:
    if not any(name.startswith("docusaurus.config.") for name in names):
        return None
    content = tuple(ContentRoot(path) for path in ("docs", "blog", "src/pages") if (folder / path).is_dir())
    return Site(
        "Docusaurus",
        relative,
        content,
        suffixes=MARKDOWN_SUFFIXES,
        tooling={
            "static": _STATIC,
            "build": _OUTPUT,
            "i18n": "Docusaurus translations",
            "versioned_docs": "older versions of the docs",
            "node_modules": DEPENDENCY_FOLDERS["node_modules"],
        },
        underscore=True,
    )


def _mkdocs(folder: Path, names: dict[str, str], relative: str) -> Site | None:
    config = names.get("mkdocs.yml") or names.get("mkdocs.yaml")
    if config is None:
        return None
    text = _read_text(folder / config)  # YAML with !!python tags: read the two keys by line
    docs = re.search(r"^docs_dir\s*:\s*['\"]?([^'\"\s#]+)", text, re.MULTILINE)
    site = re.search(r"^site_dir\s*:\s*['\"]?([^'\"\s#]+)", text, re.MULTILINE)
    docs_dir = _clean_relative(docs.group(1)) if docs else "docs"
    site_dir = _clean_relative(site.group(1)) if site else "site"
    return Site(
        "MkDocs",
        relative,
        (ContentRoot(docs_dir or "docs"),),
        suffixes=MARKDOWN_SUFFIXES,
        tooling={site_dir or "site": _OUTPUT, "node_modules": DEPENDENCY_FOLDERS["node_modules"]},
    )


_ELEVENTY_CONFIGS = (
    ".eleventy.js",
    "eleventy.config.js",
    "eleventy.config.cjs",
    "eleventy.config.mjs",
    "eleventy.config.ts",
)


def _eleventy(folder: Path, names: dict[str, str], relative: str) -> Site | None:
    config = next((names[name] for name in _ELEVENTY_CONFIGS if name in names), None)
    if config is None:
        return None
    text = _read_text(folder / config)
    found = re.search(r"""\binput\s*:\s*['"]([^'"]+)['"]""", text)
    source = _clean_relative(found.group(1)) if found else ""
    inside = f"{source}/" if source else ""
    return Site(
        "Eleventy",
        relative,
        (ContentRoot(source),),
        tooling={
            f"{inside}_includes": "Eleventy includes and layouts",
            f"{inside}_data": "Eleventy data files",
            "_site": _OUTPUT,
            "node_modules": DEPENDENCY_FOLDERS["node_modules"],
        },
    )


def _astro(folder: Path, names: dict[str, str], relative: str) -> Site | None:
    if not any(name.startswith("astro.config.") for name in names):
        return None
    content = tuple(ContentRoot(path) for path in ("src/content", "src/pages") if (folder / path).is_dir())
    return Site(
        "Astro",
        relative,
        content,
        suffixes=MARKDOWN_SUFFIXES,
        tooling={"public": _STATIC, "dist": _OUTPUT, "node_modules": DEPENDENCY_FOLDERS["node_modules"]},
        underscore=True,
    )


_DETECTORS = (_vitepress, _docusaurus, _mkdocs, _eleventy, _astro, _hexo, _jekyll, _zola, _hugo)


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
    """A name with a post extension (whether or not it turns out to be a post)."""
    return os.path.splitext(name)[1].lower() in POST_SUFFIXES


def _is_document(name: str) -> bool:
    return os.path.splitext(name)[0].lower() in DOCUMENT_NAMES


def _under(parts: tuple[str, ...], prefix: tuple[str, ...]) -> bool:
    return parts[: len(prefix)] == prefix


def _split(path: str) -> tuple[str, ...]:
    return tuple(part for part in path.split("/") if part)


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
        names = _names(root)
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
            prefix = _split(site.folder)
            if _under(parts, prefix):
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
            if any(_under(_split(content.path), inner) for content in site.content):
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
            prefix = _split(root.path)
            if (inner == prefix) if exact else _under(inner, prefix):
                if best is None or len(prefix) > len(_split(best.path)):
                    best = root
        return best

    @staticmethod
    def _excluded(site: Site, inner: tuple[str, ...], root: ContentRoot, name: str) -> str:
        """Why a folder or file inside a content folder is not a page ('' when it is one)."""
        if (
            site.underscore
            and name.startswith("_")
            and name not in site.underscore_kept
            and tuple(inner) != _split(root.path)
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
        content_parts = len(parts) - len(inner) + len(_split(root.path))
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
        rule = "/".join(self.parts + (name,))
        if name.startswith("."):
            return Ignore(rule, "hidden file")
        if self.documents and _is_document(name):
            return Ignore(rule, "repository document")
        if self.keep is None:
            return Ignore(rule, self.outside)
        site = self.site
        if site is not None and self.root is not None:
            excluded = Layout._excluded(site, self.inner + (name,), self.root, name)
            if excluded:
                return Ignore(rule, excluded)
            suffix = os.path.splitext(name)[1].lower()
            if suffix not in site.suffixes:
                prefix = "/".join(self.parts[: self.keep.content_parts])
                where = f"{prefix}/**/*{suffix}" if prefix else f"**/*{suffix}"
                return Ignore(
                    where, f"{site.generator} makes pages of Markdown files only; the others are copied as they are"
                )
        return self.keep
