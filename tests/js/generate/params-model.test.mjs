import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaults, estimate, numberProblem, priceLabel, rangeText, ruleProblems, takesOf, totalEstimate, typed } from '../../../web/js/generate/params-model.js';

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

test('the cost up front is takes × models × seconds × price', () => {
  const entries = [{ model: ltx, values: { duration: 6 } }, { model: kling, values: { duration: '5' } }];
  assert.ok(Math.abs(totalEstimate(entries, 3) - 3 * 0.59) < 1e-9);
  assert.ok(Math.abs(totalEstimate([{ model: ltx, values: { duration: 10, resolution: '1440p' } }], 4) - 3.2) < 1e-9);
  assert.equal(totalEstimate([], 4), 0);
  assert.deepEqual(['0', '1', '2.4', '4', '7', 'x'].map(takesOf), [1, 1, 2, 4, 4, 1]);
});

test('cross-field rules name the field at fault', () => {
  assert.deepEqual(ruleProblems(ltx, { duration: 12, resolution: '1440p', fps: 25 }),
    [{ field: 'resolution', message: 'Over 10 s needs 1080p at 25 fps.' }]);
  assert.deepEqual(ruleProblems(ltx, { duration: 8, resolution: '1440p', fps: 50 }), []);
});

test('a refused field is shown on the model the server means', async () => {
  const { modelForError } = await import('../../../web/js/generate/params-model.js');
  const a = { id: 'a', name: 'Alpha', params: [{ name: 'duration' }] };
  const b = { id: 'b', name: 'Beta', params: [{ name: 'duration' }, { name: 'seed' }] };
  assert.equal(modelForError({ field: 'duration', message: 'Beta: Duration (s) must be at most 20.' }, [a, b]), 'b');
  assert.equal(modelForError({ field: 'duration', model_id: 'a', message: 'Beta: x' }, [a, b]), 'a');
  assert.equal(modelForError({ field: 'seed', message: 'Seed must be a whole number.' }, [a, b]), 'b');
  assert.equal(modelForError({ field: 'duration', message: 'no name' }, [a, b]), 'a');
  assert.equal(modelForError({ field: 'prompt', message: 'Write a prompt.' }, [a, b]), null);
  assert.equal(modelForError({ message: 'no field' }, [a, b]), null);
});

const duration = { name: 'duration', label: 'Duration (s)', type: 'integer', default: 4, min: 1, max: 20 };
const cfg = { name: 'cfg_scale', label: 'Prompt strength (CFG)', type: 'number', default: 0.5, min: 0, max: 1, step: 0.05 };
const seed = { name: 'seed', label: 'Seed', type: 'integer', min: 0, max: 2147483647, help: 'Leave empty for a random seed' };

test('a number field shows its range from the registry', () => {
  assert.equal(rangeText(duration), '1–20');
  assert.equal(rangeText({ type: 'number', min: 0 }), 'at least 0');
  assert.equal(rangeText({ type: 'number', max: 5 }), 'at most 5');
  assert.equal(rangeText({ type: 'number' }), '');
});

test('an empty number field is refused when the server would quietly put its default in', () => {
  assert.equal(numberProblem(duration, ''), 'Duration (s) is empty: enter a whole number from 1 to 20.');
  assert.equal(numberProblem(duration, '   '), 'Duration (s) is empty: enter a whole number from 1 to 20.');
  assert.equal(numberProblem(seed, ''), null, 'a seed left empty is random, as the registry says');
  assert.equal(numberProblem({ name: 'n', type: 'number', required: true }, ''), 'n is empty: enter a number.');
});

test('text that is not a number, a fraction for a whole number and a value out of range are refused', () => {
  assert.equal(numberProblem(duration, 'four'), 'Duration (s) must be a whole number from 1 to 20.');
  assert.equal(numberProblem(duration, '', true), 'Duration (s) must be a whole number from 1 to 20.', "the browser's unreadable text");
  assert.equal(numberProblem(duration, '2.5'), 'Duration (s) must be a whole number from 1 to 20.');
  assert.equal(numberProblem(duration, '0'), 'Duration (s) must be at least 1.');
  assert.equal(numberProblem(duration, '21'), 'Duration (s) must be at most 20.');
  assert.equal(numberProblem(cfg, '1.5'), 'Prompt strength (CFG) must be at most 1.');
  assert.equal(numberProblem(cfg, 'x'), 'Prompt strength (CFG) must be a number from 0 to 1.');
  assert.equal(numberProblem({ name: 'n', type: 'number', min: 2 }, 'x'), 'n must be a number of at least 2.');
});

test('a number in range is fine, however it is written', () => {
  assert.equal(numberProblem(duration, '20'), null);
  assert.equal(numberProblem(duration, ' 1 '), null);
  assert.equal(numberProblem(cfg, '0.25'), null);
  assert.equal(numberProblem(seed, '42'), null);
});

test('a price per video is the cost whatever the length; a grid by option still applies', () => {
  const hailuo = { id: 'fal-ai/minimax/hailuo-2.3/pro/text-to-video', price_per_second: 0, price_per_video: 0.49, fixed_duration: 6, params: [] };
  assert.equal(estimate(hailuo, {}), 0.49);
  assert.equal(priceLabel(hailuo), '$0.49/video');
  assert.equal(priceLabel(ltx), '$0.04/s');
  assert.equal(priceLabel({ price_per_second: 0 }), 'free');
  const kling = { price_per_second: 0.168, price_overrides: [{ when: { generate_audio: false }, price_per_second: 0.112 }], params: [] };
  assert.ok(Math.abs(estimate(kling, { duration: '5', generate_audio: false }) - 0.56) < 1e-9);
  assert.ok(Math.abs(estimate(kling, { duration: '5', generate_audio: true }) - 0.84) < 1e-9);
});
