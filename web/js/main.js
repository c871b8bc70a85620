// The controller: owns the app's state, talks to the API and the event stream, sends data down
// to the mounted components as noun events, and handles the verb events they send up.
import { server, urls } from './app/api.js';
import { reportCapabilities } from './app/capabilities.js';
import { mountAiPanel } from './generate/ai-panel.js';
import { mountMedia } from './media/media-panel.js';
import { mountPreview } from './preview/preview.js';
import { mountProjects } from './projects/projects-bar.js';
import { mountSettings } from './settings/settings-dialog.js';
import { mergeFetched, upsert } from './media/library-model.js';
import { mountTimeline } from './timeline/timeline-view.js';
import { mountToasts } from './shared/toasts.js';
import { timelineEnd, withTracks } from './timeline/timeline-model.js';
import {
  History, addTextClip, addTrack, deleteClips, dropClip, findClip, moveClip, removeMedia, removeTrack, setTrackFlag, splitAt,
  trimEnd, trimStart, updateClip,
} from './timeline/edit-model.js';
import { mountExport } from './export/export-panel.js';

const $ = (name) => document.querySelector(`[data-mount="${name}"]`);
const parts = {
  projects: $('projects'), media: $('media'), ai: $('ai'), timeline: $('timeline'), preview: $('preview'),
  toasts: $('toasts'), settings: $('settings'),
};
const LAST_PROJECT = 'reelcut.project';
const SAVE_DELAY_MS = 300;

const state = { projects: [], project: null, media: [], jobs: new Map(), timeline: null, models: [], desktop: false };
// Every policy violation from the first moment, for the desktop self-test's report.
const violations = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
let saveTimer = null;
let history = new History();
let selected = [];
let exportSlot = null;

function send(target, name, detail = {}) {
  target.dispatchEvent(new CustomEvent(name, { detail }));
}

function toast(message, kind = 'info') {
  send(parts.toasts, 'toast', { message, kind });
}

function fail(err) {
  toast(err.message || String(err), 'error');
}

// -- data down ---------------------------------------------------------------------------
function showProjects() {
  send(parts.projects, 'projects', { projects: state.projects, current: state.project });
  document.querySelector('[data-empty]').hidden = Boolean(state.project);
  document.title = state.project ? `${state.project.name} — Reelcut` : 'Reelcut';
  // The desktop window has no JS bridge; the shell sets its title when asked over HTTP.
  if (state.desktop) {
    server.desktop.title(document.title, state.project ? state.project.id : null).catch(() => {});
  }
}

function showMedia() {
  const detail = { items: state.media, enabled: Boolean(state.project) };
  send(parts.media, 'media', detail);
  send(parts.ai, 'media', detail);
}

function showJobs() {
  const jobs = [...state.jobs.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
  send(parts.ai, 'jobs', { jobs });
}

function showTimeline() {
  if (!state.timeline) return; // a project still opening: its timeline comes with it
  const detail = { doc: state.timeline, media: state.media, selected, canUndo: history.canUndo, canRedo: history.canRedo };
  send(parts.timeline, 'timeline', detail);
  send(parts.preview, 'timeline', detail);
}

// -- loading -----------------------------------------------------------------------------
async function loadProjects() {
  state.projects = (await server.projects.list()).projects;
}

async function openProject(id) {
  send(parts.preview, 'transport', { command: 'stop' });
  const project = state.projects.find((p) => p.id === id);
  if (!project) {
    state.project = null;
    state.media = [];
    state.jobs.clear();
    state.timeline = null;
    localStorage.removeItem(LAST_PROJECT);
    showProjects();
    showMedia();
    showJobs();
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
  history = new History();
  selected = [];
  state.jobs = new Map(jobs.jobs.map((j) => [j.id, j]));
  showProjects();
  showMedia();
  showJobs();
  showTimeline();
}

// Every edit goes through here: remembered for undo, shown, and saved a moment later.
function edit(next) {
  if (!next || next === state.timeline) return;
  history.record(state.timeline);
  next.playhead = state.timeline.playhead;
  next.zoom = state.timeline.zoom;
  state.timeline = next;
  showTimeline();
  saveTimelineSoon();
}

// Media deleted from the library is gone for good: its clips leave the timeline and every step of
// the history, so no undo or redo brings back a clip the server would refuse to save. Not itself a
// step to undo; the server has taken the clips out of its copy already.
function forgetMedia(ids) {
  if (!state.timeline || !ids.length) return;
  state.timeline = history.rewrite((doc) => removeMedia(doc, ids), state.timeline);
  selected = selected.filter((id) => findClip(state.timeline, id));
}

function mediaDuration(mediaId) {
  const m = state.media.find((x) => x.id === mediaId);
  return m && m.kind !== 'image' ? m.duration : Infinity;
}

function seekTo(time) {
  const t = Math.max(0, Math.min(time, Math.max(timelineEnd(state.timeline), 0)));
  actions.seek({ time: t });
}

function saveTimelineSoon() {
  clearTimeout(saveTimer);
  const projectId = state.project && state.project.id;
  saveTimer = setTimeout(async () => {
    if (!projectId || !state.project || state.project.id !== projectId) return;
    try {
      await server.projects.saveTimeline(projectId, state.timeline);
    } catch (err) {
      fail(err);
    }
  }, SAVE_DELAY_MS);
}

// -- the event stream ------------------------------------------------------------------------
// After the stream drops (server restart, sleep) the browser reconnects by itself, but whatever
// happened in between was missed: fetch the lists again. The timeline is ours, so it stays (less
// the clips of media deleted in between).
async function resync() {
  await loadProjects();
  const id = state.project && state.project.id;
  if (!id || !state.projects.some((p) => p.id === id)) { await openProject(state.projects[0] ? state.projects[0].id : null); return; }
  const before = state.media;
  const [media, jobs] = await Promise.all([
    server.projects.media(id),
    server.projects.jobs(id),
  ]);
  if (!state.project || state.project.id !== id) return;
  // what was deleted while the stream was down goes; an import that landed meanwhile stays
  state.media = mergeFetched(media.media, state.media, id, before);
  forgetMedia(before.filter((m) => !state.media.some((x) => x.id === m.id)).map((m) => m.id));
  state.jobs = new Map(jobs.jobs.map((j) => [j.id, j]));
  showProjects();
  showMedia();
  showJobs();
  showTimeline();
}

function listen() {
  const events = new EventSource(urls.events);
  let connected = false;
  events.addEventListener('open', () => {
    if (connected) resync().catch(fail);
    connected = true;
  });
  events.addEventListener('job', (e) => {
    const job = JSON.parse(e.data);
    if (!state.project || job.project_id !== state.project.id) return;
    const before = state.jobs.get(job.id);
    state.jobs.set(job.id, job);
    showJobs();
    if (job.status === 'failed' && before && before.status !== 'failed') {
      toast(`Generation failed: ${job.error ? job.error.message : job.message}`, 'error');
      // a provider's refusal of one parameter (fal's 422) goes next to that field of that model
      if (job.error && job.error.field) {
        send(parts.ai, 'generateerror', { message: job.error.message, field: job.error.field, model_id: job.model_id });
      }
    }
  });
  events.addEventListener('media', (e) => {
    const { project_id: projectId, media } = JSON.parse(e.data);
    if (!state.project || projectId !== state.project.id) return;
    state.media = upsert(state.media, media);
    send(parts.preview, 'mediachanged', { id: media.id, media });
    showMedia();
    showTimeline();
  });
  events.addEventListener('export', (e) => {
    const job = JSON.parse(e.data);
    if (state.project && job.project_id === state.project.id) send(exportSlot, 'exportjob', { job });
    if (job.status === 'done') toast('Export finished.');
  });
  events.addEventListener('media_deleted', (e) => {
    const { project_id: projectId, id } = JSON.parse(e.data);
    if (!state.project || projectId !== state.project.id) return;
    state.media = state.media.filter((m) => m.id !== id);
    forgetMedia([id]);
    showMedia();
    showTimeline();
  });
  const refreshProjects = async () => {
    await loadProjects();
    if (state.project) state.project = state.projects.find((p) => p.id === state.project.id) || null;
    if (!state.project) await openProject(null); else showProjects();
  };
  events.addEventListener('selftest', async (e) => {
    const { runSelfTest } = await import('./app/selftest.js');
    runSelfTest({ projectId: JSON.parse(e.data).project_id, openProject: async (id) => { await loadProjects(); await openProject(id); },
      play: () => actions.toggleplay(), violations }).catch(fail);
  });
  events.addEventListener('notice', (e) => {
    const { message, kind } = JSON.parse(e.data);
    toast(message, kind);
  });
  events.addEventListener('project', refreshProjects);
  events.addEventListener('project_deleted', refreshProjects);
}

// -- actions up ------------------------------------------------------------------------------
const actions = {
  async createproject({ name }) {
    const { project } = await server.projects.create(name);
    await loadProjects();
    await openProject(project.id);
  },
  openproject: ({ id }) => openProject(id),
  async renameproject({ id, name }) {
    await server.projects.rename(id, name);
    await loadProjects();
    state.project = state.projects.find((p) => p.id === id);
    showProjects();
  },
  async deleteproject({ id }) {
    await server.projects.remove(id);
    await loadProjects();
    await openProject(state.projects[0] ? state.projects[0].id : null);
  },
  async importnative() {
    // desktop: the native Open dialog; files are copied in by path on the Python side
    const { media } = await server.desktop.open(state.project.id);
    for (const item of media) state.media = upsert(state.media, item);
    showMedia();
  },
  async revealmedia({ id }) {
    await server.desktop.reveal(id);
  },
  async importfiles({ files }) {
    if (!state.project) { toast('Open or create a project first.', 'warn'); return; }
    for (const file of files) {
      const form = new FormData();
      form.append('file', file, file.name);
      try {
        const { media } = await server.projects.importFile(state.project.id, form);
        for (const item of media) state.media = upsert(state.media, item);
        showMedia();
        toast(`Imported ${file.name}.`);
      } catch (err) {
        fail(err);
      }
    }
  },
  async deletemedia({ id }) {
    await server.media.remove(id);
  },
  async generate(request) {
    try {
      const { jobs } = await server.generations.start({ project_id: state.project.id, ...request });
      send(parts.ai, 'generated', { jobs });
      for (const job of jobs) {
        if (!state.jobs.has(job.id)) state.jobs.set(job.id, { ...job, project_id: state.project.id, progress: 0, created_at: new Date().toISOString() });
      }
      showJobs();
    } catch (err) {
      send(parts.ai, 'generateerror', { message: err.message, field: err.field, model_id: err.modelId });
      fail(err);
    }
  },
  canceljob: ({ id }) => server.generations.cancel(id),
  retryjob: ({ id }) => server.generations.retry(id),
  dropclip({ trackId, mediaId, start }) {
    const media = state.media.find((m) => m.id === mediaId);
    if (!media) return;
    const dropped = dropClip(state.timeline, trackId, media, start);
    if (dropped) edit(dropped.doc);
  },
  editclip({ op, clipId, trackId, start, time }) {
    if (op === 'move') edit(moveClip(state.timeline, clipId, trackId, start));
    else if (op === 'trimstart') edit(trimStart(state.timeline, clipId, time));
    else if (op === 'trimend') {
      const found = findClip(state.timeline, clipId);
      edit(trimEnd(state.timeline, clipId, time, found && found.clip.media_id ? mediaDuration(found.clip.media_id) : Infinity));
    }
    if (op !== 'move') showTimeline();
  },
  select({ ids, additive }) {
    if (additive) {
      const set = new Set(selected);
      for (const id of ids) if (set.has(id)) set.delete(id); else set.add(id);
      selected = [...set];
    } else {
      selected = ids;
    }
    showTimeline();
  },
  split() {
    const t = state.timeline.playhead;
    // the selected clips, or else whatever is under the playhead
    const ids = selected.length ? selected : state.timeline.tracks.flatMap((tr) => tr.clips.map((c) => c.id));
    edit(splitAt(state.timeline, ids, t));
  },
  deleteselected() {
    if (!selected.length) return;
    const ids = selected;
    selected = [];
    edit(deleteClips(state.timeline, ids));
  },
  undo() {
    const prev = history.undo(state.timeline);
    if (prev) { state.timeline = { ...prev, playhead: state.timeline.playhead, zoom: state.timeline.zoom }; showTimeline(); saveTimelineSoon(); }
  },
  redo() {
    const next = history.redo(state.timeline);
    if (next) { state.timeline = { ...next, playhead: state.timeline.playhead, zoom: state.timeline.zoom }; showTimeline(); saveTimelineSoon(); }
  },
  trackop({ op, kind, trackId, flag, value }) {
    if (op === 'add') edit(addTrack(state.timeline, kind));
    else if (op === 'remove') {
      const track = state.timeline.tracks.find((t) => t.id === trackId);
      if (track && track.clips.length && !window.confirm(`Remove ${track.name || 'the track'} and its ${track.clips.length} clip(s)?`)) return;
      edit(removeTrack(state.timeline, trackId));
    } else if (op === 'flag') edit(setTrackFlag(state.timeline, trackId, flag, value));
  },
  addtext() {
    const { doc, clip } = addTextClip(state.timeline, state.timeline.playhead, 'Title');
    if (!clip) { toast('No room for a title at the playhead.', 'warn'); return; }
    selected = [clip.id];
    edit(doc);
  },
  edittext({ clipId }) {
    const found = findClip(state.timeline, clipId);
    if (!found) return;
    const text = window.prompt('Title text', found.clip.text);
    if (text !== null) edit(updateClip(state.timeline, clipId, { text }));
  },
  async startexport() {
    clearTimeout(saveTimer);
    await server.projects.saveTimeline(state.project.id, state.timeline);
    const { job } = await server.projects.startExport(state.project.id);
    send(exportSlot, 'exportjob', { job });
  },
  cancelexport: ({ id }) => server.exports.cancel(id),
  async saveexport({ id }) {
    const { path } = await server.desktop.saveExport(id);
    if (path) toast(`Saved ${path}.`);
  },
  seek({ time }) {
    if (!state.timeline) return;
    state.timeline.playhead = time;
    send(parts.timeline, 'playhead', { time });
    send(parts.preview, 'position', { time });
    saveTimelineSoon();
  },
  zoom({ zoom }) {
    state.timeline.zoom = zoom;
    showTimeline();
    saveTimelineSoon();
  },
  tick({ time }) {
    state.timeline.playhead = time;
    send(parts.timeline, 'playhead', { time });
  },
  playstate({ playing }) {
    if (!playing) saveTimelineSoon();
  },
  toast({ message, kind }) {
    toast(message, kind);
  },
  toggleplay() {
    if (state.timeline) send(parts.preview, 'transport', { command: 'toggle' });
  },
};

for (const [name, handler] of Object.entries(actions)) {
  document.addEventListener(name, async (e) => {
    try {
      await handler(e.detail || {});
    } catch (err) {
      fail(err);
    }
  });
}

// Editor shortcuts, ignored while typing in a field.
const KEYS = {
  Space: () => actions.toggleplay(),
  KeyS: () => actions.split(),
  Delete: () => actions.deleteselected(),
  Backspace: () => actions.deleteselected(),
  KeyJ: () => send(parts.preview, 'transport', { command: 'shuttle', speed: -1 }),
  KeyK: () => send(parts.preview, 'transport', { command: 'stop' }),
  KeyL: () => send(parts.preview, 'transport', { command: 'shuttle', speed: 1 }),
  ArrowLeft: () => seekTo(state.timeline.playhead - 1 / state.timeline.fps),
  ArrowRight: () => seekTo(state.timeline.playhead + 1 / state.timeline.fps),
  Home: () => seekTo(0),
  End: () => seekTo(timelineEnd(state.timeline)),
};

document.addEventListener('keydown', (e) => {
  const typing = e.target.closest && e.target.closest('input, textarea, select, [contenteditable], dialog');
  if (typing || !state.timeline) return;
  if ((e.ctrlKey || e.metaKey) && e.code === 'KeyZ') {
    e.preventDefault();
    if (e.shiftKey) actions.redo(); else actions.undo();
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const run = KEYS[e.code];
  if (run) {
    e.preventDefault();
    run();
  }
});

async function start() {
  mountToasts(parts.toasts);
  mountProjects(parts.projects);
  mountMedia(parts.media);
  mountAiPanel(parts.ai);
  exportSlot = mountTimeline(parts.timeline).exportSlot;
  mountExport(exportSlot);
  mountPreview(parts.preview);
  const settings = mountSettings(parts.settings);
  // which source plays first can change with the settings (remote preview, preview proxies)
  parts.settings.addEventListener('settingschanged', () => send(parts.preview, 'sourceschanged'));
  document.querySelector('[data-action="open-settings"]').addEventListener('click', () => settings.open());
  reportCapabilities();
  listen();
  try {
    // independent requests in parallel: start-up is a round trip, not five
    const [health, models] = await Promise.all([server.health(), server.models(), loadProjects()]);
    state.desktop = Boolean(health.desktop);
    send(parts.media, 'mode', { desktop: state.desktop });
    send(exportSlot, 'mode', { desktop: state.desktop });
    state.models = models.models;
    send(parts.ai, 'models', { models: state.models });
    const last = localStorage.getItem(LAST_PROJECT);
    const first = state.projects.find((p) => p.id === last) || state.projects[0];
    await openProject(first ? first.id : null);
  } catch (err) {
    fail(err);
  }
}

start();
