// The export dialog: format, resolution, frame rate, quality, range and presets, an estimate of the
// file's size refreshed as the choices change, Start export, and the project's past exports (each
// downloadable or saved, marked when made before the last edit, and played in the page).
// Its logic is export-model.js.
import { h, emit, clear } from '../shared/dom.js';
import { server } from '../app/api.js';
import { askConfirm } from '../shared/confirm-dialog.js';
import {
  aspectQuestion, captionModes, choose, estimateLabel, historyRow, rangeProblem, rememberKey,
  resolutionOptions, restore, seconds, settingsOf,
} from './export-model.js';

const ESTIMATE_DELAY_MS = 250;

export function mountExportDialog(dialog) {
  let formats = null;
  let form = null;
  let ctx = { projectId: null, duration: 0, marks: { in: null, out: null }, desktop: false };
  let exports = [];
  let estimateTimer = 0;
  let asked = 0; // the estimate answer that matches the latest choices

  const select = (id, label, field) => {
    const el = h('select', { id, onchange: () => change(field, el.value) });
    return { el, row: h('p', { class: 'export-field' }, h('label', { for: id, text: label }), el) };
  };
  const preset = select('export-preset', 'Preset', 'preset');
  const format = select('export-format', 'Format', 'format');
  const resolution = select('export-resolution', 'Resolution', 'resolution');
  const fps = select('export-fps', 'Frame rate', 'fps');
  const quality = select('export-quality', 'Quality', 'quality');
  const captions = select('export-captions', 'Captions', 'captions');
  const formatHint = h('span', { class: 'hint block', id: 'export-format-hint' });
  format.el.setAttribute('aria-describedby', 'export-format-hint');
  format.row.append(formatHint);

  const radio = (value, label) => {
    const input = h('input', { type: 'radio', name: 'export-range', id: `export-range-${value}`, value,
      onchange: () => change('range', value) });
    return { input, label: h('label', { for: input.id }, input, ` ${label}`) };
  };
  const whole = radio('whole', 'Whole timeline');
  const inout = radio('inout', 'In to Out');
  const rangeHint = h('span', { class: 'hint block', id: 'export-range-hint', role: 'status' });
  const range = h('fieldset', { class: 'export-range', 'aria-describedby': 'export-range-hint' },
    h('legend', { text: 'Range' }), whole.label, ' ', inout.label, rangeHint);

  const estimate = h('p', { class: 'export-estimate', role: 'status', 'aria-live': 'polite' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const start = h('button', { type: 'submit', class: 'primary', text: 'Start export' });
  const history = h('ul', { class: 'export-history', 'aria-label': 'Past exports' });
  const preview = h('video', { class: 'export-preview', controls: true, preload: 'metadata', hidden: true,
    'aria-label': 'Export preview' });

  const formEl = h('form', {
    method: 'dialog',
    onsubmit: (e) => { e.preventDefault(); submit(); },
  },
  h('h2', { text: 'Export' }),
  preset.row, format.row, resolution.row, fps.row, quality.row, captions.row, range,
  estimate, error,
  h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'ghost', text: 'Close', onclick: () => dialog.close() }),
    start),
  h('h3', { text: 'Past exports' }), history, preview);
  clear(dialog);
  dialog.append(formEl);
  dialog.addEventListener('close', () => { preview.pause(); preview.removeAttribute('src'); preview.hidden = true; });

  function options(el, list, value) {
    clear(el);
    for (const o of list) {
      el.append(h('option', { value: o.value, disabled: o.disabled, text: o.label }));
    }
    el.value = value;
  }

  function render() {
    options(preset.el, [{ value: '', label: 'Custom' }, ...formats.presets.map((p) => ({ value: p.id, label: p.label }))], form.preset);
    options(format.el, formats.formats.map((f) => ({
      value: f.id, disabled: !f.available, label: f.available ? f.label : `${f.label} (unavailable: ${f.unavailable_reason})`,
    })), form.format);
    const fmt = formats.formats.find((f) => f.id === form.format);
    formatHint.textContent = fmt ? [fmt.video, fmt.audio].filter(Boolean).join(' + ') : '';
    options(resolution.el, resolutionOptions(formats, form.resolution), form.resolution);
    resolution.el.disabled = Boolean(fmt && !fmt.video);
    options(fps.el, formats.frame_rates.map((r) => ({ value: String(r), label: r === 'canvas' ? 'Canvas rate' : `${r} fps` })), form.fps);
    fps.el.disabled = Boolean(fmt && !fmt.video);
    options(quality.el, formats.qualities.map((q) => ({ value: q, label: fmt && fmt.qualities[q] ? fmt.qualities[q] : q })), form.quality);
    const modes = captionModes(formats);
    captions.row.hidden = !modes.length;
    if (modes.length) options(captions.el, modes.map((m) => ({ value: m.id, label: m.label })), form.captions);
    whole.input.checked = form.range !== 'inout';
    inout.input.checked = form.range === 'inout';
    const { marks } = ctx;
    const problem = rangeProblem(form.range, marks, ctx.duration);
    rangeHint.textContent = problem || (marks.in !== null && marks.out !== null
      ? `In ${seconds(marks.in)}, Out ${seconds(marks.out)} (${seconds(marks.out - marks.in)})`
      : 'No In and Out points: I and O mark them at the playhead.');
    rangeHint.classList.toggle('field-error', Boolean(problem));
    start.disabled = Boolean(problem);
  }

  function remember() {
    try { localStorage.setItem(rememberKey(ctx.projectId), JSON.stringify(form)); } catch { /* private mode: not remembered */ }
  }

  function change(field, value) {
    const before = form.preset;
    form = choose(formats, form, field, value);
    remember();
    render();
    error.textContent = '';
    if (field === 'preset' && form.preset && form.preset !== before) refresh({ now: true, ask: true });
    else refresh();
  }

  // The estimate from the server, a moment after the last change (a burst of changes: one request).
  function refresh({ now = false, ask = false } = {}) {
    clearTimeout(estimateTimer);
    if (rangeProblem(form.range, ctx.marks, ctx.duration)) { estimate.textContent = ''; return; }
    estimate.textContent = 'Estimating…';
    const run = async () => {
      const mine = ++asked;
      const projectId = ctx.projectId;
      try {
        const answer = await server.projects.estimateExport(projectId, settingsOf(form, ctx.marks));
        if (mine !== asked || projectId !== ctx.projectId) return;
        estimate.textContent = estimateLabel(answer.estimate);
        estimate.dataset.bytes = String(answer.estimate.bytes);
        const mismatch = answer.estimate.aspect_mismatch;
        if (ask && mismatch) await askAspect(mismatch);
      } catch (err) {
        if (mine !== asked) return;
        estimate.textContent = '';
        error.textContent = err.message;
      }
    };
    if (now) run(); else estimateTimer = setTimeout(run, ESTIMATE_DELAY_MS);
  }

  // A preset of another shape than the canvas: change the canvas, or keep it (letterboxed); never
  // stretched.
  async function askAspect(mismatch) {
    const change = await askConfirm({ message: aspectQuestion(mismatch), confirm: `Change the canvas to ${mismatch.output}`, cancel: 'Keep the canvas' });
    if (!change) return;
    const [width, height] = mismatch.output_size;
    emit(dialog, 'setcanvas', { width, height });
    refresh();
  }

  function submit() {
    const problem = rangeProblem(form.range, ctx.marks, ctx.duration);
    if (problem) { error.textContent = problem; return; }
    emit(dialog, 'startexport', { settings: settingsOf(form, ctx.marks) });
    dialog.close();
  }

  function showHistory() {
    clear(history);
    if (!exports.length) { history.append(h('li', { class: 'hint', text: 'No exports yet.' })); return; }
    for (const exp of exports) {
      const row = historyRow(exp, formats);
      const name = exp.filename || 'export';
      const li = h('li', { class: 'export-entry', dataset: { exportId: exp.id, status: exp.status } },
        h('span', { class: 'export-entry-text', text: [row.when, row.format, row.size, row.duration].filter(Boolean).join(' · ') }));
      if (row.status !== 'done') li.append(h('span', { class: 'hint', text: ` ${row.status}` }));
      if (row.stale) li.append(h('span', { class: 'export-stale', title: 'The timeline was edited after this export was made', text: '⚠ Made before the last edit' }));
      if (row.missing) li.append(h('span', { class: 'export-missing', text: 'File missing' }));
      if (row.downloadable) {
        if (ctx.desktop) {
          li.append(h('button', { type: 'button', class: 'ghost', text: 'Save…', 'aria-label': `Save ${name}…`,
            onclick: () => emit(dialog, 'saveexport', { id: exp.id }) }),
          h('button', { type: 'button', class: 'ghost', text: 'Reveal', 'aria-label': `Reveal ${name} in the file manager`,
            onclick: () => emit(dialog, 'revealfile', { export_id: exp.id }) }));
        } else {
          li.append(h('a', { href: exp.download_url, download: name, class: 'button-link', text: 'Download', 'aria-label': `Download ${name}` }));
        }
      }
      if (row.playable) {
        li.append(h('button', { type: 'button', class: 'ghost', text: 'Preview', 'aria-label': `Preview ${name}`,
          onclick: () => { preview.hidden = false; preview.src = exp.download_url; preview.play().catch(() => {}); } }));
      }
      history.append(li);
    }
  }

  async function loadHistory() {
    const projectId = ctx.projectId;
    try {
      const answer = await server.projects.exports(projectId);
      if (projectId !== ctx.projectId) return;
      exports = answer.exports;
      showHistory();
    } catch (err) {
      error.textContent = err.message;
    }
  }

  // {projectId, duration, marks, desktop}: opened for the open project
  dialog.addEventListener('open', async (e) => {
    ctx = { ...ctx, ...e.detail };
    error.textContent = '';
    estimate.textContent = '';
    try {
      formats ??= await server.exports.formats();
    } catch (err) {
      error.textContent = err.message;
      if (!dialog.open) dialog.showModal();
      return;
    }
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(rememberKey(ctx.projectId)) || 'null'); } catch { saved = null; }
    form = restore(formats, saved);
    render();
    exports = [];
    showHistory();
    if (!dialog.open) dialog.showModal();
    preset.el.focus();
    refresh({ now: true });
    loadHistory();
  });
  // an export's news while the dialog is open: its row in the history
  dialog.addEventListener('exportjob', (e) => {
    const { job } = e.detail;
    if (!dialog.open || !job || job.project_id !== ctx.projectId) return;
    exports = exports.some((x) => x.id === job.id) ? exports.map((x) => (x.id === job.id ? job : x)) : [job, ...exports];
    showHistory();
  });
  // the canvas or the In and Out points changed while the dialog is open
  dialog.addEventListener('context', (e) => {
    ctx = { ...ctx, ...e.detail };
    if (!dialog.open || !form) return;
    render();
    refresh();
  });
}
