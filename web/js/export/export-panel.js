// Export: start a render of the timeline, follow it (progress, cancel), then download it
// (browser) or save it where the user chooses (desktop).
import { h, emit, clear } from '../shared/dom.js';

const RUNNING = new Set(['queued', 'rendering']);

export function mountExport(el) {
  let job = null;
  let desktop = false;

  function update() {
    clear(el);
    if (!job || !RUNNING.has(job.status)) {
      el.append(h('button', { type: 'button', class: 'primary', text: 'Export', onclick: () => emit(el, 'startexport') }));
    }
    if (!job) return;
    if (RUNNING.has(job.status)) {
      el.append(h('progress', { max: 1, value: job.progress || 0, 'aria-label': 'Export progress' }),
        h('span', { class: 'export-status', text: job.message || job.status }),
        h('button', { type: 'button', class: 'ghost', text: 'Cancel export', onclick: () => emit(el, 'cancelexport', { id: job.id }) }));
    } else if (job.status === 'done') {
      el.append(desktop
        ? h('button', { type: 'button', class: 'ghost', text: 'Save export…', onclick: () => emit(el, 'saveexport', { id: job.id }) })
        : h('a', { href: job.download_url, download: job.filename, class: 'button-link', text: `Download ${job.filename}` }));
    } else {
      el.append(h('span', { class: `export-status ${job.status}`, text: job.status === 'failed' ? `Export failed: ${job.message}` : 'Export cancelled' }));
    }
  }

  el.addEventListener('exportjob', (e) => { job = e.detail.job; update(); });
  el.addEventListener('mode', (e) => { desktop = e.detail.desktop; update(); });
  update();
}
