"""What the main screen is given when it is made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..archive.images import ImageCache


@dataclass(frozen=True)
class MainOptions:
    """The user's settings that concern the main screen, given when it is made."""

    default_sort: str = "date"
    """The list order when the query has no sort: qualifier (config `sort`)."""
    mark_read_on_open: bool = True
    """Whether a post that stays open counts as read (config `mark_read`)."""
    images: ImageCache | None = None
    """An ImageCache when the user turned images on (settings: images = "auto")."""
    profile: str = "default"
    """Whose reading state this is (the SSH server gives each key its own)."""
    keymap: Mapping[str, str] = field(default_factory=dict)
    """The user's key overrides in force (config [keys]): binding id -> keys."""
    settings_problems: tuple[str, ...] = ()
    """What was wrong in the settings file (the help screen lists it)."""
