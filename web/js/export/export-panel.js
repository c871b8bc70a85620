// Export, in the timeline's bar: the button that opens the export dialog, then the latest export
// of the open project followed (progress, cancel), then downloaded (browser) or saved where the
// user chooses (desktop). An export made before the last edit says so; another project's is never
// shown.
import { h, emit, clear } from '../shared/dom.js';
import { isStale } from './export-model.js';

const RUNNING = new Set(['queued', 'rendering']);

export function mountExport(el) {
  let job = null;
  let desktop = false;
  let projectId = null;
  let revision = null; // of the open project's timeline, as last saved
  // Kept while an export runs: progress arrives five times a second, and a Cancel button rebuilt
  // on each would lose a press that spans one (the release lands on another button).
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Export progress' });
  const status = h('span', { class: 'export-status' });
  const cancel = h('button', { type: 'button', class: 'ghost', text: 'Cancel export',
    onclick: () => job && emit(el, 'cancelexport', { id: job.id }) });
  const running = [progress, status, cancel];

  function update() {
    if (job && RUNNING.has(job.status)) {
      progress.value = job.progress || 0;
      status.textContent = job.message || job.status;
      if (el.firstChild !== progress || el.childNodes.length !== running.length) {
        clear(el);
        el.append(...running);
      }
      return;
    }
    clear(el);
    el.append(h('button', { type: 'button', class: 'primary', text: 'Export', 'aria-haspopup': 'dialog',
      onclick: () => emit(el, 'openexport') }));
    if (!job) return;
    if (job.status === 'done') {
      if (job.file_exists === false) {
        el.append(h('span', { class: 'export-missing', text: `${job.filename}: file missing` }));
        return;
      }
      el.append(desktop
        ? h('button', { type: 'button', class: 'ghost', text: 'Save export…', onclick: () => emit(el, 'saveexport', { id: job.id }) })
        : h('a', { href: job.download_url, download: job.filename, class: 'button-link', text: `Download ${job.filename}` }));
      if (isStale(job, revision)) {
        el.append(h('span', { class: 'export-stale', title: 'The timeline was edited after this export was made',
          text: '⚠ Made before the last edit' }));
      }
      // the subtitle file written beside it (captions "sidecar"): a second download
      if (job.sidecar) {
        el.append(desktop
          ? h('span', { class: 'export-sidecar hint', text: `Subtitles: ${job.sidecar.filename}, saved beside the export by Save export…` })
          : h('a', { href: job.sidecar.download_url, download: job.sidecar.filename, class: 'button-link', text: `Download ${job.sidecar.filename}` }));
      }
      // how it was made: "Smart render: 5 of 6 clips copied; clip 3 re-encoded (25 fps in a 30 fps timeline)"
      if (job.plan && job.plan.summary) el.append(h('span', { class: 'export-plan hint', text: job.plan.summary }));
    } else {
      el.append(h('span', { class: `export-status ${job.status}`, text: job.status === 'failed' ? `Export failed: ${job.message}` : 'Export cancelled' }));
    }
  }

  el.addEventListener('exportjob', (e) => {
    // a late answer or event of the project open before: not this one's
    if (projectId && e.detail.job && e.detail.job.project_id !== projectId) return;
    job = e.detail.job;
    update();
  });
  // another project opened: its latest export (or none), never the previous project's
  el.addEventListener('project', (e) => {
    projectId = e.detail.id;
    revision = e.detail.revision ?? null;
    job = (e.detail.exports || [])[0] || null;
    update();
  });
  el.addEventListener('revision', (e) => {
    const was = isStale(job, revision);
    revision = e.detail.revision;
    if (isStale(job, revision) !== was) update(); // else the focus stays on what it was on
  });
  el.addEventListener('mode', (e) => { desktop = e.detail.desktop; update(); });
  update();
}
