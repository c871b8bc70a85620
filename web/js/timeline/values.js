// The value of a clip's property at a time: easing, keyframes, fades and transitions. Pure, no
// DOM. The export computes the same values in desktop/reelcut/media/animation.py; both are run
// against tests/fixtures/timeline-values.json, so what the preview shows is what the export
// renders.
//
// Times are seconds from the clip's start on the timeline (not in its media). The eases are
// polynomials, not CSS's cubic Béziers: the export writes each curve into its ffmpeg graph as
// one expression, and a Bézier would have to be solved there for every frame.

export const EASINGS = Object.freeze(['linear', 'ease-in', 'ease-out', 'ease-in-out', 'hold']);
// The document's other closed lists (the inspector and the transitions list offer them).
export const TRANSITIONS = Object.freeze(['crossfade', 'dip_black', 'dip_white', 'wipe_left', 'wipe_right', 'slide_left',
  'slide_right']);
export const FITS = Object.freeze(['contain', 'cover', 'stretch']); // the first is the default

// Every property a keyframe may animate, with its value when the clip does not set it.
export const DEFAULTS = Object.freeze({
  opacity: 1,
  volume: 1,
  'transform.x': 0.5, // the clip's centre, as fractions of the canvas
  'transform.y': 0.5,
  'transform.scale': 1, // 1: fit inside the canvas (by the clip's `fit`)
  'transform.rotation': 0, // degrees, clockwise
  // a text clip's own: its block's centre, as fractions of the canvas, and a multiplier of its size
  x: 0.5,
  y: 0.85,
  scale: 1,
});
// what a media clip may animate
export const PROPERTIES = Object.freeze(['opacity', 'volume', 'transform.x', 'transform.y', 'transform.scale',
  'transform.rotation']);
export const TEXT_PROPERTIES = Object.freeze(['opacity', 'x', 'y', 'scale']); // what a text clip may animate

// The eased fraction of the way from one keyframe to the next, for u (the fraction of the time)
// in [0, 1]; u outside it is clamped. 'hold' keeps the first value until u reaches 1.
export function ease(easing, u) {
  const x = Math.min(1, Math.max(0, u));
  switch (easing) {
    case 'linear': return x;
    case 'ease-in': return x * x;
    case 'ease-out': return 1 - (1 - x) * (1 - x);
    case 'ease-in-out': return x * x * (3 - 2 * x); // smoothstep: 3u² - 2u³
    case 'hold': return x >= 1 ? 1 : 0;
    default: throw new Error(`unknown easing ${easing}`);
  }
}

function isText(clip) {
  return clip.media_id === undefined && clip.duration !== undefined;
}

// The clip's length on the timeline: a text clip's duration, or a media clip's (out - in) / speed.
export function clipLength(clip) {
  if (isText(clip)) return clip.duration;
  return (clip.out - clip.in) / (clip.speed ?? 1);
}

function staticValue(clip, name) {
  const value = name.startsWith('transform.') ? (clip.transform ?? {})[name.slice('transform.'.length)] : clip[name];
  return value ?? DEFAULTS[name];
}

// The property `name` (one of PROPERTIES) at t seconds from the clip's start on the timeline.
// With keyframes for it: before the first and after the last the nearest value holds; between
// two, the value follows the LEFT keyframe's easing, and at a keyframe's own time it is that
// keyframe's value. Without: the clip's own value, else the default.
export function propertyAt(clip, name, t) {
  if (!Object.hasOwn(DEFAULTS, name)) throw new Error(`unknown property ${name}`);
  const keys = (clip.keyframes ?? {})[name] ?? [];
  if (!keys.length) return staticValue(clip, name);
  if (t <= keys[0].time) return keys[0].value;
  for (let i = 0; i + 1 < keys.length; i += 1) {
    const left = keys[i];
    const right = keys[i + 1];
    if (t < right.time) {
      const u = (t - left.time) / (right.time - left.time);
      return left.value + (right.value - left.value) * ease(left.easing ?? 'linear', u);
    }
  }
  return keys[keys.length - 1].value;
}

// The fades' multiplier for picture and sound, linear: 0 at the clip's start rising to 1 over
// fade_in, and 1 falling to 0 at its end over fade_out; 1 without fades.
export function fadeFactor(clip, t) {
  let factor = 1;
  const fadeIn = clip.fade_in ?? 0;
  const fadeOut = clip.fade_out ?? 0;
  if (fadeIn > 0 && t < fadeIn) factor *= Math.max(0, t / fadeIn);
  if (fadeOut > 0) {
    const left = clipLength(clip) - t;
    if (left < fadeOut) factor *= Math.max(0, left / fadeOut);
  }
  return factor;
}

// While the clip's transition_in runs (0 <= t < its duration, where the clip overlaps the
// previous one): [type, progress from 0 to 1]. Otherwise null.
export function transitionAt(clip, t) {
  const tr = clip.transition_in;
  if (!tr) return null;
  if (!(tr.duration > 0) || t < 0 || t >= tr.duration) return null;
  return [tr.type, t / tr.duration];
}

// The picture's opacity: the (keyframed) opacity times the fades. A transition's own mix comes on
// top of this, from transitionAt.
export function opacityAt(clip, t) {
  return propertyAt(clip, 'opacity', t) * fadeFactor(clip, t);
}

// The sound's gain: the (keyframed) volume times the fades. A crossfade's sound ramp is the
// caller's to apply, from transitionAt; the track's volume too.
export function volumeAt(clip, t) {
  return propertyAt(clip, 'volume', t) * fadeFactor(clip, t);
}
