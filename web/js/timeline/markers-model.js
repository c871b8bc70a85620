// Markers, pure (no DOM; tested with node): named points on the timeline, `markers: [{id, time,
// name, color?}]` at the top of the document (docs/API.md). Adding, renaming, moving, deleting,
// and the marker before or after a time. Each edit returns a new document, or {error} in words.
import { uid } from './timeline-model.js';

const EPS = 1e-6;
export const MARKER_NAME = 200; // characters, the server's limit
export const LAST_SECOND = 4 * 3600;
export const MAX_MARKERS = 1000; // the server's limit

export function markersOf(doc) {
  return doc.markers || [];
}

const sorted = (markers) => [...markers].sort((a, b) => a.time - b.time);
const within = (t) => Math.min(Math.max(0, t), LAST_SECOND);

// A marker at time t named "Marker N" (the first N no marker is named): {doc, marker}, or
// {error} when one is there already.
export function addMarker(doc, t, id = uid()) {
  const markers = markersOf(doc);
  const time = within(t);
  if (markers.some((m) => Math.abs(m.time - time) < EPS)) return { error: 'There is a marker at the playhead already.' };
  if (markers.length >= MAX_MARKERS) return { error: `A timeline holds at most ${MAX_MARKERS} markers: delete one first.` };
  const names = new Set(markers.map((m) => m.name));
  let n = markers.length + 1;
  while (names.has(`Marker ${n}`)) n += 1;
  const marker = { id, time, name: `Marker ${n}` };
  return { doc: { ...structuredClone(doc), markers: sorted([...markers, marker]) }, marker };
}

function change(doc, id, fn) {
  const markers = markersOf(doc);
  if (!markers.some((m) => m.id === id)) return { error: 'That marker is gone.' };
  return { doc: { ...structuredClone(doc), markers: sorted(markers.map((m) => (m.id === id ? fn({ ...m }) : m))) } };
}

export function renameMarker(doc, id, name) {
  const text = String(name ?? '').trim();
  if (!text) return { error: 'A marker needs a name.' };
  if (text.length > MARKER_NAME) return { error: `A marker's name is at most ${MARKER_NAME} characters (this one has ${text.length}).` };
  return change(doc, id, (m) => ({ ...m, name: text }));
}

export function moveMarker(doc, id, time) {
  if (!Number.isFinite(time)) return { error: 'A marker needs a time.' };
  return change(doc, id, (m) => ({ ...m, time: within(time) }));
}

export function deleteMarker(doc, id) {
  const markers = markersOf(doc);
  if (!markers.some((m) => m.id === id)) return { error: 'That marker is gone.' };
  return { doc: { ...structuredClone(doc), markers: markers.filter((m) => m.id !== id) } };
}

// The nearest of `points` strictly before (dir -1) or after (dir 1) time t; null when none.
export function adjacent(points, t, dir) {
  const beyond = points.filter((p) => (dir < 0 ? p < t - EPS : p > t + EPS));
  if (!beyond.length) return null;
  return dir < 0 ? Math.max(...beyond) : Math.min(...beyond);
}

export function adjacentMarker(doc, t, dir) {
  return adjacent(markersOf(doc).map((m) => m.time), t, dir);
}
