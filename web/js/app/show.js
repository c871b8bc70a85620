// Data down: the state sent to the mounted parts as noun events (`projects`, `media`, `jobs`,
// `timeline`), and messages for the user as `toast` events.
import { server } from './api.js';
import { send } from '../shared/dom.js';
import { jobsNewestFirst } from './state.js';

export function createShow(parts, state) {
  function toast(message, kind = 'info', actions = []) {
    send(parts.toasts, 'toast', { message, kind, actions });
  }

  function fail(err) {
    toast(err.message || String(err), 'error');
  }

  function projects() {
    send(parts.projects, 'projects', { projects: state.projects, current: state.project });
    send(parts.interchange, 'project', { open: Boolean(state.project) });
    parts.empty.hidden = Boolean(state.project);
    document.title = state.project ? `${state.project.name} — Reelcut` : 'Reelcut';
    // The desktop window has no JS bridge; the shell sets its title when asked over HTTP.
    if (state.desktop) {
      server.desktop.title(document.title, state.project ? state.project.id : null).catch(() => {});
    }
  }

  function media() {
    const detail = { items: state.media, enabled: Boolean(state.project), project: state.project ? state.project.id : null,
      projectId: state.project ? state.project.id : null };
    send(parts.media, 'media', detail);
    send(parts.ai, 'media', detail);
  }

  function jobs() {
    send(parts.ai, 'jobs', { jobs: jobsNewestFirst(state.jobs) });
    send(parts.timeline, 'jobs', { jobs: [...state.jobs.values()] }); // placeholders show their job's progress
    send(parts.preview, 'jobs', { jobs: [...state.jobs.values()] }); // and so do their cards in the preview
    send(parts.inspector, 'jobs', { jobs: [...state.jobs.values()] }); // how a generated clip was made
  }

  function timeline() {
    if (!state.timeline) return; // a project still opening: its timeline comes with it
    const { history } = state;
    const detail = { doc: state.timeline, media: state.media, selected: state.selected, canUndo: history.canUndo, canRedo: history.canRedo,
      limits: state.limits, snapping: state.snapping, marks: state.marks };
    send(parts.timeline, 'timeline', detail);
    send(parts.preview, 'timeline', detail);
    send(parts.inspector, 'timeline', detail);
    send(parts.captions, 'timeline', detail);
  }

  return { toast, fail, projects, media, jobs, timeline };
}
