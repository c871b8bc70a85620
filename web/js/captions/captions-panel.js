// The captions panel: the lines of a captions track (a select when there are several) with their
// start, end and text, each edited in place; a line's time button seeks to it; split at the
// playhead, merge with the next, delete, add at the playhead, shift every line. Every change goes
// up as `captionop` (one edit of the timeline: undoable, saved); a refusal comes back as
// `captionerror` and is shown beside its field. Subtitle files come in through "Import
// subtitles…" (`importcaptions`) and leave as SRT or WebVTT (`downloadcaptions`). "Caption the
// timeline…" says what it sends and costs, asks, then goes up as `transcribetimeline` (speech to
// text of the whole timeline's sound on fal.ai, followed as a job; transcribe-model.js's rules).
// A long track draws only the rows in view (window-model.js); Up and Down go from line to line.
// The chosen line's own style (the title style form: font, size, colour, outline, shadow, box…)
// goes up as `captionop` `style` (one key, one undo step) or `clearstyle` (the track's style
// again); the track's style, in the same form, as `trackstyle`.
import { h, emit, clear } from '../shared/dom.js';
import { server } from '../app/api.js';
import { askConfirm } from '../shared/confirm-dialog.js';
import { captionTracks, fmt, lineAt, lineEnd } from './captions-model.js';
import { speechSummary, timelineSpeech } from './transcribe-model.js';
import { scrollToRow, windowRange } from './window-model.js';
import {
  LINE_LAYOUT, TRACK_LAYOUT, formState, layoutKeys, lookOf, ownNames, stylePatch,
} from '../inspector/style-model.js';
import { mountStyleForm } from '../inspector/style-form.js';

const ACCEPT = '.srt,.vtt,.ass,.ssa';

export function mountCaptions(el) {
  let doc = null;
  let trackId = null;
  let shownKey = null; // what the list shows: the track object and the track ids
  let known = new Set(); // the captions tracks seen last: one that appears (+ Captions track) is shown
  let playhead = 0;
  let selectedId = null; // the line chosen in the list (its style is edited below it)
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
  const scroller = h('div', { class: 'caption-scroll' }, list); // the list scrolls in here

  // "Style this line": the chosen line's own style over its track's, in the style form the title
  // inspector uses (inspector/style-model.js, style-form.js); what the line does not set shows the
  // track's, marked so. Each change is one `captionop` `style` (one undo step); "Use track style"
  // drops the line's own (`clearstyle`). "Track style" is the same form for the whole track
  // (`trackstyle`).
  let limits = null;
  let lineOpen = false; // the line's style form asked for (it stays open from line to line)
  let trackOpen = false;
  const styleError = h('p', { class: 'field-error', role: 'alert', dataset: { captionsError: 'style' } });
  const trackError = h('p', { class: 'field-error', role: 'alert', dataset: { captionsError: 'trackstyle' } });
  const styleHint = h('p', { class: 'hint line-style-hint' });
  const styleLegend = h('legend', { text: 'Style for this line' });
  const chosenLine = () => lines.find((l) => l.id === selectedId) || null;
  const lineForm = mountStyleForm({
    layout: LINE_LAYOUT, name: 'line-style', inheritedText: 'track\'s',
    onset: (key, value) => {
      const line = chosenLine();
      if (!trackId || !line) return;
      styleError.textContent = '';
      const look = lookOf(shownKey.track.style, line.style);
      emit(el, 'captionop', { op: 'style', trackId, lineId: line.id, style: stylePatch(look, key, value) });
    },
    onerror: (key, message) => { styleError.textContent = message; },
  });
  const trackForm = mountStyleForm({
    layout: TRACK_LAYOUT, name: 'track-style', inheritedText: 'default',
    onset: (key, value) => {
      if (!trackId) return;
      trackError.textContent = '';
      emit(el, 'captionop', { op: 'trackstyle', trackId, style: stylePatch(lookOf(null, shownKey.track.style), key, value) });
    },
    onerror: (key, message) => { trackError.textContent = message; },
  });
  server.fontList().then((answer) => {
    const families = answer.fonts.map((f) => f.family);
    lineForm.addFonts(families);
    trackForm.addFonts(families);
    showStyle();
  }).catch(() => {}); // the lists keep the fonts in use: a font is still shown and kept
  const clearStyle = h('button', { type: 'button', class: 'ghost', text: 'Use track style',
    onclick: () => { styleError.textContent = ''; emit(el, 'captionop', { op: 'clearstyle', trackId, lineId: selectedId }); } });
  const toggle = (text, onclick) => h('button', { type: 'button', class: 'ghost', text, 'aria-expanded': 'false', onclick });
  const lineToggle = toggle('Style this line', () => { lineOpen = !lineOpen; showStyle(); });
  const trackToggle = toggle('Track style', () => { trackOpen = !trackOpen; showStyle(); });
  tools.insertBefore(trackToggle, shiftError);
  const styleBox = h('fieldset', { class: 'line-style', hidden: true }, styleLegend,
    h('div', { class: 'line-style-fields' }, ...lineForm.parts),
    h('div', { class: 'line-style-foot' }, clearStyle, styleHint), styleError);
  const trackBox = h('fieldset', { class: 'track-style', hidden: true }, h('legend', { text: 'Track style' }),
    h('div', { class: 'line-style-fields' }, ...trackForm.parts), trackError);

  // The chosen line's look in its form (its own keys, the rest its track's), and the track's in
  // its form (its keys, the rest the defaults).
  function showStyle() {
    const track = shownKey && shownKey.track;
    const index = selectedId ? lines.findIndex((l) => l.id === selectedId) : -1;
    lineToggle.hidden = index < 0 || !limits;
    lineToggle.setAttribute('aria-expanded', String(lineOpen));
    trackToggle.hidden = !track || !limits;
    trackToggle.setAttribute('aria-expanded', String(trackOpen));
    trackBox.hidden = trackToggle.hidden || !trackOpen;
    if (!trackBox.hidden) {
      trackForm.fill(formState(layoutKeys(TRACK_LAYOUT), [lookOf(null, track.style)], [track.style || {}], doc), { doc, limits });
    }
    styleBox.hidden = lineToggle.hidden || !lineOpen;
    if (styleBox.hidden) return;
    const line = lines[index];
    styleLegend.textContent = `Style for line ${index + 1}`;
    lineForm.fill(formState(layoutKeys(LINE_LAYOUT), [lookOf(track.style, line.style)], [line.style || {}], doc), { doc, limits });
    const own = ownNames(line.style);
    clearStyle.disabled = !own.length;
    styleHint.textContent = own.length
      ? `This line's own: ${own.join(', ')}; the rest is the track's.`
      : 'This line uses the track\'s style.';
  }

  function selectLine(id) {
    if (id === selectedId) return;
    selectedId = id;
    styleError.textContent = '';
    for (const r of list.children) r.classList.toggle('selected', r.dataset.lineId === id);
    showStyle();
  }
  // A line is chosen when something in its row takes the focus; a press of the pointer chooses
  // on its click instead, since the group showing up moves the panel's content (it grows upward)
  // between the press and the release, and the click (a seek) would miss its button.
  let pressing = false;
  const choose = (e) => {
    const at = e.target.closest && e.target.closest('[data-line-id]');
    if (at) selectLine(at.dataset.lineId);
  };
  list.addEventListener('pointerdown', () => { pressing = true; });
  window.addEventListener('pointerup', () => { setTimeout(() => { pressing = false; }); });
  list.addEventListener('focusin', (e) => { if (!pressing) choose(e); });
  list.addEventListener('click', choose);
  el.append(
    h('div', { class: 'panel-head' }, h('h2', { text: 'Captions' })),
    h('div', { class: 'captions-files' }, importButton, file, select, exports),
    h('div', { class: 'captions-files' }, speechButton, speechCost),
    importError, empty, tools, scroller, lineToggle, styleBox, trackBox,
  );

  // A long track (up to 5000 lines) draws only the rows in the list's scrolled view plus a margin
  // (window-model.js); padding stands for the others, so the scroll bar is the whole list's.
  let lines = []; // the shown track's lines, sorted by start
  let rowHeight = 30; // pixels from one row's top to the next's, measured once a row is drawn
  let drawn = null; // the rows drawn: {start, end} of `lines`
  let currentId = null; // the line under the playhead

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
    const item = h('li', { class: 'caption-line', 'aria-posinset': String(n), 'aria-setsize': String(lines.length),
      dataset: { lineId: line.id, start: String(line.start), index: String(n - 1) } },
    h('button', {
      type: 'button', class: 'ghost line-seek', text: fmt(line.start), title: 'Go to this line',
      'aria-label': `Go to line ${n} at ${fmt(line.start)}`, dataset: { field: 'seek' }, onclick: () => emit(el, 'seek', { time: line.start }),
    }),
    time('start', line.start, 'Start'), time('end', lineEnd(line), 'End'), text,
    h('button', { type: 'button', class: 'icon ghost', text: '⤓', title: 'Merge with the next line',
      'aria-label': `Merge line ${n} with the next`, onclick: () => emit(el, 'captionop', { op: 'merge', trackId, lineId: line.id }) }),
    h('button', { type: 'button', class: 'icon ghost', text: '✕', title: 'Delete the line',
      'aria-label': `Delete line ${n}`, onclick: () => emit(el, 'captionop', { op: 'delete', trackId, lineId: line.id }) }),
    error);
    if (line.id === currentId) item.setAttribute('aria-current', 'true');
    if (line.id === selectedId) item.classList.add('selected');
    if (line.style) item.classList.add('styled');
    return item;
  }

  // The rows of the scrolled window (again only when it moved, unless forced); the field being
  // edited keeps the focus across the new rows.
  function drawRows(force = false) {
    const view = scroller.clientHeight || 600; // a list not laid out yet draws its first rows
    const range = windowRange({ count: lines.length, rowHeight, scrollTop: scroller.scrollTop, viewHeight: view });
    if (!force && drawn && drawn.start === range.start && drawn.end === range.end) return;
    drawn = range;
    const active = document.activeElement;
    const focus = active && list.contains(active)
      ? { id: active.closest('[data-line-id]')?.dataset.lineId, field: active.dataset.field } : null;
    // a field scrolled out of the window is taken from the page: what was typed in it is
    // committed first, as leaving it would (a removed field sends no change)
    const at = focus ? Number(active.closest('[data-line-id]').dataset.index) : -1;
    if (focus && (at < range.start || at >= range.end) && active.tagName === 'INPUT' && active.value !== active.defaultValue) {
      active.defaultValue = active.value; // once: the edit it sends draws the rows again
      active.dispatchEvent(new Event('change', { bubbles: true }));
    }
    list.style.paddingTop = `${range.before}px`;
    list.style.paddingBottom = `${range.after}px`;
    list.replaceChildren(...lines.slice(range.start, range.end).map((line, i) => row(line, range.start + i + 1)));
    if (focus && focus.id) focusLine(focus.id, focus.field);
    measure();
  }

  // The height of a row as drawn (two rows without an error apart): the window's arithmetic.
  function measure() {
    const [a, b] = list.children;
    if (!a || !b || a.querySelector('.field-error').textContent) return;
    const step = b.offsetTop - a.offsetTop;
    if (step > 0 && Math.abs(step - rowHeight) > 0.5) { rowHeight = step; drawRows(true); }
  }

  function focusLine(id, field) {
    const at = list.querySelector(`[data-line-id="${CSS.escape(id)}"] [data-field="${field || 'seek'}"]`);
    if (at) at.focus();
    return Boolean(at);
  }

  // The list scrolled so line `index` is in view (by the least movement), its row drawn.
  function reveal(index) {
    const top = scrollToRow({ index, rowHeight, scrollTop: scroller.scrollTop, viewHeight: scroller.clientHeight || rowHeight });
    if (top !== scroller.scrollTop) scroller.scrollTop = top;
    drawRows();
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
    const otherTrack = !shownKey || !shownKey.track || !track || shownKey.track.id !== track.id;
    shownKey = { key, track };
    clear(select);
    for (const t of tracks) select.append(h('option', { value: t.id, text: t.name || t.id, selected: t.id === trackId }));
    select.hidden = tracks.length < 2;
    empty.hidden = Boolean(track);
    tools.hidden = !track;
    exports.hidden = !track;
    lines = track ? [...track.clips].sort((a, b) => a.start - b.start) : [];
    if (otherTrack) scroller.scrollTop = 0;
    currentId = null; // marked (and brought into view) anew
    if (!lines.some((l) => l.id === selectedId)) selectedId = null;
    drawRows(true);
    markCurrent();
    showStyle();
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
    const line = lineAt(lines, playhead);
    const id = line ? line.id : null;
    if (id === currentId) return;
    list.querySelector('[aria-current]')?.removeAttribute('aria-current');
    currentId = id;
    if (!line) return;
    if (!el.contains(document.activeElement)) reveal(lines.indexOf(line));
    list.querySelector(`[data-line-id="${CSS.escape(id)}"]`)?.setAttribute('aria-current', 'true');
  }

  scroller.addEventListener('scroll', () => drawRows());
  // Lines drawn while the Captions tab was hidden had no height to measure (a row's step and the
  // window were guesses): drawn again when the list is shown, with the line under the playhead
  // brought into view as it would have been. Only then: a row's error message changes the list's
  // size too, and drawing the rows again would take the message away.
  let laidOut = false;
  new ResizeObserver(() => {
    if ((scroller.clientHeight > 0) === laidOut) return;
    laidOut = !laidOut;
    if (!laidOut) return;
    drawRows(true);
    const current = lines.findIndex((l) => l.id === currentId);
    if (current >= 0 && !el.contains(document.activeElement)) reveal(current);
  }).observe(scroller);
  // Up and Down on a line's button or text go to the line before or after (drawn if need be)
  list.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    const field = e.target.dataset && e.target.dataset.field;
    if (field !== 'seek' && field !== 'text') return; // a number field steps its value
    const at = e.target.closest('[data-line-id]');
    const index = Number(at.dataset.index) + (e.key === 'ArrowUp' ? -1 : 1);
    e.preventDefault(); // not the timeline's edit-point jump
    if (index < 0 || index >= lines.length) return;
    reveal(index);
    focusLine(lines[index].id, field);
  });

  el.addEventListener('timeline', (e) => {
    doc = e.detail.doc;
    limits = e.detail.limits || limits;
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
    if (String(field).startsWith('style')) { (lineId ? styleError : trackError).textContent = message; return; }
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
