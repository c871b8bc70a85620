// The open project: the list of projects, opening one, every edit of its timeline (shown, and saved
// at once: each edit one step of the server's undo history), undo and redo, its view (playhead,
// zoom, scroll: saved apart, cheaply), and media gone for good.
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
//
// Undo is the server's (library/history.py): one history for every writer, kept in the library, so
// Ctrl+Z here undoes an agent's edit, an agent's undo undoes the window's, and it survives a reload.
// Each edit of the page is one step there: it is saved at once, one save at a time, each edit its
// own save (a drag is shown live and saved once, when it ends; the inspector's fields commit on
// Enter or blur, so typing is one edit). Premiere does the same: every edit its own undo step. A
// save waiting for the quiet moment after a burst of edits would make them one step.
import { server } from './api.js';
import { createSaveQueue } from './save-queue.js';
import { rebase, sameTimeline } from './sync-model.js';
import { incoming, isNews, othersStep } from './live-model.js';
import { send } from '../shared/dom.js';
import { mergeFetched } from '../media/library-model.js';
import { withTracks } from '../timeline/timeline-model.js';
import { findClip, removeMedia } from '../timeline/edit-model.js';
import { settleTransitions } from '../timeline/transitions-model.js';
import { adoptedFormat } from '../preview/canvas-model.js';

const LAST_PROJECT = 'reelcut.project';
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
  let pending = []; // the page's edits not saved yet, oldest first, each the document after it
  const own = new Map(); // project id -> the revisions this window's saves were given: its own steps of the history
  let stepping = null; // an undo or redo on its way to the server: saves wait for its answer
  let steps = Promise.resolve(); // undos and redos, one after another (Ctrl+Z pressed three times: three)
  let outstanding = 0; // undos and redos asked for and not answered yet
  const timelineSaves = createSaveQueue(putTimeline);
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
    const [media, timeline, jobs, view, exports, history] = await Promise.all([
      server.projects.media(id),
      server.projects.timeline(id),
      server.projects.jobs(id),
      server.projects.view(id),
      server.projects.exports(id),
      server.projects.timelineHistory(id),
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
    pending = [];
    state.history = { canUndo: history.can_undo, canRedo: history.can_redo };
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

  // Every edit goes through here: shown, and saved at once, one undo step of the server's. A `live`
  // edit (a value being dragged) is shown only; the edit that ends it is saved, one undo step from
  // where the drag began.
  let liveBase = null;
  function edit(next, { live = false } = {}) {
    if (!next || next === state.timeline) return;
    if (live) liveBase ??= state.timeline;
    else {
      liveBase = null;
      state.history = { canUndo: true, canRedo: false }; // a new step: what was undone can no longer be redone
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
    if (!live) {
      pending.push(next);
      saveEdits();
    }
  }

  // Media deleted from the library is gone for good: its clips leave the timeline, and the edits not
  // saved yet (the server would refuse them). Not itself a step to undo; the server has taken the
  // clips out of its copy already, and leaves them out of every step an undo or redo goes to.
  function forgetMedia(ids) {
    if (!state.timeline || !ids.length) return;
    state.timeline = removeMedia(state.timeline, ids);
    pending = pending.map((doc) => removeMedia(doc, ids));
    state.selected = state.selected.filter((id) => findClip(state.timeline, id));
    // the server took them out of its copy (no new revision): ours is compared without them
    if (lastSaved) lastSaved = removeMedia(lastSaved, ids);
  }

  // The edits not saved yet, each its own save (its own undo step), oldest first. After an undo on
  // its way: its answer is the copy they are saved on.
  async function putTimeline() {
    while (stepping) await stepping.catch(() => {});
    if (!state.project || !state.timeline) return;
    const id = state.project.id;
    const docs = pending.splice(0);
    for (const doc of docs) {
      let answer;
      try {
        answer = await server.projects.saveTimeline(id, doc, revision, WHO);
      } catch (err) {
        if (err.code !== 'stale_timeline') throw err;
        // another writer saved since: the page's edits from here on are made again on its copy, as one
        answer = await saveOverStale(id);
        if (answer) ownSave(id, answer);
        return;
      }
      ownSave(id, answer);
    }
  }

  function ownSave(id, answer) {
    if (!own.has(id)) own.set(id, new Set());
    own.get(id).add(answer.revision);
    // (a newer copy read meanwhile, another writer's, is not taken back)
    if (state.project && state.project.id === id && (revision === null || answer.revision >= revision)) {
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
  // a save waiting or in flight, an undo) goes first: it meets the change as a 409 and is made again on it;
  // whatever is still news after it is read then.
  let remoteTimer = null;
  function remoteChange(event) {
    if (!state.project || !isNews(event, { projectId: state.project.id, revision, client: CLIENT })) return;
    clearTimeout(remoteTimer);
    if (liveBase || !timelineSaves.idle() || stepping) {
      remoteTimer = setTimeout(() => remoteChange(event), REMOTE_RETRY_MS);
      return;
    }
    catchUp().catch(show.fail);
  }

  // The server's copy, shown if it is newer than the page's (after a change told, or a reconnect).
  // The change is a step of the server's history: Ctrl+Z here undoes it there.
  async function catchUp() {
    if (!state.project || !state.timeline) return;
    const id = state.project.id;
    const [fresh, history] = await Promise.all([server.projects.timeline(id), server.projects.timelineHistory(id)]);
    if (!state.project || state.project.id !== id || revision === null || fresh.revision <= revision) return;
    if (liveBase || !timelineSaves.idle()) { remoteChange({ project_id: id, revision: fresh.revision }); return; }
    const { doc, kept } = incoming(lastSaved, state.timeline, fresh.timeline);
    revision = fresh.revision;
    lastSaved = fresh.timeline;
    send(parts.exportSlot, 'revision', { revision });
    // (read together with the timeline: a change in between only makes a button wait for the next)
    state.history = { canUndo: history.can_undo || kept, canRedo: history.can_redo && !kept };
    showCopy(doc);
    if (kept) { pending = [state.timeline]; saveEdits(); }
  }

  // Undo (-1) or redo (+1) on the server's history, after the page's last edit is saved (a step
  // there too). The answer is the page's copy; the view (playhead, zoom, the selection where its
  // clips still are) stays. Undoing another writer's change (an agent's, another window's) says so.
  function step(direction) {
    outstanding += 1;
    steps = steps.catch(() => {}).then(() => stepOnce(direction)).finally(() => { outstanding -= 1; });
    return steps;
  }

  // While an undo or redo is on its way: a promise of its end (never failing); else null.
  function undoing() {
    return outstanding ? steps.catch(() => {}) : null;
  }

  async function stepOnce(direction) {
    if (!state.project || !state.timeline) return;
    const id = state.project.id;
    if (!timelineSaves.idle()) await timelineSaves.now().catch(show.fail);
    if (!state.project || state.project.id !== id || revision === null) return;
    // nothing there (the button is disabled too; another writer's change would have said otherwise)
    if (!(direction < 0 ? state.history.canUndo : state.history.canRedo)) return;
    const request = direction < 0 ? server.projects.undoTimeline : server.projects.redoTimeline;
    let answer;
    const asked = (async () => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          answer = await request(id, revision, WHO);
          return;
        } catch (err) {
          // another writer's change came first: it is shown, then undone (or redone) if still asked
          if (err.code === 'stale_timeline' && attempt === 1) { await catchUp(); continue; }
          if (err.code === 'nothing_to_undo' || err.code === 'nothing_to_redo') return;
          throw err;
        }
      }
    })();
    stepping = asked;
    try { await asked; } finally { stepping = null; }
    if (!state.project || state.project.id !== id) return;
    if (!answer) { // nothing there (the buttons were disabled already, unless another writer moved it)
      const history = await server.projects.timelineHistory(id);
      if (state.project && state.project.id === id) state.history = { canUndo: history.can_undo, canRedo: history.can_redo };
      show.timeline();
      return;
    }
    // an edit made while the undo was on its way is made again on its answer, and saved after it
    const { doc, kept } = incoming(lastSaved, state.timeline, answer.timeline);
    revision = answer.revision;
    lastSaved = answer.timeline;
    state.history = kept ? { canUndo: true, canRedo: false } : { canUndo: answer.can_undo, canRedo: answer.can_redo };
    showCopy(doc);
    // (a drag still under way is saved when it ends)
    pending = kept && pending.length ? [state.timeline] : [];
    if (othersStep(answer.step, own.get(id) || new Set())) show.toast(answer.label, 'info');
  }

  const undo = () => step(-1);
  const redo = () => step(+1);

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

  // (at once: `pending` keeps each edit apart, so edits close together are still one step each)
  function saveEdits() {
    timelineSaves.now().catch(show.fail);
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
    load, open, lastOpened, edit, undo, redo, undoing, forgetMedia, saveNow, saveViewSoon, flushSaves, remoteChange, catchUp,
  };
}
