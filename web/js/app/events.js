// The event stream (SSE, docs/API.md): what the server tells every open page (jobs, media,
// exports, projects, notices) goes into the state and down to the parts. After a reconnect the
// page fetches what it may have missed.
import { server, urls } from './api.js';
import { send } from '../shared/dom.js';
import { mergeFetched, upsert } from '../media/library-model.js';
import { firstLine } from '../generate/panel-model.js';
import { createAnnouncer } from './announce-model.js';

export function listen({ parts, state, show, project, actions, violations, say = () => {} }) {
  // progress of generations and exports for screen readers: the start, each quarter, the end
  const announce = createAnnouncer();
  // After the stream drops (server restart, sleep) the browser reconnects by itself, but whatever
  // happened in between was missed: fetch the lists again. The timeline is ours, so it stays (less
  // the clips of media deleted in between).
  async function resync() {
    await project.load();
    const id = state.project && state.project.id;
    if (!id || !state.projects.some((p) => p.id === id)) { await project.open(state.projects[0] ? state.projects[0].id : null); return; }
    const before = state.media;
    const [media, jobs] = await Promise.all([
      server.projects.media(id),
      server.projects.jobs(id),
    ]);
    if (!state.project || state.project.id !== id) return;
    // what was deleted while the stream was down goes; an import that landed meanwhile stays
    state.media = mergeFetched(media.media, state.media, id, before);
    project.forgetMedia(before.filter((m) => !state.media.some((x) => x.id === m.id)).map((m) => m.id));
    state.jobs = new Map(jobs.jobs.map((j) => [j.id, j]));
    await project.catchUp(); // another writer's change of the timeline while the stream was down
    show.projects();
    show.media();
    show.jobs();
    show.timeline();
  }

  const events = new EventSource(urls.events);
  let connected = false;
  events.addEventListener('open', () => {
    if (connected) resync().catch(show.fail);
    connected = true;
  });
  events.addEventListener('job', (e) => {
    const job = JSON.parse(e.data);
    if (!state.project || job.project_id !== state.project.id) return;
    const before = state.jobs.get(job.id);
    state.jobs.set(job.id, job);
    show.jobs();
    const news = announce(job, `Generation of ${firstLine(job.prompt, 40) || 'a clip'}`);
    const toasted = job.status === 'failed' && before && before.status !== 'failed';
    // the toasts are a live region too: what a toast says is not said again
    if (!toasted) say(news);
    if (toasted) {
      show.toast(`Generation failed: ${job.error ? job.error.message : job.message}`, 'error');
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
    show.media();
    show.timeline();
  });
  events.addEventListener('export', (e) => {
    const job = JSON.parse(e.data);
    if (state.project && job.project_id === state.project.id) {
      send(parts.exportSlot, 'exportjob', { job });
      send(parts.exportDialog, 'exportjob', { job });
      const news = announce(job, 'Export');
      if (job.status !== 'done') say(news); // "Export finished: …" is the toast's
    }
    if (job.status === 'done') {
      const name = job.filename || 'the export';
      show.toast(`Export finished: ${name}.`, 'info', state.desktop
        ? [{ label: 'Reveal', name: `Reveal ${name} in the file manager`, event: 'revealfile', detail: { export_id: job.id } }] : []);
    }
  });
  // an agent, a script or another window changed the timeline: shown at once (project.js)
  events.addEventListener('timeline_changed', (e) => project.remoteChange(JSON.parse(e.data)));
  events.addEventListener('media_deleted', (e) => {
    const { project_id: projectId, id } = JSON.parse(e.data);
    if (!state.project || projectId !== state.project.id) return;
    state.media = state.media.filter((m) => m.id !== id);
    project.forgetMedia([id]);
    show.media();
    show.timeline();
  });
  const refreshProjects = async () => {
    await project.load();
    if (state.project) state.project = state.projects.find((p) => p.id === state.project.id) || null;
    if (!state.project) await project.open(null); else show.projects();
  };
  events.addEventListener('selftest', async (e) => {
    const { runSelfTest } = await import('./selftest.js');
    runSelfTest({ projectId: JSON.parse(e.data).project_id, openProject: async (id) => { await project.load(); await project.open(id); },
      play: () => actions.toggleplay(), violations }).catch(show.fail);
  });
  events.addEventListener('notice', (e) => {
    const { message, kind } = JSON.parse(e.data);
    show.toast(message, kind);
  });
  events.addEventListener('project', refreshProjects);
  events.addEventListener('project_deleted', refreshProjects);
}
