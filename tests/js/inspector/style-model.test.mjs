import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LINE_LAYOUT, TITLE_LAYOUT, TRACK_LAYOUT, badStyleValue, controlOf, formState, layoutKeys, lookOf, ownNames,
  stylePatch, valueIn,
} from '../../../web/js/inspector/style-model.js';
import { TEXT_FIELDS } from '../../../web/js/inspector/inspector-model.js';
import { setLineStyle, setTrackStyle } from '../../../web/js/captions/captions-model.js';
import { titlesAt } from '../../../web/js/preview/compose-model.js';

const DOC = { width: 1280, height: 720 };
const LIMITS = {
  size: { low: 8, high: 1000, whole: true }, line_spacing: { low: -50, high: 500, whole: true },
  'outline.width': { low: 0, high: 50, whole: true }, y: { low: 0, high: 1 }, max_width: { low: 0.1, high: 1 },
};

test('one layout: the title\'s style keys are the captions\' too, plus a caption\'s place', () => {
  const title = layoutKeys(TITLE_LAYOUT);
  assert.deepEqual(title, ['font', 'bold', 'italic', 'size', 'color', 'align', 'line_spacing', 'outline.color',
    'outline.width', 'shadow.color', 'shadow.x', 'shadow.y', 'shadow.opacity', 'box.color', 'box.opacity', 'box.padding']);
  assert.deepEqual(layoutKeys(TRACK_LAYOUT), [...title, 'y', 'max_width']);
  assert.equal(LINE_LAYOUT, TRACK_LAYOUT, 'a line overrides exactly what its track sets');
  for (const key of layoutKeys(TRACK_LAYOUT)) assert.ok(controlOf(key), key);
  // the numbers are the inspector's own fields (units, ranges, steps)
  assert.equal(controlOf('outline.width').field, TEXT_FIELDS.find((f) => f.key === 'outline.width'));
  assert.equal(controlOf('color').kind, 'colour');
  assert.equal(controlOf('align').kind, 'align');
});

test('a line shows its own keys over its track\'s over the defaults, each marked inherited or not', () => {
  const track = { size: 60, color: '#ffffff', outline: { color: '#000000', width: 3 } };
  const own = { color: '#ff0000' };
  const full = formState(layoutKeys(LINE_LAYOUT), [lookOf(track, own)], [own], DOC);
  const state = Object.fromEntries(Object.entries(full).map(([k, { first: _, ...rest }]) => [k, rest]));
  assert.deepEqual(state.color, { value: '#ff0000', inherited: false });
  assert.deepEqual(state.size, { value: '60', inherited: true });
  assert.deepEqual(state['outline.width'], { value: '3', inherited: true });
  assert.deepEqual(state.bold, { value: true, inherited: true }, 'the default: bold');
  assert.deepEqual(state.y, { value: '648', inherited: true }, '0.9 of the height, in canvas pixels');
  assert.deepEqual(state.max_width, { value: '80', inherited: true });
  assert.deepEqual(state['box.opacity'], { value: '0', inherited: true }, 'no box: nothing drawn');
  // a track without a size: a twelfth of the canvas height, as the export draws it
  assert.equal(valueIn(lookOf({}, {}), 'size', DOC), 60);
});

test('titles: nothing is inherited, and values the selected titles do not share show as mixed', () => {
  const a = { color: '#ff0000', size: 40 };
  const b = { color: '#ff0000', size: 50 };
  const state = formState(['color', 'size', 'bold'], [lookOf(null, a), lookOf(null, b)], null, DOC);
  assert.deepEqual(state.color, { value: '#ff0000', first: '#ff0000', inherited: false });
  assert.deepEqual(state.size, { value: null, first: '40', inherited: false }, 'a colour well shows the first');
  assert.deepEqual(state.bold, { value: true, first: true, inherited: false });
});

test('a nested key writes its whole object, started from what is drawn (the track\'s width kept)', () => {
  const look = lookOf({ outline: { color: '#000000', width: 3 } }, {});
  assert.deepEqual(stylePatch(look, 'outline.color', '#00ff00'), { outline: { color: '#00ff00', width: 3 } });
  assert.deepEqual(stylePatch(lookOf({}, {}), 'shadow.x', 8), { shadow: { color: '#000000', x: 8, y: 4, opacity: 0 } });
  assert.deepEqual(stylePatch(look, 'color', '#ff0000'), { color: '#ff0000' });
  assert.deepEqual(ownNames({ color: '#ff0000', outline: {}, y: 0.5 }), ['colour', 'outline', 'height on screen']);
});

test('the values a style may hold are the server\'s: a bad one is refused naming why', () => {
  assert.equal(badStyleValue('outline', { color: '#00ff00', width: 6 }, LIMITS), null);
  assert.match(badStyleValue('outline', { color: '#00ff00' }, LIMITS), /needs its width/);
  assert.match(badStyleValue('outline', { color: '#00ff00', width: 60 }, LIMITS), /0 to 50/);
  assert.match(badStyleValue('outline', { color: '#00ff00', width: 2.5 }, LIMITS), /whole/);
  assert.match(badStyleValue('outline', { color: 'green', width: 2 }, LIMITS), /#ffcc00/);
  assert.match(badStyleValue('box', { color: '#000000', opacity: 0.5, padding: 4, glow: 1 }), /no "glow"/);
  assert.match(badStyleValue('max_width', 0.05, LIMITS), /0.1 to 1/);
  assert.match(badStyleValue('font', ''), /family/);
  assert.equal(badStyleValue('font', 'DejaVu Serif'), null);
  assert.equal(badStyleValue('line_spacing', 12), null);
  assert.equal(badStyleValue('outline', null), null, 'null: back to the inherited');
});

const doc = () => ({
  version: 2, width: 640, height: 360, fps: 25,
  tracks: [{ id: 'cc', kind: 'captions', hidden: false, style: { color: '#ffffff', size: 30 }, clips: [
    { id: 'a', start: 1, duration: 1, text: 'One' },
    { id: 'b', start: 3, duration: 1, text: 'Two' },
  ] }],
});

test('a line\'s outline from the form: one new document, drawn on that line only', () => {
  const d = doc();
  const track = d.tracks[0];
  const patch = stylePatch(lookOf(track.style, undefined), 'outline.color', '#00ff00');
  const first = setLineStyle(d, 'cc', 'a', patch).doc;
  const look = lookOf(track.style, first.tracks[0].clips[0].style);
  const next = setLineStyle(first, 'cc', 'a', stylePatch(look, 'outline.width', 6)).doc;
  assert.deepEqual(next.tracks[0].clips[0].style, { outline: { color: '#00ff00', width: 6 } });
  assert.equal(next.tracks[0].clips[1].style, undefined);
  assert.deepEqual(titlesAt(next, 1.5)[0].outline, { color: '#00ff00', width: 6 });
  assert.equal(titlesAt(next, 3.5)[0].outline, undefined);
  assert.equal(setLineStyle(next, 'cc', 'a', { outline: { color: '#00ff00', width: -1 } }).field, 'style.outline');
});

test('the track\'s style from the same form: key by key, a null key back to its default', () => {
  const next = setTrackStyle(doc(), 'cc', { outline: { color: '#000000', width: 2 } }).doc;
  assert.deepEqual(next.tracks[0].style, { color: '#ffffff', size: 30, outline: { color: '#000000', width: 2 } });
  assert.deepEqual(setTrackStyle(next, 'cc', { size: null }).doc.tracks[0].style,
    { color: '#ffffff', outline: { color: '#000000', width: 2 } });
  assert.deepEqual(setTrackStyle(doc(), 'cc', { size: 30 }), { unchanged: true });
  assert.equal(setTrackStyle(doc(), 'cc', { color: 'red' }).field, 'style.color');
  assert.equal(setTrackStyle(doc(), 'gone', { size: 30 }).field, 'track');
});
