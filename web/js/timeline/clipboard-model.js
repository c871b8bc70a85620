// Copy, paste and duplicate, pure (no DOM; tested with node). The clipboard is page memory: the
// copied clips as they were, with their tracks and their offsets from the first of them. A paste
// puts them at a time on the same tracks (a track of the same kind when theirs is gone), with the
// same offsets, at the first place from there where every one of them fits. Pasted clips get new
// ids; clips linked together are linked again by a new link (a lone one is not); a transition is
// kept only when the clip it came from is pasted with it.
import { clipEnd, clipLength, uid } from './timeline-model.js';
import { findClip } from './edit-model.js';
import { previousClip } from './transitions-model.js';

const EPS = 1e-6;
export const LAST_SECOND = 4 * 3600; // the document's limit: every clip ends within 4 hours

// The clipboard for the given clips: null when none of them is in the document.
export function copyClips(doc, clipIds) {
  const chosen = new Set(clipIds);
  const items = [];
  for (const track of doc.tracks) {
    for (const clip of track.clips) {
      if (!chosen.has(clip.id)) continue;
      const copy = structuredClone(clip);
      const before = previousClip(track, clip);
      if (copy.transition_in && !(before && chosen.has(before.id))) {
        delete copy.transition_in; // the clip it came from is not copied: nothing to overlap
      }
      items.push({ trackId: track.id, kind: track.kind, clip: copy });
    }
  }
  if (!items.length) return null;
  const first = Math.min(...items.map((i) => i.clip.start));
  const end = Math.max(...items.map((i) => clipEnd(i.clip)));
  return { items: items.map((i) => ({ ...i, offset: i.clip.start - first })), length: end - first };
}

// Where each item goes: its own track, else the first track of its kind. A map item -> track id,
// or an error.
function targets(doc, clipboard) {
  const out = new Map();
  for (const item of clipboard.items) {
    const track = doc.tracks.find((t) => t.id === item.trackId) || doc.tracks.find((t) => t.kind === item.kind);
    if (!track) return { error: `There is no ${item.kind} track to paste onto: add one first.` };
    out.set(item, track.id);
  }
  // two tracks' clips onto one (theirs gone) could land on each other
  const sources = new Map();
  for (const [item, id] of out) {
    if (sources.has(id) && sources.get(id) !== item.trackId) {
      return { error: `The tracks the clips were copied from are gone, and one ${doc.tracks.find((t) => t.id === id).kind} track cannot take them all.` };
    }
    sources.set(id, item.trackId);
  }
  return { targets: out };
}

function fitsAt(doc, clipboard, where, at) {
  return clipboard.items.every((item) => {
    const start = at + item.offset;
    const end = start + clipLength(item.clip);
    const track = doc.tracks.find((t) => t.id === where.get(item));
    return !track.clips.some((c) => start < clipEnd(c) - EPS && end > c.start + EPS);
  });
}

// Paste the clipboard at time `at` (the playhead), or at the first later time where it fits.
// `hasMedia(id)` says whether a media item is still in the library. Returns {doc, ids} (the new
// clips' ids) or {error} in words a person can act on.
export function pasteClips(doc, clipboard, at, { hasMedia = () => true, lastSecond = LAST_SECOND } = {}) {
  if (!clipboard || !clipboard.items.length) return { error: 'Nothing to paste: copy clips first (Ctrl+C).' };
  if (clipboard.items.some((i) => i.clip.media_id !== undefined && !hasMedia(i.clip.media_id))) {
    return { error: 'A copied clip’s media was deleted from the library: it cannot be pasted.' };
  }
  const found = targets(doc, clipboard);
  if (found.error) return found;
  const where = found.targets;
  const from = Math.max(0, at);
  // the first place where it fits: here, or where one of the pasted clips starts at a clip's end
  const used = new Set(where.values());
  const ends = doc.tracks.filter((t) => used.has(t.id)).flatMap((t) => t.clips.map(clipEnd));
  const candidates = [from, ...ends.flatMap((e) => clipboard.items.map((i) => e - i.offset))]
    .filter((s) => s >= from - EPS).sort((a, b) => a - b);
  const place = candidates.find((s) => fitsAt(doc, clipboard, where, s));
  if (place === undefined || place + clipboard.length > lastSecond + EPS) {
    return { error: `No room to paste: the clips would end after ${lastSecond / 3600} hours, the longest a timeline can be.` };
  }
  const next = structuredClone(doc);
  const links = new Map();
  const linkCount = new Map();
  for (const item of clipboard.items) {
    if (typeof item.clip.link === 'string') linkCount.set(item.clip.link, (linkCount.get(item.clip.link) || 0) + 1);
  }
  const ids = [];
  for (const item of clipboard.items) {
    const clip = { ...structuredClone(item.clip), id: uid(), start: place + item.offset };
    if (typeof clip.link === 'string') {
      if (linkCount.get(clip.link) > 1) {
        if (!links.has(clip.link)) links.set(clip.link, uid());
        clip.link = links.get(clip.link);
      } else delete clip.link;
    }
    next.tracks.find((t) => t.id === where.get(item)).clips.push(clip);
    ids.push(clip.id);
  }
  for (const track of next.tracks) track.clips.sort((a, b) => a.start - b.start);
  // a transition whose clip before it did not land before it (another track) has nothing to overlap
  for (const id of ids) {
    const { track, clip } = findClip(next, id);
    const before = clip.transition_in && previousClip(track, clip);
    if (clip.transition_in && !(before && ids.includes(before.id)
      && Math.abs(clipEnd(before) - clip.start - clip.transition_in.duration) < 1e-6)) delete clip.transition_in;
  }
  return { doc: next, ids };
}

// Duplicate: a copy of the clips right after the selection's end (or the first place after it
// where they fit).
export function duplicateClips(doc, clipIds, options) {
  const clipboard = copyClips(doc, clipIds);
  if (!clipboard) return { error: 'Select the clips to duplicate.' };
  const first = Math.min(...clipboard.items.map((i) => findClip(doc, i.clip.id).clip.start));
  return pasteClips(doc, clipboard, first + clipboard.length, options);
}
