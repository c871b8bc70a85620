// Another writer's change of the open timeline (an agent over MCP, a script, another window),
// told by the event stream as `timeline_changed` {project_id, revision, source, client, action}.
// Pure: whether an event is news to this window, and what the window then shows.
import { rebase, sameTimeline } from './sync-model.js';

// News: about the open project, at a revision newer than the one this window last read or saved,
// and not made by this window (its own save's event can arrive before the save's answer, when the
// window does not know that revision yet: `client` tells it apart).
export function isNews(event, { projectId, revision, client }) {
  if (!event || !projectId || event.project_id !== projectId) return false;
  if (client && event.client === client) return false;
  // a window that has read no revision yet is opening the project: what it reads is the newest
  if (typeof event.revision !== 'number' || typeof revision !== 'number') return false;
  return event.revision > revision;
}

// What the window shows once it has read the server's copy (`fresh`): that copy, or, when the
// window has an edit of its own not saved yet (`mine` differs from `lastSaved`, the server's copy
// it last had), its edit made again on that copy, as the 409 path does. `kept`: the window's own
// edit is in it (so it still has to be saved).
export function incoming(lastSaved, mine, fresh) {
  if (!mine || !lastSaved || sameTimeline(mine, lastSaved)) return { doc: fresh, kept: false };
  return { doc: rebase(lastSaved, mine, fresh), kept: true };
}

// Whether an undo (or redo) took back another writer's change: an agent's, a script's, another
// window's (or this one's before a reload: a window knows its own saves by the revisions they were
// given, `own`). `step` is the answer's {revision, source}.
export function othersStep(step, own) {
  return Boolean(step) && (step.source !== 'page' || !own.has(step.revision));
}
