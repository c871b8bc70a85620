import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAnnouncer } from '../../../web/js/app/announce-model.js';

const texts = (announce, updates, label = 'Export') => updates.map((u) => announce({ id: 'e1', ...u }, label))
  .filter(Boolean).map((a) => `${a.assertive ? '!' : ''}${a.text}`);

test('the start, each quarter once and the end; not every percent', () => {
  const updates = [{ status: 'queued', progress: 0 }, ...Array.from({ length: 101 }, (_, i) => ({ status: 'rendering', progress: i / 100 })),
    { status: 'done', progress: 1 }, { status: 'done', progress: 1 }];
  assert.deepEqual(texts(createAnnouncer(), updates),
    ['Export started.', 'Export: 25 %.', 'Export: 50 %.', 'Export: 75 %.', 'Export done.']);
});

test('a failure is told assertively, with why; then nothing more', () => {
  const announce = createAnnouncer();
  assert.deepEqual(texts(announce, [{ status: 'running', progress: 0.3 }, { status: 'failed', error: { message: 'No space left' } },
    { status: 'failed', message: 'again' }], 'Generation of a kite'), ['Generation of a kite started.', '!Generation of a kite failed: No space left']);
  assert.deepEqual(texts(createAnnouncer(), [{ status: 'failed' }]), ['!Export failed.']);
});

test('a cancel is told politely; jobs are followed each on its own', () => {
  const announce = createAnnouncer();
  assert.deepEqual(announce({ id: 'a', status: 'running', progress: 0.6 }, 'A'), { text: 'A started.', assertive: false });
  assert.deepEqual(announce({ id: 'b', status: 'running', progress: 0 }, 'B'), { text: 'B started.', assertive: false });
  assert.equal(announce({ id: 'a', status: 'running', progress: 0.7 }, 'A'), null); // 50 % was passed before it was seen
  assert.deepEqual(announce({ id: 'a', status: 'running', progress: 0.8 }, 'A'), { text: 'A: 75 %.', assertive: false });
  assert.deepEqual(announce({ id: 'b', status: 'cancelled' }, 'B'), { text: 'B cancelled.', assertive: false });
});
