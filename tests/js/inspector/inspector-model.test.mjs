import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MEDIA_FIELDS, TEXT_FIELDS, addKeyframe, adjacentKeyframe, applyField, applyValue, displayRange, formatShown, parseField,
  placeTitle, storedValue,
  removeKeyframe, setEasing, sharedDisplay, stepped, toDisplay, valueAt, withKeyframe,
} from '../../../web/js/inspector/inspector-model.js';

// the server's limits (GET /api/timeline/limits), as much of them as the fields use
const limits = {
  speed: { low: 0.25, high: 4 }, volume: { low: 0, high: 2 }, opacity: { low: 0, high: 1 },
  'transform.x': { low: -2, high: 3 }, 'transform.y': { low: -2, high: 3 }, 'transform.scale': { low: 0.01, high: 10 },
  'transform.rotation': { low: -3600, high: 3600 }, crop: { low: 0, high: 1 }, fade: { low: 0, high: 14400 },
  size: { low: 8, high: 1000, whole: true }, x: { low: 0, high: 1 }, y: { low: 0, high: 1 },
};
const field = (key) => [...MEDIA_FIELDS, ...TEXT_FIELDS].find((f) => f.key === key);
function doc() {
  return {
    version: 2, width: 1920, height: 1080, fps: 30, playhead: 0,
    tracks: [{ id: 'v', kind: 'video', clips: [
      { id: 'a', media_id: 'm', start: 0, in: 0, out: 4 },
      { id: 'b', media_id: 'm', start: 5, in: 0, out: 2, opacity: 0.25 },
    ] }],
  };
}

test('fields show the units a person thinks in and store the document\'s', () => {
  const d = doc();
  assert.equal(toDisplay(field('opacity'), 0.5, d), 50);
  assert.equal(toDisplay(field('transform.x'), 0.5, d), 960, 'a centre in canvas pixels');
  assert.equal(toDisplay(field('transform.y'), 0.25, d), 270);
  assert.equal(parseField(field('opacity'), '50', limits, d).value, 0.5);
  assert.equal(parseField(field('opacity'), ' 50 % ', limits, d).value, 0.5, 'the unit may be typed');
  assert.equal(parseField(field('transform.x'), '480', limits, d).value, 0.25);
  assert.equal(parseField(field('speed'), '200', limits, d).value, 2);
  assert.equal(parseField(field('fade_in'), '1.5s', limits, d).value, 1.5);
  assert.equal(parseField(field('transform.rotation'), '-90', limits, d).value, -90);
  assert.equal(parseField(field('size'), '47.6', limits, d).value, 48, 'a whole number where the limit says so');
  assert.equal(formatShown(field('transform.scale'), 33.333333), '33.3');
});

test('out-of-range and non-numbers are refused with the range in the field\'s units', () => {
  const d = doc();
  assert.deepEqual(parseField(field('opacity'), '150', limits, d), { error: 'Opacity must be 0 to 100 %.' });
  assert.deepEqual(parseField(field('speed'), '10', limits, d), { error: 'Speed must be 25 to 400 %.' });
  assert.deepEqual(parseField(field('transform.x'), '9999', limits, d), { error: 'Position X must be -3840 to 5760 px.' });
  assert.deepEqual(parseField(field('volume'), 'loud', limits, d), { error: 'Volume: enter a number, 0 to 200 %.' });
  assert.deepEqual(parseField(field('fade_in'), '', limits, d), { error: 'Fade in: enter a number, 0 to 14400 s.' });
  assert.deepEqual(displayRange(field('transform.scale'), limits, d), { low: 1, high: 1000 });
});

test('arrow keys step within the range, Shift by ten', () => {
  const d = doc();
  assert.equal(stepped(field('opacity'), 50, 1, false, limits, d), 51);
  assert.equal(stepped(field('opacity'), 95, 1, true, limits, d), 100);
  assert.equal(stepped(field('fade_in'), 0.05, -1, false, limits, d), 0);
});

test('a change applies to every selected clip, refusing what would not fit', () => {
  const d = doc();
  const { doc: half } = applyField(d, ['a', 'b'], field('opacity'), 0.5, 0);
  assert.deepEqual(half.tracks[0].clips.map((c) => c.opacity), [0.5, 0.5]);
  assert.equal(d.tracks[0].clips[0].opacity, undefined, 'the old document is untouched (undo keeps it)');
  const { doc: moved } = applyField(d, ['a'], field('transform.x'), 0.25, 0);
  assert.deepEqual(moved.tracks[0].clips[0].transform, { x: 0.25 });
  const slow = applyField(d, ['a'], field('speed'), 0.5, 0);
  assert.match(slow.error, /^Speed: at this speed the clip lasts 8\.00 s and would run into the next clip \(5\.00 s of room\)\.$/);
  assert.equal(applyField(d, ['a'], field('speed'), 0.8, 0).doc.tracks[0].clips[0].speed, 0.8, '5 s: just fits');
  const crop = applyField(applyField(d, ['a'], field('crop.left'), 0.6, 0).doc, ['a'], field('crop.right'), 0.5, 0);
  assert.equal(crop.error, 'Crop right: opposite crops must leave at least 1 % of the picture.');
  const fades = applyField(applyField(d, ['b'], field('fade_in'), 1.5, 0).doc, ['b'], field('fade_out'), 1, 0);
  assert.equal(fades.error, 'Fade out: the fades (2.50 s together) must fit in the clip (2.00 s).');
});

test('mixed values show as none; equal ones as one', () => {
  const d = doc();
  const [a, b] = d.tracks[0].clips;
  assert.equal(sharedDisplay(field('opacity'), [a, b], [0, 0], d), null);
  assert.equal(sharedDisplay(field('volume'), [a, b], [0, 0], d), 100);
});

test('a keyframe at the playhead has a time relative to the clip; typing then moves that keyframe', () => {
  const d = doc();
  d.playhead = 6; // 1 s into clip b
  const { doc: keyed } = addKeyframe(d, 'b', 'opacity', 6);
  assert.deepEqual(keyed.tracks[0].clips[1].keyframes, { opacity: [{ time: 1, value: 0.25, easing: 'linear' }] });
  const { doc: typed } = applyField(keyed, ['b'], field('opacity'), 0.75, 6);
  assert.deepEqual(typed.tracks[0].clips[1].keyframes.opacity, [{ time: 1, value: 0.75, easing: 'linear' }]);
  const { doc: two } = applyField(addKeyframe(typed, 'b', 'opacity', 5).doc, ['b'], field('opacity'), 0, 5);
  assert.deepEqual(two.tracks[0].clips[1].keyframes.opacity.map((k) => [k.time, k.value]), [[0, 0], [1, 0.75]]);
  assert.equal(valueAt(two.tracks[0].clips[1], 'opacity', 0.5, two), 0.375, 'the value between follows the curve');
  assert.equal(adjacentKeyframe(two.tracks[0].clips[1], 'opacity', 6, -1, 30), 5);
  assert.equal(adjacentKeyframe(two.tracks[0].clips[1], 'opacity', 6, 1, 30), null);
  const eased = setEasing(two, 'b', 'opacity', 5, 'ease-out');
  assert.equal(eased.tracks[0].clips[1].keyframes.opacity[0].easing, 'ease-out');
  assert.equal(applyField(two, ['b'], field('opacity'), 1, 9).error,
    'Opacity is keyframed: move the playhead over the clip to change it.');
  assert.match(addKeyframe(d, 'a', 'opacity', 4.5).error, /^Move the playhead over the clip/);
});

test('deleting the last keyframe keeps the value it had', () => {
  const d = doc();
  const keyed = applyField(addKeyframe(d, 'a', 'transform.scale', 2).doc, ['a'], field('transform.scale'), 0.5, 2).doc;
  const gone = removeKeyframe(keyed, 'a', 'transform.scale', 2);
  assert.equal(gone.tracks[0].clips[0].keyframes, undefined);
  assert.equal(gone.tracks[0].clips[0].transform.scale, 0.5);
});

test('keyframes stay in time order and a second one within half a frame updates the first', () => {
  const keys = withKeyframe(withKeyframe([], 2, 1, 30), 1, 0, 30);
  assert.deepEqual(keys.map((k) => k.time), [1, 2]);
  assert.deepEqual(withKeyframe(keys, 1.01, 5, 30).map((k) => [k.time, k.value]), [[1, 5], [2, 1]]);
});

test('a title\'s style: an outline, shadow or box starts whole (every key the server requires), a colour is set inside it', () => {
  const doc = { width: 1920, height: 1080, fps: 25, playhead: 0,
    tracks: [{ id: 'T', kind: 'text', clips: [{ id: 't', start: 0, duration: 2, text: 'Hi' }] }] };
  const field = (key) => TEXT_FIELDS.find((f) => f.key === key);
  const clipOf = (d) => d.tracks[0].clips[0];
  assert.equal(storedValue(clipOf(doc), 'outline.width'), 0);
  assert.equal(storedValue(clipOf(doc), 'font'), 'DejaVu Sans');
  assert.equal(storedValue(clipOf(doc), 'bold'), true);
  const widened = applyField(doc, ['t'], field('outline.width'), 4, 0).doc;
  assert.deepEqual(clipOf(widened).outline, { color: '#000000', width: 4 });
  const red = applyValue(widened, ['t'], 'outline.color', '#ff0000');
  assert.deepEqual(clipOf(red).outline, { color: '#ff0000', width: 4 });
  const boxed = applyValue(doc, ['t'], 'box.color', '#0000ff');
  assert.deepEqual(clipOf(boxed).box, { color: '#0000ff', opacity: 0, padding: 12 });
  assert.equal(clipOf(applyValue(doc, ['t'], 'align', 'right')).align, 'right');
  assert.deepEqual(clipOf(placeTitle(doc, 't', 0.25, 0.75)), { ...clipOf(doc), x: 0.25, y: 0.75 });
  assert.equal(clipOf(doc).outline, undefined, 'the document given is not changed');
  // shown in percent, stored 0..1; whole pixels refused out of range with the range named
  const limits = { 'box.opacity': { low: 0, high: 1 }, 'outline.width': { low: 0, high: 50, whole: true } };
  assert.deepEqual(parseField(field('box.opacity'), '60', limits, doc), { value: 0.6 });
  assert.deepEqual(parseField(field('outline.width'), '80', limits, doc), { error: 'Outline width must be 0 to 50 px.' });
});

test('caption this clip: one media clip with sound, and a fal.ai key', async () => {
  const { captionBlocker } = await import('../../../web/js/inspector/inspector-model.js');
  const media = [{ id: 'm', audio_codec: 'aac' }, { id: 'mute', audio_codec: null }];
  const clip = { id: 'a', media_id: 'm', start: 0, in: 0, out: 4 };
  assert.equal(captionBlocker([clip], media, true), null);
  assert.equal(captionBlocker([clip], media, null), null); // not known yet: the server says
  assert.match(captionBlocker([clip], media, false), /add a fal\.ai key in Settings/);
  assert.match(captionBlocker([{ ...clip, media_id: 'mute' }], media, true), /no sound/);
  assert.match(captionBlocker([clip, { ...clip, id: 'b' }], media, true), /Select one clip/);
  assert.match(captionBlocker([{ id: 't', text: 'Hi', start: 0, duration: 1 }], media, true), /Select one clip/);
});

test('an offline clip is relinked to media of a kind its track shows, long enough for its out point', async () => {
  const { relinkChoices, isTextClip } = await import('../../../web/js/inspector/inspector-model.js');
  const clip = { id: 'c', offline: { name: 'fox.mp4' }, start: 2, in: 1, out: 2.2 };
  assert.equal(isTextClip(clip), false, 'an offline clip is a media clip, not a title');
  const media = [
    { id: 'v', name: 'fox.mp4', kind: 'video', duration: 3, audio_codec: 'aac' },
    { id: 's', name: 'short.mp4', kind: 'video', duration: 1, audio_codec: null },
    { id: 'i', name: 'still.png', kind: 'image', duration: null },
    { id: 'm', name: 'song.wav', kind: 'audio', duration: 60 },
  ];
  assert.deepEqual(relinkChoices(clip, 'video', media), [
    { id: 'v', label: 'fox.mp4', disabled: false },
    { id: 's', label: 'short.mp4 (too short: 1.00 s)', disabled: true },
    { id: 'i', label: 'still.png', disabled: false },
  ]);
  assert.deepEqual(relinkChoices(clip, 'audio', media).map((c) => c.id), ['v', 'm'], 'a video with sound, or sound');
});
