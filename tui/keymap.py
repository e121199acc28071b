"""The keys: the main screen's bindings, and what the user's [keys] overrides make of them.

One module that the app (which applies the overrides and checks them for clashes), the main
screen (which answers to the keys) and the help screen and command palette (which list them)
all read, so none of them has to import another to learn its keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from textual.binding import Binding, BindingsMap, BindingType

MAIN_BINDINGS: list[BindingType] = [
    # A priority key: answered as it arrives, so the keys typed after it go to the search bar
    # (without, they reach the list before the focus moves: `/title` ran `t` as Facets).
    Binding("/", "focus_search", "Search", id="search", priority=True),
    Binding("tab", "app.focus_next", "Next pane", show=False),
    Binding("shift+tab", "app.focus_previous", "Previous pane", show=False),
    Binding("escape", "escape", "Back to list / stop loading", show=False),
    Binding("n", "next_match", "Next match", show=False, id="next_match"),
    Binding("N", "previous_match", "Previous match", show=False, id="previous_match"),
    Binding("full_stop", "next_unread", "Next unread", show=False, id="next_unread"),
    Binding("u", "toggle_read", "Read/unread", show=False, id="toggle_read"),
    Binding("A", "mark_all_read", "Mark all listed read", show=False, id="mark_all_read"),
    Binding("U", "undo_mark_all", "Unread again what A marked", show=False, id="undo_mark_all"),
    Binding("m", "toggle_bookmark", "Bookmark", id="bookmark"),
    Binding("left_square_bracket,backspace", "back", "Back (history)", show=False, id="back"),
    Binding("right_square_bracket", "forward", "Forward (history)", show=False, id="forward"),
    Binding("s", "cycle_sort", "Sort", show=False, id="sort"),
    Binding("f", "toggle_sidebar", "Full-width reader", show=False, id="toggle_sidebar"),
    Binding("t", "toggle_facets", "Facets", id="facets"),
    Binding("e", "export", "Export as Markdown", show=False, id="export"),
    Binding("exclamation_mark", "skipped", "Skipped and ignored files", show=False, id="skipped"),
    Binding("L", "links", "Links and images", id="links"),
    Binding("c", "copy_link", "Copy the post's link", show=False, id="copy_link"),
    Binding("o", "open_link", "Open the post's link (copies over SSH)", show=False, id="open_link"),
    Binding("question_mark", "help", "Help", id="help"),
    Binding("q", "app.quit", "Quit", id="quit"),
]
"""The main screen's keys; their ids are the names the config file's [keys] overrides use."""

APP_WIDE_BINDINGS: list[BindingType] = [
    Binding("ctrl+p", "command_palette", "Command palette"),
    Binding("ctrl+q", "quit", "Quit (also from the search bar)"),
]
"""Keys the app itself answers to on every screen (listed in help beside the main screen's)."""

UNBOUND = "unbound"
"""The key shown for an action that has none left (another action took its key)."""
KEY_NAMES = {
    UNBOUND: "(no key)",
    "question_mark": "?",
    "exclamation_mark": "!",
    "slash": "/",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "space": "Space",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "ctrl+p": "Ctrl+P",
    "ctrl+q": "Ctrl+Q",
    "ctrl+c": "Ctrl+C",
    "full_stop": ".",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "backspace": "Backspace",
    "backslash": "\\",
}


def key_label(keys: str) -> str:
    """Textual key names as people write them: ctrl+n -> Ctrl+N, question_mark -> ?."""
    labels = []
    for key in keys.split(","):
        key = key.strip()
        if key in KEY_NAMES:
            labels.append(KEY_NAMES[key])
            continue
        *modifiers, last = key.split("+")
        if last in KEY_NAMES:
            last = KEY_NAMES[last]
        elif (modifiers and len(last) == 1) or (last[:1] == "f" and last[1:].isdigit()):
            last = last.upper()
        labels.append("+".join([modifier.capitalize() for modifier in modifiers] + [last]))
    return " ".join(labels)


def bound_keys(bindings: Sequence[BindingType], keymap: Mapping[str, str]) -> list[Binding]:
    """The bindings as they are in force, with the user's key overrides (config [keys]) applied,
    in their usual order; an action whose keys all went to another one is kept with no key."""
    bindings_map = BindingsMap(bindings)
    if keymap:
        bindings_map.apply_keymap(keymap)
    bound = [binding for key_bindings in bindings_map.key_to_bindings.values() for binding in key_bindings]
    order = {binding.action: position for position, binding in enumerate(Binding.make_bindings(bindings))}
    bound.sort(key=lambda binding: order.get(binding.action, len(order)))
    present = {binding.action for binding in bound}
    for binding in Binding.make_bindings(bindings):
        if binding.action not in present and binding.description:
            bound.append(Binding(UNBOUND, binding.action, binding.description, show=False, id=binding.id))
            present.add(binding.action)
    return bound


def binding_rows(bindings: list[Binding]) -> list[tuple[str, str, str]]:
    """(keys, description, binding id) for each binding, merging the keys of equal actions."""
    rows: dict[str, tuple[list[str], str]] = {}
    for binding in bindings:
        if binding.description:
            keys, _ = rows.setdefault(binding.description, ([], binding.id or ""))
            label = key_label(binding.key)
            if label not in keys:
                keys.append(label)
    return [(" ".join(keys), description, binding_id) for description, (keys, binding_id) in rows.items()]


def binding_ids(binding_lists: Iterable[Sequence[BindingType]]) -> set[str]:
    """The ids that [keys] may name: every binding that has one."""
    return {binding.id for bindings in binding_lists for binding in Binding.make_bindings(bindings) if binding.id}


def key_clashes(keymap: Mapping[str, str], binding_lists: Iterable[Sequence[BindingType]]) -> list[str]:
    """[keys] overrides that take a key another action answers to (Textual then drops it there)."""
    problems = []
    for bindings in binding_lists:
        defaults: dict[str, list[str]] = {}
        for binding in Binding.make_bindings(bindings):
            if binding.id:
                defaults.setdefault(binding.id, []).append(binding.key)
        for binding_id, keys in keymap.items():
            if binding_id not in defaults:
                continue
            for key in keys.split(","):
                for other, other_keys in defaults.items():
                    if other == binding_id or key not in other_keys or other in keymap:
                        continue
                    left = [k for k in other_keys if k not in keys.split(",")]
                    problems.append(
                        f'[keys] {binding_id} = "{keys}": "{key}" was the key of {other}, '
                        f"which now has {', '.join(left) if left else 'no key'} "
                        f'(give it one in [keys], e.g. {other} = "…")'
                    )
    return list(dict.fromkeys(problems))


def shared_keys(keymap: Mapping[str, str]) -> list[str]:
    """[keys] overrides that give one key to two actions: only one of them can answer it."""
    taken: dict[str, list[str]] = {}
    for binding_id, keys in keymap.items():
        for key in dict.fromkeys(keys.split(",")):
            taken.setdefault(key, []).append(binding_id)
    return [
        f'[keys] {" and ".join(ids)} all take "{key}": one key answers one action (choose another for all but one)'
        if len(ids) > 2
        else f'[keys] {ids[0]} and {ids[1]} both take "{key}": one key answers one action (choose another for one)'
        for key, ids in taken.items()
        if len(ids) > 1
    ]


def shadowed_keys(
    keymap: Mapping[str, str], screen_bindings: Sequence[BindingType], widgets: Mapping[str, Sequence[BindingType]]
) -> list[str]:
    """[keys] overrides of screen actions that take a key a widget answers to first while it
    has the keyboard (`toggle_read = "j"`: in the list, j still moves down)."""
    screen_ids = {binding.id for binding in Binding.make_bindings(screen_bindings) if binding.id}
    problems = []
    for widget, bindings in widgets.items():
        answered: dict[str, str] = {}
        for binding in Binding.make_bindings(bindings):
            if binding.id not in keymap:  # a widget key the user moved elsewhere no longer answers
                answered.setdefault(binding.key, binding.description or binding.action)
        for binding_id, keys in keymap.items():
            if binding_id not in screen_ids:
                continue
            for key in keys.split(","):
                if key in answered:
                    problems.append(
                        f'[keys] {binding_id} = "{keys}": in the {widget}, "{key}" is {answered[key].lower()} '
                        "and is answered there first (choose another key)"
                    )
    return list(dict.fromkeys(problems))
