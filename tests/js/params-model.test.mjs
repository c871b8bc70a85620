import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaults, estimate, ruleProblems, totalEstimate, typed } from '../../web/js/params-model.js';

const ltx = {
  id: 'fal-ai/ltx-2/text-to-video/fast', price_per_second: 0.04,
  price_overrides: [{ when: { resolution: '1440p' }, price_per_second: 0.08 }],
  params: [
    { name: 'duration', type: 'integer', default: 6, choices: [6, 8, 10, 12] },
    { name: 'resolution', type: 'string', default: '1080p', choices: ['1080p', '1440p'] },
    { name: 'fps', type: 'integer', default: 25, choices: [25, 50] },
  ],
  rules: [{ when: { duration: { gt: 10 } }, require: { resolution: ['1080p'], fps: [25] }, message: 'Over 10 s needs 1080p at 25 fps.' }],
};
const kling = { id: 'kling', price_per_second: 0.07, params: [{ name: 'duration', type: 'string', default: '5', choices: ['5', '10'] }], rules: [] };

test('defaults come from the schema', () => {
  assert.deepEqual(defaults(ltx), { duration: 6, resolution: '1080p', fps: 25 });
});

test('form strings become the exact types the model wants', () => {
  assert.equal(typed({ type: 'integer' }, '8'), 8);
  assert.equal(typed({ type: 'number' }, '2.5'), 2.5);
  assert.equal(typed({ type: 'string' }, '5'), '5');
  assert.equal(typed({ type: 'integer' }, ''), undefined);
  assert.equal(typed({ type: 'boolean' }, true), true);
});

test('cost estimates use per-option prices and string durations', () => {
  assert.equal(estimate(ltx, { duration: 10, resolution: '1080p' }), 0.4);
  assert.equal(estimate(ltx, { duration: 10, resolution: '1440p' }), 0.8);
  assert.ok(Math.abs(estimate(kling, { duration: '10' }) - 0.7) < 1e-9);
  assert.ok(Math.abs(totalEstimate([{ model: ltx, values: { duration: 6 } }, { model: kling, values: { duration: '5' } }]) - 0.59) < 1e-9);
});

test('cross-field rules name the field at fault', () => {
  assert.deepEqual(ruleProblems(ltx, { duration: 12, resolution: '1440p', fps: 25 }),
    [{ field: 'resolution', message: 'Over 10 s needs 1080p at 25 fps.' }]);
  assert.deepEqual(ruleProblems(ltx, { duration: 8, resolution: '1440p', fps: 50 }), []);
});

test('a refused field is shown on the model the server means', async () => {
  const { modelForError } = await import('../../web/js/params-model.js');
  const a = { id: 'a', name: 'Alpha', params: [{ name: 'duration' }] };
  const b = { id: 'b', name: 'Beta', params: [{ name: 'duration' }, { name: 'seed' }] };
  assert.equal(modelForError({ field: 'duration', message: 'Beta: Duration (s) must be at most 20.' }, [a, b]), 'b');
  assert.equal(modelForError({ field: 'duration', model_id: 'a', message: 'Beta: x' }, [a, b]), 'a');
  assert.equal(modelForError({ field: 'seed', message: 'Seed must be a whole number.' }, [a, b]), 'b');
  assert.equal(modelForError({ field: 'duration', message: 'no name' }, [a, b]), 'a');
  assert.equal(modelForError({ field: 'prompt', message: 'Write a prompt.' }, [a, b]), null);
  assert.equal(modelForError({ message: 'no field' }, [a, b]), null);
});
