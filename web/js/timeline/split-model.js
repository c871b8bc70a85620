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
// - the fade in stays at the left half's start and the fade out at the right half's end (a fade
//   longer than its half is shortened to it: the document does not allow more);
// - the transition into the clip stays on the left half (the right one starts where the left
//   ends: there is nothing to cross); the link stays with the left half.
import { propertyAt } from './values.js';

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
  if (left.fade_in !== undefined && left.fade_in > d) left.fade_in = d;
  if (right.fade_out !== undefined && right.fade_out > rightLength) right.fade_out = rightLength;
  if (clip.keyframes) {
    left.keyframes = {};
    right.keyframes = {};
    for (const [name, keys] of Object.entries(clip.keyframes)) {
      [left.keyframes[name], right.keyframes[name]] = cutKeys(clip, name, keys, d);
    }
  }
  return [left, right];
}
