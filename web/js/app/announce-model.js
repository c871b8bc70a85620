// What a screen reader is told about long work (generation jobs, exports): not every percent, but
// the start, each quarter, the end; a failure is told at once (assertive), the rest politely.
// Pure (tested with node): `createAnnouncer()` remembers, per job id, what was told already.
const ENDED = new Set(['done', 'failed', 'cancelled']);

export function createAnnouncer() {
  const told = new Map(); // job id -> { quarter, ended }
  // The announcement for this update of `job` ({id, status, progress 0..1, message, error}),
  // named `label` ("Generation of …", "Export"): {text, assertive} or null when nothing new.
  return function announce(job, label) {
    const before = told.get(job.id);
    if (before && before.ended) return null;
    if (job.status === 'failed') {
      told.set(job.id, { quarter: 4, ended: true });
      const why = (job.error && job.error.message) || job.message || '';
      return { text: `${label} failed${why ? `: ${why}` : '.'}`, assertive: true };
    }
    if (ENDED.has(job.status)) {
      told.set(job.id, { quarter: 4, ended: true });
      return { text: job.status === 'done' ? `${label} done.` : `${label} cancelled.`, assertive: false };
    }
    const quarter = Math.max(0, Math.min(3, Math.floor((Number(job.progress) || 0) * 4 + 1e-9)));
    if (!before) {
      told.set(job.id, { quarter, ended: false });
      return { text: `${label} started.`, assertive: false };
    }
    if (quarter <= before.quarter) return null;
    told.set(job.id, { quarter, ended: false });
    return { text: `${label}: ${quarter * 25} %.`, assertive: false };
  };
}
