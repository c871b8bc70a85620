// The value of a property at a time (web/js/timeline/values.js) against the shared fixture file:
// the export's desktop/reelcut/media/animation.py runs the same cases (tests/test_animation.py),
// so the preview and the export cannot drift apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as values from '../../../web/js/timeline/values.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/timeline-values.json', import.meta.url), 'utf8'));
const { clips, cases, tolerance } = fixture;

// The fixture names the functions as Python does.
const camel = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

function run(c) {
  if (c.fn === 'ease') return values.ease(c.easing, c.u);
  const clip = clips[c.clip];
  if (c.fn === 'clip_length') return values.clipLength(clip);
  if (c.fn === 'property_at') return values.propertyAt(clip, c.property, c.t);
  return values[camel(c.fn)](clip, c.t);
}

for (const c of cases) {
  const name = `${c.fn} ${c.easing ?? c.clip} ${c.property ?? ''} at ${c.u ?? c.t ?? ''}`;
  test(name, () => {
    const got = run(c);
    const want = c.expected;
    if (want === null || got === null) {
      assert.equal(got, want, c.why);
    } else if (Array.isArray(want)) {
      assert.ok(Array.isArray(got), `${JSON.stringify(got)}: ${c.why ?? ''}`);
      assert.equal(got[0], want[0]);
      assert.ok(Math.abs(got[1] - want[1]) <= tolerance, `${got[1]} != ${want[1]}: ${c.why ?? ''}`);
    } else {
      assert.equal(typeof got, 'number');
      assert.ok(Math.abs(got - want) <= tolerance, `${got} != ${want}: ${c.why ?? ''}`);
    }
  });
}

test('every function the fixture names exists here, with the same easings and properties as Python', () => {
  for (const fn of new Set(cases.map((c) => c.fn))) assert.equal(typeof values[camel(fn)], 'function', fn);
  assert.deepEqual([...new Set(cases.filter((c) => c.fn === 'ease').map((c) => c.easing))].sort(), [...values.EASINGS].sort());
  assert.deepEqual([...new Set(cases.filter((c) => c.fn === 'property_at').map((c) => c.property))].sort(),
    [...new Set([...values.PROPERTIES, ...values.TEXT_PROPERTIES])].sort());
  const types = cases.filter((c) => c.fn === 'transition_at' && c.expected).map((c) => c.expected[0]);
  assert.deepEqual([...new Set(types)].sort(), [...values.TRANSITIONS].sort());
});

test('unknown easings and properties are errors, not defaults', () => {
  assert.throws(() => values.ease('bounce', 0.5));
  assert.throws(() => values.propertyAt(clips.plain, 'transform.skew', 0));
});
