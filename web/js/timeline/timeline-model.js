// The timeline document and the pure rules for editing it: no DOM here. Clips refer to media by
// id only; a playable URL is resolved at playback time.
import { clipLength } from './values.js';

export const DEFAULT_ZOOM = 50; // pixels per second
export const ZOOM_MIN = 5;
export const ZOOM_MAX = 400;

// The zoom scaled by factor (Ctrl+wheel, the menu's Zoom in and Zoom out), kept within the slider's range.
export function zoomBy(zoom, factor) {
  return Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, zoom * factor));
}
export const IMAGE_SECONDS = 5;

export function timeToX(seconds, zoom) {
  return seconds * zoom;
}

export function xToTime(x, zoom) {
  return Math.max(0, x / zoom);
}

// A clip's length on the timeline (speed included) is values.js's, the export's twin.
export { clipLength };

export function clipEnd(clip) {
  return clip.start + clipLength(clip);
}

export function timelineEnd(doc) {
  let end = 0;
  for (const track of doc.tracks) for (const clip of track.clips) end = Math.max(end, clipEnd(clip));
  return end;
}

// At least two video tracks, so there is always somewhere to drop and to stack.
export function withTracks(doc) {
  const next = structuredClone(doc);
  next.zoom = next.zoom || DEFAULT_ZOOM;
  next.playhead = next.playhead || 0;
  let videos = next.tracks.filter((t) => t.kind === 'video').length;
  while (videos < 2) {
    videos += 1;
    next.tracks.push({ id: `v${videos}-${uid()}`, name: `V${videos}`, kind: 'video', muted: false, hidden: false, clips: [] });
  }
  return next;
}

export function newClip(media, start, id = uid()) {
  const length = media.kind === 'image' ? IMAGE_SECONDS : media.duration || IMAGE_SECONDS;
  return { id, media_id: media.id, start: Math.max(0, start), in: 0, out: length };
}

// Place a media item on a track at a time; returns a new document.
export function placeClip(doc, trackId, media, start, id) {
  // only the track that takes the clip is copied; the others, and every clip, are shared
  if (!doc.tracks.some((t) => t.id === trackId)) throw new Error(`no track ${trackId}`);
  const next = { ...doc, tracks: doc.tracks.map((t) => (t.id === trackId ? { ...t, clips: [...t.clips] } : t)) };
  const track = next.tracks.find((t) => t.id === trackId);
  const clip = newClip(media, start, id);
  track.clips.push(clip);
  track.clips.sort((a, b) => a.start - b.start);
  return { doc: next, clip };
}

export function uid() {
  if (globalThis.crypto && globalThis.crypto.randomUUID) return globalThis.crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}
