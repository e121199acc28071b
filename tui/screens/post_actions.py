"""The keys that lead out of the list and the reader: the post's links (L, c, o), export (e),
the skipped files (!) and help (?)."""

from __future__ import annotations

from textual import on, work

from ..archive import Archive, Post
from ..archive.links import links_in
from ..open_link import copy_link, open_link
from .export import ExportScreen
from .help import HelpScreen
from .links import LinksScreen
from .post_screen import PostScreen
from .skipped import SkippedScreen
from .worker_results import LinksFound


class PostActions(PostScreen):
    def action_export(self) -> None:
        index, archive = self.current_post_id(), self.archive
        if index is None or archive is None:
            return
        post = archive.posts[index]
        self.app.push_screen(ExportScreen(post, archive.read_markdown(post), archive.roots))

    def action_links(self) -> None:
        """L: the open post's links and images by number."""
        archive, index = self.archive, self.current_post_id()
        if archive is None or index is None:
            self.notify("Open a post first: L lists its links", markup=False)
            return
        self._find_links(archive, archive.posts[index])

    @work(thread=True, exclusive=True, group="links")
    def _find_links(self, archive: Archive, post: Post) -> None:
        """Off the event loop: a long post may need converting first."""
        self.post_message(LinksFound(post.title, links_in(archive.reader_markdown(post), post.link, post.image)))

    @on(LinksFound)
    def _show_links(self, message: LinksFound) -> None:
        self.app.push_screen(LinksScreen(message.title, message.links))

    def _post_link(self) -> str:
        index, archive = self.current_post_id(), self.archive
        if index is None or archive is None:
            return ""
        link = archive.posts[index].link
        if not link:
            self.notify("This post has no link of its own (L lists the links in it)", timeout=3)
        return link

    def action_copy_link(self) -> None:
        if link := self._post_link():
            copy_link(self.app, link)

    def action_open_link(self) -> None:
        if link := self._post_link():
            open_link(self.app, link)

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.options.keymap, self.options.settings_problems))

    def action_skipped(self) -> None:
        archive = self.archive
        if archive is None:
            self.app.push_screen(SkippedScreen([]))
            return
        self.app.push_screen(SkippedScreen(list(archive.skipped), list(archive.ignored), archive.how_read()))
