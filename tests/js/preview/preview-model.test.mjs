import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  advanceByClock, advanceWithVideo, createProxyWatch, isStill, mediaKinds, onScreen, playsFromStart, titlesAt, toPreload,
} from '../../../web/js/preview/preview-model.js';

const media = [
  { id: 'v', kind: 'video', proxy: { status: 'ready' } },
  { id: 'w', kind: 'video', proxy: { status: 'encoding', progress: 0.5 } },
  { id: 'i', kind: 'image' },
];
// V1: v [0,4) in 1..5, a gap, i [6,9); V2 (under it): w [2,8); a title [1,3); 720 high
function doc() {
  return {
    version: 1, fps: 25, width: 1280, height: 720,
    tracks: [
      { id: 't1', kind: 'text', hidden: false, clips: [{ id: 't', start: 1, duration: 2, text: 'Hi', x: 0.5, y: 0.85, size: 60, color: '#fff' }] },
      { id: 'v1', kind: 'video', hidden: false, clips: [{ id: 'a', media_id: 'v', start: 0, in: 1, out: 5 }, { id: 'b', media_id: 'i', start: 6, in: 0, out: 3 }] },
      { id: 'v2', kind: 'video', hidden: false, clips: [{ id: 'c', media_id: 'w', start: 2, in: 0, out: 6 }] },
    ],
  };
}
const kinds = mediaKinds(media);

test('the screen shows the top visible clip: a video, a still, or black in a gap', () => {
  assert.equal(isStill(kinds, { media_id: 'i' }), true);
  assert.deepEqual([onScreen(doc(), kinds, 1).show, onScreen(doc(), kinds, 1).hit.clip.id], ['video', 'a']);
  assert.deepEqual([onScreen(doc(), kinds, 5).show, onScreen(doc(), kinds, 5).hit.clip.id], ['video', 'c']);
  assert.deepEqual([onScreen(doc(), kinds, 7).show, onScreen(doc(), kinds, 7).hit.clip.id], ['still', 'b']);
  assert.deepEqual(onScreen(doc(), kinds, 9.5), { show: 'black', hit: null });
  assert.deepEqual(onScreen(null, kinds, 1), { show: 'black', hit: null });
  const hidden = doc();
  hidden.tracks[1].hidden = true;
  assert.equal(onScreen(hidden, kinds, 1).show, 'black');
});

test('play starts over when the playhead is at the end', () => {
  assert.equal(playsFromStart(doc(), 9), true);
  assert.equal(playsFromStart(doc(), 8.995), true);
  assert.equal(playsFromStart(doc(), 4), false);
  assert.equal(playsFromStart({ tracks: [] }, 0), true);
});

test('in a gap or on a still the playhead moves by the clock, and stops at the end', () => {
  assert.deepEqual(advanceByClock(doc(), 4, 0.5), { time: 4.5, done: false });
  assert.deepEqual(advanceByClock(doc(), 8.9, 0.5), { time: 9, done: true });
});

test('on a video the playhead follows the element, never backwards, to the clip\'s end', () => {
  const clip = doc().tracks[1].clips[0]; // start 0, in 1, out 5
  assert.deepEqual(advanceWithVideo(clip, 1, 2.5, false), { time: 1.5, done: false });
  assert.deepEqual(advanceWithVideo(clip, 2, 2.5, false), { time: 2, done: false }); // a late element does not pull it back
  assert.deepEqual(advanceWithVideo(clip, 3.9, 5, false), { time: 4, done: true });
  assert.deepEqual(advanceWithVideo(clip, 3.5, 4.5, true), { time: 4, done: true }); // the file ended first
});

test('the next clip is fetched ahead unless it is a still, warm already, or the one loaded', () => {
  assert.equal(toPreload(doc(), kinds, 0, new Map(), 'v'), 'w');
  assert.equal(toPreload(doc(), kinds, 0, new Map([['w', {}]]), 'v'), null);
  assert.equal(toPreload(doc(), kinds, 0, new Map(), 'w'), null);
  assert.equal(toPreload(doc(), kinds, 3, new Map(), 'w'), null); // next is the still
  assert.equal(toPreload(doc(), kinds, 7, new Map(), 'v'), null); // nothing after
  assert.equal(toPreload(null, kinds, 0, new Map(), null), null);
});

test('titles show while their clip is under the playhead, placed and sized for the screen', () => {
  assert.deepEqual(titlesAt(doc(), 2, 360), [{ text: 'Hi', left: 50, top: 85, fontSize: 30, color: '#fff' }]);
  assert.deepEqual(titlesAt(doc(), 3, 360), []); // its end is not in it
  assert.equal(titlesAt(doc(), 2, 36)[0].fontSize, 8); // never unreadably small
  const hidden = doc();
  hidden.tracks[0].hidden = true;
  assert.deepEqual(titlesAt(hidden, 2, 360), []);
  assert.deepEqual(titlesAt(null, 2, 360), []);
});

test('a proxy made just now is told once; one that was ready already is not', () => {
  const proxies = createProxyWatch();
  proxies.reset(media);
  assert.equal(proxies.changed('v', media[0]), false); // ready before
  assert.equal(proxies.changed('w', { ...media[1], proxy: { status: 'encoding', progress: 0.9 } }), false);
  assert.equal(proxies.changed('w', { ...media[1], proxy: { status: 'ready' } }), true);
  assert.equal(proxies.changed('w', { ...media[1], proxy: { status: 'ready' } }), false);
  assert.equal(proxies.changed('w', { ...media[1], proxy: null }), false); // turned off
  assert.equal(proxies.changed('w', { ...media[1], proxy: { status: 'ready' } }), true); // and made again
  assert.equal(proxies.changed('x', undefined), false);
});
