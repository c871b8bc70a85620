// One row per generation job, kept and updated in place: progress events arrive several times a
// second, and rebuilding a row would pull its Cancel button out from under the user's pointer.
import { h, emit } from '../shared/dom.js';
import { jobDetail } from '../shared/format.js';

const RUNNING = new Set(['queued', 'generating', 'downloading', 'storing']);
const SHOWN = 30;

export function mountJobs(list) {
  let models = [];
  let jobs = [];
  const rows = new Map(); // job id -> the row's parts

  const modelName = (job) => (models.find((m) => m.id === job.model_id) || {}).name || job.model_id;

  function make(job) {
    const parts = {
      li: h('li', { class: 'job', dataset: { jobId: job.id } }),
      name: h('span', { class: 'job-model' }),
      status: h('span', { class: 'job-status' }),
      bar: h('progress', { max: 1, value: 0 }),
      detail: h('div', { class: 'job-detail' }),
      cancel: h('button', { type: 'button', class: 'ghost', text: 'Cancel', onclick: () => emit(list, 'canceljob', { id: job.id }) }),
      retry: h('button', { type: 'button', class: 'ghost', text: 'Retry', onclick: () => emit(list, 'retryjob', { id: job.id }) }),
    };
    parts.li.append(h('div', { class: 'job-head' }, parts.name, parts.status), parts.bar, parts.detail,
      h('div', { class: 'job-actions' }, parts.cancel, parts.retry));
    rows.set(job.id, parts);
    return parts;
  }

  function fill(parts, job) {
    const name = modelName(job);
    parts.li.className = `job ${job.status}`;
    parts.li.dataset.status = job.status;
    parts.name.textContent = name;
    parts.status.textContent = job.status;
    parts.bar.value = job.status === 'done' ? 1 : job.progress || 0;
    parts.bar.setAttribute('aria-label', `${name} progress`);
    parts.detail.textContent = jobDetail(job);
    parts.cancel.hidden = !RUNNING.has(job.status);
    parts.retry.hidden = job.status !== 'failed' && job.status !== 'cancelled';
  }

  function update() {
    const shown = jobs.slice(0, SHOWN);
    const keep = new Set(shown.map((j) => j.id));
    for (const [id, parts] of rows) {
      if (!keep.has(id)) { parts.li.remove(); rows.delete(id); }
    }
    shown.forEach((job, i) => {
      const parts = rows.get(job.id) || make(job);
      fill(parts, job);
      if (list.children[i] !== parts.li) list.insertBefore(parts.li, list.children[i] || null);
    });
  }

  list.addEventListener('jobs', (e) => { jobs = e.detail.jobs; update(); });
  list.addEventListener('models', (e) => { models = e.detail.models; update(); });
}
