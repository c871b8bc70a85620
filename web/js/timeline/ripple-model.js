// Ripple edits, pure (no DOM; tested with node): Ripple delete takes clips out and pulls what
// follows them on their track left by the hole they leave; Close gap pulls everything after an
// empty stretch left by its length. Only empty time is closed, so a ripple never makes two clips
// overlap: clips joined by a transition keep their overlap, and a clip whose transition came from
// a deleted clip loses it (and touches what is before it instead).
import { clipEnd } from './timeline-model.js';
import { previousClip, removeTransition } from './transitions-model.js';
import { dropLonelyLinks } from './edit-model.js';

const EPS = 1e-6;

// The stretches of [a, b) spans that none of `covering` covers: sorted, merged, each [from, to).
export function uncovered(spans, covering) {
  const holes = [];
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    let pieces = [[a, b]];
    for (const [c, d] of covering) {
      pieces = pieces.flatMap(([p, q]) => {
        if (d <= p + EPS || c >= q - EPS) return [[p, q]];
        return [[p, Math.min(q, c)], [Math.max(p, d), q]].filter(([x, y]) => y - x > EPS);
      });
    }
    for (const piece of pieces) {
      const last = holes[holes.length - 1];
      if (last && piece[0] <= last[1] + EPS) last[1] = Math.max(last[1], piece[1]);
      else holes.push([...piece]);
    }
  }
  return holes;
}

// Every clip of the track that starts at or after a hole's end moves left by the length of the
// holes before it (in place).
function pullLeft(track, holes) {
  for (const clip of track.clips) {
    const shift = holes.filter(([, to]) => to <= clip.start + EPS).reduce((sum, [from, to]) => sum + (to - from), 0);
    if (shift > 0) clip.start = Math.max(0, Number((clip.start - shift).toFixed(9)));
  }
  track.clips.sort((a, b) => a.start - b.start);
}

// Ripple delete: the clips go, and each track closes the time they leave empty. Their
// transitions go with them first (the clip before one ends where it did before the transition),
// and so does a transition into a clip that stays from one that goes.
export function rippleDelete(doc, clipIds) {
  const gone = new Set(clipIds);
  if (!doc.tracks.some((t) => t.clips.some((c) => gone.has(c.id)))) return doc;
  let next = doc;
  for (const track of doc.tracks) {
    for (const clip of track.clips) {
      if (!clip.transition_in) continue;
      const before = previousClip(track, clip);
      if (gone.has(clip.id) || (before && gone.has(before.id))) next = removeTransition(next, clip.id);
    }
  }
  next = structuredClone(next);
  for (const track of next.tracks) {
    const removed = track.clips.filter((c) => gone.has(c.id));
    if (!removed.length) continue;
    track.clips = track.clips.filter((c) => !gone.has(c.id));
    const covering = track.clips.map((c) => [c.start, clipEnd(c)]);
    pullLeft(track, uncovered(removed.map((c) => [c.start, clipEnd(c)]), covering));
  }
  return dropLonelyLinks(next);
}

// The empty stretch of a track around time t with a clip after it: [from, to), or null.
function gapOn(track, t) {
  if (track.clips.some((c) => t >= c.start - EPS && t < clipEnd(c) - EPS)) return null;
  const from = Math.max(0, ...track.clips.map(clipEnd).filter((e) => e <= t + EPS));
  const after = track.clips.map((c) => c.start).filter((s) => s > t + EPS);
  if (!after.length) return null;
  return [from, Math.min(...after)];
}

// Close gap at time t: on one track (`trackId`, a gap that is clicked) the empty stretch there; on
// none given, the stretch where every track is empty (each track's clips after it move together,
// so tracks stay in sync). {doc} or {error} in words.
export function closeGap(doc, t, trackId = null) {
  const tracks = trackId ? doc.tracks.filter((tr) => tr.id === trackId) : doc.tracks;
  if (!tracks.length) return { error: 'That track is gone.' };
  let gap = null;
  if (trackId) gap = gapOn(tracks[0], t);
  else {
    if (doc.tracks.some((tr) => tr.clips.some((c) => t >= c.start - EPS && t < clipEnd(c) - EPS))) {
      return { error: 'There is no gap at the playhead: a clip is under it.' };
    }
    const from = Math.max(0, ...doc.tracks.flatMap((tr) => tr.clips.map(clipEnd).filter((e) => e <= t + EPS)));
    const after = doc.tracks.flatMap((tr) => tr.clips.map((c) => c.start).filter((s) => s > t + EPS));
    if (after.length) gap = [from, Math.min(...after)];
  }
  if (!gap || gap[1] - gap[0] <= EPS) return { error: trackId ? 'There is no gap there to close.' : 'There is no gap at the playhead to close.' };
  const next = structuredClone(doc);
  for (const track of next.tracks) if (tracks.some((tr) => tr.id === track.id)) pullLeft(track, [gap]);
  return { doc: next };
}
