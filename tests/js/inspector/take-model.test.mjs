import { test } from 'node:test';
import assert from 'node:assert/strict';
import { madeOf, switchTake, takesOf } from '../../../web/js/inspector/take-model.js';

const gen = (id, take, duration, extra = {}) => ({
  id, kind: 'video', group_id: 'g1', take, duration, cost: 0.24,
  source: { type: 'generation', model_id: 'm1', prompt: 'a fox', params: { duration: 6, seed: 40 + take }, seed: 40 + take },
  ...extra,
});
const media = [gen('t1', 0, 6), gen('t2', 1, 4), gen('t3', 2, 6), { id: 'other', kind: 'video', duration: 5, source: { type: 'import' } }];
const clip = (over = {}) => ({ id: 'c1', media_id: 't1', start: 10, in: 1, out: 5, speed: 1, opacity: 0.5,
  transform: { x: 0.1, y: 0, scale: 1.2, rotation: 0 }, ...over });
const doc = (clips, extra = []) => ({ fps: 25, tracks: [{ id: 'v1', kind: 'video', clips }, ...extra] });

test('a clip lists the takes of its request by number; other media has none', () => {
  assert.deepEqual(takesOf(clip(), media).map((t) => [t.id, t.label]), [['t1', '1'], ['t2', '2'], ['t3', '3']]);
  assert.deepEqual(takesOf(clip({ media_id: 'other' }), media), []);
  assert.deepEqual(takesOf(clip(), [gen('t1', 0, 6)]), [], 'a lone take has nothing to switch to');
  assert.deepEqual(takesOf(clip(), [gen('t1', 0, 6), gen('t2', 1, 6, { missing: 'gone' })]), []);
});

test('switching keeps the place, the trims and the properties, and is a new document', () => {
  const before = doc([clip(), { id: 'c2', media_id: 'other', start: 20, in: 0, out: 5 }]);
  const { doc: after, clamped } = switchTake(before, 'c1', media[2]);
  const c = after.tracks[0].clips[0];
  assert.equal(clamped, false);
  assert.deepEqual(c, { ...clip(), media_id: 't3' });
  assert.equal(before.tracks[0].clips[0].media_id, 't1', 'the document given is left alone');
  assert.equal(after.tracks[0].clips[1], before.tracks[0].clips[1], 'the other clips are the same objects');
});

test('a shorter take clamps the out point (and the in point with it) to its length', () => {
  const { doc: after, clamped } = switchTake(doc([clip({ in: 1, out: 5 })]), 'c1', media[1]); // 4 s long
  assert.equal(clamped, true);
  assert.deepEqual([after.tracks[0].clips[0].in, after.tracks[0].clips[0].out], [1, 4]);
  const deep = switchTake(doc([clip({ in: 4.5, out: 5.5 })]), 'c1', media[1]).doc.tracks[0].clips[0];
  assert.ok(Math.abs(deep.in - 3.9) < 1e-9 && deep.out === 4, 'a trim past the end keeps the shortest clip');
  assert.equal(deep.start, 10);
});

test('the detached sound of the clip switches with it; a linked clip of other media does not', () => {
  const sound = { id: 'a1', media_id: 't1', start: 10, in: 1, out: 5, link: 'L' };
  const title = { id: 'x', text: 'hi', start: 10, duration: 4, link: 'L' };
  const before = doc([clip({ link: 'L' })], [{ id: 'a', kind: 'audio', clips: [sound, title] }]);
  const after = switchTake(before, 'c1', media[2]).doc;
  assert.equal(after.tracks[1].clips[0].media_id, 't3');
  assert.equal(after.tracks[1].clips[1], title);
});

test('switching refuses what it cannot do, leaving the document', () => {
  const d = doc([clip()]);
  assert.equal(switchTake(d, 'nope', media[1]).doc, d);
  assert.ok(switchTake(d, 'c1', null).error);
  assert.equal(switchTake(d, 'c1', media[0]).doc, d, 'the same take: nothing to do');
});

test('how a clip was made: model, prompt, seed, take, cost; Regenerate asks for a fresh seed', () => {
  const made = madeOf(media[1], null, [{ id: 'm1', name: 'Model One', params: [] }]);
  assert.deepEqual(made.rows, [
    { label: 'Model', value: 'Model One' }, { label: 'Prompt', value: 'a fox' }, { label: 'Seed', value: '41' },
    { label: 'Take', value: '2' }, { label: 'Cost', value: '$0.24' }]);
  assert.deepEqual(made.request, { model_ids: ['m1'], prompt: 'a fox', params: { m1: { duration: 6 } }, takes: 1 });
  assert.equal(madeOf(media[3]), null);
  const job = { media_id: 'i', seed: 7, image_media_id: 'img', inputs: { end_image_url: 'end' } };
  const flf = { id: 'i', kind: 'video', cost: 0, source: { type: 'generation', model_id: 'f', prompt: 'p', params: {} } };
  const models = [{ id: 'f', name: 'F', inputs: [{ name: 'end_image_url', from: 'end_image_media_id' }] }];
  const again = madeOf(flf, job, models);
  assert.equal(again.rows.find((r) => r.label === 'Seed').value, '7', 'the job knows the seed when the media does not');
  assert.equal(again.request.image_media_id, 'img');
  assert.equal(again.request.end_image_media_id, 'end');
  assert.equal(again.rows.find((r) => r.label === 'Cost').value, 'Free');
});
