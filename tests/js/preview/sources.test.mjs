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

test('each item\'s sources are asked for once; a failed ask is asked again', async () => {
  const { createSourceCache } = await import('../../../web/js/preview/sources.js');
  const asked = [];
  let down = true;
  const cache = createSourceCache(async (id) => {
    asked.push(id);
    if (down) throw new Error('offline');
    return [{ kind: 'local', url: `media/${id}` }];
  });
  await assert.rejects(cache.get('m1'), /offline/);
  down = false;
  const [a, b] = await Promise.all([cache.get('m1'), cache.get('m1')]);
  assert.equal(a, b);
  assert.deepEqual(asked, ['m1', 'm1']);
  cache.forget('m1'); // the item changed: its sources may have too
  await cache.get('m1');
  cache.clear(); // the settings changed which source comes first
  await cache.get('m1');
  assert.deepEqual(asked, ['m1', 'm1', 'm1', 'm1']);
});

test('a clip is fetched ahead from its first URL, never as an in-memory copy', async () => {
  const { preloadSource } = await import('../../../web/js/preview/sources.js');
  assert.equal(preloadSource(sources).kind, 'local');
  assert.equal(preloadSource(sources.slice(1)).kind, 'remote');
  assert.equal(preloadSource([sources[1]]), undefined);
});

test('a media error and a policy violation are told as reasons', async () => {
  const { blockedBy, mediaErrorReason } = await import('../../../web/js/preview/sources.js');
  assert.equal(mediaErrorReason(3), 'decode error');
  assert.equal(mediaErrorReason(4), 'format not supported');
  assert.equal(mediaErrorReason(0), 'error');
  assert.equal(blockedBy('https://cdn.example/1.mp4', 'https://cdn.example/1.mp4'), true);
  assert.equal(blockedBy('https://cdn.example/1.mp4?x=1', 'https://cdn.example/1.mp4'), true); // reported without its query
  assert.equal(blockedBy('http://127.0.0.1/s/x/media/1', 'https://cdn.example/1.mp4'), false);
  assert.equal(blockedBy('http://127.0.0.1/s/x/media/1', ''), false);
  assert.equal(blockedBy(null, 'https://cdn.example/1.mp4'), false);
});
