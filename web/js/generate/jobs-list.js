// One card per generation job, kept and updated in place: progress events arrive several times a
// second, and rebuilding a card would pull its Cancel button out from under the user's pointer.
// A card names the prompt's first line, the model, the key parameters and the cost, with the
// clip's thumbnail once it exists; a finished card shows its clip in the library when clicked.
// Finished and failed cards are cleared one by one, or all with "Clear finished". The list is
// also the prompt history: "Use again" puts a card's request back in the panel.
import { h, emit } from '../shared/dom.js';
import { jobDetail } from '../shared/format.js';
import { FINISHED, jobCard, takeLabel } from './panel-model.js';

const RUNNING = new Set(['queued', 'generating', 'downloading', 'storing']);
const SHOWN = 30;

export function mountJobs(list) {
  let models = [];
  let jobs = [];
  let media = [];
  const rows = new Map(); // job id -> the card's parts

  const count = h('span', { class: 'badge', 'aria-live': 'polite' });
  const clearAll = h('button', {
    type: 'button', class: 'ghost small', text: 'Clear finished',
    onclick: () => emit(list, 'clearjobs', { ids: jobs.filter((j) => FINISHED.has(j.status)).map((j) => j.id) }),
  });
  const head = h('div', { class: 'jobs-head' }, h('h3', { text: 'Jobs' }), count, clearAll);
  list.before(head);

  const show = (job) => { if (job.status === 'done' && job.media_id) emit(list, 'showmedia', { id: job.media_id }); };

  function make(job) {
    const parts = {
      li: h('li', { class: 'job', dataset: { jobId: job.id } }),
      thumb: h('img', { class: 'job-thumb', alt: '', hidden: true }),
      title: h('span', { class: 'job-title' }),
      meta: h('span', { class: 'job-meta' }),
      status: h('span', { class: 'job-status' }),
      bar: h('progress', { max: 1, value: 0 }),
      detail: h('div', { class: 'job-detail' }),
      open: h('button', { type: 'button', class: 'ghost', text: 'Show in library', onclick: () => show(job) }),
      cancel: h('button', { type: 'button', class: 'ghost', text: 'Cancel', onclick: () => emit(list, 'canceljob', { id: job.id }) }),
      retry: h('button', { type: 'button', class: 'ghost', text: 'Retry', onclick: () => emit(list, 'retryjob', { id: job.id }) }),
      clear: h('button', { type: 'button', class: 'ghost', text: 'Clear', onclick: () => emit(list, 'clearjobs', { ids: [job.id] }) }),
      again: h('button', { type: 'button', class: 'ghost', text: 'Use again', onclick: () => emit(list, 'useagain', { job: parts.job, jobs }) }),
      job,
    };
    parts.li.append(h('div', { class: 'job-card' }, parts.thumb,
      h('div', { class: 'job-text' }, h('div', { class: 'job-head' }, parts.title, parts.status), parts.meta)),
    parts.bar, parts.detail, h('div', { class: 'job-actions' }, parts.open, parts.again, parts.cancel, parts.retry, parts.clear));
    // a click anywhere on a finished card but its buttons shows its clip
    parts.li.addEventListener('click', (e) => { if (!e.target.closest('button')) show(parts.job); });
    rows.set(job.id, parts);
    return parts;
  }

  function fill(parts, job) {
    parts.job = job;
    const card = jobCard(job, models);
    parts.li.className = `job ${job.status}`;
    parts.li.dataset.status = job.status;
    parts.li.title = job.prompt || '';
    parts.title.textContent = card.title;
    const take = job.group_id ? takeLabel(job.take, jobs.filter((j) => j.group_id === job.group_id && j.model_id === job.model_id).length) : '';
    parts.meta.textContent = [card.model, take, card.params, card.cost].filter(Boolean).join(' · ');
    parts.status.textContent = job.status;
    parts.bar.value = job.status === 'done' ? 1 : job.progress || 0;
    parts.bar.setAttribute('aria-label', `${card.title} progress`);
    parts.bar.hidden = job.status === 'done';
    parts.detail.textContent = jobDetail(job);
    const item = job.media_id && media.find((m) => m.id === job.media_id);
    const src = item && item.thumbnail_url;
    if (src && parts.thumb.getAttribute('src') !== src) parts.thumb.src = src;
    parts.thumb.hidden = !src;
    parts.open.hidden = !(job.status === 'done' && item);
    parts.cancel.hidden = !RUNNING.has(job.status);
    parts.retry.hidden = job.status !== 'failed' && job.status !== 'cancelled';
    parts.clear.hidden = !card.clearable;
    parts.clear.setAttribute('aria-label', `Clear ${card.title}`);
    parts.again.hidden = !job.prompt; // a caption job has no prompt to send again
    parts.again.setAttribute('aria-label', `Use again: ${card.title}`);
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
    const running = jobs.filter((j) => RUNNING.has(j.status)).length;
    const finished = jobs.filter((j) => FINISHED.has(j.status)).length;
    count.textContent = running ? `${running} running` : jobs.length ? `${jobs.length}` : 'none yet';
    clearAll.hidden = !finished;
    head.parentElement?.classList.toggle('empty', !jobs.length);
  }

  list.addEventListener('jobs', (e) => { jobs = e.detail.jobs; update(); });
  list.addEventListener('models', (e) => { models = e.detail.models; update(); });
  list.addEventListener('media', (e) => { media = e.detail.items; update(); });
  update();
}
