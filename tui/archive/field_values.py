"""The values `cat:` and `source:` look in, for one post.

One rule for the index, which searches them, and the facets, which must predict what a search
finds (to write the shortest qualifier that selects exactly a facet's posts). `author:` and
`tag:` look in the post's authors and tags as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit


def category_values(paths: Iterable[Sequence[str]]) -> list[str]:
    """What `cat:` matches for a post filed under these paths: every level on its own, the
    path joined with '/' down to each level below the first, and the same from the root, with
    a '/' before it (新媒体/ZAKER/channel gives 新媒体, ZAKER, channel, 新媒体/ZAKER,
    新媒体/ZAKER/channel, /新媒体, /新媒体/ZAKER and /新媒体/ZAKER/channel): `cat:=/themes` is
    what is filed under the top-level themes, not under documentation/themes."""
    paths = list(paths)
    levels = [level for path in paths for level in path]
    joined = ["/".join(path[:depth]) for path in paths for depth in range(2, len(path) + 1)]
    rooted = ["/" + "/".join(path[:depth]) for path in paths for depth in range(1, len(path) + 1)]
    return levels + joined + rooted


def host_of(url: str) -> str:
    """The host of a URL as urlsplit reads it, lower-cased ('' when there is none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def source_host(link: str) -> str:
    """What `source:` matches for a post with this link: host_of(link), without urlsplit for the
    plain http(s)://host/... links most posts have."""
    if not link:
        return ""
    if link.startswith("https://"):
        host = link[8:].split("/", 1)[0]
    elif link.startswith("http://"):
        host = link[7:].split("/", 1)[0]
    else:
        return host_of(link)
    if host.isascii() and host.replace(".", "").replace("-", "").isalnum():
        return host.lower()  # no port, user, query or odd characters: what urlsplit would say
    return host_of(link)


def source_hosts(links: Iterable[str]) -> list[str]:
    """source_host of each link, computed once per distinct start (links of one site share it).

    The start of an http(s) link is the link cut at its first '/' after 'https://': never
    inside the host, which ends at the first '/', '?' or '#'."""
    known: dict[str, str] = {}
    hosts = []
    for link in links:
        if not link.startswith(("https://", "http://")):
            hosts.append(source_host(link))
            continue
        end = link.find("/", 8)
        start = link if end < 0 else link[:end]
        host = known.get(start)
        if host is None:
            host = known[start] = source_host(start)
        hosts.append(host)
    return hosts
