"""A hostile archive, generated into a folder: every kind of file that has broken post readers.

`build_hostile_corpus(root)` writes it and returns what it wrote and what must happen to each
file (load, with what title, or be skipped with which reason), so tests can check that nothing
crashes, nothing is lost and nothing that reaches the screen carries a control sequence.
Everything is generated (a few MB, under a second): nothing large is committed.

Run as a script to time a flat folder of many small posts (too slow to build in a test):

    .venv/bin/python -m tests.hostile_corpus --flat 100000 /tmp/flat
"""

from __future__ import annotations

import codecs
import os
import random
import stat
from pathlib import Path

ESC = "\x1b"
# What a hostile title/author/body carries: CSI colour, window title (OSC 0), clipboard write
# (OSC 52), a fake hyperlink (OSC 8), a C1 CSI, a bidi override, zero-width characters.
TERMINAL_ATTACK = (
    f"{ESC}[31mred{ESC}[0m {ESC}]0;pwned title\x07 {ESC}]52;c;ZXZpbA=={ESC}\\ "
    f"{ESC}]8;;https://evil.example/\x07link{ESC}]8;;\x07 \x9b2J c1 \u202eevil\u202c "
    f"zero\u200bwidth\u2060 \ufeff\u200e"
)
NORMAL_POSTS = {
    "normal/one.md": ("Normal post one", "2021-03-21 16:40:55", "<p>Plain <b>HTML</b> body, 信用建设.</p>"),
    "normal/two.md": ("Normal post two", "2022-01-02", "Markdown **body** with a [link](https://example.com/)."),
    "normal/三.md": ("普通的第三篇", "Sun, 05 Dec 2021 04:17:18 GMT", "<div><p>中文正文。</p></div>"),
}
CJK = "信用建设示范区典型经验荆门市营商环境数字化改革"


def _write(root: Path, relative: str, data: bytes | str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _post(title_line: str, body: str, extra: str = "") -> str:
    return f"---\n{title_line}\ndate: 2020-05-05 05:05:05\n{extra}---\n\n{body}\n"


def _billion_laughs() -> str:
    """Nine levels of nine aliases: 9**9 (387 million) strings once expanded."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join('*' + previous for _ in range(9))}]")
    lines += ["title: *i", "author: *i", "categories: *i", "tags: *i", "date: *i", "link: *i"]
    return "---\n" + "\n".join(lines) + "\n---\n\nThe body survives the bomb.\n"


def build_hostile_corpus(root: Path) -> dict:
    """Write the hostile archive under `root`. Returns:

    - `load`: relative path -> the title it must load with (None: any title);
    - `skip`: relative path -> a text its skip reason must contain;
    - `either`: paths that load or skip depending on the system (root ignores chmod 000);
    - `post_files`: how many files the scan must see (loaded + skipped must equal it);
    - `outside`: a folder beside the archive that symlinks point into (never listed).
    """
    root.mkdir(parents=True, exist_ok=True)
    load: dict[str, str | None] = {}
    skip: dict[str, str] = {}
    either: dict[str, str] = {}

    for relative, (title, date, body) in NORMAL_POSTS.items():
        _write(root, relative, f"---\ntitle: {title}\ndate: {date}\nauthor: Normal\n---\n\n{body}\n")
        load[relative] = title

    # ------------------------------------------------------------ YAML that fails, or bites
    yaml_cases = {
        "yaml/bad-quoting.md": ("title: 'it's broken'", "it's broken"),
        "yaml/run-of-quotes.md": ('title: """""""\'P232. 非减数组\'"""""""', "P232. 非减数组"),
        "yaml/tabs.md": ("title: Tabs\n\tauthor: tabbed", "Tabs"),
        "yaml/duplicate-keys.md": ("title: First\ntitle: Second", "Second"),
        "yaml/bad-date.md": ("title: Impossible date\ndate: 2021-13-45", "Impossible date"),
        "yaml/huge-int.md": ("title: " + "7" * 5000, None),
        "yaml/python-tag.md": ('title: !!python/object/apply:os.system ["touch /tmp/pwned-by-postshelf"]', None),
        "yaml/binary-tag.md": ("title: !!binary '!!!not base64!!!'", None),
        "yaml/set-and-merge.md": (
            "base: &b {x: 1}\nmerged:\n  <<: *b\ntitle: Merged keys\nkeys: !!set {a, b}",
            "Merged keys",
        ),
        "yaml/recursive-alias.md": ("title: Recursive alias\ncategories: &c [*c, x]\ntags: &t [*t]", "Recursive alias"),
        "yaml/deep-flow.md": ("title: Deep flow\ncategories: " + "[" * 5000 + "x" + "]" * 5000, "Deep flow"),
        "yaml/not-a-mapping.md": ("- a list\n- not a mapping", None),
        "yaml/mapping-title.md": ("title: {nested: {deeper: value}}", None),
        "yaml/null-key.md": ("? [a, b]\n: unhashable\ntitle: Unhashable key", "Unhashable key"),
        "yaml/lone-surrogate.md": ('title: "lone \\ud800 surrogate"', None),
        "yaml/escaped-controls.md": (
            'title: "Evil \\e]0;pwned\\a title \\e[31mred \\x9b2J \\u202e"\nauthor: "\\e]52;c;ZXZpbA==\\a mallory"',
            None,
        ),
    }
    for relative, (frontmatter, title) in yaml_cases.items():
        lines = frontmatter.split("\n")
        has_date = any(line.startswith("date:") for line in lines)
        text = f"---\n{frontmatter}\n" + ("" if has_date else "date: 2020-05-05\n") + "---\n\nbody\n"
        _write(root, relative, text)
        load[relative] = title
    _write(root, "yaml/billion-laughs.md", _billion_laughs())
    load["yaml/billion-laughs.md"] = None
    _write(root, "yaml/unclosed.md", "---\ntitle: never closed\n\nbody without the closing line\n")
    skip["yaml/unclosed.md"] = "never closed"
    big_frontmatter = "".join(f"key{i}: value number {i} {CJK}\n" for i in range(16_000))
    _write(root, "yaml/one-mb-frontmatter.md", f"---\ntitle: One MB of frontmatter\n{big_frontmatter}---\nbody\n")
    load["yaml/one-mb-frontmatter.md"] = "One MB of frontmatter"
    broken_big = "".join(f"key{i}: 'broken {i}' x'\n" for i in range(40_000))
    _write(root, "yaml/one-mb-broken.md", f"---\ntitle: Broken MB\n{broken_big}---\nbody\n")
    load["yaml/one-mb-broken.md"] = "Broken MB"
    _write(
        root, "yaml/quote-run.md", "---\ntitle: " + '"' * 400_000 + "x" + '"' * 400_000 + "\nauthor: 'a\n---\nbody\n"
    )
    load["yaml/quote-run.md"] = "x"
    _write(root, "yaml/space-run.md", "---\ntitle: a" + " " * 300_000 + "b\nauthor: 'a\n---\nbody\n")
    load["yaml/space-run.md"] = None
    _write(root, "yaml/long-date.md", "---\ntitle: Long date\ndate: " + "2021 " * 200_000 + "\n---\nbody\n")
    load["yaml/long-date.md"] = "Long date"
    _write(root, "toml/broken.md", '+++\ntitle = "TOML broken\ndate = 2021-01-01\n+++\nbody\n')
    load["toml/broken.md"] = None
    _write(root, "toml/deep.md", "+++\ntitle = 'Deep TOML'\ncategories = " + "[" * 5000 + "]" * 5000 + "\n+++\nbody\n")
    load["toml/deep.md"] = "Deep TOML"
    _write(root, "toml/huge-int.md", "+++\ntitle = 'Huge TOML int'\nn = " + "9" * 5000 + "\n+++\nbody\n")
    load["toml/huge-int.md"] = "Huge TOML int"
    _write(root, "json/deep.md", '{\n"title": "Deep JSON", "x": ' + "[" * 5000 + "]" * 5000 + "}\n\nbody\n")
    load["json/deep.md"] = None
    _write(root, "json/huge-int.md", '{\n"title": "Huge JSON int", "n": ' + "9" * 5000 + "}\n\nbody\n")
    load["json/huge-int.md"] = None
    _write(root, "json/surrogate.md", '{\n"title": "JSON \\ud800 surrogate \\u001b[31m"}\n\nbody\n')
    load["json/surrogate.md"] = None

    # ------------------------------------------------------------ bytes and encodings
    _write(root, "enc/png.md", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    skip["enc/png.md"] = "PNG image"
    noise = random.Random(6).randbytes(64 * 1024)
    _write(root, "enc/random-binary.md", noise)
    skip["enc/random-binary.md"] = "binary file"
    _write(root, "enc/nul-bytes.md", _post("title: NUL bytes", "text with a NUL \x00 inside and \x00 another"))
    load["enc/nul-bytes.md"] = "NUL bytes"
    chinese_body = ("<p>" + CJK * 20 + "</p>\n") * 20
    middle = _post("title: 中间有坏字节", chinese_body).encode("utf-8")
    _write(root, "enc/invalid-utf8-middle.md", middle[: len(middle) // 2] + b"\xff\xfe" + middle[len(middle) // 2 :])
    load["enc/invalid-utf8-middle.md"] = "中间有坏字节"
    _write(root, "enc/gbk.md", _post("title: 国标编码", chinese_body).encode("gbk"))
    load["enc/gbk.md"] = "国标编码"
    _write(root, "enc/gb18030.md", _post("title: 㐀 扩展字符", chinese_body).encode("gb18030"))
    load["enc/gb18030.md"] = "㐀 扩展字符"
    traditional = "資訊科技與數位發展，臺灣的開源社群持續成長。"
    _write(root, "enc/big5.md", _post("title: 繁體中文標題", f"<p>{traditional * 30}</p>").encode("big5"))
    load["enc/big5.md"] = "繁體中文標題"
    for name, encoding, bom in (
        ("utf16-le-bom", "utf-16-le", codecs.BOM_UTF16_LE),
        ("utf16-be-bom", "utf-16-be", codecs.BOM_UTF16_BE),
        ("utf16-le", "utf-16-le", b""),
        ("utf16-be", "utf-16-be", b""),
    ):
        _write(root, f"enc/{name}.md", bom + _post(f"title: UTF-16 {name}", chinese_body).encode(encoding))
        load[f"enc/{name}.md"] = f"UTF-16 {name}"
    _write(
        root, "enc/mixed-newlines.md", "---\r\ntitle: Mixed newlines\rdate: 2020-01-01\n---\r\n\rone\r\ntwo\rthree\n"
    )
    load["enc/mixed-newlines.md"] = "Mixed newlines"
    _write(root, "enc/latin1.md", _post("title: Café latin-1", "déjà vu " * 50).encode("latin-1"))
    load["enc/latin1.md"] = None
    _write(root, "enc/empty.md", b"")
    skip["enc/empty.md"] = "empty file"

    # ------------------------------------------------------------ size and depth
    paragraph = f"<p>{CJK * 4} some English words in between, {CJK}</p>\n"
    _write(root, "big/ten-mb.md", _post("title: Ten MB", paragraph * (10 * 1024 * 1024 // len(paragraph.encode()))))
    load["big/ten-mb.md"] = "Ten MB"
    _write(root, "big/one-line.md", _post("title: One line", (CJK + "abc ") * 40_000))
    load["big/one-line.md"] = "One line"
    _write(root, "big/one-line-nospace.md", _post("title: One line no spaces", "x" * 1_000_000))
    load["big/one-line-nospace.md"] = "One line no spaces"
    _write(root, "big/deep-html.md", _post("title: Deep HTML", "<div>" * 10_000 + "deep text" + "</div>" * 10_000))
    load["big/deep-html.md"] = "Deep HTML"
    _write(root, "big/deep-unclosed-html.md", _post("title: Deep unclosed", "<div><span><b>" * 10_000 + "x"))
    load["big/deep-unclosed-html.md"] = "Deep unclosed"
    _write(
        root, "big/deep-quote.md", _post("title: Deep quote", ">" * 10_000 + " quoted\n\n" + "- " * 5_000 + "item\n")
    )
    load["big/deep-quote.md"] = "Deep quote"
    _write(root, "big/deep-lists.md", _post("title: Deep lists", "".join("  " * i + "- level\n" for i in range(2_000))))
    load["big/deep-lists.md"] = "Deep lists"
    _write(root, "big/paragraphs.md", _post("title: 100k paragraphs", "<p>x</p>" * 100_000))
    load["big/paragraphs.md"] = "100k paragraphs"
    cells = "".join(f"<td>c{i}</td>" for i in range(1000))
    heads = "".join(f"<th>h{i}</th>" for i in range(1000))
    _write(
        root,
        "big/wide-table.md",
        _post("title: Wide table", f"<table><tr>{heads}</tr>" + f"<tr>{cells}</tr>" * 20 + "</table>"),
    )
    load["big/wide-table.md"] = "Wide table"
    pipe = "|" + "|".join(f"h{i}" for i in range(1000)) + "|\n|" + "---|" * 1000 + "\n"
    pipe += ("|" + "|".join(f"c{i}" for i in range(1000)) + "|\n") * 20
    _write(root, "big/wide-pipe-table.md", _post("title: Wide pipe table", pipe))
    load["big/wide-pipe-table.md"] = "Wide pipe table"
    # Regex traps: unclosed blocks and tags repeated, quadratic for a naive pattern.
    _write(root, "big/unclosed-scripts.md", _post("title: Unclosed scripts", "<div>" + "<script>x" * 50_000))
    load["big/unclosed-scripts.md"] = "Unclosed scripts"
    _write(root, "big/unclosed-comments.md", _post("title: Unclosed comments", "<div>" + "<!-- x" * 50_000))
    load["big/unclosed-comments.md"] = "Unclosed comments"
    _write(root, "big/angle-brackets.md", _post("title: Angles", "<div>" + "<" * 500_000))
    load["big/angle-brackets.md"] = "Angles"
    # A link definition's unclosed template value: 1,500 spaces took 14 s (review).
    _write(root, "big/template-definition.md", _post("title: Template definition", "[1]: {{" + " " * 50_000 + "x\n"))
    load["big/template-definition.md"] = "Template definition"
    # Marks that can only open, then marks of another kind that can only close: each closer
    # looked back through every opener (60 KB took 8 s to index; review).
    _write(root, "big/emphasis-runs.md", _post("title: Emphasis runs", "_a " * 50_000 + "x* " * 50_000))
    load["big/emphasis-runs.md"] = "Emphasis runs"
    _write(root, "big/unclosed-headings.md", "---\ndate: 2020-01-01\n---\n<div>" + "<h1>" * 10_000)
    load["big/unclosed-headings.md"] = None
    _write(root, "big/hash-heading.md", "---\ndate: 2020-01-01\n---\n# " + "# " * 10_000 + "x\n")
    load["big/hash-heading.md"] = None
    too_big = _write(root, "big/too-big.md", b"---\ntitle: too big\n---\n")
    os.truncate(too_big, 70 * 1024 * 1024)  # sparse: costs no disk
    skip["big/too-big.md"] = "too big"

    # ------------------------------------------------------------ terminal attacks and unsafe HTML
    attack_yaml = TERMINAL_ATTACK.replace("\\", "\\\\").replace('"', '\\"')
    _write(
        root,
        "attack/raw-escapes.md",
        (
            f"---\ntitle: Raw {TERMINAL_ATTACK}\nauthor: Mallory {TERMINAL_ATTACK}\n"
            f"categories:\n  - Cat {TERMINAL_ATTACK}\n  - Sub{ESC}[2J\ntags: [t1{ESC}]0;x\x07, t2]\n"
            f"link: https://evil.example/{ESC}]52;c;ZXZpbA==\x07path\ndate: 2021-06-{ESC}[1m01\n---\n\n"
            f"Body {TERMINAL_ATTACK}\n\n[link text](https://evil.example/{ESC}]8;;x\x07)\n"
        ),
    )
    load["attack/raw-escapes.md"] = None
    _write(
        root,
        "attack/yaml-escapes.md",
        (
            f'---\ntitle: "Escaped {attack_yaml}"\nauthor: "\\e]52;c;ZXZpbA==\\a mallory"\n'
            f'categories: ["\\e[31mRed cat", "\\u202eDrowssap"]\ndate: 2021-06-02\n---\n\n<p>HTML {TERMINAL_ATTACK}</p>\n'
        ),
    )
    load["attack/yaml-escapes.md"] = None
    _write(
        root,
        "attack/html-body.md",
        _post(
            "title: Unsafe HTML",
            '<div><script>alert("script ran")</script><style>body{display:none}</style>'
            '<p>Visible text.</p><a href="javascript:alert(1)">js link</a> '
            '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a> '
            '<a href="vbscript:msgbox(1)">vb link</a> <a href="file:///etc/passwd">file link</a> '
            '<img src="javascript:alert(2)" alt="js image"> <img src="data:image/png;base64,iVBORw0KGgo=" alt="data image">'
            '<iframe src="javascript:alert(3)"></iframe><iframe src="data:text/html,x"></iframe>'
            f'<a href="https://ok.example/{ESC}]8;;evil\x07">ok link</a>'
            "<noscript>noscript text</noscript><svg><script>alert(4)</script></svg>"
            '<p onclick="alert(5)">clickable paragraph</p></div>',
        ),
    )
    load["attack/html-body.md"] = "Unsafe HTML"
    _write(
        root,
        "attack/markdown-links.md",
        _post(
            "title: Unsafe Markdown links",
            "[js](javascript:alert(1)) [data](data:text/html;base64,AAAA) "
            "![img](data:image/png;base64,iVBORw0KGgo=) <javascript:alert(2)> [ssh](ssh://evil.example) "
            "[ok](https://ok.example/page) <https://ok.example/auto>\n\n[ref]: javascript:alert(3)\n\n[ref]\n"
            "\n<script>alert('raw html in markdown')</script>\n",
        ),
    )
    load["attack/markdown-links.md"] = "Unsafe Markdown links"

    # ------------------------------------------------------------ file system oddities
    outside = root.parent / f"{root.name}-outside"
    _write(outside, "secret.md", "---\ntitle: Secret outside the archive\n---\nsecret\n")
    links = root / "links"
    links.mkdir(parents=True, exist_ok=True)
    os.symlink("loop.md", links / "loop.md")
    skip["links/loop.md"] = "symbolic links"
    os.symlink("pong.md", links / "ping.md")
    os.symlink("ping.md", links / "pong.md")
    skip["links/ping.md"] = skip["links/pong.md"] = "symbolic links"
    os.symlink(os.path.relpath(outside / "secret.md", links), links / "outside.md")
    skip["links/outside.md"] = "outside the archive"
    os.symlink(outside / "secret.md", links / "outside-absolute.md")
    skip["links/outside-absolute.md"] = "outside the archive"
    os.symlink("../normal/one.md", links / "inside.md")
    load["links/inside.md"] = "Normal post one"
    os.symlink("missing-target.md", links / "dangling.md")
    skip["links/dangling.md"] = "No such file"
    os.symlink("..", links / "loop-folder")  # a folder loop: never followed
    os.symlink(str(outside), links / "outside-folder")  # never followed
    if os.path.exists("/dev/zero"):
        os.symlink("/dev/zero", links / "zero.md")
        skip["links/zero.md"] = "not a regular file"
    os.mkfifo(root / "fifo.md")
    skip["fifo.md"] = "not a regular file"
    _write(root, "folder.md/inner.md", _post("title: Inside a folder named .md", "body"))
    load["folder.md/inner.md"] = "Inside a folder named .md"

    _write(root, "names/new\nline.md", _post("title: Newline in the name", "body"))
    load["names/new\nline.md"] = "Newline in the name"
    _write(root, f"names/esc-{ESC}]0;name-title\x07-{ESC}[31m.md", _post("title: Escape in the name", "body"))
    load[f"names/esc-{ESC}]0;name-title\x07-{ESC}[31m.md"] = "Escape in the name"
    _write(root, "names/bidi-\u202egpj.md", _post("title: Bidi in the name", "body"))
    load["names/bidi-\u202egpj.md"] = "Bidi in the name"
    bad_name = os.fsdecode(b"names/bad-\xff\xfe-bytes.md")
    fd = os.open(os.fsencode(root) + b"/" + os.fsencode(bad_name), os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, _post("title: Undecodable name", "body").encode())
    os.close(fd)
    load[bad_name] = "Undecodable name"
    no_title = os.fsdecode(b"names/\xff\x1b[31m.md")
    fd = os.open(os.fsencode(root) + b"/" + os.fsencode(no_title), os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, b"no frontmatter and no heading\n")
    os.close(fd)
    load[no_title] = None

    unreadable = _write(root, "perm/unreadable.md", _post("title: Unreadable", "body"))
    unreadable.chmod(0)
    either["perm/unreadable.md"] = "Permission denied"
    locked = root / "perm/locked-folder"
    _write(locked, "inside.md", _post("title: In a locked folder", "body"))
    locked.chmod(stat.S_IWUSR)  # not listable; as root it is, and the post loads
    either["perm/locked-folder/inside.md"] = "Permission denied"

    # Not posts: never listed, never counted.
    _write(root, "node_modules/pkg/README.md", "# dependency")
    _write(root, ".hidden/secret.md", "# hidden")
    _write(root, "notes.txt", "not a post suffix")

    post_files = len(load) + len(skip) + sum(1 for path in either if _listable(root / path))
    return {"root": root, "load": load, "skip": skip, "either": either, "post_files": post_files, "outside": outside}


def _listable(path: Path) -> bool:
    """Whether a scan can see this file (a folder without read permission hides it, unless root)."""
    return os.access(path.parent, os.R_OK | os.X_OK)


def restore_permissions(root: Path) -> None:
    """Make the corpus deletable again (pytest removes tmp folders later)."""
    for folder, subfolders, files in os.walk(root):
        for name in subfolders + files:
            path = os.path.join(folder, name)
            if not os.path.islink(path) and (os.path.isdir(path) or os.path.isfile(path)):
                os.chmod(path, 0o755 if os.path.isdir(path) else 0o644)
    for path in (root / "perm/locked-folder", root / "perm/unreadable.md"):
        if path.exists():
            path.chmod(0o755 if path.is_dir() else 0o644)


def build_flat_folder(root: Path, count: int) -> None:
    """`count` small posts in one folder (the 'folder of 100k files' case)."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (root / f"{i:06d}.md").write_text(
            f"---\ntitle: Flat post {i}\ndate: 2021-01-01 00:00:{i % 60:02d}\n---\n\n<p>{CJK} {i}</p>\n",
            encoding="utf-8",
        )


def _main() -> None:
    """Build a flat folder and load it with the real CLI, printing time and peak memory."""
    import argparse
    import resource
    import subprocess
    import sys
    import time

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flat", type=int, default=0, help="build a flat folder of this many posts")
    parser.add_argument("--hostile", action="store_true", help="build the hostile corpus")
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    if args.flat:
        started = time.perf_counter()
        if not args.folder.exists():
            build_flat_folder(args.folder, args.flat)
        print(f"built {args.flat:,} files in {time.perf_counter() - started:.1f} s")
    if args.hostile and not args.folder.exists():
        build_hostile_corpus(args.folder)
    for label, options in (("cold (--rebuild)", ["--rebuild"]), ("warm", [])):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "tui", "index", *options, str(args.folder)], capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{label}: {seconds:.2f} s wall, exit {result.returncode}, peak RSS so far {peak:.0f} MB")
        print("   ", result.stdout.splitlines()[0] if result.stdout else result.stderr[-500:])


if __name__ == "__main__":
    _main()
