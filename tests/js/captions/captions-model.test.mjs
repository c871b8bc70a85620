import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addLine, captionTracks, deleteLine, mergeNext, setLine, shiftLines, splitLine, splitText,
} from '../../../web/js/captions/captions-model.js';

const doc = () => ({
  version: 2, width: 640, height: 360, fps: 25,
  tracks: [
    { id: 'cc', kind: 'captions', clips: [
      { id: 'a', start: 1, duration: 1.5, text: 'Hello there' },
      { id: 'b', start: 3, duration: 1.25, text: 'Two lines of text', style: { y: 0.2 } },
      { id: 'c', start: 5, duration: 1, text: 'Last' },
    ] },
    { id: 'v', kind: 'video', clips: [] },
  ],
});
const lines = (d) => d.tracks[0].clips.map((c) => [c.start, c.duration, c.text]);

test('the captions tracks are found among the others', () => {
  assert.deepEqual(captionTracks(doc()).map((t) => t.id), ['cc']);
  assert.deepEqual(captionTracks(null), []);
});

test('a line takes a new start, end or text; the document it came from is not changed', () => {
  const d = doc();
  const { doc: next } = setLine(d, 'cc', 'b', { text: 'Changed' });
  assert.equal(next.tracks[0].clips[1].text, 'Changed');
  assert.equal(d.tracks[0].clips[1].text, 'Two lines of text');
  assert.equal(next.tracks[1], d.tracks[1], 'other tracks are shared');
  assert.deepEqual(lines(setLine(d, 'cc', 'b', { start: 2.5 }).doc)[1], [2.5, 1.75, 'Two lines of text']);
  assert.deepEqual(lines(setLine(d, 'cc', 'b', { end: 5 }).doc)[1], [3, 2, 'Two lines of text'], 'touching is fine');
});

test('a change that overlaps a neighbour or ends before it starts is refused, naming the field', () => {
  const d = doc();
  const early = setLine(d, 'cc', 'b', { start: 2 });
  assert.equal(early.field, 'start');
  assert.match(early.error, /overlap the line at 0:01.000–0:02.500/);
  const late = setLine(d, 'cc', 'b', { end: 5.5 });
  assert.equal(late.field, 'end');
  assert.match(late.error, /overlap the line at 0:05.000–0:06.000/);
  const backwards = setLine(d, 'cc', 'b', { end: 2.9 });
  assert.deepEqual([backwards.field, backwards.error], ['end', 'The line would end before it starts.']);
  assert.equal(setLine(d, 'cc', 'b', { start: Number.NaN }).field, 'start');
  assert.equal(setLine(d, 'cc', 'b', { start: -1 }).field, 'start');
  assert.equal(setLine(d, 'cc', 'zz', { text: 'x' }).error, 'That line is gone.');
});

test('a split divides the text at the word boundary nearest the time fraction', () => {
  assert.deepEqual(splitText('Two lines of text', 0.5), ['Two lines', 'of text']);
  assert.deepEqual(splitText('Two lines of text', 0.1), ['Two', 'lines of text']);
  assert.deepEqual(splitText('Unbroken', 0.5), ['Unbr', 'oken']);
  const { doc: next, ids } = splitLine(doc(), 'cc', 3.625);
  assert.deepEqual(lines(next), [[1, 1.5, 'Hello there'], [3, 0.625, 'Two lines'], [3.625, 0.625, 'of text'], [5, 1, 'Last']]);
  assert.equal(ids[0], 'b');
  assert.notEqual(ids[1], 'b');
  assert.deepEqual(next.tracks[0].clips[2].style, { y: 0.2 }, 'both halves keep the style');
  assert.match(splitLine(doc(), 'cc', 2.75).error, /inside a line/);
});

test('merge joins a line and the next; split then merge gives the line back', () => {
  const { doc: merged } = mergeNext(doc(), 'cc', 'a');
  assert.deepEqual(lines(merged), [[1, 3.25, 'Hello there Two lines of text'], [5, 1, 'Last']]);
  assert.match(mergeNext(doc(), 'cc', 'c').error, /no line after it/);
  const { doc: split } = splitLine(doc(), 'cc', 3.5);
  assert.deepEqual(lines(mergeNext(split, 'cc', 'b').doc), lines(doc()));
});

test('shift moves every line, and is refused when one would start before 0', () => {
  assert.deepEqual(lines(shiftLines(doc(), 'cc', 1).doc).map((l) => l[0]), [2, 4, 6]);
  assert.deepEqual(lines(shiftLines(doc(), 'cc', -1).doc).map((l) => l[0]), [0, 2, 4]);
  const refused = shiftLines(doc(), 'cc', -1.5);
  assert.equal(refused.field, 'shift');
  assert.match(refused.error, /before 0/);
  assert.equal(shiftLines(doc(), 'cc', Number.NaN).field, 'shift');
});

test('delete takes a line out; add puts one at the playhead, up to the next line, never inside one', () => {
  assert.deepEqual(lines(deleteLine(doc(), 'cc', 'b').doc).map((l) => l[2]), ['Hello there', 'Last']);
  const added = addLine(doc(), 'cc', 4.5, 'New');
  assert.deepEqual(lines(added.doc)[2], [4.5, 0.5, 'New']);
  assert.deepEqual(lines(addLine(doc(), 'cc', 7).doc)[3], [7, 2, 'New caption']);
  assert.match(addLine(doc(), 'cc', 1.2).error, /already at 0:01.200/);
  assert.equal(addLine(doc(), 'nope', 1).field, 'track');
});

// the timeline's gestures (edit-model.js) on caption lines: a line has start + duration, as a title
test('on the timeline a caption line trims and moves by the no-overlap rule, and stays on captions tracks', async () => {
  const { addTrack, moveClip, trimEnd, trimStart } = await import('../../../web/js/timeline/edit-model.js');
  const d = doc();
  assert.deepEqual(lines(trimEnd(d, 'b', 4.5))[1], [3, 1.5, 'Two lines of text']);
  assert.deepEqual(lines(trimEnd(d, 'b', 9))[1], [3, 2, 'Two lines of text'], 'stops at the next line');
  assert.deepEqual(lines(trimStart(d, 'b', 1))[1], [2.5, 1.75, 'Two lines of text'], 'stops at the line before');
  assert.deepEqual(lines(moveClip(d, 'b', 'cc', 3.3))[1], [3.3, 1.25, 'Two lines of text']);
  const onto = moveClip(d, 'b', 'cc', 4.8);
  assert.ok(onto === d || !lines(onto).some(([s, len], i, all) => i + 1 < all.length && s + len > all[i + 1][0] + 1e-6),
    'never onto another line');
  assert.equal(moveClip(d, 'b', 'v', 3), d, 'not onto a video track');
  const withTrack = addTrack(d, 'captions');
  assert.deepEqual([withTrack.tracks[0].kind, withTrack.tracks[0].name, withTrack.tracks[0].clips], ['captions', 'C2', []]);
});
