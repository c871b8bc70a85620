// Start-up: what the server says about itself (desktop window or browser, the models), then the
// project opened last time.
import { server } from './api.js';
import { send } from '../shared/dom.js';
import { projectToOpen } from './state.js';

export async function start({ parts, state, show, project }) {
  try {
    // independent requests in parallel: start-up is a round trip, not five
    const [health, models, limits] = await Promise.all([server.health(), server.models(), server.timelineLimits(),
      project.load()]);
    state.limits = limits.limits;
    state.desktop = Boolean(health.desktop);
    send(parts.media, 'mode', { desktop: state.desktop });
    send(parts.exportSlot, 'mode', { desktop: state.desktop });
    state.models = models.models;
    send(parts.ai, 'models', { models: state.models });
    send(parts.timeline, 'models', { models: state.models }); // a retake on a clip names its model
    send(parts.preview, 'models', { models: state.models }); // and so does the preview's line of it
    await project.open(projectToOpen(state.projects, project.lastOpened()));
  } catch (err) {
    show.fail(err);
  }
}
