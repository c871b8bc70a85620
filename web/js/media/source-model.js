// The source monitor's logic, as pure functions (tested with node): In/Out marks on a media item,
// the first source the page can play, and the marked range put on the timeline at the playhead,
// inserted (what is after moves right) or overwriting (what was there is cut away).
import { clipEnd, uid } from '../timeline/timeline-model.js';
import { splitAt } from '../timeline/edit-model.js';

export const IMAGE_SECONDS = 5; // a still's length on the timeline (as a drop)
const MIN = 0.1; // seconds: the shortest range

// How long an item lasts as a source.
export function sourceLength(item) {
  return item.kind === 'image' ? IMAGE_SECONDS : Math.max(MIN, Number(item.duration) || IMAGE_SECONDS);
}

const clamp = (t, lo, hi) => Math.min(hi, Math.max(lo, Number(t) || 0));

// Marks: {in, out} in seconds of the source, or null for "not set". Marking In at or after the
// Out (or Out at or before the In) clears the other mark, as editors do.
export function markIn(marks, t, length) {
  const at = clamp(t, 0, Math.max(0, length - MIN));
  const out = marks && marks.out !== null && marks.out !== undefined && marks.out > at + MIN / 2 ? marks.out : null;
  return { in: at, out };
}

export function markOut(marks, t, length) {
  const at = clamp(t, MIN, length);
  const inn = marks && marks.in !== null && marks.in !== undefined && marks.in < at - MIN / 2 ? marks.in : null;
  return { in: inn, out: at };
}

export const NO_MARKS = Object.freeze({ in: null, out: null });

// The range the marks make: from In (or the start) to Out (or the end), at least MIN long.
export function markedRange(marks, length) {
  const m = marks || NO_MARKS;
  const start = m.in === null || m.in === undefined ? 0 : clamp(m.in, 0, length);
  let end = m.out === null || m.out === undefined ? length : clamp(m.out, 0, length);
  if (end - start < MIN) end = Math.min(length, start + MIN);
  return { in: start, out: end, length: end - start };
}

// The first of an item's sources the page can play: `canPlay(type)` is the media element's
// canPlayType ('', 'maybe' or 'probably'). A source with no type is tried as a last resort.
export function playableSources(sources, canPlay) {
  const list = (sources || []).filter((s) => s && s.url && s.kind !== 'remote');
  const known = list.filter((s) => s.type && canPlay(s.type));
  const unknown = list.filter((s) => !s.type);
  return [...known, ...unknown];
}

// The track a source goes on: the top track of its kind (video and stills on video, sound on
// audio), or null when there is none.
export function targetTrack(doc, item) {
  const kind = item.kind === 'audio' ? 'audio' : 'video';
  const track = doc && doc.tracks.find((t) => t.kind === kind);
  return track ? track.id : null;
}

function newClipFor(item, range, start, id) {
  return { id, media_id: item.id, start, in: range.in, out: range.out };
}

// The marked range placed at `at` on the item's track. `mode` 'insert': clips at or after `at`
// move right by the range's length (a clip under `at` is split there first); 'overwrite': what
// lies under the new clip is cut away (trimmed, split or removed). Returns {doc, clip}, or null
// when no track takes the item.
export function placeRange(doc, item, range, at, mode = 'insert', id = uid()) {
  const trackId = targetTrack(doc, item);
  if (!trackId) return null;
  const start = Math.max(0, at);
  const end = start + range.length;
  const spanning = (t) => doc.tracks.find((x) => x.id === trackId).clips
    .filter((c) => t > c.start + 1e-6 && t < clipEnd(c) - 1e-6).map((c) => c.id);
  let next = splitAt(doc, spanning(start), start);
  if (mode === 'overwrite') {
    const track = next.tracks.find((x) => x.id === trackId);
    next = splitAt(next, track.clips.filter((c) => end > c.start + 1e-6 && end < clipEnd(c) - 1e-6).map((c) => c.id), end);
  }
  const clip = newClipFor(item, range, start, id);
  const tracks = next.tracks.map((t) => {
    if (t.id !== trackId) return t;
    let clips;
    if (mode === 'overwrite') {
      clips = t.clips.filter((c) => !(c.start >= start - 1e-6 && clipEnd(c) <= end + 1e-6));
    } else {
      clips = t.clips.map((c) => {
        if (c.start < start - 1e-6) return c;
        const moved = { ...c, start: c.start + range.length };
        // the clip first after the hole no longer meets its neighbour: its transition goes
        if (Math.abs(c.start - start) < 1e-6) delete moved.transition_in;
        return moved;
      });
    }
    return { ...t, clips: [...clips, clip].sort((a, b) => a.start - b.start) };
  });
  return { doc: { ...next, tracks }, clip };
}

// m:ss.cc, for the monitor's time and marks.
export function timecode(t) {
  if (!Number.isFinite(t)) return '–';
  const m = Math.floor(t / 60);
  const s = t - m * 60;
  return `${m}:${s.toFixed(2).padStart(5, '0')}`;
}
