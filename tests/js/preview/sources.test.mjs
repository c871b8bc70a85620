import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fallbackMessage, playFirstWorking } from '../../../web/js/preview/sources.js';

const sources = [
  { kind: 'local', url: '/media/1' },
  { kind: 'blob', url: '/media/1' },
  { kind: 'remote', url: 'https://cdn.example/1.mp4' },
];

test('the first source that plays wins, and each failure is told', async () => {
  const told = [];
  const tried = [];
  const chosen = await playFirstWorking(sources, async (s) => {
    tried.push(s.kind);
    if (s.kind === 'local') throw new Error('blocked by media-src');
  }, (m) => told.push(m));
  assert.equal(chosen.kind, 'blob');
  assert.deepEqual(tried, ['local', 'blob']);
  assert.deepEqual(told, ['Could not play the local file (blocked by media-src); falling back to the in-memory copy.']);
});

test('when nothing plays, the user is told and the caller gets an error', async () => {
  const told = [];
  await assert.rejects(playFirstWorking(sources.slice(0, 1), async () => { throw new Error('decode error'); }, (m) => told.push(m)));
  assert.deepEqual(told, [fallbackMessage(sources[0], 'decode error', undefined)]);
  assert.match(told[0], /nothing left to try/);
});
