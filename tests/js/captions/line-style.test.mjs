import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overrideStyle, setLineStyle } from '../../../web/js/captions/captions-model.js';
import { titlesAt } from '../../../web/js/preview/compose-model.js';

const doc = () => ({
  version: 2, width: 640, height: 360, fps: 25,
  tracks: [
    { id: 'cc', kind: 'captions', hidden: false, style: { color: '#ffffff', size: 30 }, clips: [
      { id: 'a', start: 1, duration: 1, text: 'One' },
      { id: 'b', start: 3, duration: 1, text: 'Two', style: { y: 0.2 } },
    ] },
  ],
});
const line = (d, id) => d.tracks[0].clips.find((c) => c.id === id);

test('an override is laid over a line\'s own style key by key; null goes back to the track\'s', () => {
  assert.deepEqual(overrideStyle(undefined, { color: '#ff0000' }), { color: '#ff0000' });
  assert.deepEqual(overrideStyle({ y: 0.2 }, { bold: false }), { y: 0.2, bold: false });
  assert.deepEqual(overrideStyle({ y: 0.2, bold: false }, { bold: null }), { y: 0.2 });
  assert.equal(overrideStyle({ y: 0.2 }, { y: null }), null, 'no key left: no style of its own');
});

test('a line\'s colour is set as one new document; the other line and the track are untouched', () => {
  const d = doc();
  const { doc: next } = setLineStyle(d, 'cc', 'a', { color: '#ff0000' });
  assert.deepEqual(line(next, 'a').style, { color: '#ff0000' });
  assert.deepEqual(line(next, 'b').style, { y: 0.2 });
  assert.deepEqual(next.tracks[0].style, { color: '#ffffff', size: 30 });
  assert.equal(line(d, 'a').style, undefined, 'the old document is left as it was');
  const merged = setLineStyle(next, 'cc', 'a', { bold: false, size: 40 }).doc;
  assert.deepEqual(line(merged, 'a').style, { color: '#ff0000', bold: false, size: 40 });
});

test('cleared, the line has no style key at all; a change to the same value is no undo step', () => {
  const cleared = setLineStyle(doc(), 'cc', 'b', null).doc;
  assert.equal('style' in line(cleared, 'b'), false);
  assert.deepEqual(setLineStyle(doc(), 'cc', 'a', null), { unchanged: true });
  assert.deepEqual(setLineStyle(doc(), 'cc', 'b', { y: 0.2 }), { unchanged: true });
  assert.equal('style' in line(setLineStyle(doc(), 'cc', 'b', { y: null }).doc, 'b'), false);
});

test('a bad value is refused naming its key, and a gone line or track says so', () => {
  assert.deepEqual(setLineStyle(doc(), 'cc', 'a', { color: 'red' }), { error: 'A colour is written like #ffcc00.', field: 'style.color' });
  assert.equal(setLineStyle(doc(), 'cc', 'a', { size: 3 }).field, 'style.size');
  assert.equal(setLineStyle(doc(), 'cc', 'a', { size: 20.5 }).field, 'style.size');
  assert.equal(setLineStyle(doc(), 'cc', 'a', { align: 'middle' }).field, 'style.align');
  assert.equal(setLineStyle(doc(), 'cc', 'a', { bold: 'yes' }).field, 'style.bold');
  assert.equal(setLineStyle(doc(), 'cc', 'a', { glow: 1 }).field, 'style.glow');
  assert.equal(setLineStyle(doc(), 'cc', 'gone', { bold: true }).error, 'That line is gone.');
  assert.equal(setLineStyle(doc(), 'nope', 'a', { bold: true }).field, 'track');
});

test('the preview draws a line\'s own colour, size and bold; the next line keeps the track\'s', () => {
  const d = setLineStyle(doc(), 'cc', 'a', { color: '#ff0000', size: 40, bold: false, align: 'right' }).doc;
  const [one] = titlesAt(d, 1.5);
  assert.equal(one.color, '#ff0000');
  assert.equal(one.size, 40);
  assert.equal(one.bold, false);
  assert.equal(one.align, 'right');
  const [two] = titlesAt(d, 3.5);
  assert.equal(two.color, '#ffffff');
  assert.equal(two.size, 30);
  assert.equal(two.bold, undefined, 'the track has no bold of its own: the title default');
  assert.equal(two.y, 0.2);
});
