"""The export renders every property of a version 2 timeline: proven on solid-colour sources with
real ffmpeg, by decoding the output (PyAV) and measuring its pixels and samples (numpy).

These tests build the ffmpeg arguments from v2 documents directly (build_export_args, then
run_ffmpeg as the export job does): today's validation knows only version 1, and v2 validation
lands with branch h-docv2. One test goes through the ExportManager, labelled with the version
the validation of this tree knows. Renders are 160x90 at 25 fps and a few seconds long."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from reelcut.media.animation import opacity_at, property_at, volume_at
from reelcut.media.compose import Source, build_export_args
from reelcut.media.encode import run_ffmpeg
from reelcut.media.fonts import find_font
from reelcut.media.sound import tempo_chain

from . import media_samples as ms

pytestmark = pytest.mark.timeout(120)

W, H, FPS = 160, 90, 25
RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)
BLACK, WHITE = (0, 0, 0), (255, 255, 255)
TONE_AMPLITUDE = 0.125 / np.sqrt(2)  # lavfi's sine is 1/8 of full scale; a mono source comes out at -3 dB per side
_ids = itertools.count()


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("v2media")
    return {
        "red": ms.make_solid(d / "red.mp4", "red", tone=440),
        "blue": ms.make_solid(d / "blue.mp4", "blue", tone=880),
        "green": ms.make_solid(d / "green.mp4", "0x00ff00", tone=660),
        "white": ms.make_solid(d / "white.mp4", "white"),
        # 9:16, top to bottom red, green, green, blue: which rows a fit shows can be read
        "tall": ms.make_bands(d / "tall.mp4", ["red", "0x00ff00", "0x00ff00", "blue"], vertical=True, size="90x160"),
        "red|blue": ms.make_bands(d / "redblue.mp4", ["red", "blue"]),
        "red/blue": ms.make_bands(d / "redblue-v.mp4", ["red", "blue"], vertical=True, size="160x88"),  # even bands
        "blue|green": ms.make_bands(d / "bluegreen.mp4", ["blue", "0x00ff00"], tone=880),
        # red for its first two seconds, blue for the next two
        "red>blue": ms.make_sequence(d / "seq.mp4", ["red", "blue"], seconds_each=2),
    }


# -- documents ------------------------------------------------------------------------------------
def clip(media_id: str, start: float = 0.0, out: float = 2.0, in_: float = 0.0, **props: Any) -> dict[str, Any]:
    return {"id": f"c{next(_ids)}", "media_id": media_id, "start": start, "in": in_, "out": out, **props}


def track(*clips: dict[str, Any], kind: str = "video", **props: Any) -> dict[str, Any]:
    return {"id": f"t{next(_ids)}", "kind": kind, "muted": False, "hidden": False, "clips": list(clips), **props}


def render(tmp_path: Path, media: dict[str, Path], *tracks: dict[str, Any]) -> Path:
    doc = {"version": 2, "width": W, "height": H, "fps": FPS, "tracks": list(tracks)}
    sources = {name: Source(path, "video", has_audio=True, has_video=True) for name, path in media.items()}
    work = tmp_path / f"render-{next(_ids)}"
    work.mkdir()
    args, duration = build_export_args(doc, sources, work / "out.mp4", work, find_font())
    run_ffmpeg(args, duration=duration, what="The export")
    return work / "out.mp4"


# -- measuring ------------------------------------------------------------------------------------
class Frames:
    def __init__(self, path: Path) -> None:
        with av.open(str(path)) as c:
            self.items = [(float(f.time), f.to_ndarray(format="rgb24").astype(int)) for f in c.decode(video=0)]
            self.duration = c.duration / av.time_base

    def at(self, t: float) -> np.ndarray:
        return min(self.items, key=lambda f: abs(f[0] - t))[1]

    def colour(self, t: float, fx: float = 0.5, fy: float = 0.5) -> tuple[int, int, int]:
        """The mean colour of a 3x3 patch at (fx, fy), fractions of the frame."""
        img = self.at(t)
        y, x = int(fy * (img.shape[0] - 1)), int(fx * (img.shape[1] - 1))
        patch = img[max(0, y - 1):y + 2, max(0, x - 1):x + 2].reshape(-1, 3).mean(axis=0)
        return (int(patch[0]), int(patch[1]), int(patch[2]))


def close(got: tuple[int, ...], want: tuple[int, ...], tol: int = 30) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(got, want, strict=True))


def mix(a: tuple[int, int, int], b: tuple[int, int, int], f: float) -> tuple[int, int, int]:
    """a over b at alpha f."""
    return (round(a[0] * f + b[0] * (1 - f)), round(a[1] * f + b[1] * (1 - f)), round(a[2] * f + b[2] * (1 - f)))


def green_box(img: np.ndarray) -> tuple[int, int, int, int]:
    """(left, right, top, bottom) of the clearly green pixels."""
    ys, xs = np.nonzero((img[..., 1] > 128) & (img[..., 0] < 100) & (img[..., 2] < 100))
    return int(xs.min()), int(xs.max()), int(ys.min()), int(ys.max())


class Sound:
    def __init__(self, path: Path) -> None:
        with av.open(str(path)) as c:
            frames = list(c.decode(audio=0))
        self.rate = frames[0].sample_rate
        self.t0 = float(frames[0].time)
        self.samples = np.concatenate([f.to_ndarray().astype(np.float64).mean(axis=0) for f in frames])

    def window(self, start: float, end: float) -> np.ndarray:
        a, b = (max(0, int((t - self.t0) * self.rate)) for t in (start, end))
        return self.samples[a:b]

    def rms(self, start: float, end: float) -> float:
        w = self.window(start, end)
        return float(np.sqrt(np.mean(w ** 2))) if len(w) else 0.0

    def tone(self, start: float, end: float, hz: float) -> float:
        """The amplitude of the `hz` component over the window (a Hann-windowed DFT)."""
        w = self.window(start, end)
        win = np.hanning(len(w))
        spectrum = np.abs(np.fft.rfft(w * win)) * 2 / win.sum()
        freqs = np.fft.rfftfreq(len(w), 1 / self.rate)
        return float(spectrum[np.abs(freqs - hz) < 15].max())

    def peak(self, start: float, end: float) -> float:
        w = self.window(start, end)
        spectrum = np.abs(np.fft.rfft(w * np.hanning(len(w))))
        return float(np.fft.rfftfreq(len(w), 1 / self.rate)[int(spectrum.argmax())])


# -- picture --------------------------------------------------------------------------------------
def test_a_crossfade_of_red_into_blue_is_purple_at_its_midpoint_and_the_sound_crossfades(tmp_path, media):
    # blue starts 0.8 s before red ends; the midpoint, 1.6 s, is frame 40
    out = render(tmp_path, media, track(clip("red", 0, 2),
                                        clip("blue", 1.2, 2, transition_in={"type": "crossfade", "duration": 0.8})))
    f = Frames(out)
    assert abs(f.duration - 3.2) < 0.06
    assert close(f.colour(0.6), RED)
    assert close(f.colour(1.6), (127, 0, 127), tol=20), f.colour(1.6)
    assert close(f.colour(1.4), mix(BLUE, RED, 0.25), tol=20)
    assert close(f.colour(2.4), BLUE)
    s = Sound(out)
    assert s.tone(0.3, 0.9, 440) > 0.8 * TONE_AMPLITUDE and s.tone(0.3, 0.9, 880) < 0.01
    mid_440, mid_880 = s.tone(1.5, 1.7, 440), s.tone(1.5, 1.7, 880)  # both at half gain at the midpoint
    assert all(0.3 * TONE_AMPLITUDE < a < 0.7 * TONE_AMPLITUDE for a in (mid_440, mid_880))
    assert s.tone(2.3, 3.0, 880) > 0.8 * TONE_AMPLITUDE and s.tone(2.3, 3.0, 440) < 0.01


def test_opacity_half_over_black_is_half_brightness(tmp_path, media):
    out = render(tmp_path, media, track(clip("white", 0, 1, opacity=0.5), clip("white", 1, 1)))
    f = Frames(out)
    grey = f.colour(0.5)
    assert close(grey, (128, 128, 128), tol=8), grey
    assert close(f.colour(1.5), WHITE, tol=8)


def test_a_superwhite_shown_through_is_mixed_as_the_white_the_page_shows(tmp_path, media):
    """Luma above video white (235, as cameras record highlights) is drawn white by the page, which
    mixes the clamped colour at the layer's opacity: half of it over black is the same grey as
    half of white, not a brighter one (the export holds a layer shown through to the limited
    range, as lut's alpha used to; unheld, 250 at half showed 137 where white showed 128)."""
    bright = ms.make_superwhite(tmp_path / "superwhite.mp4")
    with av.open(str(bright)) as c:
        luma = next(c.decode(video=0)).to_ndarray(format="yuv420p")[:H].mean()
    assert luma > 245, luma  # the source does hold a superwhite
    out = render(tmp_path, {**media, "bright": bright},
                 track(clip("bright", 0, 1, opacity=0.5), clip("white", 1, 1, opacity=0.5)))
    f = Frames(out)
    assert close(f.colour(0.5), f.colour(1.5), tol=2), (f.colour(0.5), f.colour(1.5))
    assert close(f.colour(0.5), (128, 128, 128), tol=4), f.colour(0.5)


@pytest.mark.parametrize("kind", ["crossfade", "dip_black", "dip_white", "wipe_left", "wipe_right",
                                  "slide_left", "slide_right"])
def test_each_transition_shows_its_picture_at_its_midpoint(tmp_path, media, kind):
    """Red goes out; a blue|green picture (blue left half, green right half) comes in over 0.8 s
    from 1.2 s: the midpoint is 1.6 s (frame 40). Sampled at a quarter, three quarters of the width
    and so on: a slide moves the incoming picture (blue shows right of the middle), a wipe only
    uncovers it where it is (green right of the middle)."""
    out = render(tmp_path, media, track(clip("red", 0, 2),
                                        clip("blue|green", 1.2, 2, transition_in={"type": kind, "duration": 0.8})))
    f = Frames(out)
    xs = (0.125, 0.375, 0.625, 0.875)
    purple, olive = mix(RED, BLUE, 0.5), mix(RED, GREEN, 0.5)
    want = {
        "crossfade": (purple, purple, olive, olive),
        "dip_black": (BLACK,) * 4,
        "dip_white": (WHITE,) * 4,
        "wipe_left": (RED, RED, GREEN, GREEN),  # revealed from the right edge, in place
        "wipe_right": (BLUE, BLUE, RED, RED),  # revealed from the left edge, in place
        "slide_left": (RED, RED, BLUE, BLUE),  # both moved left by half the width: blue is its left half
        "slide_right": (GREEN, GREEN, RED, RED),  # both moved right by half the width: green is its right half
    }[kind]
    got = tuple(f.colour(1.6, x) for x in xs)
    assert all(close(g, w_) for g, w_ in zip(got, want, strict=True)), (kind, got)
    assert all(close(f.colour(1.0, x), RED) for x in xs)  # before the transition
    assert all(close(f.colour(2.4, x), c) for x, c in zip(xs, (BLUE, BLUE, GREEN, GREEN), strict=True))  # after
    if kind == "dip_black":  # halfway into the dip, red at half brightness
        assert close(f.colour(1.4, 0.25), (127, 0, 0), tol=20), f.colour(1.4, 0.25)


def test_slides_between_many_clips_are_placed_on_their_own_frames(tmp_path, media):
    """Each clip is its own ffmpeg input, decoded on its own threads: a layer whose input runs
    ahead of the layers below must still be placed where its own frame belongs. Red slides out
    to the right five times; on every frame of each slide, red's left edge is the progress times
    the width. Positions set by a command a frame were placed up to three frames early, a
    different frame each run."""
    clips, dur = [], 0.48
    for i in range(10):
        props = {"transition_in": {"type": "slide_right", "duration": dur}} if i else {}
        clips.append(clip("red" if i % 2 == 0 else "blue|green", i, 1 + dur, **props))
    f = Frames(render(tmp_path, media, track(*clips)))
    wrong = []
    for start in (1, 3, 5, 7, 9):  # red goes out while blue|green comes in
        for n in range(round(start * FPS), round((start + dur) * FPS)):
            t = n / FPS
            row = f.at(t)[H // 2]
            red = np.nonzero((row[:, 0] > 150) & (row[:, 2] < 100) & (row[:, 1] < 100))[0]
            want = (t - start) / dur * W
            if not len(red) or abs(red[0] - want) > 3:
                wrong.append((round(t, 2), int(red[0]) if len(red) else None, round(want)))
    assert not wrong, f"(time, red's left edge, where it belongs): {wrong}"


def test_a_nine_by_sixteen_clip_is_pillarboxed_covered_or_stretched_by_its_fit(tmp_path, media):
    out = render(tmp_path, media, track(clip("tall", 0, 1), clip("tall", 1, 1, fit="cover"),
                                        clip("tall", 2, 1, fit="stretch")))
    f = Frames(out)
    # contain: a 50 px wide picture in the middle, black bars at the sides
    assert close(f.colour(0.5, 0.1), BLACK) and close(f.colour(0.5, 0.9), BLACK)
    assert close(f.colour(0.5, 0.5, 0.05), RED) and close(f.colour(0.5, 0.5, 0.95), BLUE)
    left, right, _, _ = green_box(f.at(0.5))
    assert abs((right - left + 1) - 50) <= 4 and abs((left + right) / 2 - 79.5) <= 2
    # cover: the full width, the middle rows of the source only (all green)
    assert all(close(f.colour(1.5, x, y), GREEN) for x in (0.05, 0.5, 0.95) for y in (0.05, 0.5, 0.95))
    # stretch: the full width and every row: red on top, blue at the bottom
    assert all(close(f.colour(2.5, x, 0.05), RED) and close(f.colour(2.5, x, 0.95), BLUE) for x in (0.05, 0.95))


def test_scale_and_position_place_a_smaller_picture_where_asked(tmp_path, media):
    out = render(tmp_path, media, track(clip("green", 0, 1, transform={"x": 0.25, "y": 0.25, "scale": 0.5})))
    left, right, top, bottom = green_box(Frames(out).at(0.5))
    assert abs((right - left + 1) - W / 2) <= 3 and abs((bottom - top + 1) - H / 2) <= 3
    assert abs((left + right + 1) / 2 - W * 0.25) <= 2 and abs((top + bottom + 1) / 2 - H * 0.25) <= 2
    assert close(Frames(out).colour(0.5, 0.75, 0.75), BLACK)


def test_rotation_turns_the_picture_clockwise_and_can_be_keyframed(tmp_path, media):
    """red|blue is red on the left: turned 90 degrees clockwise, red is on top, in a 90 px wide
    column (the 160x90 picture stood up, overflowing the canvas at the top and bottom)."""
    keyed = {"transform.rotation": [{"time": 0, "value": 0, "easing": "linear"},
                                    {"time": 0.5, "value": 90, "easing": "linear"}]}
    out = render(tmp_path, media, track(clip("red|blue", 0, 1, transform={"rotation": 90}),
                                        clip("red|blue", 1, 1, keyframes=keyed)))
    f = Frames(out)
    assert close(f.colour(0.5, 0.5, 0.1), RED) and close(f.colour(0.5, 0.5, 0.9), BLUE)
    assert close(f.colour(0.5, 0.1), BLACK) and close(f.colour(0.5, 0.9), BLACK)
    assert close(f.colour(1.0, 0.25), RED) and close(f.colour(1.0, 0.75), BLUE)  # not turned yet
    assert close(f.colour(1.7, 0.5, 0.1), RED) and close(f.colour(1.7, 0.5, 0.9), BLUE)  # turned by then


def test_crop_removes_the_cropped_side(tmp_path, media):
    out = render(tmp_path, media, track(clip("red|blue", 0, 1, crop={"right": 0.5}),
                                        clip("red|blue", 1, 1, crop={"left": 0.5}, fit="stretch"),
                                        clip("red/blue", 2, 1, crop={"top": 0.5}, fit="stretch")))
    f = Frames(out)
    first = f.at(0.5)
    assert close(f.colour(0.5), RED) and not ((first[..., 2] > 128) & (first[..., 0] < 100)).any()  # no blue left
    assert close(f.colour(0.5, 0.1), BLACK)  # the red half alone is narrower: pillarboxed
    assert all(close(f.colour(1.5, x), BLUE) for x in (0.05, 0.5, 0.95))
    assert all(close(f.colour(2.5, 0.5, y), BLUE) for y in (0.05, 0.5, 0.95))


def test_fades_go_to_transparent_over_what_is_below_and_fade_the_sound(tmp_path, media):
    top = clip("red", 0, 2, fade_in=1.0, fade_out=0.8)
    out = render(tmp_path, media, track(top), track(clip("blue", 0, 2)))
    f = Frames(out)
    assert close(f.colour(0.0), BLUE, tol=12)  # starts transparent: the track below shows
    for t in (0.2, 0.52, 0.8, 1.0, 1.12, 1.6, 1.8):
        want = mix(RED, BLUE, opacity_at(top, t))
        assert close(f.colour(t), want, tol=15), (t, f.colour(t), want)
    assert close(f.colour(1.1), RED, tol=12)  # full at the end of the fade in
    s = Sound(out)
    assert s.tone(0.0, 0.2, 440) < 0.2 * TONE_AMPLITUDE < 0.8 * TONE_AMPLITUDE < s.tone(1.0, 1.2, 440)
    assert s.tone(1.0, 1.2, 880) > 0.8 * TONE_AMPLITUDE  # the lower track's sound is untouched


def test_keyframed_opacity_follows_property_at(tmp_path, media):
    c = clip("white", 0, 2, keyframes={"opacity": [{"time": 0.2, "value": 0.1, "easing": "ease-in-out"},
                                                   {"time": 1.4, "value": 0.9, "easing": "linear"},
                                                   {"time": 1.8, "value": 0.5, "easing": "linear"}]})
    f = Frames(render(tmp_path, media, track(c)))
    for t in (0.0, 0.4, 0.6, 0.8, 1.0, 1.2, 1.6, 1.92):
        want = 255 * property_at(c, "opacity", t)
        got = f.colour(t)[0]
        assert abs(got - want) <= 10, (t, got, want)


def keys(*points: tuple[float, float, str]) -> list[dict[str, Any]]:
    return [{"time": t, "value": v, "easing": e} for t, v, e in points]


def test_keyframed_scale_and_position_follow_property_at(tmp_path, media):
    kf = {"transform.scale": keys((0, 0.25, "linear"), (1.6, 0.75, "ease-out")),
          "transform.x": keys((0, 0.3, "linear"), (1.6, 0.6, "linear")),
          "transform.y": keys((0.4, 0.4, "hold"), (1.2, 0.6, "linear"))}
    c = clip("green", 0, 2, keyframes=kf)
    f = Frames(render(tmp_path, media, track(c)))
    for t in (0.0, 0.4, 0.8, 1.2, 1.6, 1.96):
        s, x, y = (property_at(c, name, t) for name in ("transform.scale", "transform.x", "transform.y"))
        left, right, top, bottom = green_box(f.at(t))
        assert abs((right - left + 1) - W * s) <= 3, (t, right - left + 1, W * s)
        assert abs((left + right + 1) / 2 - W * x) <= 2 and abs((top + bottom + 1) / 2 - H * y) <= 2, t


@pytest.mark.parametrize("kind", ["crossfade", "dip_black", "wipe_left"])
def test_a_keyframed_scale_through_a_transition_and_an_opacity_exports_its_frames(tmp_path, media, kind):
    """The scale changes the layer's size frame by frame: what follows it in the chain must take
    frames of any size (ffmpeg aborted on a crossfade into a zooming clip)."""
    kf = {"transform.scale": keys((0, 1.0, "ease-in-out"), (1.0, 0.5, "linear"), (1.9, 1.0, "linear"))}
    a = clip("red", 0, 2)
    b = clip("green", 1.5, 2, keyframes=kf, opacity=0.8, transition_in={"type": kind, "duration": 0.5})
    f = Frames(render(tmp_path, media, track(a, b)))
    assert f.duration == pytest.approx(3.5, abs=0.1)
    left, right, _, _ = green_box(f.at(2.5))  # past the transition: half size, at 0.8 over black
    assert abs((right - left + 1) - W * property_at(b, "transform.scale", 1.0)) <= 3
    assert close(f.colour(2.5), mix(GREEN, BLACK, 0.8))


# -- time and sound -------------------------------------------------------------------------------
def test_speed_changes_the_timeline_length_reads_the_source_faster_and_keeps_the_pitch(tmp_path, media):
    """red>blue is red for 2 s, then blue. At speed 2 the whole 4 s take 2 s (blue from 1 s on);
    then 1.5 s of it at half speed take 3 s (red until 2 s of source, i.e. 4 s on the timeline)."""
    out = render(tmp_path, media, track(clip("red>blue", 0, 4, speed=2), clip("red>blue", 2, 2.5, in_=1.0, speed=0.5)))
    f = Frames(out)
    assert abs(f.duration - 5.0) < 0.06
    assert close(f.colour(0.5), RED) and close(f.colour(1.5), BLUE)  # source 1 s, then 3 s
    assert close(f.colour(3.8), RED) and close(f.colour(4.6), BLUE)  # source 1.9 s, then 2.3 s
    s = Sound(out)
    assert abs(s.peak(0.2, 1.8) - 440) < 10 and abs(s.peak(2.2, 4.8) - 440) < 10  # the tone's pitch is kept
    assert s.rms(1.75, 1.95) > 0.05 and s.rms(4.75, 4.95) > 0.05  # and it lasts as long as the picture
    assert tempo_chain(0.25) == ["atempo=0.5", "atempo=0.5"] and tempo_chain(4) == ["atempo=2", "atempo=2"]
    assert tempo_chain(1) == [] and tempo_chain(0.75) == ["atempo=0.75"]


def test_volume_zero_is_silent_two_is_six_db_and_the_track_volume_multiplies(tmp_path, media):
    out = render(tmp_path, media,
                 track(clip("red", 0, 1), clip("red", 1, 1, volume=2), clip("red", 2, 1, volume=0)),
                 track(clip("red", 3, 1, volume=2), volume=0.25))
    s = Sound(out)
    one, two, zero, quieter = (s.rms(a + 0.1, a + 0.9) for a in (0, 1, 2, 3))
    assert one > 0.8 * TONE_AMPLITUDE / np.sqrt(2)  # a sine's RMS
    assert abs(20 * np.log10(two / one) - 6.02) < 0.5
    assert zero < 1e-4
    assert abs(20 * np.log10(quieter / one) - 20 * np.log10(0.5)) < 0.5


def test_a_keyframed_volume_envelope_follows_volume_at(tmp_path, media):
    c = clip("red", 0, 2, fade_out=0.4, keyframes={"volume": [{"time": 0.1, "value": 0, "easing": "linear"},
                                                              {"time": 1.1, "value": 1.5, "easing": "ease-in"}]})
    s = Sound(render(tmp_path, media, track(c)))
    for t in (0.05, 0.35, 0.6, 0.85, 1.1, 1.4, 1.75, 1.9):
        want = TONE_AMPLITUDE / np.sqrt(2) * volume_at(c, t)
        got = s.rms(t - 0.025, t + 0.025)
        assert abs(got - want) <= 0.1 * want + 0.004, (t, got, want)


def test_muted_and_hidden_tracks_and_v1_defaults(tmp_path, media):
    """A track's muted and hidden flags; a clip with none of the new fields renders as it always did."""
    out = render(tmp_path, media, track(clip("red", 0, 1), muted=True), track(clip("blue", 0, 1), hidden=True),
                 track(clip("green", 0, 1)))
    f, s = Frames(out), Sound(out)
    assert close(f.colour(0.5), RED)
    assert s.tone(0.1, 0.9, 440) < 0.005  # the muted track
    assert s.tone(0.1, 0.9, 880) > 0.8 * TONE_AMPLITUDE  # a hidden track is still heard
    assert s.tone(0.1, 0.9, 660) > 0.8 * TONE_AMPLITUDE


# -- the graph ------------------------------------------------------------------------------------
def test_a_still_clip_needs_no_script_and_an_animated_one_reads_its_values_from_a_file(tmp_path):
    doc = {"version": 2, "width": 320, "height": 180, "fps": 30, "tracks": [track(
        clip("a", 0, 2), clip("a", 2, 2, keyframes={"opacity": [{"time": 0, "value": 0, "easing": "linear"},
                                                                {"time": 2, "value": 1, "easing": "linear"}]}))]}
    args, _ = build_export_args(doc, {"a": Source(tmp_path / "a.mp4", "video", True, True)}, tmp_path / "o.mp4",
                                tmp_path, None)
    graph = (tmp_path / "graph.txt").read_text()
    assert args[args.index(str(tmp_path / "graph.txt")) - 1] in ("-/filter_complex", "-filter_complex_script")
    assert graph.count("sendcmd=") == 1 and "blend@a0" not in graph and "blend@a1" in graph
    assert "lut@" not in graph  # no dip: the alpha alone is blend's, whose option takes a number
    script = (tmp_path / "layer-1.cmd").read_text().splitlines()
    assert len(script) == 59  # one change a frame after the first, at 30 fps over 2 s
    # half a frame before frame 61 (2.0333 s), whose opacity is 4/255: 1 - 4/255 of the alpha goes
    assert script[0] == "2.016667 blend@a1 c3_opacity 0.984314;"


def test_a_slow_ramp_writes_a_command_per_level_not_per_frame(tmp_path):
    """sendcmd scans all its commands on every frame: a ten-minute fade must not write one a frame
    (18,000 here) but one per level the picture and the sound can show."""
    ramp = keys((0, 0, "linear"), (600, 1, "linear"))
    doc = {"version": 2, "width": 320, "height": 180, "fps": 30, "tracks": [track(
        clip("a", 0, 600, keyframes={"opacity": ramp, "volume": ramp}))]}
    build_export_args(doc, {"a": Source(tmp_path / "a.mp4", "video", True, True)}, tmp_path / "o.mp4", tmp_path, None)
    assert len((tmp_path / "layer-0.cmd").read_text().splitlines()) <= 255
    assert len((tmp_path / "sound-0.cmd").read_text().splitlines()) <= 1024


def test_the_export_manager_renders_a_v2_document(services, project, media):
    """Through the job, from the library's files. The document carries today's VERSION: this
    tree's validation knows version 1 only (it ignores fields it does not know), and with h-docv2
    merged VERSION is 2 and the same document is validated as what it is."""
    from reelcut.library.timeline import VERSION

    red = services.media.import_path(project["id"], media["red"])
    blue = services.media.import_path(project["id"], media["blue"])
    tl = services.projects.timeline(project["id"])
    tl.update({"version": VERSION, "width": W, "height": H, "fps": FPS})
    tl["tracks"] = [track(clip(red["id"], 0, 2, opacity=0.5),
                          clip(blue["id"], 1.2, 2, transition_in={"type": "crossfade", "duration": 0.8}))]
    services.projects.save_timeline(project["id"], tl)
    job = services.exports.wait(services.exports.start(project["id"])["id"], timeout=60)
    assert job["status"] == "done", job
    f = Frames(services.exports.file_path(job["id"]))
    assert close(f.colour(0.6), (128, 0, 0), tol=12)
    assert close(f.colour(1.6), mix(BLUE, (128, 0, 0), 0.5), tol=20)
