// Policy violations, sent to Reelcut's log file: a user never opens the console, and a violation
// is how a blocked player or script shows itself. Each distinct one is sent once per page load
// (the server rate-limits too).
import { server } from './api.js';

const MAX = 1000;
const MAX_DISTINCT = 100;

export function violationReport(e) {
  const blocked = e.blockedURI || '(inline)';
  const where = e.sourceFile ? `${e.sourceFile}:${e.lineNumber || 0}` : '';
  return { kind: 'csp', message: `${e.violatedDirective} blocked ${blocked}`.slice(0, MAX), source: where.slice(0, MAX) };
}

export function logViolations(target, send = (report) => server.clientLog(report)) {
  const seen = new Set();
  target.addEventListener('securitypolicyviolation', (e) => {
    const report = violationReport(e);
    const key = `${report.message}|${report.source}`;
    if (seen.has(key) || seen.size >= MAX_DISTINCT) return;
    seen.add(key);
    Promise.resolve(send(report)).catch(() => {});
  });
}
