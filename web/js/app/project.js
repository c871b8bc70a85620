// The open project: the list of projects, opening one, every edit of its timeline (remembered for
// undo, shown, and saved a moment later), its view (playhead, zoom, scroll: saved apart, cheaply),
// and media gone for good.
//
// The timeline carries the server's revision. Saves go one at a time, each made on the revision the
// last one answered. When another writer (a second window, an agent) saved in between, the server
// answers 409 `stale_timeline`: the page reads the server's copy and its revision, makes its edit
// (what it changed since its last save: fields, tracks, clips by id) again on that copy, shows and
// saves it, with a toast. When the two do not fit together (the server refuses the combination), the
// page's copy is saved over the other ("last writer wins, knowingly"), and said so. The user's edit
// is never lost.
//
// Another writer's change (an agent over MCP, a script, another window) is told by the event stream
// (`timeline_changed`): the page reads it and shows it at once, its own unsaved edit made again on it
// (live-model.js). Its own saves say who made them ({source: 'page', client}), so it knows its own.
import { server } from './api.js';
import { createSaveQueue } from './save-queue.js';
import { rebase, sameTimeline } from './sync-model.js';
import { incoming, isNews } from './live-model.js';
import { send } from '../shared/dom.js';
import { mergeFetched } from '../media/library-model.js';
import { withTracks } from '../timeline/timeline-model.js';
import { History, findClip, removeMedia } from '../timeline/edit-model.js';
import { settleTransitions } from '../timeline/transitions-model.js';
import { adoptedFormat } from '../preview/canvas-model.js';

const LAST_PROJECT = 'reelcut.project';
const SAVE_DELAY_MS = 300;
const VIEW_DELAY_MS = 500;
const STALE_TRIES = 3;
const REMOTE_RETRY_MS = 400; // another writer's change waits this long for the page's own edit to be saved
// this window, among every writer of the timeline
const CLIENT = globalThis.crypto && crypto.randomUUID ? crypto.randomUUID()
  : `w-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
const WHO = { source: 'page', client: CLIENT };

export function createProject(parts, state, show) {
  let revision = null; // the revision of the open project's timeline the page last read or saved
  let lastSaved = null; // the server's copy at that revision
  let scroll = 0;
  const timelineSaves = createSaveQueue(putTimeline, { delay: SAVE_DELAY_MS });
  const viewSaves = createSaveQueue(putView, { delay: VIEW_DELAY_MS });

  // the timeline's scroll position is view state too
  parts.timeline.addEventListener('scroll', (e) => {
    if (!state.project || !e.target.classList || !e.target.classList.contains('timeline-scroll')) return;
    scroll = e.target.scrollLeft;
    saveViewSoon();
  }, true);

  async function load() {
    state.projects = (await server.projects.list()).projects;
  }

  // What the open project still has to save, saved now: before another opens, and before it is
  // deleted (a save arriving after the delete would meet a 404).
  async function flushSaves() {
    await Promise.all([
      timelineSaves.idle() ? null : timelineSaves.now().catch((err) => { if (err.code !== 'not_found') show.fail(err); }),
      viewSaves.idle() ? null : viewSaves.now().catch(() => {}),
    ]);
  }

  async function open(id) {
    send(parts.preview, 'transport', { command: 'stop' });
    await flushSaves();
    const project = state.projects.find((p) => p.id === id);
    if (!project) {
      state.project = null;
      state.media = [];
      state.jobs.clear();
      state.timeline = null;
      state.marks = { in: null, out: null };
      localStorage.removeItem(LAST_PROJECT);
      show.projects();
      show.media();
      show.jobs();
      send(parts.timeline, 'noproject');
      send(parts.preview, 'noproject');
      send(parts.captions, 'noproject');
      send(parts.exportSlot, 'project', { id: null, exports: [] });
      return;
    }
    state.project = project;
    revision = null; // until its timeline is read: a change told meanwhile is in what is read
    state.media = []; // from here on, what arrives (an import, an event) belongs to this project
    localStorage.setItem(LAST_PROJECT, id);
    // the previous project's export is not this one's: the panel forgets it before anything awaits
    send(parts.exportSlot, 'project', { id, exports: [] });
    const [media, timeline, jobs, view, exports] = await Promise.all([
      server.projects.media(id),
      server.projects.timeline(id),
      server.projects.jobs(id),
      server.projects.view(id),
      server.projects.exports(id),
    ]);
    state.media = mergeFetched(media.media, state.media, id);
    revision = timeline.revision;
    lastSaved = timeline.timeline;
    // the view is restored: the document's playhead and zoom are the view's (the server merges them)
    state.timeline = withTracks({ ...timeline.timeline, playhead: view.view.playhead, zoom: view.view.zoom });
    scroll = view.view.scroll;
    state.marks = { in: view.view.in_point ?? null, out: view.view.out_point ?? null };
    if (state.project && state.project.id === id) {
      send(parts.exportSlot, 'project', { id, exports: exports.exports, revision });
    }
    state.history = new History();
    state.selected = [];
    state.jobs = new Map(jobs.jobs.map((j) => [j.id, j]));
    show.projects();
    show.media();
    show.jobs();
    show.timeline();
    requestAnimationFrame(() => {
      const scroller = parts.timeline.querySelector('.timeline-scroll');
      if (scroller && state.project && state.project.id === id) scroller.scrollLeft = scroll;
    });
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
    const format = adoptedFormat(state.timeline, next, state.media);
    if (format) {
      next = { ...next, ...format };
      show.toast(`The timeline took its first clip's format: ${format.width} × ${format.height} at ${format.fps} fps. `
        + 'Change it above the preview.');
    }
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
    // the server took them out of its copy (no new revision): ours is compared without them
    if (lastSaved) lastSaved = removeMedia(lastSaved, ids);
  }

  async function putTimeline() {
    if (!state.project || !state.timeline) return;
    const id = state.project.id;
    let answer;
    try {
      answer = await server.projects.saveTimeline(id, state.timeline, revision, WHO);
    } catch (err) {
      if (err.code !== 'stale_timeline') throw err;
      answer = await saveOverStale(id);
    }
    // (a newer copy read meanwhile, another writer's, is not taken back)
    if (answer && state.project && state.project.id === id && (revision === null || answer.revision >= revision)) {
      revision = answer.revision;
      lastSaved = answer.timeline;
      // an export made from an older revision is no longer what the timeline is
      send(parts.exportSlot, 'revision', { revision });
    }
  }

  // 409: another writer saved since. Read its copy and make the page's edit again on it; if the
  // server refuses that (the two no longer fit together), save the page's copy over it; if even that
  // is refused (e.g. its media was deleted there), show theirs.
  async function saveOverStale(id) {
    for (let attempt = 1; ; attempt += 1) {
      const fresh = await server.projects.timeline(id);
      if (!state.project || state.project.id !== id) return null;
      const mine = state.timeline;
      const theirs = !sameTimeline(fresh.timeline, lastSaved);
      const tries = theirs && lastSaved ? [rebase(lastSaved, mine, fresh.timeline), mine] : [mine];
      let refused = null;
      for (const doc of tries) {
        const shown = doc === mine ? null : showCopy(doc);
        try {
          const answer = await server.projects.saveTimeline(id, doc, fresh.revision, WHO);
          if (theirs) {
            show.toast(doc === mine
              ? 'The timeline was changed elsewhere (in another window or by an agent), and the change could not be '
                + 'combined with yours: your timeline was saved over it.'
              : 'The timeline was changed elsewhere (in another window or by an agent). It was reloaded, and your '
                + 'edit made again on it.', 'warn');
          }
          return answer;
        } catch (err) {
          if (shown && state.timeline === shown) showCopy(mine); // not edited meanwhile: back to the page's own
          if (err.code === 'stale_timeline') { refused = err; break; }
          if (err.status !== 422) throw err;
          refused = err;
        }
      }
      if (refused.code === 'stale_timeline' && attempt < STALE_TRIES) continue;
      if (refused.code === 'stale_timeline') throw refused;
      showCopy(fresh.timeline);
      show.toast(`The timeline was changed elsewhere, and your edit no longer fits it (${refused.message}). `
        + 'The changed timeline was loaded instead.', 'error');
      return fresh;
    }
  }

  // `timeline_changed`: another writer changed the timeline. An edit of the page's on its way (a drag,
  // a save waiting or in flight) goes first: it meets the change as a 409 and is made again on it;
  // whatever is still news after it is read then.
  let remoteTimer = null;
  function remoteChange(event) {
    if (!state.project || !isNews(event, { projectId: state.project.id, revision, client: CLIENT })) return;
    clearTimeout(remoteTimer);
    if (liveBase || !timelineSaves.idle()) {
      remoteTimer = setTimeout(() => remoteChange(event), REMOTE_RETRY_MS);
      return;
    }
    catchUp().catch(show.fail);
  }

  // The server's copy, shown if it is newer than the page's (after a change told, or a reconnect).
  // Until the page's undo is the server's (issue 17, piece 2), the change is one step of the page's
  // own history, so Ctrl+Z here takes it back (as a save of the page's).
  async function catchUp() {
    if (!state.project || !state.timeline) return;
    const id = state.project.id;
    const fresh = await server.projects.timeline(id);
    if (!state.project || state.project.id !== id || revision === null || fresh.revision <= revision) return;
    if (liveBase || !timelineSaves.idle()) { remoteChange({ project_id: id, revision: fresh.revision }); return; }
    const { doc, kept } = incoming(lastSaved, state.timeline, fresh.timeline);
    state.history.record(state.timeline);
    revision = fresh.revision;
    lastSaved = fresh.timeline;
    send(parts.exportSlot, 'revision', { revision });
    showCopy(doc);
    if (kept) saveSoon();
  }

  // another copy of the timeline shown in place of the page's (the view stays the page's)
  function showCopy(doc) {
    state.timeline = withTracks({ ...doc, playhead: state.timeline.playhead, zoom: state.timeline.zoom });
    state.selected = state.selected.filter((id) => findClip(state.timeline, id));
    show.timeline();
    return state.timeline;
  }

  async function putView() {
    if (!state.project || !state.timeline) return;
    await server.projects.saveView(state.project.id, {
      playhead: state.timeline.playhead, zoom: state.timeline.zoom, scroll,
      in_point: state.marks.in, out_point: state.marks.out,
    });
  }

  function saveSoon() {
    timelineSaves.soon(show.fail);
  }

  // Saved at once (before an export reads it), instead of a moment later. Nothing changed since the
  // last save: nothing saved, since a save is a new revision, and every export made before a new
  // revision is marked as made before the last edit.
  async function saveNow() {
    if (timelineSaves.idle() && lastSaved && state.timeline && sameTimeline(state.timeline, lastSaved)) return;
    await timelineSaves.now();
  }

  // A seek, a zoom, a pause or a scroll: the view is saved a moment later, never the timeline.
  function saveViewSoon() {
    viewSaves.soon(() => {}); // the view is a convenience: a failed save of it is not worth a toast
  }

  return {
    load, open, lastOpened, edit, forgetMedia, saveSoon, saveNow, saveViewSoon, flushSaves, remoteChange, catchUp,
  };
}
