// Transitions as edits, pure (no DOM; tested with node). A clip's `transition_in` plays over the
// last `duration` seconds of the clip before it on its track, which therefore overlaps it by
// exactly that much (the document's rule, checked by the server). Putting one on a cut takes the
// overlap from the media beyond the cut: first from after the outgoing clip's end, else from
// before the incoming clip's start, so everything else stays where it was.
import { TRANSITIONS, clipLength } from './values.js';

const EPS = 1e-6;
export const MIN_TRANSITION = 0.005; // seconds: the server's shortest (a frame at 120 fps is longer)
export const DEFAULT_TRANSITION = 0.5;
export const TRANSITION_LABELS = Object.freeze({
  crossfade: 'Crossfade', dip_black: 'Dip to black', dip_white: 'Dip to white', wipe_left: 'Wipe left',
  wipe_right: 'Wipe right', slide_left: 'Slide left', slide_right: 'Slide right',
});
export { TRANSITIONS };

const end = (clip) => clip.start + clipLength(clip);
const rate = (clip) => clip.speed ?? 1;

function locate(doc, clipId) {
  for (const track of doc.tracks) {
    const clip = track.clips.find((c) => c.id === clipId);
    if (clip) return { track, clip };
  }
  return null;
}

// The clip before `clip` on its track: the one starting last before it.
export function previousClip(track, clip) {
  return track.clips.filter((c) => c.id !== clip.id && c.start < clip.start - EPS)
    .reduce((best, c) => (!best || c.start > best.start ? c : best), null);
}

// The cuts of a track a transition can be dropped on: every clip that starts where the clip before
// it ends (or already has a transition in), with the time of its cut.
export function cutsOf(track) {
  return track.clips.flatMap((clip) => {
    if (clip.media_id === undefined) return [];
    const before = previousClip(track, clip);
    if (!before || before.media_id === undefined) return [];
    if (clip.transition_in) return [{ clipId: clip.id, time: clip.start + clip.transition_in.duration / 2 }];
    return Math.abs(end(before) - clip.start) < 1e-3 ? [{ clipId: clip.id, time: clip.start }] : [];
  });
}

// The clip's transition taken off: the clip before it ends where this one starts again.
export function removeTransition(doc, clipId) {
  const next = structuredClone(doc);
  const found = locate(next, clipId);
  if (!found || !found.clip.transition_in) return next;
  const { track, clip } = found;
  const before = previousClip(track, clip);
  if (before) before.out -= (end(before) - clip.start) * rate(before);
  delete clip.transition_in;
  return next;
}

// A transition of `type` and `duration` seconds into the clip (replacing one it has). `mediaLength`
// (media id) gives how long a media item is (Infinity for a still). Returns {doc} or {error}, the
// reason in words a person can act on.
export function setTransition(doc, clipId, type, duration, mediaLength) {
  if (!TRANSITIONS.includes(type)) return { error: `Unknown transition ${type}.` };
  const label = TRANSITION_LABELS[type];
  if (!(duration >= MIN_TRANSITION)) return { error: `A ${label.toLowerCase()} must last at least ${MIN_TRANSITION} s.` };
  const next = removeTransition(doc, clipId);
  const found = locate(next, clipId);
  if (!found) return { error: 'The clip is gone.' };
  const { track, clip } = found;
  if (clip.media_id === undefined) return { error: 'A title has no transitions.' };
  const before = previousClip(track, clip);
  if (!before || before.media_id === undefined) {
    return { error: `A ${label.toLowerCase()} needs a clip before this one on its track.` };
  }
  if (Math.abs(end(before) - clip.start) > 1e-3) {
    return { error: `This clip does not touch the clip before it (a ${(clip.start - end(before)).toFixed(2)} s gap): close the gap first.` };
  }
  const shortest = Math.min(clipLength(before), clipLength(clip));
  if (duration > shortest + EPS) {
    return { error: `A ${duration} s ${label.toLowerCase()} is longer than a clip it joins (${shortest.toFixed(2)} s).` };
  }
  const after = (mediaLength(before.media_id) - before.out) / rate(before); // seconds of media past the cut
  if (after >= duration - EPS) {
    before.out += duration * rate(before);
  } else if (clip.in / rate(clip) >= duration - EPS) {
    clip.start -= duration;
    clip.in -= duration * rate(clip);
  } else {
    return { error: `A ${duration} s ${label.toLowerCase()} needs ${duration} s more media after the clip before`
      + ` (it has ${Math.max(0, after).toFixed(2)} s) or before this one (it has ${(clip.in / rate(clip)).toFixed(2)} s).`
      + ' Trim one of them first, or choose a shorter one.' };
  }
  clip.transition_in = { type, duration };
  return { doc: next };
}

// After any other edit: each transition follows its clip's overlap with the clip before (a trim
// lengthens or shortens it), and goes when the two no longer overlap (one moved away).
export function settleTransitions(doc) {
  // only the tracks and clips that change are copied: most edits have nothing to settle
  let next = doc;
  doc.tracks.forEach((track, ti) => {
    track.clips.forEach((clip, ci) => {
      if (!clip.transition_in) return;
      const before = previousClip(track, clip);
      const overlap = before ? end(before) - clip.start : 0;
      if (Math.abs(overlap - clip.transition_in.duration) < EPS) return;
      if (next === doc) next = { ...doc, tracks: [...doc.tracks] };
      if (next.tracks[ti] === track) next.tracks[ti] = { ...track, clips: [...track.clips] };
      const settled = { ...clip };
      if (overlap >= MIN_TRANSITION && overlap <= Math.min(clipLength(clip), clipLength(before)) + EPS) {
        settled.transition_in = { ...clip.transition_in, duration: Number(overlap.toFixed(6)) };
      } else delete settled.transition_in;
      next.tracks[ti].clips[ci] = settled;
    });
  });
  return next;
}
