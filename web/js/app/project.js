// The open project: the list of projects, opening one, every edit of its timeline (remembered for
// undo, shown, and saved a moment later), and media gone for good.
import { server } from './api.js';
import { send } from '../shared/dom.js';
import { mergeFetched } from '../media/library-model.js';
import { withTracks } from '../timeline/timeline-model.js';
import { History, findClip, removeMedia } from '../timeline/edit-model.js';
import { settleTransitions } from '../timeline/transitions-model.js';

const LAST_PROJECT = 'reelcut.project';
const SAVE_DELAY_MS = 300;

export function createProject(parts, state, show) {
  let saveTimer = null;

  async function load() {
    state.projects = (await server.projects.list()).projects;
  }

  async function open(id) {
    send(parts.preview, 'transport', { command: 'stop' });
    const project = state.projects.find((p) => p.id === id);
    if (!project) {
      state.project = null;
      state.media = [];
      state.jobs.clear();
      state.timeline = null;
      localStorage.removeItem(LAST_PROJECT);
      show.projects();
      show.media();
      show.jobs();
      send(parts.timeline, 'noproject');
      send(parts.preview, 'noproject');
      return;
    }
    state.project = project;
    state.media = []; // from here on, what arrives (an import, an event) belongs to this project
    localStorage.setItem(LAST_PROJECT, id);
    const [media, timeline, jobs] = await Promise.all([
      server.projects.media(id),
      server.projects.timeline(id),
      server.projects.jobs(id),
    ]);
    state.media = mergeFetched(media.media, state.media, id);
    state.timeline = withTracks(timeline.timeline);
    state.history = new History();
    state.selected = [];
    state.jobs = new Map(jobs.jobs.map((j) => [j.id, j]));
    show.projects();
    show.media();
    show.jobs();
    show.timeline();
  }

  // The project opened last time (in this browser), by id.
  function lastOpened() {
    return localStorage.getItem(LAST_PROJECT);
  }

  // Every edit goes through here: remembered for undo, shown, and saved a moment later. A `live`
  // edit (a value being dragged) is shown only; the edit that ends it is one undo step from
  // where the drag began.
  let liveBase = null;
  function edit(next, { live = false } = {}) {
    if (!next || next === state.timeline) return;
    if (live) liveBase ??= state.timeline;
    else {
      state.history.record(liveBase ?? state.timeline);
      liveBase = null;
    }
    // a trim moves a transition's overlap: the transition follows it (or goes with it)
    next = settleTransitions(next);
    next.playhead = state.timeline.playhead;
    next.zoom = state.timeline.zoom;
    state.timeline = next;
    show.timeline();
    if (!live) saveSoon();
  }

  // Media deleted from the library is gone for good: its clips leave the timeline and every step of
  // the history, so no undo or redo brings back a clip the server would refuse to save. Not itself a
  // step to undo; the server has taken the clips out of its copy already.
  function forgetMedia(ids) {
    if (!state.timeline || !ids.length) return;
    state.timeline = state.history.rewrite((doc) => removeMedia(doc, ids), state.timeline);
    state.selected = state.selected.filter((id) => findClip(state.timeline, id));
  }

  function saveSoon() {
    clearTimeout(saveTimer);
    const projectId = state.project && state.project.id;
    saveTimer = setTimeout(async () => {
      if (!projectId || !state.project || state.project.id !== projectId) return;
      try {
        await server.projects.saveTimeline(projectId, state.timeline);
      } catch (err) {
        show.fail(err);
      }
    }, SAVE_DELAY_MS);
  }

  // Saved at once (before an export reads it), instead of a moment later.
  async function saveNow() {
    clearTimeout(saveTimer);
    await server.projects.saveTimeline(state.project.id, state.timeline);
  }

  return { load, open, lastOpened, edit, forgetMedia, saveSoon, saveNow };
}
