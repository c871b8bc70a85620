import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration, money, resolution, timecode } from '../../../web/js/shared/format.js';

test('formats', () => {
  assert.equal(duration(65.4), '1:05');
  assert.equal(duration(null), '');
  assert.equal(timecode(3661.5, 25), '01:01:01:12');
  assert.equal(resolution({ width: 1280, height: 720 }), '1280×720');
  assert.equal(money(0), 'Free');
  assert.equal(money(0.4), '$0.40');
});

test('a job line says why it failed, or its message, queue place and latest log', async () => {
  const { jobDetail } = await import('../../../web/js/shared/format.js');
  assert.equal(jobDetail({ status: 'failed', error: { message: 'No key.' }, message: 'x' }), 'No key.');
  assert.equal(jobDetail({ status: 'failed', error: null, message: 'Provider said no.' }), 'Provider said no.');
  assert.equal(jobDetail({ status: 'queued', message: 'In queue', queue_position: 0, logs: [] }), 'In queue · queue position 0');
  assert.equal(jobDetail({ status: 'generating', message: 'Rendering', queue_position: null, logs: ['a', 'step 3/8'] }), 'Rendering · step 3/8');
  assert.equal(jobDetail({ status: 'done', message: '', logs: [] }), '');
});
