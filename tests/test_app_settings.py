"""The config file, remembered theme, key overrides, the command palette and NO_COLOR, in the real app."""

from __future__ import annotations

import os
import re
from pathlib import Path

from textual.command import CommandList

from helpers import screen_text, settle, type_ahead, wait_for
from tui.app import PostshelfApp
from tui.archive.natural_order import natural_key
from tui.screens.help import HelpScreen
from tui.widgets.post_list import PostList
from tui.widgets.reader_body import ReaderBody
from tui.widgets.search_bar import SearchBar

REPO = Path(__file__).resolve().parent.parent


def _config(text: str) -> Path:
    path = Path(os.environ["POSTSHELF_CONFIG"])
    path.write_text(text, encoding="utf-8")
    return path


async def test_config_sets_theme_sort_and_keys_and_help_shows_them(real_corpus: Path) -> None:
    _config('theme = "nord"\nsort = "title"\n\n[keys]\nbookmark = "b,ctrl+d"\nhelp = "f1"\n')
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
        titles = [app.archive.index.state.titles[int(d)] for d in app.screen.query_one(PostList).order_ids()]
        assert titles == sorted(titles, key=natural_key)  # the default sort, with nothing in the search bar
        assert app.screen.query_one(SearchBar).value == ""

        await pilot.press("question_mark")  # no longer the help key
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        help_text = screen_text(app.screen)
        assert "b ctrl+d" in help_text.replace("Ctrl+D", "ctrl+d") or "b Ctrl+D" in help_text
        await pilot.press("escape")

        await pilot.press("ctrl+d")  # the overridden bookmark key works
        await settle(pilot)
        assert len(app.screen.user_state.bookmarks) == 1


async def test_a_bad_config_is_explained_and_defaults_apply(real_corpus: Path) -> None:
    _config('theme = "no-such-theme"\nsortt = "title"\nmark_read = "never"\n')
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        messages = " ".join(n.message for n in app._notifications)
        assert "no-such-theme" in messages and "sortt" in messages and "sort" in messages
        assert app.screen.query_one(PostList).count == 65
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.user_state.read == set()  # mark_read = "never" still applied


async def test_a_theme_chosen_in_the_app_is_remembered(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.theme = "gruvbox"
        await settle(pilot)
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "gruvbox"


def highlighted_command(app) -> str | None:
    """The title of the palette's highlighted command, once it has searched (None before)."""
    commands = app.screen.query_one(CommandList)
    if not commands.option_count or commands.highlighted is None:
        return None
    return str(commands.get_option_at_index(commands.highlighted).prompt).splitlines()[0]


async def test_command_palette_offers_the_actions(real_corpus: Path) -> None:
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        for expected in (
            "Bookmark",
            "Next unread",
            "Back (history)",
            "Export as Markdown",
            "Sort by title",
            "Full-width reader",
            "Theme",
        ):
            assert expected in titles
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"sort by title")
        await wait_for(pilot, lambda: highlighted_command(app) == "Sort by title", "the palette to offer the command")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(SearchBar).value == "sort:title"


async def test_export_key_writes_the_open_post(real_corpus: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        post = app.archive.posts[int(app.archive.order[0])]
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    written = list(tmp_path.glob("*.md"))
    assert len(written) == 1
    assert post.title.strip()[:8] in written[0].read_text(encoding="utf-8")


async def test_no_color_makes_the_screen_monochrome(real_corpus: Path, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.no_color  # Textual then renders through its monochrome filter
        assert any(type(f).__name__ in ("Monochrome", "NoColor") for f in app._filters)


async def test_a_key_taken_from_another_action_is_explained(real_corpus: Path) -> None:
    _config('[keys]\nnext_unread = "n"\nbookmark = "ctrl+n"\n')
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        messages = " ".join(n.message for n in app._notifications)
        assert '"n" was the key of next_match, which now has no key' in messages
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(app.screen)
        assert "(no key)" in text and "Next match" in text and "Ctrl+N" in text


def test_the_documented_settings_give_no_warning() -> None:
    """The README's example and the example file, as a user copies them (the README's took the
    reader's page-up key and warned at every start)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = (REPO / "docs" / "config.example.toml").read_text(encoding="utf-8")
    for text in (readme.split("```toml\n", 1)[1].split("```", 1)[0], re.sub(r"(?m)^# (\w+ = .*)$", r"\1", example)):
        _config(text)
        app = PostshelfApp([], watch=False)
        assert app.config.keys and app.config_problems == [], text


def test_one_key_given_to_two_actions_is_explained() -> None:
    _config('[keys]\nbookmark = "b"\nread = "b,x"\nexport = "x"\ncopy_link = "x"\n')
    problems = PostshelfApp([], watch=False).config_problems
    assert '[keys] bookmark and read both take "b": one key answers one action (choose another for one)' in problems
    assert any('[keys] read and export and copy_link all take "x"' in problem for problem in problems)


async def test_a_key_a_widget_answers_first_is_explained(real_corpus: Path) -> None:
    """`toggle_read = "j"`: in the list j still goes to the next post, so j never marks a post."""
    _config('[keys]\ntoggle_read = "j"\n')
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert any('in the post list, "j" is next post' in problem for problem in app.config_problems)


async def test_many_settings_problems_make_one_notice_and_help_lists_them(real_corpus: Path) -> None:
    _config('theme = "nrod"\nsort = "newest"\nmark_read = "maybe"\nimages = 3\ncolour = "red"\n')
    app = PostshelfApp([real_corpus], watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        notices = [n for n in app._notifications if "Settings" in (n.title or "")]
        assert len(notices) == 1 and "4 more: press ? to see them all" in notices[0].message
        assert 'theme "nrod" is not a known theme (did you mean "nord"?); using the default.' in notices[0].message
        assert "catppuccin" not in notices[0].message  # every theme's name: 13 lines at 80x24
        await pilot.press("question_mark")
        await settle(pilot)
        text = screen_text(app.screen)
        assert "Problems in the settings file" in text and "catppuccin" in text and "colour" in text
        assert not app._notifications  # the notice no longer sits over the list it points to


async def test_a_read_key_set_in_the_config_reads_and_hands_the_keys_after_it_on(tmp_path: Path) -> None:
    """`[keys] read = "l"`: the list looked keys up in its own bindings, where Textual never
    applies the config, so Enter still read and `l Space Space` paged the list (review)."""
    _config('[keys]\nread = "l"\n')
    body_text = "\n\n".join(f"Paragraph {line}." for line in range(300))
    (tmp_path / "long.md").write_text(f"---\ntitle: Long\ndate: 2021-01-02\n---\n{body_text}\n")
    for number in range(40):
        (tmp_path / f"other-{number}.md").write_text(f"---\ntitle: Other {number}\ndate: 2020-01-01\n---\nx\n")
    app = PostshelfApp([tmp_path], watch=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        posts, body = app.screen.query_one(PostList), app.screen.query_one(ReaderBody)
        await pilot.press("enter")
        await settle(pilot)
        assert posts.has_focus  # Enter no longer reads
        type_ahead(app, "l  ")
        await wait_for(pilot, lambda: body.has_focus and body.scroll_y == body.scroll_target_y > 0, "two pages")
        assert posts.cursor == 0 and body.scroll_y == 2 * body.scrollable_content_region.height
