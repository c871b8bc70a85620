import { test } from 'node:test';
import assert from 'node:assert/strict';
import { anchoredScroll, clipSignature, inWindow, planLane, rulerStep, visibleWindow } from '../../../web/js/timeline/lanes-model.js';

const clips = Array.from({ length: 2000 }, (_, i) => ({ id: `c${i}`, media_id: 'm', start: 2 * i, in: 0, out: 2 }));
const sig = (c) => clipSignature(c, { name: 'clip', kind: 'video' });
const everything = [0, Infinity];

test('an edit of one clip touches one element', () => {
  const shown = new Map(clips.map((c) => [c.id, sig(c)]));
  const edited = clips.map((c) => (c.id === 'c7' ? { ...c, out: 1.5 } : c));
  assert.deepEqual(planLane(shown, edited, sig, everything), { add: [], replace: [edited[7]], remove: [] });
  const deleted = clips.filter((c) => c.id !== 'c9');
  assert.deepEqual(planLane(shown, deleted, sig, everything), { add: [], replace: [], remove: ['c9'] });
  const split = [...clips, { id: 'new', media_id: 'm', start: 5000, in: 0, out: 1 }];
  assert.deepEqual(planLane(shown, split, sig, everything).add.map((c) => c.id), ['new']);
});

test('only clips near the visible stretch are in the DOM, however long the timeline', () => {
  const win = visibleWindow(20000, 1200, 50); // 400 s in, 24 s wide, at 50 px a second
  const plan = planLane(new Map(), clips, sig, win);
  assert.ok(plan.add.length <= 50, `${plan.add.length} elements for 24 s visible`);
  assert.ok(plan.add.every((c) => inWindow(c, win)));
  // scrolling on adds the new ones and removes those left behind
  const shown = new Map(plan.add.map((c) => [c.id, sig(c)]));
  const later = planLane(shown, clips, sig, visibleWindow(40000, 1200, 50));
  assert.ok(later.remove.length > 0 && later.add.length > 0);
});

test('a selection is not part of what an element shows', () => {
  assert.equal(sig(clips[0]), sig({ ...clips[0] }));
  assert.notEqual(sig(clips[0]), clipSignature(clips[0], { name: 'renamed', kind: 'video' }));
});

test('the ruler labels stay 60 px or more apart; a zoom keeps its anchor on screen', () => {
  assert.equal(rulerStep(50), 2);
  assert.equal(rulerStep(400), 1);
  assert.equal(rulerStep(5), 15);
  // the playhead at 10 s drawn at 500 - 100 = 400 px from the left edge stays there at zoom 100
  assert.equal(anchoredScroll(10, 100, 50, 100), 600);
  assert.equal(anchoredScroll(1, 0, 50, 5), 0, 'never before the start');
});

test('an edit copies only the clips it changes: the others stay the same objects', async () => {
  const { splitAt, trimEnd, deleteClips, moveClip } = await import('../../../web/js/timeline/edit-model.js');
  const { placeClip } = await import('../../../web/js/timeline/timeline-model.js');
  const doc = { version: 2, fps: 30, width: 1920, height: 1080, tracks: [
    { id: 'v', kind: 'video', clips: clips.map((c) => ({ ...c })) },
    { id: 'w', kind: 'video', clips: [] },
  ] };
  const untouched = (next, except) => next.tracks[0].clips.filter((c) => !except.includes(c.id))
    .every((c) => doc.tracks[0].clips.includes(c));
  const trimmed = trimEnd(doc, 'c5', 10.5, 2);
  assert.ok(untouched(trimmed, ['c5']));
  assert.notEqual(trimmed.tracks[0].clips[5], doc.tracks[0].clips[5]);
  assert.equal(doc.tracks[0].clips[5].out, 2, 'the old document (an undo step) is unchanged');
  const split = splitAt(doc, ['c7'], 14.5);
  assert.equal(split.tracks[0].clips.length, 2001);
  assert.equal(split.tracks[0].clips.filter((c) => doc.tracks[0].clips.includes(c)).length, 1999, 'all but the split one');
  assert.ok(untouched(deleteClips(doc, ['c9']), []));
  const moved = moveClip(doc, 'c3', 'w', 0);
  assert.ok(untouched(moved, ['c3']));
  assert.equal(doc.tracks[0].clips[3].start, 6);
  const dropped = placeClip(doc, 'w', { id: 'm', kind: 'video', duration: 2 }, 0).doc;
  assert.equal(dropped.tracks[0], doc.tracks[0], 'a drop copies only the track it lands on');
});
