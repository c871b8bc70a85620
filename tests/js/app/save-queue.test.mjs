import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSaveQueue } from '../../../web/js/app/save-queue.js';

// a save that resolves when told, counting how many run at once
function gatedSave() {
  const calls = [];
  let inFlight = 0;
  let most = 0;
  const save = () => new Promise((resolve, reject) => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    calls.push({ resolve: (v) => { inFlight -= 1; resolve(v); }, reject: (e) => { inFlight -= 1; reject(e); } });
  });
  return { save, calls, most: () => most };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

test('one save in flight at a time; asks made meanwhile are one save after it', async () => {
  const g = gatedSave();
  const q = createSaveQueue(g.save);
  const first = q.now();
  await tick();
  const second = q.now();
  const third = q.now();
  await tick();
  assert.equal(g.calls.length, 1);
  g.calls[0].resolve('a');
  assert.equal(await first, 'a');
  await tick();
  assert.equal(g.calls.length, 2);
  g.calls[1].resolve('b');
  assert.equal(await second, 'b');
  assert.equal(await third, 'b');
  assert.equal(g.most(), 1);
  assert.ok(q.idle());
});

test('soon waits for a quiet moment, each ask restarting the wait', async () => {
  const timers = [];
  const g = gatedSave();
  const q = createSaveQueue(g.save, {
    setTimer: (fn) => { timers.push(fn); return timers.length; },
    clearTimer: (id) => { if (id) timers[id - 1] = null; },
  });
  q.soon();
  q.soon();
  assert.deepEqual(timers.map(Boolean), [false, true]);
  assert.ok(!q.idle());
  timers[1]();
  await tick();
  assert.equal(g.calls.length, 1);
  g.calls[0].resolve();
  await tick();
  assert.ok(q.idle());
});

test('a failed save is told to its caller and does not block the next', async () => {
  const g = gatedSave();
  const q = createSaveQueue(g.save);
  const first = q.now();
  await tick();
  g.calls[0].reject(new Error('no'));
  await assert.rejects(first, /no/);
  const second = q.now();
  await tick();
  g.calls[1].resolve('ok');
  assert.equal(await second, 'ok');
});
