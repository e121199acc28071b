"""The app opened on a site repository: the `!` screen's account of ignored files, the status
line while loading, and the reader on pages that are markup only."""

from __future__ import annotations

import threading
from pathlib import Path

from helpers import header, screen_text, settle, status, wait_for
from test_sites import write_site
from tui.app import PostshelfApp
from tui.archive import loader
from tui.archive.user_state import UserState, state_path_for
from tui.screens.skipped import SkippedScreen
from tui.widgets.post_list import PostList
from tui.widgets.reader_body import ReaderBody

HUGO = {
    "hugo.toml": 'baseURL = "https://example.org/"\n',
    "README.md": "# The repository\n",
    "content/posts/first.md": '+++\ntitle = "First post"\ndate = 2024-05-01\n+++\nHello.\n',
    "content/docs/resources/get.md": '+++\ntitle = "resources.Get"\n+++\nA page in a folder called resources.\n',
    "content/empty.md": "",
    "layouts/_default/single.html": "{{ .Content }}",
    "layouts/partials/head.html": "<head></head>",
}


async def test_the_skipped_screen_lists_ignored_rules(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", HUGO)
    app = PostshelfApp([root], use_cache=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(PostList).count == 2
        assert status(app).startswith("2 posts · 1 skipped")
        await pilot.press("exclamation_mark")
        assert isinstance(app.screen, SkippedScreen)
        text = screen_text(app.screen)
        assert "Read as: Hugo site at the root (pages in content/)" in text
        assert "1 file skipped" in text and "empty file" in text
        assert "3 files ignored: not posts here, by 2 rules" in text
        assert "layouts/  2 files" in text and "Hugo templates" in text
        assert "README.md  1 file" in text and "repository document" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, SkippedScreen)


async def test_the_status_line_never_says_0_of_0_while_loading(tmp_path: Path, monkeypatch) -> None:
    root = write_site(tmp_path / "site", HUGO)
    state, _ = UserState.load(state_path_for([root]))
    state.remember(query="first")
    state.save()
    release = threading.Event()
    survey_lazily = loader.survey_lazily

    def slow_survey(roots, result):
        release.wait(10)
        yield from survey_lazily(roots, result)

    monkeypatch.setattr(loader, "survey_lazily", slow_survey)
    app = PostshelfApp([root], use_cache=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):  # the archive is shown (empty) and the remembered search has run
            await pilot.pause(0.02)
            if app.archive is not None and app.screen.query_one("#search").value == "first":
                break
        await wait_for(pilot, lambda: "Loading" in status(app), "the status line to say it is loading")
        assert app.archive is not None and app.archive.post_count == 0
        assert "0 of 0" not in status(app) and "Loading" in status(app)
        release.set()
        await settle(pilot)
        assert status(app).startswith("1 of 2 posts match 'first'")


async def test_a_page_of_components_shows_its_text_not_no_text(tmp_path: Path) -> None:
    root = write_site(
        tmp_path / "vitepress",
        {
            ".vitepress/config.mts": "export default {}\n",
            "index.md": "---\ntitle: Team\n---\n\n<script setup>\nimport { VPTeamPage } from 'x'\n</script>\n\n"
            "<VPTeamPage>\n  <template #title>认识我们的团队</template>\n</VPTeamPage>\n",
            "guide/forms.md": "<script setup>\nconst a = 1\n</script>\n\n# 表单输入绑定 {#form-input-bindings}\n\n正文。\n",
        },
    )
    app = PostshelfApp([root], use_cache=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = {app.archive.posts[i].title for i in app.archive.order.tolist()}
        assert titles == {"Team", "表单输入绑定"}
        await pilot.press("slash", *"Team", "enter")
        await settle(pilot)
        assert "Team" in header(app)
        body = screen_text(app.screen.query_one(ReaderBody))
        assert "This post has no text" not in body
        assert "认识我们的团队" in body  # a component's slot text shows, as on the site
