import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TITLE_PRESETS, applyPreset, presetKeyframes } from '../../../web/js/inspector/title-presets.js';
import { placeTitle } from '../../../web/js/inspector/inspector-model.js';
import { opacityAt, propertyAt } from '../../../web/js/timeline/values.js';

const limits = { opacity: { low: 0, high: 1 }, x: { low: 0, high: 1 }, y: { low: 0, high: 1 },
  scale: { low: 0.1, high: 10 } };
const title = (extra = {}) => ({ id: 't', start: 2, duration: 3, text: 'Hi', y: 0.7, ...extra });
const docOf = (...clips) => ({ fps: 25, width: 320, height: 180, tracks: [{ id: 'T', kind: 'text', clips }] });

test('the three presets, by name and label', () => {
  assert.deepEqual(TITLE_PRESETS.map((p) => [p.name, p.label]), [['fade', 'Fade'], ['slide_up', 'Slide up'], ['pop', 'Pop']]);
});

test('Fade: opacity 0 to 1 over half a second in, and 1 to 0 over the last half second', () => {
  assert.deepEqual(presetKeyframes('fade', title(), limits), { opacity: [
    { time: 0, value: 0, easing: 'linear' }, { time: 0.5, value: 1, easing: 'linear' },
    { time: 2.5, value: 1, easing: 'linear' }, { time: 3, value: 0, easing: 'linear' }] });
  const clip = { ...title(), keyframes: presetKeyframes('fade', title(), limits) };
  assert.equal(opacityAt(clip, 0.25), 0.5);
  assert.equal(opacityAt(clip, 2.75), 0.5);
});

test('Slide up: from a tenth of the canvas below its own place, eased out, fading in with it', () => {
  const keys = presetKeyframes('slide_up', title(), limits);
  assert.deepEqual(keys.y, [{ time: 0, value: 0.7 + 0.1, easing: 'ease-out' }, { time: 0.5, value: 0.7, easing: 'linear' }]);
  assert.deepEqual(keys.opacity.map((k) => k.value), [0, 1]);
  const clip = { ...title(), keyframes: keys };
  assert.ok(Math.abs(propertyAt(clip, 'y', 0.25) - (0.8 - 0.1 * 0.75)) < 1e-9);
  // a title at the bottom edge starts at the edge (the document's bound), not past it
  assert.equal(presetKeyframes('slide_up', title({ y: 0.95 }), limits).y[0].value, 1);
});

test('Pop: scale 0.6, 1.1, 1 over 0.4 s, eased out', () => {
  assert.deepEqual(presetKeyframes('pop', title(), limits).scale.map((k) => [k.time, k.value, k.easing]),
    [[0, 0.6, 'ease-out'], [0.2, 1.1, 'ease-out'], [0.4, 1, 'linear']]);
});

test('a clip shorter than a preset gets its keys pressed into its length, still strictly in order', () => {
  const fade = presetKeyframes('fade', title({ duration: 0.6 }), limits).opacity;
  assert.deepEqual(fade.map((k) => k.time), [0, 0.3, 0.6]);
  const pop = presetKeyframes('pop', title({ duration: 0.2 }), limits).scale;
  assert.deepEqual(pop.map((k) => k.time), [0, 0.1, 0.2]);
});

test('applying a preset replaces the keyframes of what it moves, keeps the others, and touches only the given titles', () => {
  const a = title({ id: 'a', keyframes: { x: [{ time: 0, value: 0.2 }], opacity: [{ time: 1, value: 0.3 }] } });
  const b = title({ id: 'b', start: 6 });
  const doc = docOf(a, b);
  const next = applyPreset(doc, ['a'], 'slide_up', limits);
  const [na, nb] = next.tracks[0].clips;
  assert.deepEqual(na.keyframes.x, a.keyframes.x);
  assert.deepEqual(na.keyframes.opacity.map((k) => k.value), [0, 1]);
  assert.equal(nb.keyframes, undefined);
  assert.equal(doc.tracks[0].clips[0].keyframes.opacity.length, 1, 'the document given is not changed');
  assert.throws(() => presetKeyframes('bounce', a, limits), /unknown preset/);
});

test('dragging a title with a keyframed y moves its whole path by the drag', () => {
  const clip = title({ x: 0.5, keyframes: { y: [{ time: 0, value: 0.8 }, { time: 1, value: 0.6 }] } });
  const next = placeTitle(docOf(clip), 't', 0.25, 0.5, 2.5); // at 0.5 s in the path is at 0.7
  const moved = next.tracks[0].clips[0];
  assert.equal(moved.x, 0.25);
  assert.equal(moved.y, 0.7, 'the static y is left alone');
  assert.deepEqual(moved.keyframes.y.map((k) => Math.round(k.value * 1000) / 1000), [0.6, 0.4]);
});
