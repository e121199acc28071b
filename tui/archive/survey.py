"""Finding the post files under the roots given, with an account of every other one.

Every file with a post extension under a root is either listed here as a post file (to be
read: it may still be skipped, with its reason) or counted under the rule that ignored it
(`layouts/`: Hugo templates). Which is which is the site generator's business (sites.py).
Files come in natural order (`2` before `10`), folder by folder; posts of equal date, and the
undated ones, are listed in this order.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .locations import normalize_root
from .natural_order import natural_key
from .site_generators import detect_site
from .sites import Ignore, Keep, Layout, Zone, is_post_file


@dataclass(frozen=True, slots=True)
class PostFile:
    location: str
    """The file's absolute path as text: a walk makes 100k of these, and a Path each would cost
    a fifth of the walk and more again to send to the loader processes (`path` makes one)."""
    root: Path
    explicit: bool = False
    """Named on the command line: read even when it is a symbolic link to elsewhere."""
    generator: str = ""
    """The site generator whose page it is ('' in a folder of no recognised generator)."""
    content_parts: int = 0
    """Leading folders of `relative_path` up to its content root (they are not categories)."""
    folder_categories: bool = True
    """Whether the folders below the content root are categories."""
    bundle: bool = False
    """A page bundle: `slug/index.md` alone in its folder (the folder is the page, not a category)."""

    @property
    def path(self) -> Path:
        return Path(self.location)

    def as_row(self) -> tuple:
        """Plain values, as loader processes receive them (a dataclass unpickles in Python)."""
        return (
            self.location,
            self.root,
            self.explicit,
            self.generator,
            self.content_parts,
            self.folder_categories,
            self.bundle,
        )

    @property
    def relative_path(self) -> str:
        path, root = self.location, str(self.root)
        prefix = root if root.endswith(os.sep) else root + os.sep
        if path.startswith(prefix):  # always, for a walked file: without pathlib's cost per post
            return path[len(prefix) :]
        try:
            return str(self.path.relative_to(self.root))
        except ValueError:
            return self.path.name


@dataclass(frozen=True, slots=True)
class Ignored:
    """Files with a post extension that are not posts, by the rule that says so."""

    path: str
    """Absolute: a folder (ending in '/'), a file, or a pattern (`…/src/**/*.html`)."""
    relative_path: str
    reason: str
    files: int


@dataclass
class Survey:
    files: list[PostFile] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    layouts: dict[Path, Layout] = field(default_factory=dict)

    @property
    def ignored_files(self) -> int:
        return sum(rule.files for rule in self.ignored)


def count_post_files(folder: Path | str) -> int:
    """Files with a post extension under a folder (symbolic links to folders not followed; git's
    own `.git` folder not looked into: it holds no pages, and can hold a great many files)."""
    count = 0
    pending = [str(folder)]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            if entry.name != ".git":
                                pending.append(entry.path)
                        elif is_post_file(entry.name):
                            count += 1
                    except OSError:
                        continue
        except OSError:
            continue
    return count


class _Tally:
    def __init__(self) -> None:
        self.rules: dict[tuple[Path, str, str], int] = {}

    def add(self, root: Path, verdict: Ignore, files: int) -> None:
        if files:
            key = (root, verdict.rule, verdict.reason)
            self.rules[key] = self.rules.get(key, 0) + files

    def ignored(self) -> list[Ignored]:
        return [
            Ignored(str(root / rule) + ("/" if rule.endswith("/") else ""), rule, reason, files)
            for (root, rule, reason), files in self.rules.items()
        ]


def survey(roots: Iterable[Path | str]) -> Survey:
    """Every post file under the roots, in a stable order, each file once; and what was ignored.

    Symlinked folders are not followed (no loops, nothing outside the archive); symlinked
    files are listed, and read only when they point inside their root (see `load_file`).
    """
    result = Survey()
    result.files = list(survey_lazily(roots, result))
    return result


def survey_lazily(roots: Iterable[Path | str], result: Survey) -> Iterator[PostFile]:
    """`survey`'s files as the walk finds them, so reading can start before it ends: `result`
    gets each root's layout as the walk reaches it, and what was ignored once it is over."""
    seen: set[str] = set()  # paths as text: hashing 100k Paths cost a third of the walk
    tally = _Tally()
    for root in roots:
        root = normalize_root(root)
        if root.is_file():
            if str(root) not in seen:
                seen.add(str(root))
                yield explicit_post_file(root)
            continue
        layout = result.layouts.get(root) or Layout.of(root)
        result.layouts[root] = layout
        yield from walk(root, layout, root, seen, tally)
    result.ignored = tally.ignored()


def find_post_files(roots: Iterable[Path | str]) -> Iterator[PostFile]:
    yield from survey(roots).files


def walk(root: Path, layout: Layout, start: Path, seen: set[str], tally: _Tally | None = None) -> Iterator[PostFile]:
    """The post files under `start` (the root or a folder in it that is looked into)."""
    for folder, parts, kept_folders, pages in _folders(root, layout, start, tally or _Tally()):
        names = sorted(pages, key=natural_key)
        bundle = (
            bool(parts)
            and _only_index(names)
            and not any(count_post_files(os.path.join(folder, name)) for name in kept_folders)
        )
        prefix = folder if folder.endswith(os.sep) else folder + os.sep
        for name in names:
            path = prefix + name
            if path not in seen:
                seen.add(path)
                yield _post_file(path, root, pages[name], bundle)


def _folders(
    root: Path, layout: Layout, start: Path, tally: _Tally
) -> Iterator[tuple[str, tuple[str, ...], list[str], dict[str, Keep]]]:
    """(folder, its parts below the root, the subfolders looked into, its pages and their
    verdicts) for every folder looked into under `start`; what is ignored goes to the tally.
    The one place that decides which files are pages: the full survey and the quick check of
    a cached archive (`unchanged_since`) both walk with it."""
    base = len(root.parts)
    for folder, subfolders, files in os.walk(start, followlinks=False, onerror=lambda error: None):
        parts = Path(folder).parts[base:]
        names = [name for name in files if is_post_file(name)]
        zone = layout.zone(parts) if names else None
        bundle = _hugo_leaf_bundle(zone, parts, names) if zone is not None else None
        kept = []
        for name in sorted(subfolders, key=natural_key):
            if name == ".git":
                continue
            verdict = _bundle_resource(parts, bundle, name + "/") if bundle else layout.folder(parts + (name,))
            if isinstance(verdict, Ignore):
                subfolder = os.path.join(folder, name)
                if not os.path.islink(subfolder):
                    tally.add(root, verdict, count_post_files(subfolder))
            else:
                kept.append(name)
        subfolders[:] = kept
        if zone is None:
            continue
        pages: dict[str, Keep] = {}  # in the folder's order: the survey sorts them, a quick check need not
        ignored = []
        for name in names:
            file_verdict = _bundle_resource(parts, bundle, name) if bundle and name != bundle else zone.file(name)
            if isinstance(file_verdict, Ignore):
                ignored.append((natural_key(name), file_verdict))
            else:
                pages[name] = file_verdict
        for _, file_verdict in sorted(ignored, key=lambda item: item[0]):
            tally.add(root, file_verdict, 1)
        if pages:
            yield folder, parts, kept, pages


def _hugo_leaf_bundle(zone: Zone, parts: tuple[str, ...], names: list[str]) -> str | None:
    """The index page that makes a folder of Hugo content a leaf bundle, if one does: every
    other file in it and below is one of its resources, which Hugo shows only where a page
    includes it (Docsy's `readfile`), never as a page of its own."""
    if not parts:
        return None
    for name in names:
        if is_index(name):
            verdict = zone.file(name)
            if isinstance(verdict, Keep) and verdict.generator == "Hugo":
                return name
    return None


def _bundle_resource(parts: tuple[str, ...], bundle: str, name: str) -> Ignore:
    """`name` (a file, or a folder ending in /) in the folder at `parts`, a leaf bundle."""
    folder = "/".join(parts)
    return Ignore(f"{folder}/{name}", f"a resource of the Hugo page bundle {parts[-1]}/{bundle}, not a page")


def in_hugo_leaf_bundle(root: Path, layout: Layout, parts: tuple[str, ...]) -> Ignore | None:
    """For one path below the root (live reload): the verdict `_folders` gives a file or a
    folder inside a leaf bundle above it."""
    for depth in range(1, len(parts)):
        folder = parts[:depth]
        try:
            names = [entry.name for entry in os.scandir(root.joinpath(*folder)) if entry.is_file()]
        except OSError:
            return None
        index = _hugo_leaf_bundle(layout.zone(folder), folder, [name for name in names if is_post_file(name)])
        if index is not None and parts[depth:] != (index,):
            below = parts[depth]
            return _bundle_resource(folder, index, below + ("/" if depth < len(parts) - 1 else ""))
    return None


def watched_folders(roots: Iterable[Path]) -> set[str]:
    """Every folder under the roots, for live reload to watch one by one (symbolic links to
    folders not followed and `.git` not looked into, as the survey does)."""
    folders: set[str] = set()
    for root in roots:
        if not os.path.isdir(root):
            continue
        for folder, subfolders, _files in os.walk(root, followlinks=False, onerror=lambda error: None):
            subfolders[:] = [name for name in subfolders if name != ".git"]
            folders.add(folder)
    return folders


def folders_to_watch_next(folders: set[str], changed: Iterable[str]) -> set[str] | None:
    """After changes under watched folders: the folders to watch from now on when new ones
    appeared among the changed paths (with the folders under them; gone ones dropped, since
    watching them would fail), else None (keep watching as is)."""
    arrived = [path for path in changed if path not in folders and os.path.isdir(path)]
    if not arrived:
        return None
    return {folder for folder in folders if os.path.isdir(folder)} | watched_folders(map(Path, arrived))


def unchanged_since(roots: Iterable[Path], known: dict[str, tuple], layouts: dict[Path, Layout]) -> Survey | None:
    """The survey of roots whose post files are exactly `known` (path -> (size, mtime_ns, ...)),
    none added, removed or changed; None as soon as one is. A warm start's check: one walk
    with the survey's own rules and one stat per file, without building a PostFile for each."""
    result = Survey()
    tally = _Tally()
    remaining = len(known)
    for root in roots:
        root = normalize_root(root)
        if root.is_file():
            if not _same_file(str(root), known):
                return None
            remaining -= 1
            continue
        layout = layouts.get(root) or Layout.of(root)
        result.layouts[root] = layout
        for folder, _parts, _kept, pages in _folders(root, layout, root, tally):
            prefix = folder if folder.endswith(os.sep) else folder + os.sep
            for name in pages:
                if not _same_file(prefix + name, known):
                    return None
                remaining -= 1
    if remaining != 0:  # a file gone (or roots that overlap: the full survey sorts that out)
        return None
    result.ignored = tally.ignored()
    return result


def _same_file(path: str, known: dict[str, tuple]) -> bool:
    record = known.get(path)
    if record is None:
        return False
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return same_file(record, stat)


def same_file(record: tuple | None, stat: os.stat_result) -> bool:
    """Whether a file is as the file table recorded it (size, mtime_ns, id, ctime_ns): the
    inode change time too, so an edit that keeps the size and sets the mtime back is seen."""
    return (
        record is not None
        and record[0] == stat.st_size
        and record[1] == stat.st_mtime_ns
        and record[3] == stat.st_ctime_ns
    )


def _only_index(pages: list[str]) -> bool:
    return len(pages) == 1 and is_index(pages[0])


def is_index(name: str) -> bool:
    return os.path.splitext(name)[0].lower() == "index"


_SITE_SEARCH_DEPTH = 8
"""Folders above a file named on its own that are looked at for the site it belongs to."""


def explicit_post_file(path: Path) -> PostFile:
    """A file named on its own (`postshelf show docs/page.md`): read as a page of the site it
    lies in, when a site above it has it as a page (its snippets, its folders as categories),
    so that it shows as it does when the site is opened; else on its own."""
    folder = path.parent
    for _ in range(_SITE_SEARCH_DEPTH):
        if detect_site(folder) is not None:
            parts = path.relative_to(folder).parts
            layout = Layout.of(folder, nested=True)
            verdict = layout.path_verdict(parts)
            if isinstance(verdict, Keep):
                found = _post_file(str(path), folder, verdict, _is_bundle(layout, parts, path.parent))
                return replace(found, explicit=True)
            break
        if (folder / ".git").exists() or folder.parent == folder:  # a repository's root: no site above
            break
        folder = folder.parent
    return PostFile(str(path), path.parent, explicit=True)


def _post_file(path: str, root: Path, verdict: Keep, bundle: bool) -> PostFile:
    return PostFile(
        path,
        root,
        generator=verdict.generator,
        content_parts=verdict.content_parts,
        folder_categories=verdict.folder_categories,
        bundle=bundle,
    )


def _is_bundle(layout: Layout, parts: tuple[str, ...], folder: Path) -> bool:
    """Whether an index page is the only page in its folder, with no post file below it."""
    if not is_index(parts[-1]) or len(parts) < 2:
        return False
    zone = layout.zone(parts[:-1])
    if _hugo_leaf_bundle(zone, parts[:-1], [parts[-1]]) is not None:
        return True  # the rest of its folder are its resources, not pages (as the walk finds)
    pages = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if count_post_files(entry.path):
                        return False
                elif is_post_file(entry.name) and isinstance(zone.file(entry.name), Keep):
                    pages.append(entry.name)
    except OSError:
        return False
    return _only_index(pages)


def post_file_at(root: Path, layout: Layout, path: str) -> PostFile | None:
    """The PostFile for one path under a root, when it is a post file there (not ignored)."""
    relative = path[len(str(root).rstrip(os.sep)) + 1 :]
    parts = tuple(relative.split(os.sep))
    if not is_post_file(parts[-1]):
        return None
    verdict = layout.path_verdict(parts)
    if isinstance(verdict, Ignore) or in_hugo_leaf_bundle(root, layout, parts) is not None:
        return None
    return _post_file(path, root, verdict, _is_bundle(layout, parts, Path(path).parent))


def folder_is_read(layout: Layout, parts: tuple[str, ...]) -> bool:
    """Whether the folder at `parts` (relative to the root) is looked into."""
    return all(not isinstance(layout.folder(parts[:depth]), Ignore) for depth in range(1, len(parts) + 1))
