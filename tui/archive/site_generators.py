"""Site generators: which one built a folder, where its pages are, and what is tooling.

Each generator (Hexo, Jekyll, Hugo, Zola, VitePress, Docusaurus, MkDocs, Eleventy, Astro) is
recognised by its configuration files and folders, and described as a `Site`: its content
folders, the files there that are pages, its tooling folders and its own exclusions. The
rules that apply this to paths are in sites.py (`Layout`). Reads a few small configuration
files and never raises.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

POST_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})

DEPENDENCY_FOLDERS = {
    "node_modules": "dependencies (node_modules)",
    "__pycache__": "Python's cache",
    "site-packages": "Python packages",
}
"""Never content, at any depth."""

_CONFIG_BYTES = 1 << 20


def is_under(parts: tuple[str, ...], prefix: tuple[str, ...]) -> bool:
    """Whether a path (as its parts) is the folder `prefix` or inside it."""
    return parts[: len(prefix)] == prefix


def split_path(path: str) -> tuple[str, ...]:
    """A '/'-separated relative path as its parts."""
    return tuple(part for part in path.split("/") if part)


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
                other.categories and other is not root and is_under(split_path(root.path), split_path(other.path))
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


def folder_names(folder: Path) -> dict[str, str]:
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
            import tomllib  # here, as yaml below: 10 ms of every start otherwise

            loaded = tomllib.loads(text)
        else:
            import yaml  # here: a warm start with no site configuration never needs it

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
    names = folder_names(folder)
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
    excluded = tuple(
        _clean_relative(pattern) for pattern in _string_list(settings.get("exclude")) if _clean_relative(pattern)
    )
    # A collection the site excludes is not where its pages are (`index` said it was).
    content = [
        root
        for root in content
        if (folder / root.path).is_dir() and not any(fnmatch.fnmatch(root.path, pattern) for pattern in excluded)
    ]
    content.append(ContentRoot("", False))
    return Site(
        "Jekyll",
        relative,
        tuple(content),
        tooling=dict(_JEKYLL_TOOLING),
        underscore=True,
        underscore_kept=frozenset({"_posts", "_drafts"}),
        excluded=excluded,
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
            f"{config_dir}/_default/{entry}"
            for entry in sorted(folder_names(folder / config_dir / "_default").values())
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
    for name in sorted(folder_names(folder / dot).values()):
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
