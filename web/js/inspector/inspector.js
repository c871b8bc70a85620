// The inspector: one labelled control per property of the selected clip (or clips), in the units
// a person thinks in, with keyframe buttons beside each animatable one. Shown while clips are
// selected. The document, the selection, the limits and the playhead come down in `timeline`
// and `playhead` events; changes go up as `setfield` (a number, `live` while a label is dragged),
// `setvalue` (fit, text, colour), `keyframe` (add, remove, easing, previous, next) and
// `titlepreset` (an animation preset for the selected titles) and `transcribeclip` ("Caption this
// clip": speech to text on fal.ai, followed as a job). A generated clip also says how it was
// made (take-model.js), switches to another take of its request (`switchtake`) and regenerates
// (`regenerate`, the same request again). The rules (units, ranges, refusals) are
// inspector-model.js's.
import { h, emit, clear } from '../shared/dom.js';
import { server } from '../app/api.js';
import { clipLength } from '../timeline/values.js';
import { DEFAULT_TRANSITION, TRANSITIONS, TRANSITION_LABELS } from '../timeline/transitions-model.js';
import {
  EASINGS, EASING_LABELS, FITS, FIT_LABELS, MEDIA_FIELDS, TEXT_FIELDS, captionBlocker, displayRange,
  formatShown, isTextClip, keyframeAt, keyframesOf, parseField, relinkChoices, sharedDisplay, stepped, storedValue,
} from './inspector-model.js';
import { TITLE_PRESETS } from './title-presets.js';
import { TITLE_LAYOUT, formState, layoutKeys, lookOf } from './style-model.js';
import { mountStyleForm } from './style-form.js';
import { madeOf, takesOf } from './take-model.js';

const DRAG_PX = 4; // pixels a label must move before a press becomes a drag
let ids = 0;

export function mountInspector(el) {
  let doc = null;
  let limits = null;
  let clips = []; // the selected clips, as in the document
  let playhead = 0;
  let shape = ''; // which clips and fields the controls were built for
  let media = []; // the project's media: whether a clip has sound
  let keySet = null; // whether a fal.ai key is set; unknown until the settings arrive
  const captionButton = h('button', { type: 'button', class: 'ghost', text: 'Caption this clip',
    onclick: () => { if (clips.length === 1) emit(el, 'transcribeclip', { clipId: clips[0].id }); } });
  const captionWhy = h('span', { class: 'hint caption-why' });
  const rows = new Map(); // field key -> {field, input, error, diamond, easing, remove}
  let styleForm = null; // a title's look (style-form.js), while titles are selected
  let jobs = []; // the project's jobs: the seed and inputs of the one that made a clip
  let models = []; // the registry: a model's name, asked once
  server.models().then((answer) => { models = answer.models; madeKey = ''; if (!el.hidden && doc) fillMade(); }).catch(() => {});
  const madeBox = h('fieldset', { class: 'made' });
  let madeKey = ''; // what madeBox shows, so playhead updates leave it (and its focus) alone

  const title = h('h2', { text: 'Inspector' });
  const count = h('span', { class: 'hint' });
  const body = h('div', { class: 'inspector-body' });
  el.append(h('div', { class: 'panel-head' }, title, count), body);

  const selectedIds = () => clips.map((c) => c.id);
  let families = []; // the font families there are (GET /api/fonts), asked once
  server.fontList().then((answer) => {
    families = answer.fonts.map((f) => f.family);
    if (styleForm) { fillFonts(); update(); }
  }).catch(() => {}); // the list stays the titles' own families: a font is still shown and kept

  function showError(key, message) {
    const row = rows.get(key);
    if (!row) return;
    row.error.textContent = message || '';
    row.error.hidden = !message;
    row.input.setAttribute('aria-invalid', String(Boolean(message)));
  }

  // Enter commits, and so does leaving the field (change): the value committed last is not sent
  // twice, which would be a second undo step (and would redo what Undo just took back)
  function commit(field, text) {
    const row = rows.get(field.key);
    if (row) row.committed = text;
    const parsed = parseField(field, text, limits, doc);
    if (parsed.error) { showError(field.key, parsed.error); return; }
    showError(field.key, '');
    emit(el, 'setfield', { key: field.key, value: parsed.value, ids: selectedIds() });
  }

  // A number field: type and press Enter (or leave it), arrow keys step it (Shift: ten steps),
  // and its label drags it (one step a pixel) with the preview following, as one undo step.
  function numberRow(field) {
    const id = `insp-${++ids}`;
    const errorId = `${id}-error`;
    const { low, high } = displayRange(field, limits, doc);
    const input = h('input', {
      id, type: 'text', inputmode: 'decimal', autocomplete: 'off', 'aria-describedby': errorId,
      title: `${low} to ${high} ${field.unit}`,
      onchange: () => { if (input.value !== rows.get(field.key)?.committed) commit(field, input.value); },
      onkeydown: (e) => {
        if (e.key === 'Enter') { e.preventDefault(); commit(field, input.value); return; }
        if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
        e.preventDefault();
        const shown = Number(input.value);
        const base = Number.isFinite(shown) && input.value.trim() !== '' ? shown : (low + high) / 2;
        input.value = String(stepped(field, base, e.key === 'ArrowUp' ? 1 : -1, e.shiftKey, limits, doc));
        commit(field, input.value);
      },
    });
    const label = h('label', { for: id, class: 'scrub', text: field.label, title: 'Drag to change' });
    label.addEventListener('pointerdown', (e) => dragNumber(e, field, input, label));
    const error = h('p', { id: errorId, class: 'field-error', role: 'alert', hidden: true });
    const row = { field, input, error };
    const parts = [label, h('span', { class: 'number' }, input, h('span', { class: 'unit', text: field.unit }))];
    if (field.animatable) parts.push(keyframeControls(field, row));
    rows.set(field.key, row);
    return h('div', { class: 'field' }, ...parts, error);
  }

  function dragNumber(e, field, input, label) {
    if (e.button !== 0) return;
    const x0 = e.clientX;
    const start = Number(input.value);
    if (!Number.isFinite(start) || input.value.trim() === '') return; // mixed values: type one first
    let moved = false;
    let last = start;
    const { low, high } = displayRange(field, limits, doc);
    const move = (m) => {
      const dx = m.clientX - x0;
      if (!moved && Math.abs(dx) < DRAG_PX) return;
      moved = true;
      last = Math.min(high, Math.max(low, Number((start + dx * field.step).toFixed(field.digits))));
      input.value = String(last);
      const parsed = parseField(field, String(last), limits, doc);
      if (!parsed.error) emit(el, 'setfield', { key: field.key, value: parsed.value, ids: selectedIds(), live: true });
    };
    const up = () => {
      label.removeEventListener('pointermove', move);
      label.removeEventListener('pointerup', up);
      label.removeEventListener('pointercancel', up);
      if (!moved) return;
      commit(field, String(last));
      // the click that ends a drag would focus the field (it is the field's label): the drag
      // leaves the keyboard where it was, so Ctrl+Z undoes it at once
      label.addEventListener('click', (c) => c.preventDefault(), { once: true, capture: true });
    };
    try { label.setPointerCapture(e.pointerId); } catch { /* a pointer already gone still drags */ }
    label.addEventListener('pointermove', move);
    label.addEventListener('pointerup', up);
    label.addEventListener('pointercancel', up);
  }

  // Beside an animatable property: previous keyframe, the diamond (add or update at the playhead),
  // next keyframe; with a keyframe under the playhead, its easing and a delete button.
  function keyframeControls(field, row) {
    const action = (op, extra = {}) => emit(el, 'keyframe', { op, key: field.key, id: clips[0].id, ...extra });
    const button = (text, label, op) => h('button', { type: 'button', class: 'icon', text, 'aria-label': `${label}: ${field.label}`, title: `${label}: ${field.label}`, onclick: () => action(op) });
    row.prev = button('‹', 'Previous keyframe', 'prev');
    row.diamond = button('◆', 'Keyframe at the playhead', 'add');
    row.next = button('›', 'Next keyframe', 'next');
    row.easing = h('select', {
      'aria-label': `Easing: ${field.label}`,
      onchange: () => action('easing', { easing: row.easing.value }),
    }, EASINGS.map((name) => h('option', { value: name, text: EASING_LABELS[name] })));
    row.remove = button('✕', 'Delete keyframe', 'remove');
    row.keyed = h('span', { class: 'keyed' }, row.easing, row.remove);
    return h('span', { class: 'keyframes' }, row.prev, row.diamond, row.next, row.keyed);
  }

  function fitRow() {
    const id = `insp-${++ids}`;
    const select = h('select', { id, onchange: () => emit(el, 'setvalue', { key: 'fit', value: select.value, ids: selectedIds() }) },
      h('option', { value: '', text: 'Mixed', hidden: true }),
      FITS.map((fit) => h('option', { value: fit, text: FIT_LABELS[fit] })));
    rows.set('fit', { select });
    return h('div', { class: 'field' }, h('label', { for: id, text: 'Fit' }), select);
  }

  // The transition into the one selected clip: its type (or none) and its duration in seconds.
  function transitionRows() {
    const typeId = `insp-${++ids}`;
    const durationId = `insp-${++ids}`;
    const errorId = `${durationId}-error`;
    const send = () => {
      const clip = clips[0];
      rows.get('transition').committed = `${type.value}|${duration.value}`;
      if (!type.value) { emit(el, 'settransition', { clipId: clip.id, type: null }); return; }
      const text = duration.value.trim().replace(/\s*s$/, '');
      const seconds = text === '' ? DEFAULT_TRANSITION : Number(text);
      const { low, high } = limits.transition;
      if (!Number.isFinite(seconds) || seconds < low || seconds > high) {
        showError('transition', `Duration must be ${low} to ${high} s.`);
        return;
      }
      showError('transition', '');
      emit(el, 'settransition', { clipId: clip.id, type: type.value, duration: seconds });
    };
    const type = h('select', { id: typeId, onchange: send },
      h('option', { value: '', text: 'None' }),
      TRANSITIONS.map((t) => h('option', { value: t, text: TRANSITION_LABELS[t] })));
    const duration = h('input', {
      id: durationId, type: 'text', inputmode: 'decimal', autocomplete: 'off', 'aria-describedby': errorId,
      onchange: () => { if (`${type.value}|${duration.value}` !== rows.get('transition').committed) send(); },
      onkeydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); send(); } },
    });
    const error = h('p', { id: errorId, class: 'field-error', role: 'alert', hidden: true });
    rows.set('transition', { type, input: duration, error });
    return h('fieldset', {}, h('legend', { text: 'Transition in' }),
      h('div', { class: 'field' }, h('label', { for: typeId, text: 'Transition' }), type),
      h('div', { class: 'field' }, h('label', { for: durationId, text: 'Duration' }),
        h('span', { class: 'number' }, duration, h('span', { class: 'unit', text: 's' })), error));
  }

  // A title: its text (Enter is a new line; Ctrl+Enter or leaving the field commits), its font
  // and look, its outline, shadow and box, its lines' alignment and spacing, its place.
  function textRows() {
    const id = `insp-${++ids}`;
    const send = (key, value) => emit(el, 'setvalue', { key, value, ids: selectedIds() });
    const commitText = () => {
      const row = rows.get('text');
      if (text.value === row.committed) return;
      row.committed = text.value;
      send('text', text.value);
    };
    const text = h('textarea', {
      id, rows: 3, maxlength: limits.text.high, 'aria-keyshortcuts': 'Control+Enter',
      onchange: commitText,
      onkeydown: (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); commitText(); } },
    });
    rows.set('text', { text, committed: null });
    // the look: the style form the captions track and a caption line use too (style-form.js),
    // with this inspector's number rows (labels that drag)
    styleForm = mountStyleForm({ layout: TITLE_LAYOUT, name: 'insp', onset: send, numberRow });
    const field = (key) => numberRow(TEXT_FIELDS.find((f) => f.key === key));
    const group = (legend, ...children) => h('fieldset', {}, h('legend', { text: legend }), ...children);
    const [look, ...objects] = styleForm.parts; // the font and its look; outline, shadow, box
    return [h('div', { class: 'field wide' }, h('label', { for: id, text: 'Text' }), text),
      look, field('x'), field('y'),
      group('Animation', presetRow(), field('scale'), field('opacity'), field('fade_in'), field('fade_out')),
      ...objects];
  }

  // An animation preset for the selected titles (title-presets.js): chosen, it writes its
  // keyframes (one undo step) and the list goes back to its prompt, ready for another.
  function presetRow() {
    const id = `insp-${++ids}`;
    const select = h('select', {
      id,
      onchange: () => {
        const name = select.value;
        select.value = '';
        if (name) emit(el, 'titlepreset', { name, ids: selectedIds() });
      },
    }, h('option', { value: '', text: 'Choose…' }),
    TITLE_PRESETS.map((p) => h('option', { value: p.name, text: p.label })));
    return h('div', { class: 'field' }, h('label', { for: id, text: 'Preset' }), select);
  }

  // The font list: the families this machine has (GET /api/fonts), and a title's own family even
  // when it lacks it (drawn with fontconfig's nearest).
  function fillFonts() {
    if (styleForm) styleForm.addFonts([...families, ...clips.map((c) => storedValue(c, 'font'))]);
  }

  // An offline clip (its file was not found when a timeline file came in): its name and path,
  // and Relink…, which offers the library's media of a kind its track shows
  function offlineRows(clip) {
    const track = doc.tracks.find((t) => t.clips.includes(clip));
    const id = `inspector-${++ids}`;
    const choices = relinkChoices(clip, track ? track.kind : 'video', media);
    const select = h('select', {
      id,
      onchange: () => { if (select.value) emit(el, 'relinkclip', { name: clip.offline.name, mediaId: select.value }); },
    }, h('option', { value: '', text: choices.length ? 'Choose media…' : 'No media of this kind in the library' }),
    choices.map((c) => h('option', { value: c.id, text: c.label, disabled: c.disabled })));
    const pick = h('div', { class: 'field relink-pick', hidden: true }, h('label', { for: id, text: 'Relink to' }), select);
    const button = h('button', {
      type: 'button', text: 'Relink…',
      onclick: () => { pick.hidden = false; select.focus(); },
    });
    return h('fieldset', { class: 'offline-clip' }, h('legend', { text: 'Media offline' }),
      h('p', { class: 'offline-name', text: `Offline: ${clip.offline.name}` }),
      clip.offline.path ? h('p', { class: 'hint offline-name', text: clip.offline.path }) : null,
      h('p', { class: 'hint', text: 'Relink it to a library item (or drop one on the clip): every offline clip of this name follows.' }),
      button, pick);
  }

  function build() {
    clear(body);
    rows.clear();
    styleForm = null;
    if (!clips.length) return;
    if (clips.length === 1 && clips[0].offline) {
      body.append(offlineRows(clips[0]));
      return;
    }
    if (clips.every(isTextClip)) {
      body.append(h('fieldset', {}, h('legend', { text: 'Title' }), ...textRows()));
      fillFonts();
      return;
    }
    const group = (legend, keys) => h('fieldset', {}, h('legend', { text: legend }),
      ...MEDIA_FIELDS.filter((f) => keys.includes(f.key)).map(numberRow));
    body.append(
      group('Clip', ['speed', 'volume', 'opacity']),
      group('Transform', ['transform.x', 'transform.y', 'transform.scale', 'transform.rotation']),
      h('fieldset', {}, h('legend', { text: 'Crop and fit' }),
        ...MEDIA_FIELDS.filter((f) => f.key.startsWith('crop.')).map(numberRow), fitRow()),
      group('Fades', ['fade_in', 'fade_out']),
    );
    if (clips.length === 1) body.append(transitionRows());
    body.append(h('fieldset', {}, h('legend', { text: 'Captions' }), captionButton, captionWhy));
    madeKey = '';
    body.prepend(madeBox); // first: which take this is, and how it was made
  }

  // A generated clip: its model, prompt, seed, take and cost; a Take list when its request made
  // several; Regenerate, the same request as a new one (the result lands in the library).
  function fillMade() {
    const clip = clips.length === 1 && !isTextClip(clips[0]) ? clips[0] : null;
    const item = clip && media.find((m) => m.id === clip.media_id);
    const job = item && jobs.find((j) => j.media_id === item.id);
    const made = madeOf(item, job, models);
    const takes = made ? takesOf(clip, media) : [];
    const key = JSON.stringify([clip && clip.id, clip && clip.media_id, made && made.rows, takes]);
    if (key === madeKey) return;
    madeKey = key;
    const focused = madeBox.contains(document.activeElement) ? document.activeElement.className : null;
    clear(madeBox);
    madeBox.hidden = !made;
    if (!made) return;
    madeBox.append(h('legend', { text: 'Generated' }),
      h('dl', { class: 'made-of' }, made.rows.flatMap((r) => [h('dt', { text: r.label }), h('dd', { text: r.value })])));
    if (takes.length) {
      const id = `insp-${++ids}`;
      const pick = h('select', {
        id, class: 'take-pick',
        onchange: () => emit(el, 'switchtake', { clipId: clip.id, mediaId: pick.value }),
      }, takes.map((t) => h('option', { value: t.id, text: t.label, selected: t.id === clip.media_id })));
      madeBox.append(h('div', { class: 'field' }, h('label', { for: id, text: 'Take' }), pick));
    }
    madeBox.append(h('button', {
      type: 'button', class: 'ghost regenerate', text: 'Regenerate',
      title: 'Run the same request again: the new clip lands in the library',
      onclick: () => emit(el, 'regenerate', { request: made.request }),
    }));
    // a take switched from the keyboard keeps the keyboard on the list
    if (focused) madeBox.querySelector(`.${focused.split(' ').pop()}`)?.focus();
  }

  // disabled with the reason beside it: no sound, no key, more than one clip
  function updateCaption() {
    const why = captionBlocker(clips, media, keySet);
    captionButton.disabled = Boolean(why);
    captionButton.title = why || 'Transcribe this clip\'s speech on fal.ai into a new captions track';
    captionWhy.textContent = why || '';
    captionWhy.hidden = !why;
  }

  // The controls' values from the document at the playhead; the field being typed in is left alone.
  function update() {
    const media = clips.filter((c) => !isTextClip(c));
    const shownClips = media.length ? media : clips;
    const t0s = shownClips.map((c) => playhead - c.start);
    for (const row of rows.values()) {
      if (row.field) {
        if (document.activeElement !== row.input) {
          const shared = sharedDisplay(row.field, shownClips, t0s, doc);
          row.input.value = shared === null ? '' : formatShown(row.field, shared);
          row.committed = row.input.value;
          row.input.placeholder = shared === null ? 'Mixed' : '';
        }
        if (row.diamond) updateKeyframes(row);
      }
    }
    if (rows.has('fit')) {
      const fits = new Set(shownClips.map((c) => c.fit ?? FITS[0]));
      rows.get('fit').select.value = fits.size === 1 ? [...fits][0] : '';
    }
    if (rows.has('text') && document.activeElement !== rows.get('text').text) {
      const texts = new Set(clips.map((c) => c.text ?? ''));
      rows.get('text').text.value = texts.size === 1 ? [...texts][0] : '';
      rows.get('text').committed = rows.get('text').text.value;
    }
    if (styleForm) {
      fillFonts();
      const keys = layoutKeys(TITLE_LAYOUT).filter((key) => !rows.has(key)); // numbers: the rows above
      styleForm.fill(formState(keys, clips.map((c) => lookOf(null, c)), null, doc), { doc, limits });
    }
    updateCaption();
    fillMade();
    if (rows.has('transition')) {
      const { type, input } = rows.get('transition');
      const tr = clips[0].transition_in;
      type.value = tr ? tr.type : '';
      if (document.activeElement !== input) input.value = tr ? String(Number(tr.duration.toFixed(3))) : '';
      rows.get('transition').committed = `${type.value}|${input.value}`;
      input.placeholder = tr ? '' : String(DEFAULT_TRANSITION);
    }
  }

  function updateKeyframes(row) {
    const single = clips.length === 1 ? clips[0] : null;
    const t = single ? playhead - single.start : 0;
    const over = single && t >= -1e-6 && t <= clipLength(single) + 1e-6;
    const keys = single ? keyframesOf(single, row.field.key) : [];
    const here = over ? keyframeAt(keys, t, doc.fps) : null;
    row.diamond.disabled = !over;
    row.diamond.title = over ? `Keyframe at the playhead: ${row.field.label}` : 'Move the playhead over the clip to add a keyframe';
    row.diamond.setAttribute('aria-pressed', String(Boolean(here)));
    row.diamond.classList.toggle('on', Boolean(here));
    row.prev.disabled = !single || !keys.some((k) => k.time < t - 0.5 / doc.fps);
    row.next.disabled = !single || !keys.some((k) => k.time > t + 0.5 / doc.fps);
    row.keyed.hidden = !here;
    if (here) row.easing.value = here.easing ?? 'linear';
  }

  el.addEventListener('timeline', (e) => {
    doc = e.detail.doc;
    limits = e.detail.limits;
    media = e.detail.media || media;
    playhead = doc.playhead || 0;
    const selected = new Set(e.detail.selected || []);
    // caption lines are styled in the captions panel (the same style form, style-form.js)
    // a clip still being generated has no properties yet: its placeholder is moved and trimmed only
    clips = doc.tracks.filter((t) => t.kind !== 'captions').flatMap((t) => t.clips)
      .filter((c) => selected.has(c.id) && !c.placeholder);
    el.hidden = !clips.length || !limits;
    if (el.hidden) { shape = ''; return; }
    count.textContent = clips.length > 1 ? `${clips.length} clips` : '';
    const nextShape = `${clips.map((c) => (c.offline ? `${c.id}!${media.length}` : c.id)).join(',')}|${clips.every(isTextClip)}|${doc.width}x${doc.height}`;
    if (nextShape !== shape) { shape = nextShape; build(); }
    update();
  });
  el.addEventListener('playhead', (e) => {
    playhead = e.detail.time;
    if (!el.hidden && doc) update();
  });
  // a change the document refused (a clip that would run into the next one, a keyframed value
  // with the playhead off the clip): said beside the field
  el.addEventListener('fielderror', (e) => showError(e.detail.key, e.detail.message));
  // a title double-clicked on the timeline: its text is edited here, in place
  el.addEventListener('focusfield', (e) => {
    const row = rows.get(e.detail.key);
    const input = row && (row.input || row.text);
    if (input) { input.focus(); if (input.select) input.select(); }
  });
  el.addEventListener('settings', (e) => {
    keySet = Boolean(e.detail.fal_key_set);
    if (!el.hidden && doc) updateCaption();
  });
  el.addEventListener('jobs', (e) => {
    jobs = e.detail.jobs;
    if (!el.hidden && doc) fillMade();
  });
  el.addEventListener('noproject', () => { el.hidden = true; doc = null; shape = ''; });
}
