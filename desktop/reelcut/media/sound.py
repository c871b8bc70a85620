"""The sound of one media clip: trimmed, sped up or slowed down without changing its pitch,
scaled by its gain envelope, and delayed to its start on the timeline.

    [i:a] resample -> atempo chain (speed) -> trim to the timeline length
          -> asetnsamples + asendcmd (the envelope, in 10 ms steps) -> volume -> adelay

The gain is animation.volume_at (keyframed volume times the fades) times the track's volume
times the transition's crossfade: the incoming clip rises with the transition's progress, and
the clip it comes in over falls as it rises (every transition type crossfades its sound). The
envelope is sampled in Python every 10 ms and sent to `volume` as plain numbers, only where it
changes: a gain that holds still is one option, not a script."""

from __future__ import annotations

from pathlib import Path

from .animation import volume_at
from .commands import Script, num
from .placement import Placed

RATE = 48000
STEP = 480  # samples per envelope step: 10 ms, fine enough that a ramp has no audible stairs
# gains are quantized so a slow fade writes as many commands as it has levels, not one per step
# (and a long script is cut into windows, commands.WINDOW); 1/1024 of full gain is far below hearing
GAIN_LEVEL = 1 / 1024


def tempo_chain(speed: float) -> list[str]:
    """atempo filters for `speed`, each within 0.5..2, where atempo keeps its quality (a
    quarter speed is two halvings). atempo changes the tempo and keeps the pitch."""
    filters = []
    while speed > 2 + 1e-9:
        filters.append("atempo=2")
        speed /= 2
    while speed < 0.5 - 1e-9:
        filters.append("atempo=0.5")
        speed /= 0.5
    if abs(speed - 1) > 1e-9:
        filters.append(f"atempo={num(speed)}")
    return filters


def plays_own_sound(clip: dict) -> bool:
    """Whether a clip's own sound is heard: not when it was detached (`audio_detached`), its
    sound being then a clip of its own on an audio track (linked to it by `link`)."""
    return not clip.get("audio_detached", False)


def _gain(p: Placed, t: float, track_volume: float) -> float:
    g = volume_at(p.clip, t) * track_volume
    own = p.own(p.start + t)
    if own is not None:
        g *= own[1]
    out = p.outgoing(p.start + t)
    if out is not None:
        g *= 1 - out[1]
    return round(max(0.0, g) / GAIN_LEVEL) * GAIN_LEVEL


def sound(p: Placed, source_pad: str, k: int, track_volume: float, work_dir: Path) -> str:
    """The clip's sound chain ending in [ak]."""
    length = p.length
    chain = [f"aresample={RATE}", "aformat=channel_layouts=stereo", "asetpts=PTS-STARTPTS",
             *tempo_chain(p.speed), f"atrim=0:{num(length)}", "asetpts=PTS-STARTPTS"]
    step = STEP / RATE
    n = max(1, round(length / step + 0.5))
    # each step's gain is taken at its middle; a step starts at its command's time
    gains = [_gain(p, min(length, (j + 0.5) * step), track_volume) for j in range(n)]
    name = f"volume@g{k}"
    if max(gains) - min(gains) > 1e-6:
        script = Script(lead=step / 2)
        script.initial(name, "volume", num(gains[0]))
        for j, g in enumerate(gains[1:], start=1):
            script.set(j * step, name, "volume", num(g))
        chain += [f"asetnsamples=n={STEP}", script.write(work_dir / f"sound-{k}.cmd", f"acmd{k}", RATE, audio=True),
                  f"{name}=volume={num(gains[0])}"]
    elif abs(gains[0] - 1) > 1e-6:
        chain.append(f"volume={num(gains[0])}")
    chain.append(f"adelay=delays={round(p.start * RATE)}S:all=1")
    return f"{source_pad}{','.join(chain)}[a{k}]"
