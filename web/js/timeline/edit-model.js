// Editing the timeline, as pure functions on the document (no DOM): moving, trimming, splitting,
// deleting, tracks, snapping and the overlap rule. Every function returns a new document: the old
// one is left as it was (the server keeps each saved one for undo).
import { clipEnd, clipLength, newClip, placeClip, uid } from './timeline-model.js';
import { splitClip } from './split-model.js';
import { previousClip, removeTransition } from './transitions-model.js';

const EPS = 1e-6;
export const MIN_CLIP = 0.1; // seconds: trims stop here

// The document copied where an edit may change it: the document, its track list, each track and
// each clip list are new, and the clips are shared with the old document until `own` copies one.
// An edit of one clip on a 2000-clip timeline copies one clip, and the clips it did not touch stay
// the same objects (the view and the preview know them by that).
function clone(doc) {
  return { ...doc, tracks: doc.tracks.map((t) => ({ ...t, clips: [...t.clips] })) };
}

// The clip `clipId` of a cloned document, copied so it can be changed: {track, clip}, or null.
function own(doc, clipId) {
  for (const track of doc.tracks) {
    const i = track.clips.findIndex((c) => c.id === clipId);
    if (i >= 0) {
      track.clips[i] = { ...track.clips[i] };
      return { track, clip: track.clips[i] };
    }
  }
  return null;
}

export function findClip(doc, clipId) {
  for (const track of doc.tracks) {
    const clip = track.clips.find((c) => c.id === clipId);
    if (clip) return { track, clip };
  }
  return null;
}

// Clips on one track may not overlap: the free slot for [start, start+length) nearest to `start`,
// or null when the track has no room there.
export function fitOnTrack(track, start, length, ignoreIds = new Set()) {
  const others = track.clips.filter((c) => !ignoreIds.has(c.id)).sort((a, b) => a.start - b.start);
  const overlaps = (s) => others.some((c) => s < clipEnd(c) - EPS && s + length > c.start + EPS);
  if (start >= 0 && !overlaps(start)) return start;
  const candidates = [0, ...others.map(clipEnd), ...others.map((c) => c.start - length)]
    .filter((s) => s >= 0 && !overlaps(s));
  if (!candidates.length) return null;
  return candidates.reduce((best, s) => (Math.abs(s - start) < Math.abs(best - start) ? s : best));
}

// A drop lands where it was dropped when there is room; on top of another clip it takes the
// nearest free slot, by the same overlap rule as a move. Null when the track cannot take it.
export function dropClip(doc, trackId, media, start, id) {
  const track = doc.tracks.find((t) => t.id === trackId);
  if (!track || track.kind === 'text' || track.kind === 'captions') return null;
  const at = fitOnTrack(track, Math.max(0, start), clipLength(newClip(media, 0)));
  return at === null ? null : placeClip(doc, trackId, media, at, id);
}

// A moved clip leaves its transitions behind: the one into it, and the one into the clip after it
// (each is an overlap with a neighbour it no longer has).
function withoutTransitionsAround(doc, clipId) {
  const found = findClip(doc, clipId);
  let next = doc;
  for (const c of found.track.clips) {
    if (c.transition_in && (c.id === clipId || previousClip(found.track, c)?.id === clipId)) next = removeTransition(next, c.id);
  }
  return next;
}

// A refused move returns the document as it was (its transitions too).
export function moveClip(original, clipId, toTrackId, start) {
  if (!findClip(original, clipId)) return original;
  const doc = withoutTransitionsAround(original, clipId);
  const found = findClip(doc, clipId);
  const target = doc.tracks.find((t) => t.id === toTrackId);
  // a clip moves only between tracks of its family: media, titles, caption lines
  const family = (t) => (t.kind === 'text' || t.kind === 'captions' ? t.kind : 'media');
  if (!target || family(target) !== family(found.track)) return original;
  const group = new Set([clipId, ...linkedClips(doc, found.clip).map((c) => c.id)]);
  const placed = fitOnTrack(target, Math.max(0, start), clipLength(found.clip), group);
  if (placed === null) return original;
  const next = clone(doc);
  const from = next.tracks.find((t) => t.id === found.track.id);
  const clip = { ...from.clips.find((c) => c.id === clipId) };
  from.clips = from.clips.filter((c) => c.id !== clipId);
  clip.start = placed;
  const to = next.tracks.find((t) => t.id === toTrackId);
  to.clips.push(clip);
  to.clips.sort((a, b) => a.start - b.start);
  return group.size > 1 ? moveLinked(original, next, clip, placed - found.clip.start) : next;
}

// Move several clips by `delta` seconds at once, each on its own track (a selection dragged or
// nudged): the clips linked to any of them come too. Transitions between a moving clip and one
// staying behind come off (their overlap is gone); those inside the moving set stay. Refused as a
// whole, the document as it was, when any clip would go before 0 or onto a clip that stays.
export function moveClips(original, clipIds, delta) {
  const ids = new Set(clipIds.filter((id) => findClip(original, id)));
  if (!ids.size || !Number.isFinite(delta) || Math.abs(delta) < EPS) return original;
  for (const id of [...ids]) for (const c of linkedClips(original, findClip(original, id).clip)) ids.add(c.id);
  let doc = original;
  for (const track of original.tracks) {
    for (const c of track.clips) {
      if (!c.transition_in) continue;
      const before = previousClip(track, c);
      if (before && ids.has(c.id) !== ids.has(before.id)) doc = removeTransition(doc, c.id);
    }
  }
  const next = clone(doc);
  for (const track of next.tracks) {
    const staying = track.clips.filter((c) => !ids.has(c.id));
    for (const [i, c] of track.clips.entries()) {
      if (!ids.has(c.id)) continue;
      const start = c.start + delta;
      if (start < -EPS) return original;
      const end = start + clipLength(c);
      if (staying.some((o) => start < clipEnd(o) - EPS && end > o.start + EPS)) return original;
      track.clips[i] = { ...c, start: Math.max(0, start) };
    }
    track.clips.sort((a, b) => a.start - b.start);
  }
  return next;
}

// -- linked clips (a video clip and its detached sound) ----------------------------------------
// The other clips sharing `clip`'s link; none when it has no link.
export function linkedClips(doc, clip) {
  if (typeof clip.link !== 'string') return [];
  return doc.tracks.flatMap((t) => t.clips.filter((c) => c.link === clip.link && c.id !== clip.id));
}

// The clips linked to the moved one follow it by the same amount, each on its own track, or the
// move is refused (the document before it) when one of them has no room there.
function moveLinked(before, next, moved, delta) {
  for (const partner of linkedClips(next, moved)) {
    const { track } = findClip(next, partner.id);
    const at = partner.start + delta;
    const fits = fitOnTrack(track, at, clipLength(partner), new Set([partner.id]));
    if (at < -EPS || fits === null || Math.abs(fits - at) > EPS) return before;
    own(next, partner.id).clip.start = Math.max(0, at);
    track.clips.sort((a, b) => a.start - b.start);
  }
  return next;
}

// A link left with one clip (its partner deleted) links nothing: it is removed. `doc` is one an
// edit has copied (its clip lists are its own); the clips that change are copied.
export function dropLonelyLinks(doc) {
  const count = new Map();
  for (const t of doc.tracks) for (const c of t.clips) if (typeof c.link === 'string') count.set(c.link, (count.get(c.link) || 0) + 1);
  for (const t of doc.tracks) {
    t.clips = t.clips.map((c) => {
      if (typeof c.link !== 'string' || count.get(c.link) >= 2) return c;
      const rest = { ...c };
      delete rest.link;
      return rest;
    });
  }
  return doc;
}

// Trim the left edge to timeline time t: the clip's media `in` moves with it, never below 0,
// never past the right edge, never into the previous clip.
export function trimStart(doc, clipId, t) {
  const found = findClip(doc, clipId);
  if (!found) return doc;
  const { track, clip } = found;
  const prevEnd = Math.max(0, ...track.clips.filter((c) => c.id !== clipId && clipEnd(c) <= clip.start + EPS).map(clipEnd));
  const end = clipEnd(clip);
  const isText = clip.duration !== undefined; // a title's length is its own; a media (or offline) clip's is out - in
  let start = Math.min(Math.max(t, prevEnd), end - MIN_CLIP);
  if (!isText) start = Math.max(start, clip.start - clip.in); // media has nothing before 0
  const next = clone(doc);
  const c = own(next, clipId).clip;
  if (isText) {
    c.duration = end - start;
  } else {
    c.in = clip.in + (start - clip.start);
  }
  c.start = start;
  return next;
}

// Trim the right edge to timeline time t, never past the media's end or into the next clip.
export function trimEnd(doc, clipId, t, mediaDuration) {
  const found = findClip(doc, clipId);
  if (!found) return doc;
  const { track, clip } = found;
  const nextStart = Math.min(Infinity, ...track.clips.filter((c) => c.id !== clipId && c.start >= clipEnd(clip) - EPS).map((c) => c.start));
  let end = Math.max(t, clip.start + MIN_CLIP);
  end = Math.min(end, nextStart);
  const isText = clip.duration !== undefined; // a title's length is its own; a media (or offline) clip's is out - in
  if (!isText && Number.isFinite(mediaDuration)) end = Math.min(end, clip.start + (mediaDuration - clip.in));
  const next = clone(doc);
  const c = own(next, clipId).clip;
  if (isText) c.duration = end - clip.start; else c.out = clip.in + (end - clip.start);
  return next;
}

// Split every given clip that the time t falls strictly inside (by split-model.js's rule: the
// halves play what the clip played, keyframes and fades too). A placeholder (a clip still being
// generated) is not split: its job makes one clip, which lands in its place.
export function splitAt(doc, clipIds, t) {
  const next = clone(doc);
  let changed = false;
  for (const track of next.tracks) {
    const out = [];
    for (const clip of track.clips) {
      if (clipIds.includes(clip.id) && !clip.placeholder && t > clip.start + MIN_CLIP / 2 && t < clipEnd(clip) - MIN_CLIP / 2) {
        changed = true;
        const [left, right] = splitClip(clip, t, uid());
        out.push(left, right);
      } else {
        out.push(clip);
      }
    }
    track.clips = out;
  }
  return changed ? next : doc;
}

export function deleteClips(doc, clipIds) {
  const next = clone(doc);
  for (const track of next.tracks) track.clips = track.clips.filter((c) => !clipIds.includes(c.id));
  return dropLonelyLinks(next);
}

// Media deleted from the library is gone for good (its files with it): its clips leave the document.
// The same document when none of its clips uses that media.
export function removeMedia(doc, mediaIds) {
  const gone = new Set(mediaIds);
  if (!doc.tracks.some((t) => t.clips.some((c) => gone.has(c.media_id)))) return doc;
  const next = clone(doc);
  for (const track of next.tracks) track.clips = track.clips.filter((c) => !gone.has(c.media_id));
  return dropLonelyLinks(next);
}

export function addTrack(doc, kind) {
  const next = clone(doc);
  const n = next.tracks.filter((t) => t.kind === kind).length + 1;
  const prefix = { video: 'V', audio: 'A', text: 'T', captions: 'C' }[kind];
  const track = { id: `${kind[0]}${n}-${uid().slice(0, 8)}`, name: `${prefix}${n}`, kind, muted: false, hidden: false, clips: [] };
  // The first track is the top of the stack. Text goes on top; a new video track above the other
  // video tracks (below any text), as in every editor; audio at the bottom. Captions go on top of
  // everything: subtitles are read over the picture and the titles.
  if (kind === 'text' || kind === 'captions') next.tracks.unshift(track);
  else if (kind === 'video') {
    const firstPicture = next.tracks.findIndex((t) => t.kind !== 'text' && t.kind !== 'captions');
    next.tracks.splice(firstPicture === -1 ? next.tracks.length : firstPicture, 0, track);
  } else next.tracks.push(track);
  return next;
}

export function removeTrack(doc, trackId) {
  const next = clone(doc);
  next.tracks = next.tracks.filter((t) => t.id !== trackId);
  return next;
}

export function setTrackFlag(doc, trackId, flag, value) {
  const next = clone(doc);
  const track = next.tracks.find((t) => t.id === trackId);
  if (track) track[flag] = value;
  return next;
}

export function addTextClip(doc, start, text = 'Title') {
  const next = doc.tracks.some((t) => t.kind === 'text') ? clone(doc) : addTrack(doc, 'text');
  const track = next.tracks.find((t) => t.kind === 'text');
  const placed = fitOnTrack(track, start, 3);
  if (placed === null) return { doc, clip: null };
  const clip = { id: uid(), start: placed, duration: 3, text, x: 0.5, y: 0.85, size: Math.round(next.height / 12), color: '#ffffff' };
  track.clips.push(clip);
  track.clips.sort((a, b) => a.start - b.start);
  return { doc: next, clip };
}

export function updateClip(doc, clipId, changes) {
  const next = clone(doc);
  const found = own(next, clipId);
  if (found) Object.assign(found.clip, changes);
  return next;
}

// Snapping: the edit point moves to the nearest clip edge, marker or the playhead within
// `threshold` seconds; `guide` is where to draw the line (null: no snap).
export function snapPoints(doc, excludeIds, playhead) {
  const points = [playhead, 0, ...(doc.markers || []).map((m) => m.time)];
  for (const track of doc.tracks) {
    for (const clip of track.clips) {
      if (!excludeIds.includes(clip.id)) points.push(clip.start, clipEnd(clip));
    }
  }
  return points;
}

export function snap(t, points, threshold) {
  let best = null;
  for (const p of points) {
    if (Math.abs(p - t) <= threshold && (best === null || Math.abs(p - t) < Math.abs(best - t))) best = p;
  }
  return best === null ? { time: t, guide: null } : { time: best, guide: best };
}
