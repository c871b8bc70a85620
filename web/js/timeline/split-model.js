// Splitting one clip in two at a time inside it: the page's rule, and the MCP server's (its Python
// twin is desktop/reelcut/library/split.py; tests/test_mcp_split.py runs both on one document and
// compares). Pure, no DOM.
//
// The two halves together play what the clip played:
// - each half shows its part of the media (speed counted: `in`/`out` are media seconds);
// - a keyframed property gets a keyframe at the cut on both halves, with its value there (values.js
//   decides it, as for the preview and the export); keyframes after the cut move to the right
//   half, counted from its start. Linear and hold keyframes give the same values as before the
//   split; a cut inside an eased segment keeps that easing on both sides, so between the cut and
//   its neighbouring keyframes the curve may differ slightly (a polynomial ease cut in two is not
//   two eases);
// - the fade in stays at the left half's start and the fade out at the right half's end. A cut
//   inside a fade keeps its levels (a fade multiplies the opacity and the sound's volume): the half
//   the fade ends in gets a fade of its whole length with those properties scaled by the level at
//   the cut, and the other half gets the rest of the ramp as opacity and volume keyframes. Exact
//   when those properties are not keyframed; when they are, the ramp is sampled at their
//   keyframes and at RAMP_STEPS points, linear between (a hold's jump stays at its time, the
//   level before it held from the last sample);
// - the transition into the clip stays on the left half (the right one starts where the left
//   ends: there is nothing to cross); the link stays with the left half.
import { propertyAt } from './values.js';

const RAMP_STEPS = 8;

// The keyframes of one property cut at d seconds into the clip: [left, right].
function cutKeys(clip, name, keys, d) {
  const at = keys.find((k) => k.time === d);
  const before = keys.filter((k) => k.time < d);
  const after = keys.filter((k) => k.time > d).map((k) => ({ ...k, time: k.time - d }));
  if (at) return [[...before, at], [{ ...at, time: 0 }, ...after]];
  const value = propertyAt(clip, name, d);
  const easing = before.length ? (before[before.length - 1].easing ?? 'linear') : 'linear';
  return [[...before, { time: d, value, easing }], [{ time: 0, value, easing }, ...after]];
}

// What a fade multiplies on the clip: a text clip has no sound.
const faded = (clip) => (clip.duration !== undefined ? ['opacity'] : ['opacity', 'volume']);

// The half's property `name` times k everywhere.
function scale(half, name, k) {
  const keys = half.keyframes?.[name];
  if (keys && keys.length) half.keyframes[name] = keys.map((key) => ({ ...key, value: key.value * k }));
  else half[name] = propertyAt(half, name, 0) * k;
}

// The half's property `name` times a ramp from level a at s0 to level b at s1 (seconds into the
// half), as keyframes; before s0 and after s1 it is left as it was.
function ramp(half, name, s0, a, s1, b) {
  const keys = half.keyframes?.[name] ?? [];
  const times = new Set([s0, s1]);
  if (keys.length) {
    for (const k of keys) if (k.time > s0 && k.time < s1) times.add(k.time);
    for (let i = 1; i < RAMP_STEPS; i++) times.add(s0 + (s1 - s0) * i / RAMP_STEPS);
  }
  const easingAt = (s) => keys.filter((k) => k.time <= s).at(-1)?.easing ?? 'linear';
  const sorted = [...times].sort((x, y) => x - y);
  // a hold times the ramp is a slope until its next keyframe, then a jump: the sample before a
  // jump holds, so the jump stays at its time
  const inside = sorted.map((s, i) => ({
    time: s, value: propertyAt(half, name, s) * (a + (b - a) * (s - s0) / (s1 - s0)),
    easing: i === sorted.length - 1 ? easingAt(s)
      : easingAt(s) === 'hold' && propertyAt(half, name, sorted[i + 1]) !== propertyAt(half, name, s) ? 'hold' : 'linear',
  }));
  half.keyframes = { ...half.keyframes,
    [name]: [...keys.filter((k) => k.time < s0), ...inside, ...keys.filter((k) => k.time > s1)] };
}

// The clip cut at timeline time t (strictly inside it): [left, right], new objects; the right
// half has the id `rightId`.
export function splitClip(clip, t, rightId) {
  const d = t - clip.start;
  const left = { ...clip };
  const right = { ...clip, id: rightId, start: t };
  delete right.link; // the left part keeps the link (a split pair is linked by its left parts)
  delete right.transition_in;
  delete right.fade_in;
  delete left.fade_out;
  if (clip.duration !== undefined) {
    left.duration = d;
    right.duration = clip.start + clip.duration - t;
  } else {
    left.out = clip.in + d * (clip.speed ?? 1);
    right.in = left.out;
  }
  const rightLength = clip.duration !== undefined ? right.duration : (right.out - right.in) / (clip.speed ?? 1);
  if (clip.keyframes) {
    left.keyframes = {};
    right.keyframes = {};
    for (const [name, keys] of Object.entries(clip.keyframes)) {
      [left.keyframes[name], right.keyframes[name]] = cutKeys(clip, name, keys, d);
    }
  }
  if (left.fade_in !== undefined && left.fade_in > d) {
    const fade = left.fade_in;
    left.fade_in = d;
    for (const name of faded(clip)) {
      ramp(right, name, 0, d / fade, fade - d, 1);
      scale(left, name, d / fade);
    }
  }
  if (right.fade_out !== undefined && right.fade_out > rightLength) {
    const fade = right.fade_out;
    right.fade_out = rightLength;
    for (const name of faded(clip)) {
      ramp(left, name, d - (fade - rightLength), 1, d, rightLength / fade);
      scale(right, name, rightLength / fade);
    }
  }
  return [left, right];
}
