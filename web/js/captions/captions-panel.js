// The captions panel: the lines of a captions track (a select when there are several) with their
// start, end and text, each edited in place; a line's time button seeks to it; split at the
// playhead, merge with the next, delete, add at the playhead, shift every line. Every change goes
// up as `captionop` (one edit of the timeline: undoable, saved); a refusal comes back as
// `captionerror` and is shown beside its field. Subtitle files come in through "Import
// subtitles…" (`importcaptions`) and leave as SRT or WebVTT (`downloadcaptions`). "Caption the
// timeline…" says what it sends and costs, asks, then goes up as `transcribetimeline` (speech to
// text of the whole timeline's sound on fal.ai, followed as a job; transcribe-model.js's rules).
import { h, emit, clear } from '../shared/dom.js';
import { server } from '../app/api.js';
import { askConfirm } from '../shared/confirm-dialog.js';
import { captionTracks, fmt, lineEnd } from './captions-model.js';
import { speechSummary, timelineSpeech } from './transcribe-model.js';

const ACCEPT = '.srt,.vtt,.ass,.ssa';

export function mountCaptions(el) {
  let doc = null;
  let trackId = null;
  let shownKey = null; // what the list shows: the track object and the track ids
  let known = new Set(); // the captions tracks seen last: one that appears (+ Captions track) is shown
  let playhead = 0;
  let current = null; // the row of the line under the playhead
  let media = []; // the project's media: which clips have sound
  let keySet = null; // whether a fal.ai key is set; unknown until the settings arrive
  let speechModel = null; // the registry's speech-to-text model: its price
  server.models().then((answer) => {
    speechModel = answer.models.find((m) => m.mode === 'transcribe') || null;
    updateSpeech();
  }).catch(() => {});

  const importError = h('p', { class: 'form-error', role: 'alert', dataset: { captionsError: 'import' } });
  const file = h('input', {
    type: 'file', accept: ACCEPT, hidden: true, 'aria-label': 'Subtitle file to import',
    onchange: () => {
      const [chosen] = file.files;
      file.value = '';
      if (!chosen) return;
      importError.textContent = '';
      emit(el, 'importcaptions', { file: chosen });
    },
  });
  const importButton = h('button', { type: 'button', class: 'ghost', text: 'Import subtitles…', onclick: () => file.click() });
  const speechCost = h('span', { class: 'hint caption-timeline-cost' });
  const speechButton = h('button', {
    type: 'button', class: 'ghost', text: 'Caption the timeline…',
    onclick: async () => {
      const speech = timelineSpeech(doc, media, speechModel, keySet);
      if (speech.blocker) return;
      const yes = await askConfirm({
        message: `Caption the timeline's sound with speech to text on fal.ai? ${speechSummary(speech)}. `
          + 'Its lines arrive as a new captions track.',
        confirm: 'Caption the timeline',
      });
      if (yes) emit(el, 'transcribetimeline', {});
    },
  });
  const select = h('select', { 'aria-label': 'Captions track', onchange: () => { trackId = select.value; render(true); } });
  const download = (format, label) => h('a', {
    class: 'button-link', href: '#', text: label, download: '', dataset: { format },
    onclick: (e) => {
      e.preventDefault();
      if (trackId) emit(el, 'downloadcaptions', { trackId, format });
    },
  });
  const exports = h('span', { class: 'captions-exports' }, download('srt', 'Export SRT'), download('vtt', 'Export WebVTT'));
  const op = (name, extra = {}) => () => { if (trackId) emit(el, 'captionop', { op: name, trackId, ...extra }); };
  const shiftBy = h('input', { type: 'number', step: '0.1', value: '0', 'aria-label': 'Shift every line by (seconds)', class: 'shift-by' });
  const shiftError = h('p', { class: 'field-error', dataset: { captionsError: 'shift' } });
  const toolError = h('p', { class: 'field-error', dataset: { captionsError: 'tools' } });
  const tools = h('div', { class: 'captions-tools' },
    h('button', { type: 'button', class: 'ghost', text: 'Add line at playhead', onclick: op('add') }),
    h('button', { type: 'button', class: 'ghost', text: 'Split at playhead', onclick: op('split') }),
    h('span', { class: 'captions-shift' }, shiftBy, h('button', {
      type: 'button', class: 'ghost', text: 'Shift all',
      onclick: () => { shiftError.textContent = ''; op('shift', { offset: Number(shiftBy.value) })(); },
    })),
    shiftError, toolError);
  const empty = h('p', { class: 'hint', text: 'No captions track yet: import a subtitle file, or add one with “+ Captions track” on the timeline.' });
  const list = h('ol', { class: 'caption-lines', 'aria-label': 'Caption lines' });
  el.append(
    h('div', { class: 'panel-head' }, h('h2', { text: 'Captions' })),
    h('div', { class: 'captions-files' }, importButton, file, select, exports),
    h('div', { class: 'captions-files' }, speechButton, speechCost),
    importError, empty, tools, list,
  );

  function row(line, n) {
    const error = h('p', { class: 'field-error', dataset: { lineError: line.id } });
    const set = (field, value) => { error.textContent = ''; emit(el, 'captionop', { op: 'set', trackId, lineId: line.id, [field]: value }); };
    const time = (field, value, label) => h('input', {
      type: 'number', step: '0.001', min: '0', value: String(Number(value.toFixed(3))), class: `line-${field}`,
      'aria-label': `${label} of line ${n} (seconds)`, dataset: { field },
      onchange: (e) => set(field, e.target.value === '' ? Number.NaN : Number(e.target.value)),
    });
    const text = h('input', {
      type: 'text', value: line.text, maxlength: '1000', class: 'line-text', 'aria-label': `Text of line ${n}`, dataset: { field: 'text' },
      onchange: (e) => set('text', e.target.value),
    });
    return h('li', { class: 'caption-line', dataset: { lineId: line.id, start: String(line.start) } },
      h('button', {
        type: 'button', class: 'ghost line-seek', text: fmt(line.start), title: 'Go to this line',
        'aria-label': `Go to line ${n} at ${fmt(line.start)}`, onclick: () => emit(el, 'seek', { time: line.start }),
      }),
      time('start', line.start, 'Start'), time('end', lineEnd(line), 'End'), text,
      h('button', { type: 'button', class: 'icon ghost', text: '⤓', title: 'Merge with the next line',
        'aria-label': `Merge line ${n} with the next`, onclick: () => emit(el, 'captionop', { op: 'merge', trackId, lineId: line.id }) }),
      h('button', { type: 'button', class: 'icon ghost', text: '✕', title: 'Delete the line',
        'aria-label': `Delete line ${n}`, onclick: () => emit(el, 'captionop', { op: 'delete', trackId, lineId: line.id }) }),
      error);
  }

  function render(force = false) {
    const tracks = captionTracks(doc);
    const appeared = tracks.filter((t) => !known.has(t.id));
    if (known.size && appeared.length === 1) trackId = appeared[0].id;
    known = new Set(tracks.map((t) => t.id));
    if (!tracks.some((t) => t.id === trackId)) trackId = tracks.length ? tracks[0].id : null;
    const track = tracks.find((t) => t.id === trackId) || null;
    const key = tracks.map((t) => `${t.id}:${t.name}`).join('|');
    if (!force && shownKey && shownKey.key === key && shownKey.track === track) return;
    shownKey = { key, track };
    clear(select);
    for (const t of tracks) select.append(h('option', { value: t.id, text: t.name || t.id, selected: t.id === trackId }));
    select.hidden = tracks.length < 2;
    empty.hidden = Boolean(track);
    tools.hidden = !track;
    exports.hidden = !track;
    // the field being edited keeps the focus across the new list
    const active = document.activeElement;
    const focus = active && list.contains(active)
      ? { id: active.closest('[data-line-id]')?.dataset.lineId, field: active.dataset.field, cls: active.className } : null;
    clear(list);
    if (!track) return;
    const lines = [...track.clips].sort((a, b) => a.start - b.start);
    list.append(...lines.map((line, i) => row(line, i + 1)));
    current = null;
    markCurrent();
    if (focus && focus.id) {
      const again = list.querySelector(`[data-line-id="${CSS.escape(focus.id)}"] ${focus.field ? `[data-field="${focus.field}"]` : 'button'}`);
      if (again) again.focus();
    }
  }

  // what the timeline would cost to caption, or why it cannot be: beside the button
  function updateSpeech() {
    const speech = timelineSpeech(doc, media, speechModel, keySet);
    speechButton.disabled = Boolean(speech.blocker);
    speechCost.textContent = speech.blocker || speechSummary(speech);
    speechButton.title = speech.blocker || 'Transcribe the speech of the whole timeline on fal.ai into a new captions track';
  }

  // the line under the playhead is marked (aria-current), and kept in view while playing
  function markCurrent() {
    const track = shownKey && shownKey.track;
    const line = track && track.clips.find((c) => playhead >= c.start && playhead < lineEnd(c));
    const next = line ? list.querySelector(`[data-line-id="${CSS.escape(line.id)}"]`) : null;
    if (next === current) return;
    if (current) current.removeAttribute('aria-current');
    current = next;
    if (current) {
      current.setAttribute('aria-current', 'true');
      if (!el.contains(document.activeElement)) current.scrollIntoView({ block: 'nearest' });
    }
  }

  el.addEventListener('timeline', (e) => {
    doc = e.detail.doc;
    media = e.detail.media || [];
    playhead = doc.playhead || 0;
    render();
    markCurrent();
    updateSpeech();
  });
  el.addEventListener('settings', (e) => { keySet = Boolean(e.detail.fal_key_set); updateSpeech(); });
  el.addEventListener('playhead', (e) => { playhead = e.detail.time; markCurrent(); });
  el.addEventListener('noproject', () => { doc = null; known = new Set(); render(true); updateSpeech(); });
  // a refused change: the reason beside its field
  el.addEventListener('captionerror', (e) => {
    const { lineId, field, message } = e.detail;
    if (field === 'shift') { shiftError.textContent = message; return; }
    const at = lineId && list.querySelector(`[data-line-error="${CSS.escape(lineId)}"]`);
    if (at) {
      at.textContent = message;
      const input = at.parentElement.querySelector(`[data-field="${field}"]`);
      if (input) input.setAttribute('aria-invalid', 'true');
    } else toolError.textContent = message;
  });
  el.addEventListener('captionsimport', (e) => {
    const { trackId: imported, error } = e.detail;
    importError.textContent = error || '';
    if (imported) { trackId = imported; render(true); }
  });
  // a new edit clears what the last refusal said
  el.addEventListener('captionop', () => { toolError.textContent = ''; });
  render(true);
  updateSpeech();
}
