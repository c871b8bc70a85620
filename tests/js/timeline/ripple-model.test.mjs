import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeGap, rippleDelete, uncovered } from '../../../web/js/timeline/ripple-model.js';
import { setTransition } from '../../../web/js/timeline/transitions-model.js';
import { overlapFaults } from './overlap-rule.mjs';

const mediaLength = () => 100;
// V: a [0,2) b [2,4) c [4,6), gap, d [8,10); A: s [0,6) linked to nothing; T: title [1,2)
function doc() {
  return {
    version: 2, width: 1920, height: 1080, fps: 30, markers: [],
    tracks: [
      { id: 't', kind: 'text', clips: [{ id: 'title', start: 1, duration: 1, text: 'x' }] },
      { id: 'v', kind: 'video', clips: [
        { id: 'a', media_id: 'm', start: 0, in: 10, out: 12 },
        { id: 'b', media_id: 'm', start: 2, in: 20, out: 22 },
        { id: 'c', media_id: 'm', start: 4, in: 30, out: 32 },
        { id: 'd', media_id: 'm', start: 8, in: 40, out: 42 },
      ] },
      { id: 'au', kind: 'audio', clips: [{ id: 's', media_id: 'm', start: 0, in: 0, out: 6 }] },
    ],
  };
}
const at = (d, id) => d.tracks.flatMap((t) => t.clips).find((c) => c.id === id);
const starts = (d, track) => d.tracks.find((t) => t.id === track).clips.map((c) => [c.id, c.start]);

test('uncovered: what spans leave that nothing covers, merged', () => {
  assert.deepEqual(uncovered([[2, 4], [4, 6]], []), [[2, 6]]);
  assert.deepEqual(uncovered([[2, 6]], [[0, 3], [5, 7]]), [[3, 5]]);
  assert.deepEqual(uncovered([[2, 4]], [[0, 5]]), []);
});

test('ripple delete pulls the clips after the deleted ones on their track left, and nothing else', () => {
  const d = doc();
  const r = rippleDelete(d, ['b']);
  assert.deepEqual(starts(r, 'v'), [['a', 0], ['c', 2], ['d', 6]]);
  assert.deepEqual(starts(r, 'au'), [['s', 0]], 'another track stays');
  assert.equal(at(r, 'title').start, 1);
  assert.equal(d.tracks[1].clips.length, 4, 'the document is untouched');
  const two = rippleDelete(d, ['a', 'c']); // two holes: d moves by both
  assert.deepEqual(starts(two, 'v'), [['b', 0], ['d', 4]]);
  const titles = rippleDelete(d, ['title', 'd']);
  assert.deepEqual(titles.tracks[0].clips, []);
  assert.deepEqual(starts(titles, 'v'), [['a', 0], ['b', 2], ['c', 4]]);
  assert.equal(rippleDelete(d, ['nope']), d);
});

test('ripple delete with transitions never leaves an overlap without one', () => {
  // a -> b and b -> c by crossfades (each takes media after the outgoing clip)
  let d = setTransition(doc(), 'b', 'crossfade', 0.5, mediaLength).doc;
  d = setTransition(d, 'c', 'dip_black', 0.4, mediaLength).doc;
  assert.deepEqual(overlapFaults(d), []);
  // deleting the middle clip: both its transitions go, a ends where it did, c touches a
  const r = rippleDelete(d, ['b']);
  assert.deepEqual(overlapFaults(r), []);
  assert.equal(at(r, 'a').out, 12, 'a gives back the media it lent the transition');
  assert.equal(at(r, 'c').start, 2);
  assert.equal(at(r, 'c').transition_in, undefined, 'its transition came from the deleted clip');
  assert.equal(at(r, 'd').start, 6);
  // deleting the first: b loses the transition from it and goes to 0; b -> c stays as it was
  const first = rippleDelete(d, ['a']);
  assert.deepEqual(overlapFaults(first), []);
  assert.equal(at(first, 'b').start, 0);
  assert.deepEqual(at(first, 'c').transition_in, { type: 'dip_black', duration: 0.4 });
  assert.ok(Math.abs(at(first, 'c').start - 2) < 1e-9);
  // deleting the last of a transition pair: b ends where it did before it, what follows moves by
  // c's length without the overlap, and the gap before d stays a gap
  const last = rippleDelete(d, ['c']);
  assert.deepEqual(overlapFaults(last), []);
  assert.equal(at(last, 'b').out, 22);
  assert.ok(Math.abs(at(last, 'd').start - 6) < 1e-9);
});

test('ripple delete on many random timelines with transitions keeps the overlap rule', () => {
  let seed = 7;
  const rand = () => { seed = (seed * 16807) % 2147483647; return seed / 2147483647; };
  for (let round = 0; round < 200; round += 1) {
    const clips = [];
    let t = 0;
    for (let i = 0; i < 6; i += 1) {
      t += rand() < 0.4 ? Math.round(rand() * 3 * 10) / 10 : 0;
      const len = 1 + Math.round(rand() * 30) / 10;
      clips.push({ id: `k${i}`, media_id: 'm', start: t, in: 5, out: 5 + len });
      t += len;
    }
    let d = { version: 2, width: 16, height: 16, fps: 30, tracks: [{ id: 'v', kind: 'video', clips }] };
    for (const c of clips) {
      if (rand() < 0.6) {
        const result = setTransition(d, c.id, 'crossfade', 0.3, (id) => (id === 'm' ? 100 : 0));
        if (result.doc) d = result.doc;
      }
    }
    assert.deepEqual(overlapFaults(d), []);
    const gone = clips.filter(() => rand() < 0.4).map((c) => c.id);
    const r = rippleDelete(d, gone);
    assert.deepEqual(overlapFaults(r), [], `round ${round}: deleting ${gone}`);
    const left = r.tracks[0].clips;
    assert.equal(left.length, clips.length - gone.length);
  }
});

test('ripple delete keeps a link only with a partner left', () => {
  const d = doc();
  at(d, 'c').link = 'L';
  at(d, 's').link = 'L';
  const r = rippleDelete(d, ['c']);
  assert.equal(at(r, 's').link, undefined);
});

test('close gap at the playhead: the stretch empty on every track, everything after it moves', () => {
  const d = doc();
  d.tracks[2].clips = [{ id: 's', media_id: 'm', start: 0, in: 0, out: 5 }, { id: 's2', media_id: 'm', start: 9, in: 0, out: 1 }];
  const r = closeGap(d, 7);
  assert.deepEqual(starts(r.doc, 'v'), [['a', 0], ['b', 2], ['c', 4], ['d', 6]]);
  assert.deepEqual(starts(r.doc, 'au'), [['s', 0], ['s2', 7]], 'the audio after it moves as much: in sync');
  assert.deepEqual(overlapFaults(r.doc), []);
  assert.match(closeGap(d, 3).error, /a clip is under it/);
  assert.match(closeGap(d, 20).error, /no gap at the playhead/);
});

test('close gap on one track: only that track, from the clip before to the clip after', () => {
  const d = doc();
  at(d, 'b').start = 2.5; // a gap 2..2.5 on v
  at(d, 'c').start = 5; // and another 4.5..5 — b's end
  at(d, 'd').start = 8;
  const r = closeGap(d, 2.2, 'v');
  assert.deepEqual(starts(r.doc, 'v'), [['a', 0], ['b', 2], ['c', 4.5], ['d', 7.5]]);
  assert.deepEqual(starts(r.doc, 'au'), [['s', 0]]);
  assert.match(closeGap(d, 1, 'v').error, /no gap there/);
  assert.match(closeGap(d, 1, 'gone').error, /track is gone/);
});

test('close gap next to a transition keeps it', () => {
  let d = setTransition(doc(), 'c', 'crossfade', 0.5, mediaLength).doc;
  const r = closeGap(d, 7, 'v');
  assert.deepEqual(overlapFaults(r.doc), []);
  assert.equal(at(r.doc, 'd').start, at(r.doc, 'c').start + 2);
  assert.deepEqual(at(r.doc, 'c').transition_in, { type: 'crossfade', duration: 0.5 });
});
