import { test } from 'node:test';
import assert from 'node:assert/strict';
import { violationReport, logViolations } from '../../../web/js/app/client-log.js';
import { startDevReload } from '../../../web/js/app/dev-reload.js';

test('a policy violation becomes one bounded report, each distinct one sent once', async () => {
  const target = new EventTarget();
  const sent = [];
  logViolations(target, (report) => { sent.push(report); return Promise.resolve(); });
  const violation = (uri) => Object.assign(new Event('securitypolicyviolation'),
    { violatedDirective: 'media-src', blockedURI: uri, sourceFile: 'http://x/js/main.js', lineNumber: 7 });
  target.dispatchEvent(violation('https://a.example/v.mp4'));
  target.dispatchEvent(violation('https://a.example/v.mp4'));
  target.dispatchEvent(violation('x'.repeat(5000)));
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[0], { kind: 'csp', message: 'media-src blocked https://a.example/v.mp4', source: 'http://x/js/main.js:7' });
  assert.equal(sent[1].message.length, 1000);
  assert.equal(violationReport({ violatedDirective: 'script-src-elem', blockedURI: '' }).message, 'script-src-elem blocked (inline)');
});

test('a failed send is swallowed: reporting never breaks the page', async () => {
  const target = new EventTarget();
  logViolations(target, () => Promise.reject(new Error('offline')));
  target.dispatchEvent(Object.assign(new Event('securitypolicyviolation'), { violatedDirective: 'img-src', blockedURI: 'u' }));
  await new Promise((r) => setTimeout(r, 10)); // an unhandled rejection would fail the test run
});

test('dev reload listens on the event stream and reloads on dev_reload only', () => {
  const stream = new EventTarget();
  let opened = null;
  let reloads = 0;
  startDevReload(() => { reloads += 1; }, (url) => { opened = url; return stream; });
  assert.equal(opened, 'api/events');
  stream.dispatchEvent(new Event('job'));
  assert.equal(reloads, 0);
  stream.dispatchEvent(new Event('dev_reload'));
  assert.equal(reloads, 1);
});
