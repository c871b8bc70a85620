import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dragRefusal, itemStatus } from '../../../web/js/media/library-model.js';

const video = (extra = {}) => ({
  id: 'm1', name: 'clip.mp4', kind: 'video', missing: null,
  proxy: { status: 'none', progress: 0, error: null }, ...extra,
});

test('an item with nothing wrong says nothing more, and may go on the timeline', () => {
  assert.deepEqual(itemStatus(video()), { note: '', problem: null, retry: false, usable: true });
  assert.deepEqual(itemStatus({ id: 'a', name: 'x.wav', kind: 'audio' }), { note: '', problem: null, retry: false, usable: true });
  assert.equal(dragRefusal(video()), null);
});

test('a preview copy on its way keeps its progress note, with no Retry', () => {
  assert.equal(itemStatus(video({ proxy: { status: 'queued', progress: 0, error: null } })).note, 'preview queued');
  const encoding = itemStatus(video({ proxy: { status: 'encoding', progress: 0.426, error: null } }));
  assert.deepEqual(encoding, { note: 'making preview 43%', problem: null, retry: false, usable: true });
});

test('a failed preview copy says why in plain words and offers Retry; the item stays usable', () => {
  const s = itemStatus(video({
    proxy: { status: 'failed', progress: 0, error: { code: 'ffmpeg_failed', message: 'The source could not be decoded' } },
  }));
  assert.deepEqual(s, { note: '', problem: 'Preview copy failed: The source could not be decoded.', retry: true, usable: true });
  // a reason that ends its own sentence is not given a second full stop
  const t = itemStatus(video({ proxy: { status: 'failed', progress: 0, error: { code: 'x', message: 'Out of space!' } } }));
  assert.equal(t.problem, 'Preview copy failed: Out of space!');
});

test('the server\'s own "The preview proxy failed:" is not said twice', () => {
  const s = itemStatus(video({
    proxy: { status: 'failed', progress: 0, error: { code: 'ffmpeg_failed', message: 'The preview proxy failed: moov atom not found' } },
  }));
  assert.equal(s.problem, 'Preview copy failed: moov atom not found.');
});

test('a failed preview copy without a reason still says it failed', () => {
  const s = itemStatus(video({ proxy: { status: 'failed', progress: 0, error: null } }));
  assert.equal(s.problem, 'Preview copy failed.');
  assert.equal(s.retry, true);
});

test('a missing file is said plainly with its reason, cannot go on the timeline, and offers no Retry', () => {
  const reason = 'The file of this item was lost: another import with the same file name (clip.mp4) replaced it. Import it again.';
  const item = video({ missing: reason, proxy: { status: 'failed', progress: 0, error: { code: 'x', message: 'gone' } } });
  assert.deepEqual(itemStatus(item), { note: '', problem: `File missing: ${reason}`, retry: false, usable: false });
  assert.equal(dragRefusal(item), `“clip.mp4” cannot go on the timeline: its file is missing. ${reason}`);
});

test('the status of an item that is not there refuses nothing', () => {
  assert.equal(dragRefusal(undefined), null);
});
