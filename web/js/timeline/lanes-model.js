// What the timeline's lanes must change on screen, as pure functions (no DOM; tested with node).
// Clip elements are keyed by clip id and stand for a signature of what they show; an edit
// replaces only the elements whose clip changed. Only clips near the visible stretch are in the
// DOM at all (windowing), so the DOM's size does not grow with the timeline's length.
import { clipLength } from './values.js';

// What a clip's element shows: the clip itself and its media's name and pictures. A new selection
// is not in it (it is a class on the element, changed in place).
export function clipSignature(clip, media) {
  const m = media ? `${media.name}|${media.kind}|${media.thumbnail_url ?? ''}|${media.audio_codec ?? ''}` : '-';
  return `${JSON.stringify(clip)}#${m}`;
}

export function transitionSignature(clip) {
  return `${clip.start}|${clip.transition_in.type}|${clip.transition_in.duration}`;
}

// The stretch of time [t0, t1) to keep in the DOM: what is visible, and half as much again on each
// side so a scroll shows clips that are there already.
export function visibleWindow(scrollLeft, width, zoom) {
  const margin = Math.max(width / 2, 400);
  return [Math.max(0, (scrollLeft - margin) / zoom), (scrollLeft + width + margin) / zoom];
}

export function inWindow(clip, [t0, t1]) {
  return clip.start + clipLength(clip) > t0 && clip.start < t1;
}

// One lane's changes: `shown` maps the ids of the elements in the DOM to their signatures.
// Returns the clips to add, the clips whose element must be replaced, and the ids to remove.
export function planLane(shown, clips, signatureOf, window) {
  const add = [];
  const replace = [];
  const wanted = new Set();
  for (const clip of clips) {
    if (!inWindow(clip, window)) continue;
    wanted.add(clip.id);
    const was = shown.get(clip.id);
    if (was === undefined) add.push(clip);
    else if (was !== signatureOf(clip)) replace.push(clip);
  }
  const remove = [...shown.keys()].filter((id) => !wanted.has(id));
  return { add, replace, remove };
}

// The ruler's step in seconds for a zoom (pixels a second): a label every 60 px or more.
export function rulerStep(zoom) {
  return [1, 2, 5, 10, 15, 30, 60, 120, 300, 600].find((s) => s * zoom >= 60) ?? 600;
}

// The scroll that keeps time `anchor` at the same place on screen when the zoom changes.
export function anchoredScroll(anchor, scrollLeft, oldZoom, newZoom) {
  return Math.max(0, anchor * newZoom - (anchor * oldZoom - scrollLeft));
}
