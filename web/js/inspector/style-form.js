// The style form, drawn: one labelled control per key of a layout (style-model.js), in its groups.
// The title inspector, the captions track's style and a caption line's own style all mount it.
// A change goes to `onset(key, value)` with the value as the document stores it (a number parsed
// and range-checked by the inspector's rules; a refusal goes to `onerror(key, message)` instead);
// `fill(state)` shows formState's values, a key inherited marked as such (`inheritedText`). The
// inspector passes its own `numberRow` (labels that drag, keyframe buttons) for number fields.
import { h } from '../shared/dom.js';
import { ALIGN_LABELS, displayRange, parseField, stepped } from './inspector-model.js';
import { controlOf } from './style-model.js';

let ids = 0;

export function mountStyleForm({ layout, onset, onerror = () => {}, numberRow = null, inheritedText = null, name = 'style' }) {
  let doc = null;
  let limits = null;
  const controls = new Map(); // key -> {control, input, field (the wrapper), mark}

  function wrap(key, input, extra = []) {
    const control = controlOf(key);
    input.id = `${name}-${++ids}`;
    const mark = inheritedText ? h('span', { class: 'hint inherited-mark', text: inheritedText, hidden: true }) : null;
    const field = h('div', { class: 'field', dataset: { styleKey: key } },
      h('label', { for: input.id, text: control.field ? `${control.label} (${control.field.unit})` : control.label }),
      input, ...extra, mark);
    controls.set(key, { control, input, field, mark });
    return field;
  }

  function commitNumber(key, input) {
    const { field } = controlOf(key);
    const parsed = parseField(field, input.value, limits, doc);
    if (parsed.error) { input.setAttribute('aria-invalid', 'true'); onerror(key, parsed.error); return; }
    input.setAttribute('aria-invalid', 'false');
    controls.get(key).committed = input.value;
    onset(key, parsed.value);
  }

  function build(key) {
    const control = controlOf(key);
    if (control.kind === 'number') {
      if (numberRow) return numberRow(control.field);
      const input = h('input', {
        type: 'text', inputmode: 'decimal', autocomplete: 'off', class: 'style-number',
        onchange: () => { if (input.value !== controls.get(key).committed) commitNumber(key, input); },
        onkeydown: (e) => {
          if (e.key === 'Enter') { e.preventDefault(); commitNumber(key, input); return; }
          if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
          e.preventDefault();
          const shown = Number(input.value);
          const { low, high } = displayRange(control.field, limits, doc);
          const base = Number.isFinite(shown) && input.value.trim() !== '' ? shown : (low + high) / 2;
          input.value = String(stepped(control.field, base, e.key === 'ArrowUp' ? 1 : -1, e.shiftKey, limits, doc));
          commitNumber(key, input);
        },
      });
      return wrap(key, input);
    }
    if (control.kind === 'colour') {
      const input = h('input', { type: 'color', onchange: () => onset(key, input.value) });
      return wrap(key, input);
    }
    if (control.kind === 'check') {
      const input = h('input', { type: 'checkbox', onchange: () => onset(key, input.checked) });
      return wrap(key, input);
    }
    const options = control.kind === 'align' ? Object.entries(ALIGN_LABELS) : [];
    const input = h('select', { onchange: () => { if (input.value) onset(key, input.value); } },
      h('option', { value: '', text: 'Mixed', hidden: true }),
      options.map(([value, text]) => h('option', { value, text })));
    return wrap(key, input);
  }

  // one element per group, in order: the inspector places its own rows between them
  const parts = layout.map((group) => (group.legend
    ? h('fieldset', { class: 'style-group' }, h('legend', { text: group.legend }), ...group.keys.map(build))
    : h('div', { class: 'style-group' }, ...group.keys.map(build))));

  // The font list: the families the machine has, and any shown even when it lacks it.
  function addFonts(families) {
    const font = controls.get('font');
    if (!font) return;
    const have = new Set([...font.input.options].map((o) => o.value));
    for (const family of families) {
      if (family && !have.has(family)) { font.input.append(h('option', { value: family, text: family })); have.add(family); }
    }
  }

  // formState's values in the controls; the field being typed in is left alone.
  function fill(state, context) {
    doc = context.doc;
    limits = context.limits;
    for (const [key, { value, first, inherited }] of Object.entries(state)) {
      const at = controls.get(key);
      if (!at) continue;
      const { control, input, field, mark } = at;
      field.classList.toggle('inherited', Boolean(inherited));
      if (mark) mark.hidden = !inherited;
      if (control.kind === 'check') {
        input.checked = Boolean(value);
        input.indeterminate = value === null;
      } else if (control.kind === 'font') {
        if (value !== null) addFonts([value]);
        input.value = value ?? '';
      } else if (control.kind === 'colour') {
        input.value = value ?? first; // a colour well cannot say "mixed"
      } else if (control.kind === 'align') {
        input.value = value ?? '';
      } else if (document.activeElement !== input) {
        input.value = value ?? '';
        input.placeholder = value === null ? 'Mixed' : '';
        input.removeAttribute('aria-invalid');
        at.committed = input.value;
      }
    }
  }

  return { parts, fill, addFonts, has: (key) => controls.has(key), input: (key) => controls.get(key)?.input };
}
