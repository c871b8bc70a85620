import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clipEnd, newClip, placeClip, timeToX, timelineEnd, withTracks, xToTime,
} from '../../../web/js/timeline/timeline-model.js';

const video = { id: 'm1', kind: 'video', duration: 4 };
const image = { id: 'm2', kind: 'image', duration: null };
const doc = () => withTracks({ version: 1, fps: 25, width: 1280, height: 720, tracks: [] });

test('time and pixels convert both ways at a zoom', () => {
  assert.equal(timeToX(2.5, 50), 125);
  assert.equal(xToTime(125, 50), 2.5);
  assert.equal(xToTime(-20, 50), 0);
});

test('a document always has two video tracks, a zoom and a playhead', () => {
  const d = doc();
  assert.equal(d.tracks.filter((t) => t.kind === 'video').length, 2);
  assert.equal(d.zoom, 50);
  assert.equal(d.playhead, 0);
});

test('a dropped clip lands where it was dropped and refers to media by id only', () => {
  const d = doc();
  const { doc: next, clip } = placeClip(d, d.tracks[0].id, video, 2);
  assert.deepEqual(Object.keys(clip).sort(), ['id', 'in', 'media_id', 'out', 'start']);
  assert.equal(clip.start, 2);
  assert.equal(clip.out - clip.in, 4);
  assert.equal(next.tracks[0].clips.length, 1);
  assert.equal(d.tracks[0].clips.length, 0, 'the old document is untouched');
});

test('images get a default length; negative drops clamp to zero', () => {
  const c = newClip(image, -3);
  assert.equal(c.start, 0);
  assert.equal(c.out - c.in, 5);
});

test('a clip\'s end and the end of the timeline count its speed', () => {
  let d = doc();
  d = placeClip(d, d.tracks[0].id, video, 6, 'later').doc;
  const clip = { ...d.tracks[0].clips[0], in: 1, out: 3 };
  assert.equal(clipEnd(clip), 8);
  assert.equal(clipEnd({ ...clip, speed: 2 }), 7);
  assert.equal(timelineEnd(d), 10);
});
