import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MARGIN, scrollToRow, windowRange } from '../../../web/js/captions/window-model.js';
import { lineAt } from '../../../web/js/captions/captions-model.js';

test('the top of a long list draws the view and a margin below it, padding for the rest', () => {
  const r = windowRange({ count: 5000, rowHeight: 30, scrollTop: 0, viewHeight: 300 });
  assert.deepEqual(r, { start: 0, end: 11 + MARGIN, before: 0, after: (5000 - 11 - MARGIN) * 30 });
});

test('scrolled to the end, the last rows are drawn and the padding keeps the full height', () => {
  const count = 5000;
  const r = windowRange({ count, rowHeight: 30, scrollTop: count * 30 - 300, viewHeight: 300 });
  assert.equal(r.end, count);
  assert.equal(r.start, count - 10 - MARGIN);
  assert.equal(r.before + (r.end - r.start) * 30 + r.after, count * 30);
  assert.ok(r.end - r.start < 200);
});

test('the middle: a margin on both sides; far past the end still draws the last rows', () => {
  const r = windowRange({ count: 5000, rowHeight: 20, scrollTop: 2000 * 20 + 5, viewHeight: 100 });
  assert.equal(r.start, 2000 - MARGIN);
  assert.equal(r.end, 2000 + 6 + MARGIN);
  const past = windowRange({ count: 50, rowHeight: 20, scrollTop: 1e6, viewHeight: 100 });
  assert.equal(past.end, 50);
  assert.ok(past.start < 50);
});

test('a short list is drawn whole; an empty one draws nothing', () => {
  assert.deepEqual(windowRange({ count: 3, rowHeight: 30, scrollTop: 0, viewHeight: 600 }), { start: 0, end: 3, before: 0, after: 0 });
  assert.deepEqual(windowRange({ count: 0, rowHeight: 30, scrollTop: 0, viewHeight: 600 }), { start: 0, end: 0, before: 0, after: 0 });
});

test('a row is brought into view by the least scroll; one in view leaves the list where it is', () => {
  assert.equal(scrollToRow({ index: 4999, rowHeight: 30, scrollTop: 0, viewHeight: 300 }), 5000 * 30 - 300);
  assert.equal(scrollToRow({ index: 10, rowHeight: 30, scrollTop: 3000, viewHeight: 300 }), 300);
  assert.equal(scrollToRow({ index: 102, rowHeight: 30, scrollTop: 3000, viewHeight: 300 }), 3000);
});

test('the line under a time, by binary search: inside, at a start, at an end, in a gap', () => {
  const lines = Array.from({ length: 5000 }, (_, i) => ({ id: `l${i}`, start: i * 2, duration: 1 }));
  assert.equal(lineAt(lines, 0).id, 'l0');
  assert.equal(lineAt(lines, 9998.5).id, 'l4999');
  assert.equal(lineAt(lines, 4), lines[2]);
  assert.equal(lineAt(lines, 5), null); // a line's end is not in it
  assert.equal(lineAt(lines, 1.5), null);
  assert.equal(lineAt([], 1), null);
});
