// Display formats, pure.

export function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function timecode(seconds, fps = 25) {
  const t = Math.max(0, seconds || 0);
  const frames = Math.floor((t % 1) * fps + 1e-6);
  const whole = Math.floor(t);
  const hh = Math.floor(whole / 3600);
  const mm = Math.floor((whole % 3600) / 60);
  const ss = whole % 60;
  const two = (n) => String(n).padStart(2, '0');
  return `${two(hh)}:${two(mm)}:${two(ss)}:${two(frames)}`;
}

export function resolution(item) {
  return item.width && item.height ? `${item.width}×${item.height}` : '';
}

export function money(dollars) {
  if (!dollars) return 'Free';
  return `$${dollars.toFixed(2)}`;
}

// The line under a job's progress bar: why it failed, or what it is doing now.
export function jobDetail(job) {
  if (job.status === 'failed') return (job.error && job.error.message) || job.message || 'Failed.';
  const queue = Number.isInteger(job.queue_position) ? `queue position ${job.queue_position}` : '';
  const lastLog = job.logs && job.logs.length ? job.logs[job.logs.length - 1] : '';
  return [job.message, queue, lastLog].filter(Boolean).join(' · ');
}
