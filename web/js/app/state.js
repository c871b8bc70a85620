// The app's state, as plain data, and the small rules on it that need no DOM (tested with node).
import { timelineEnd } from '../timeline/timeline-model.js';

export function createState() {
  return {
    projects: [],
    project: null, // the open one
    media: [], // the open project's library
    jobs: new Map(), // generation job id -> job, the open project's
    timeline: null, // the open project's document; null while a project opens, or with none open
    models: [],
    desktop: false, // shown in the desktop window (native dialogs) rather than a browser
    selected: [], // ids of the selected clips
    history: { canUndo: false, canRedo: false }, // what the server's undo history of the timeline allows
    limits: null, // what a timeline may hold (the server's), for refusing a value beside its field
    snapping: true, // whether drops, moves and trims snap (N toggles it; the timeline shows and obeys it)
    clipboard: null, // copied clips (timeline/clipboard-model.js), in page memory
    marks: { in: null, out: null }, // the In and Out points (seconds) of the export's range: the view's, not the document's
  };
}

// Generation jobs, newest first.
export function jobsNewestFirst(jobs) {
  return [...jobs.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
}

// How far a clip of this media can be trimmed out: a still (or media no longer listed) has no end.
export function mediaDuration(media, mediaId) {
  const m = media.find((x) => x.id === mediaId);
  return m && m.kind !== 'image' ? m.duration : Infinity;
}

// The selection after a click on clips: those clips, or (additive: Shift or Ctrl) each of them
// added to the selection or taken out of it.
export function nextSelection(selected, ids, additive) {
  if (!additive) return ids;
  const set = new Set(selected);
  for (const id of ids) if (set.has(id)) set.delete(id); else set.add(id);
  return [...set];
}

// What Split cuts: the selected clips, or else whatever is under the playhead.
export function splitTargets(doc, selected) {
  return selected.length ? selected : doc.tracks.flatMap((tr) => tr.clips.map((c) => c.id));
}

// A time the playhead can be moved to: from 0 to the end of the timeline.
export function playheadWithin(doc, time) {
  return Math.max(0, Math.min(time, Math.max(timelineEnd(doc), 0)));
}

// The project to open at start: the one open last time, or else the first; null for none.
export function projectToOpen(projects, lastId) {
  const first = projects.find((p) => p.id === lastId) || projects[0];
  return first ? first.id : null;
}
