"""Where a media clip sits on the timeline, and which neighbour's transition touches it.

A clip with `transition_in` starts `duration` before the end of the previous clip on its track;
during that overlap the previous clip is the *outgoing* one. Both need to know the incoming
clip's progress (a slide moves both pictures, a dip hides the outgoing one after the midpoint,
sound crossfades both ways), so a placed clip carries a reference to the clip coming in over
its end, if any. Progress always comes from animation.transition_at on the incoming clip."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .animation import clip_length, transition_at

TRANSITIONS = ("crossfade", "dip_black", "dip_white", "wipe_left", "wipe_right", "slide_left", "slide_right")
DIPS = ("dip_black", "dip_white")


@dataclass
class Placed:
    clip: dict[str, Any]
    start: float
    length: float
    incoming: Placed | None = None  # the next clip on the track, when it transitions in over this one's end

    @property
    def end(self) -> float:
        return self.start + self.length

    @property
    def speed(self) -> float:
        return float(self.clip.get("speed") or 1.0)

    def own(self, t: float) -> tuple[str, float] | None:
        """This clip's own transition in, at timeline time t: (type, progress 0..1) or None."""
        return transition_at(self.clip, t - self.start)

    def outgoing(self, t: float) -> tuple[str, float] | None:
        """The transition of the clip coming in over this one's end, at timeline time t."""
        return self.incoming.own(t) if self.incoming is not None else None

    def _dip_midpoint(self) -> float | None:
        tr = self.clip.get("transition_in") or {}
        return self.start + float(tr["duration"]) / 2 if tr.get("type") in DIPS else None

    @property
    def picture_start(self) -> float:
        """A dip shows the incoming picture only from its midpoint, out of the dip colour."""
        mid = self._dip_midpoint()
        return mid if mid is not None else self.start

    @property
    def picture_end(self) -> float:
        """...and the outgoing picture only up to that midpoint, into the dip colour."""
        mid = self.incoming._dip_midpoint() if self.incoming is not None else None
        return min(self.end, mid) if mid is not None else self.end


def place_track(track: dict[str, Any]) -> list[Placed]:
    """The media clips of a track in timeline order, each linked to the one transitioning in
    after it. Missing fields are defaults, so a version 1 document places as it always did."""
    placed = sorted((Placed(c, float(c["start"]), clip_length(c)) for c in track["clips"]),
                    key=lambda p: p.start)
    for prev, nxt in zip(placed, placed[1:], strict=False):
        if nxt.clip.get("transition_in"):
            prev.incoming = nxt
    return placed
