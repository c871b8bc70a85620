// A text's style as one form, as pure functions (no DOM; tested with node): which controls there
// are and in what groups, what each shows for a title, a captions track or one caption line, and
// the change one control writes. The title inspector, the captions track's style and a line's own
// style are three uses of this one form (style-form.js draws it), so they cannot drift apart.
import { ALIGN_LABELS, STYLE_OBJECTS, TEXT_FIELDS, TITLE_STYLE_DEFAULTS, formatShown, toDisplay } from './inspector-model.js';

const fieldOf = (key) => TEXT_FIELDS.find((f) => f.key === key);

// A caption's place and width, in the units a person reads them in (the captions track's keys a
// title does not have, or keeps elsewhere: a title's y is animatable and lives in the inspector).
export const CAPTION_FIELDS = Object.freeze([
  Object.freeze({ ...fieldOf('y'), label: 'Height on screen' }),
  Object.freeze({ key: 'max_width', label: 'Line width', unit: '%', limit: 'max_width', scale: 100, digits: 0, step: 1 }),
]);

// Every control of the form: its kind (font, check, colour, align, number) and label.
const CONTROLS = Object.freeze(Object.fromEntries([
  ['font', { kind: 'font', label: 'Font' }],
  ['bold', { kind: 'check', label: 'Bold' }],
  ['italic', { kind: 'check', label: 'Italic' }],
  ['color', { kind: 'colour', label: 'Colour' }],
  ['align', { kind: 'align', label: 'Align' }],
  ['outline.color', { kind: 'colour', label: 'Outline colour' }],
  ['shadow.color', { kind: 'colour', label: 'Shadow colour' }],
  ['box.color', { kind: 'colour', label: 'Box colour' }],
  ...[...TEXT_FIELDS, ...CAPTION_FIELDS].map((f) => [f.key, { kind: 'number', label: f.label, field: f }]),
].map(([key, c]) => [key, Object.freeze({ key, ...c })])));

export const controlOf = (key) => CONTROLS[key];

// The groups of the form, in order: the title's look (the inspector adds its text, place and
// animation around it), then a caption's place, for a track or a line.
const LOOK = [
  { legend: null, keys: ['font', 'bold', 'italic', 'size', 'color', 'align', 'line_spacing'] },
  { legend: 'Outline', keys: ['outline.color', 'outline.width'] },
  { legend: 'Shadow', keys: ['shadow.color', 'shadow.x', 'shadow.y', 'shadow.opacity'] },
  { legend: 'Box', keys: ['box.color', 'box.opacity', 'box.padding'] },
];
export const TITLE_LAYOUT = Object.freeze(LOOK.map((g) => Object.freeze(g)));
export const TRACK_LAYOUT = Object.freeze([...TITLE_LAYOUT, Object.freeze({ legend: 'Place', keys: ['y', 'max_width'] })]);
export const LINE_LAYOUT = TRACK_LAYOUT;

export const layoutKeys = (layout) => layout.flatMap((g) => g.keys);

// The key of the document a control writes: 'outline.width' writes the whole outline object.
export const headOf = (key) => key.split('.')[0];

// How a caption draws when neither its track nor it says (media/captions.py, wrap-model.js).
const CAPTION_BASE = Object.freeze({ x: 0.5, y: 0.9, max_width: 0.8 });

// The look drawn: the defaults, then the inherited style (a track's, for a line), then its own.
export function lookOf(inherited, own) {
  return { ...TITLE_STYLE_DEFAULTS, ...CAPTION_BASE, ...(inherited || {}), ...(own || {}) };
}

// A key's value in a look, with the document's default (a nested key's from STYLE_OBJECTS; a
// size not set is a twelfth of the canvas height, at least 8, as the export draws it).
export function valueIn(look, key, doc) {
  const [head, tail] = key.split('.');
  if (tail !== undefined) return (look[head] ?? STYLE_OBJECTS[head])[tail] ?? STYLE_OBJECTS[head][tail];
  if (key === 'size') return look.size ?? Math.max(8, Math.trunc(doc.height / 12));
  if (key === 'line_spacing') return look.line_spacing ?? 0;
  return look[key];
}

// What a control shows: a number as text in its units, a colour, a switch, a choice.
export function shownOf(key, value, doc) {
  const { kind, field } = CONTROLS[key];
  if (kind === 'number') return formatShown(field, toDisplay(field, value, doc));
  return value;
}

// The form's state for one or more looks (several titles selected): per key, what it shows
// (null: they differ, "Mixed"; `first`: the first look's, what a colour well shows then) and whether it is inherited (no own value on any of them: a line
// showing its track's). `owns`: each look's own keys (null: nothing is inherited, a title).
export function formState(keys, looks, owns, doc) {
  const state = {};
  for (const key of keys) {
    const shown = looks.map((look) => shownOf(key, valueIn(look, key, doc), doc));
    const same = shown.every((v) => v === shown[0]);
    const inherited = owns !== null && owns.every((own) => !own || !(headOf(key) in own));
    state[key] = { value: same ? shown[0] : null, first: shown[0], inherited };
  }
  return state;
}

// The change a control writes, as a patch of the style: a plain key as is; a nested one as its
// whole object (the document keeps outline, shadow and box whole), started from what the look
// draws now, so a line's own outline colour keeps its track's width.
export function stylePatch(look, key, value) {
  const [head, tail] = key.split('.');
  if (tail === undefined) return { [key]: value };
  return { [head]: { ...STYLE_OBJECTS[head], ...(look[head] || {}), [tail]: value } };
}

// How a line's own keys read in its hint ("This line's own: colour, outline").
const NAMES = { color: 'colour', size: 'size', font: 'font', bold: 'bold', italic: 'italic', align: 'alignment',
  line_spacing: 'line spacing', outline: 'outline', shadow: 'shadow', box: 'box', y: 'height on screen',
  x: 'place', max_width: 'line width' };
export const ownNames = (own) => Object.keys(own || {}).map((k) => NAMES[k] || k);

// -- the values a style may hold (the server's rules, library/timeline.py) -----------------------
const COLOR = /^#[0-9a-fA-F]{6}$/;
const OBJECT_KEYS = Object.freeze({ outline: ['color', 'width'], shadow: ['color', 'x', 'y', 'opacity'], box: ['color', 'opacity', 'padding'] });
export const STYLE_KEYS = Object.freeze(['font', 'bold', 'italic', 'outline', 'shadow', 'box', 'align', 'line_spacing',
  'size', 'color', 'x', 'y', 'max_width']);

function badNumber(name, value, limits) {
  const limit = limits && limits[name];
  if (!Number.isFinite(value)) return `${name} must be a number.`;
  if (!limit) return null;
  if (value < limit.low || value > limit.high) return `${name} must be ${limit.low} to ${limit.high}.`;
  if (limit.whole && !Number.isInteger(value)) return `${name} must be a whole number.`;
  return null;
}

// Why a value of a style key is refused, or null. `limits`: the server's (GET /api/timeline/limits);
// without them, the ranges of the keys the panel checks before it sends.
export function badStyleValue(key, value, limits = FALLBACK_LIMITS) {
  if (value === null) return null; // back to the inherited
  if (!STYLE_KEYS.includes(key)) return `A style has no "${key}".`;
  if (key === 'color') return COLOR.test(value) ? null : 'A colour is written like #ffcc00.';
  if (key === 'bold' || key === 'italic') return typeof value === 'boolean' ? null : `${key} is on or off.`;
  if (key === 'align') return Object.keys(ALIGN_LABELS).includes(value) ? null : 'Align is left, centre or right.';
  if (key === 'font') return typeof value === 'string' && value.length >= 1 && value.length <= 128 ? null : 'A font is a family name.';
  if (key === 'size') return Number.isInteger(value) && value >= 8 && value <= 1000 ? null : 'The size is 8 to 1000 pixels.';
  if (OBJECT_KEYS[key]) {
    if (!value || typeof value !== 'object') return `The ${key} must be an object.`;
    const extra = Object.keys(value).find((k) => !OBJECT_KEYS[key].includes(k));
    if (extra) return `The ${key} has no "${extra}".`;
    for (const k of OBJECT_KEYS[key]) {
      if (!(k in value)) return `The ${key} needs its ${k}.`;
      if (k === 'color') { if (!COLOR.test(value.color)) return 'A colour is written like #ffcc00.'; continue; }
      const bad = badNumber(`${key}.${k}`, value[k], limits);
      if (bad) return bad;
    }
    return null;
  }
  return badNumber(key, value, limits);
}

const FALLBACK_LIMITS = Object.freeze({
  x: { low: 0, high: 1 }, y: { low: 0, high: 1 }, max_width: { low: 0.1, high: 1 },
  line_spacing: { low: -50, high: 500, whole: true }, 'outline.width': { low: 0, high: 50, whole: true },
  'shadow.x': { low: -100, high: 100, whole: true }, 'shadow.y': { low: -100, high: 100, whole: true },
  'shadow.opacity': { low: 0, high: 1 }, 'box.opacity': { low: 0, high: 1 }, 'box.padding': { low: 0, high: 200, whole: true },
});
