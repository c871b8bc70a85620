// Getting around the timeline, pure (no DOM; tested with node): its edit points (where clips start
// and end) and the zoom at which all of it fits a width.
import { clipEnd, timelineEnd } from './timeline-model.js';
import { adjacent, markersOf } from './markers-model.js';

export const MIN_ZOOM = 0.01; // pixels a second, the document's limits
export const MAX_ZOOM = 10000;
export const FIT_MARGIN = 24; // pixels left free after the end, so the last edge shows

// Every clip's start and end, and 0, sorted, each once.
export function editPoints(doc) {
  const points = new Set([0]);
  for (const track of doc.tracks) for (const clip of track.clips) { points.add(clip.start); points.add(clipEnd(clip)); }
  return [...points].sort((a, b) => a - b);
}

// The edit point before (dir -1) or after (dir 1) time t; null when none.
export function adjacentEditPoint(doc, t, dir) {
  return adjacent(editPoints(doc), t, dir);
}

// The zoom (pixels a second) at which the whole timeline, its clips and markers, fits `width`
// pixels. An empty timeline shows ten seconds.
export function zoomToFit(doc, width) {
  const end = Math.max(timelineEnd(doc), ...markersOf(doc).map((m) => m.time), 0);
  const seconds = end > 0 ? end : 10;
  const usable = Math.max(1, (Number(width) || 0) - FIT_MARGIN);
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, usable / seconds));
}
