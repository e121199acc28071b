"""The settings file: every message a bad file can produce, and that good settings survive bad ones."""

from __future__ import annotations

import re
from pathlib import Path

import platformdirs
import pytest
from textual.theme import BUILTIN_THEMES

from tui.archive.locations import config_path
from tui.archive.query import SORTS
from tui.config import Config, load_config, normalize_key

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "config.example.toml"
THEMES = sorted(BUILTIN_THEMES)
ACTIONS = ["bookmark", "help", "quit", "search", "next_unread"]


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def load(tmp_path: Path, text: str | bytes) -> tuple[Config, list[str]]:
    return load_config(write(tmp_path, text), known_themes=THEMES, known_actions=ACTIONS)


# ---------------------------------------------------------------- where it lives


def test_the_path_comes_from_the_environment_first(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("POSTSHELF_CONFIG", str(tmp_path / "mine.toml"))
    assert config_path() == tmp_path / "mine.toml"
    monkeypatch.delenv("POSTSHELF_CONFIG")
    assert config_path() == Path(platformdirs.user_config_dir("postshelf")) / "config.toml"


def test_a_missing_file_is_the_defaults_without_a_word() -> None:
    assert not config_path().exists()  # conftest points POSTSHELF_CONFIG at a file not yet written
    assert load_config() == (Config(), [])
    assert load_config(known_themes=THEMES, known_actions=ACTIONS) == (Config(), [])


def test_load_config_reads_the_file_at_config_path_by_default(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("POSTSHELF_CONFIG", str(write(tmp_path, 'sort = "title"\n')))
    assert load_config()[0].sort == "title"


# ---------------------------------------------------------------- good files


def test_every_setting_is_read(tmp_path: Path) -> None:
    config, errors = load(
        tmp_path,
        (
            'theme = "nord"\nsort = "-date"\nmark_read = "never"\nimages = "auto"\n\n'
            '[keys]\nbookmark = "b, ctrl+d"\nhelp = "?"\nquit = ["q", "Ctrl+Shift+X"]\n'
        ),
    )
    assert errors == []
    assert config == Config(
        theme="nord",
        sort="-date",
        mark_read="never",
        images="auto",
        keys={"bookmark": "b,ctrl+d", "help": "question_mark", "quit": "q,ctrl+shift+x"},
    )


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_of_the_query_language_is_accepted(tmp_path: Path, sort: str) -> None:
    assert load(tmp_path, f'sort = "{sort}"\n') == (Config(sort=sort), [])


def test_without_known_lists_any_theme_and_action_is_accepted(tmp_path: Path) -> None:
    config, errors = load_config(write(tmp_path, 'theme = "my-own"\n[keys]\nanything = "x"\n'))
    assert errors == []
    assert config.theme == "my-own" and config.keys == {"anything": "x"}


def test_a_utf8_bom_and_windows_line_ends_are_fine(tmp_path: Path) -> None:
    assert load(tmp_path, '\ufefftheme = "gruvbox"\r\nsort = "title"\r\n') == (
        Config(theme="gruvbox", sort="title"),
        [],
    )


# ---------------------------------------------------------------- files that are not TOML


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('theme = "nord"\nsort = "date"\nimages\n', "config.toml line 3: expected '=' after a key"),
        ("theme = nord\n", 'config.toml line 1: the value is not valid TOML (text needs quotes, e.g. theme = "nord")'),
        ('sort = "date\n', "config.toml line 1: text in quotes is not closed"),
        ("sort = 'date\n", "config.toml line 1: text in quotes is not closed"),
        ('sort = "date"\nsort = "title"\n', "config.toml line 2: this setting is given twice"),
        ("[keys]\n[keys]\n", "config.toml line 2: this section is given twice"),
        ("[keys\n", "config.toml line 1: expected ']' to close the section name"),
        ('sort = "date" images = "off"\n', "config.toml line 1: unexpected text after the value"),
        ('= "date"\n', "config.toml line 1: expected a setting (name = value) or a section ([keys])"),
        ('theme = "C:\\my"\n', "config.toml line 1: a backslash inside"),
        ('sort = "date"\nimages = \'off\n', "config.toml line 2: text in quotes is not closed"),
        ("theme = [\n", "config.toml at the end of the file:"),
    ],
)
def test_broken_toml_is_one_plain_message_with_the_line(tmp_path: Path, text: str, expected: str) -> None:
    config, errors = load(tmp_path, text)
    assert config == Config()
    assert len(errors) == 1
    assert errors[0].startswith(expected), errors[0]
    assert errors[0].endswith("the file was ignored, all settings are at their defaults")
    assert "(at line" not in errors[0]  # tomllib's own wording is replaced


def test_a_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    config, errors = load(tmp_path, b'sort = "title"\ntheme = "\xff\xfe"\n')
    assert config == Config()
    assert errors == ["config.toml line 2: the file is not UTF-8 text; using the default settings"]


def test_an_unreadable_path_says_why(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    assert load_config(folder) == (Config(), [f"{folder} is a folder, not a settings file; using the default settings"])
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    config, errors = load_config(not_a_folder / "config.toml")
    assert config == Config()
    assert errors == [f"cannot read {not_a_folder / 'config.toml'}: Not a directory; using the default settings"]


# ---------------------------------------------------------------- bad settings in a good file


def test_unknown_settings_suggest_the_closest_name_and_the_rest_still_applies(tmp_path: Path) -> None:
    config, errors = load(
        tmp_path, ('them = "nord"\nsort = "title"\nmark-read = "never"\ncolour = "red"\n\n[key]\nbookmark = "b"\n')
    )
    assert config == Config(sort="title")
    assert errors == [
        'config.toml line 1: unknown setting "them" (did you mean "theme"?); it was ignored. '
        "Known settings: theme, sort, mark_read, images, keys",
        'config.toml line 3: unknown setting "mark-read" (did you mean "mark_read"?); it was ignored. '
        "Known settings: theme, sort, mark_read, images, keys",
        'config.toml line 4: unknown setting "colour"; it was ignored. Known settings: theme, sort, mark_read, images, keys',
        'config.toml line 6: unknown section "key" (did you mean "keys"?); it was ignored. '
        "Known settings: theme, sort, mark_read, images, keys",
    ]


def test_wrong_types_fall_back_to_the_default_one_message_each(tmp_path: Path) -> None:
    config, errors = load(tmp_path, 'theme = 3\nsort = ["date"]\nmark_read = true\nimages = "auto"\nkeys = "b"\n')
    assert config == Config(images="auto")
    assert errors == [
        'config.toml line 1: theme must be text in quotes, e.g. theme = "textual-dark"; using the default',
        'config.toml line 2: sort must be text in quotes, e.g. sort = "date"; using the default',
        'config.toml line 3: mark_read must be text in quotes, e.g. mark_read = "open"; using the default',
        'config.toml line 5: keys must be a section: a line [keys] followed by lines like bookmark = "b"; it was ignored',
    ]


def test_bad_values_list_the_valid_ones(tmp_path: Path) -> None:
    config, errors = load(tmp_path, 'theme = "nord"\nsort = "newest"\nmark_read = "always"\nimages = "on"\n')
    assert config == Config(theme="nord")
    assert errors == [
        'config.toml line 2: sort = "newest" is not one of "date", "-date", "relevance", "title"; using "date"',
        'config.toml line 3: mark_read = "always" is not one of "open", "never"; using "open"',
        'config.toml line 4: images = "on" is not one of "off", "auto"; using "off"',
    ]


def test_values_are_forgiven_their_case_and_spaces(tmp_path: Path) -> None:
    assert load(tmp_path, 'sort = " Title "\nimages = "AUTO"\n') == (Config(sort="title", images="auto"), [])


def test_an_unknown_theme_suggests_and_lists_the_known_ones(tmp_path: Path) -> None:
    config, errors = load(tmp_path, 'theme = "nrod"\nsort = "title"\n')
    assert config == Config(sort="title")
    assert errors == [
        f'config.toml line 1: theme "nrod" is not a known theme (did you mean "nord"?); '
        f"using the default. Themes: {', '.join(THEMES)}"
    ]


def test_unknown_action_ids_are_named_with_a_suggestion(tmp_path: Path) -> None:
    config, errors = load(tmp_path, '[keys]\nbookmrk = "b"\nhelp = "f1"\nfrobnicate = "z"\n')
    assert config.keys == {"help": "f1"}
    assert errors == [
        'config.toml line 2: [keys] "bookmrk" is not a key binding id (did you mean "bookmark"?); '
        "it was ignored (the help screen, ?, lists the ids)",
        'config.toml line 4: [keys] "frobnicate" is not a key binding id; it was ignored (the help screen, ?, lists the ids)',
    ]


def test_a_dotted_keys_line_is_found_too(tmp_path: Path) -> None:
    config, errors = load(tmp_path, 'sort = "title"\nkeys.bookmrk = "b"\n')
    assert config == Config(sort="title")
    assert errors[0].startswith('config.toml line 2: [keys] "bookmrk" is not a key binding id')


def test_key_names_that_cannot_be_keys_cost_only_that_binding(tmp_path: Path) -> None:
    config, errors = load(
        tmp_path,
        ('[keys]\nbookmark = "b,ctrl + d"\nhelp = ""\nquit = "hyperdrive"\nsearch = 5\nnext_unread = "n, ."\n'),
    )
    assert config.keys == {"next_unread": "n,full_stop"}
    hint = (
        '(write letters, digits or names like "ctrl+x", "f5", "pageup", "question_mark", "space", '
        "separated by commas); it was ignored"
    )
    assert errors == [
        f'config.toml line 2: [keys] bookmark: "ctrl + d" cannot be a key {hint}',
        f'config.toml line 3: [keys] help: "" cannot be a key {hint}',
        f'config.toml line 4: [keys] quit: "hyperdrive" cannot be a key {hint}',
        'config.toml line 5: [keys] search must be text in quotes, e.g. search = "b" or "b,ctrl+b"; it was ignored',
    ]


def test_many_problems_are_reported_in_file_order_with_the_good_settings_kept(tmp_path: Path) -> None:
    config, errors = load(
        tmp_path,
        (
            'theme = "gruvbox"\nsort = 1\nmark_read = "never"\nimages = "sometimes"\nzoom = 2\n'
            '[keys]\nbookmark = "m"\nquit = "ctrl+"\n'
        ),
    )
    assert config == Config(theme="gruvbox", mark_read="never", keys={"bookmark": "m"})
    assert [int(re.match(r"config\.toml line (\d+):", error).group(1)) for error in errors] == [2, 4, 5, 8]


# ---------------------------------------------------------------- key names


@pytest.mark.parametrize(
    ("written", "textual_name"),
    [
        ("b", "b"),
        ("G", "G"),
        ("5", "5"),
        ("ctrl+x", "ctrl+x"),
        ("Ctrl+X", "ctrl+x"),
        ("shift+ctrl+x", "ctrl+shift+x"),
        ("alt+x", "alt+x"),
        ("f5", "f5"),
        ("F12", "f12"),
        ("pageup", "pageup"),
        ("PageDown", "pagedown"),
        ("space", "space"),
        ("shift+tab", "shift+tab"),
        ("question_mark", "question_mark"),
        ("?", "question_mark"),
        ("/", "slash"),
        ("slash", "slash"),
        (".", "full_stop"),
        ("comma", "comma"),
        ("ctrl++", "ctrl+plus"),
        ("ctrl+/", "ctrl+slash"),
        ("less_than_sign", "less_than_sign"),
        ("hyphen_minus", "minus"),
        (" home ", "home"),
        ("中", "中"),
    ],
)
def test_key_names_are_turned_into_textuals(written: str, textual_name: str) -> None:
    assert normalize_key(written) == textual_name


@pytest.mark.parametrize(
    "written",
    [
        "",
        "   ",
        "ctrl + x",
        "a b",
        "ctrl+",
        "+x",
        "ctrl+ctrl+x",
        "cmd+x",
        "f25",
        "pgup",
        "hyperdrive",
        "ctrl+shift+banana",  # 🍌: a character's name, but no key types it
        "snowman",
        "question mark",
        "\t",
        "\x1b",
    ],
)
def test_things_that_cannot_be_keys_are_refused(written: str) -> None:
    assert normalize_key(written) is None


# ---------------------------------------------------------------- the documentation


def test_the_example_file_loads_without_a_single_message() -> None:
    config, errors = load_config(EXAMPLE, known_themes=THEMES, known_actions=[])
    assert errors == []
    assert config == Config()  # what it shows are the defaults


def test_the_commented_examples_in_the_example_file_are_valid_too(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    uncommented = re.sub(r"(?m)^# (\w+ = .*)$", r"\1", text)
    assert uncommented != text
    config, errors = load_config(write(tmp_path, uncommented), known_themes=THEMES)
    assert errors == []
    assert config.theme == "textual-dark" and config.keys


def test_the_themes_the_example_file_names_exist() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    comment = text[text.index("# The colour theme") : text.index("theme = ")]
    named = re.findall(r'"([a-z-]+)"', comment)
    assert len(named) >= 5
    assert set(named) <= set(THEMES)


def test_the_docs_mention_every_setting_and_its_values() -> None:
    example = EXAMPLE.read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for doc in (example, readme):
        for name in ("theme", "sort", "mark_read", "images", "[keys]"):
            assert name in doc
        for value in (*SORTS, "open", "never", "off", "auto"):
            assert f'"{value}"' in doc
