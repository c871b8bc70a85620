// The export dialog's logic, pure (tested with node): the choices a preset fills in, the settings
// sent to the server, the range between the In and Out points, what the user changed, what is
// remembered per project, the In and Out points themselves, and how sizes and lengths read.

export const CHOICES = Object.freeze(['format', 'resolution', 'fps', 'quality', 'captions']);

// The form's values from the formats answer's default, then the preset's settings. `captions` only
// when the server offers captions modes (a server without them refuses the field).
export function presetFill(formats, presetId = '') {
  const preset = presetId ? (formats.presets || []).find((p) => p.id === presetId) : null;
  const base = { ...formats.default, ...(preset ? preset.settings : {}) };
  const form = {
    preset: preset ? preset.id : '',
    format: base.format,
    resolution: String(base.resolution),
    fps: String(base.fps),
    quality: base.quality,
    range: 'whole',
  };
  const modes = captionModes(formats);
  if (modes.length) form.captions = base.captions ?? (formats.default && formats.default.captions) ?? modes[0].id;
  return form;
}

// The captions modes the server offers, each {id, label}: [] when it offers none. The answer may
// give ids or {id, label} objects.
export function captionModes(formats) {
  const modes = formats && formats.captions_modes;
  if (!Array.isArray(modes)) return [];
  const LABELS = { burn: 'Burn into the picture', sidecar: 'Sidecar file (.srt/.vtt)', soft: 'Soft subtitle stream', none: 'None' };
  return modes.map((m) => (typeof m === 'string' ? { id: m, label: LABELS[m] || m } : { id: m.id, label: m.label || LABELS[m.id] || m.id }));
}

// A form field changed by the user: the new form. A value that is not the preset's own leaves
// the preset (the choices are then the user's, "Custom").
export function choose(formats, form, field, value) {
  const next = { ...form, [field]: value };
  if (field === 'preset') return value ? { ...presetFill(formats, value), range: form.range, ...(form.captions ? { captions: form.captions } : {}) } : next;
  if (form.preset && CHOICES.includes(field)) {
    const fill = presetFill(formats, form.preset);
    if (String(fill[field]) !== String(value)) next.preset = '';
  }
  return next;
}

// The fields of `b` that differ from `a` (the choices that need a new estimate, or are news).
export function changedFields(a, b) {
  const keys = new Set([...Object.keys(a || {}), ...Object.keys(b || {})]);
  return [...keys].filter((k) => JSON.stringify((a || {})[k]) !== JSON.stringify((b || {})[k])).sort();
}

// Why the range cannot be exported, or '' when it can. `marks`: {in, out} (seconds or null);
// `duration`: the timeline's length.
export function rangeProblem(range, marks, duration) {
  if (range !== 'inout') return '';
  const a = marks ? marks.in : null;
  const b = marks ? marks.out : null;
  if (a === null || a === undefined || b === null || b === undefined) {
    return 'Set an In point (I) and an Out point (O) on the timeline to export between them.';
  }
  if (!(a < b)) return 'The In point must be before the Out point.';
  if (Number.isFinite(duration) && b > duration + 1e-6) {
    return `The Out point (${seconds(b)}) is after the timeline's end (${seconds(duration)}).`;
  }
  return '';
}

// The settings object the server takes (docs/API.md, Export settings).
export function settingsOf(form, marks) {
  const out = {};
  if (form.preset) out.preset = form.preset;
  out.format = form.format;
  out.resolution = form.resolution;
  out.fps = form.fps === 'canvas' ? 'canvas' : Number(form.fps);
  out.quality = form.quality;
  out.range = form.range === 'inout' && marks && marks.in !== null && marks.out !== null
    ? { in: marks.in, out: marks.out } : 'whole';
  if (form.captions) out.captions = form.captions;
  return out;
}

// A remembered form made fit for what the server offers now: an unknown or unavailable format, a
// preset or resolution gone, a captions mode the server lacks fall back to the default's.
export function restore(formats, saved) {
  const base = presetFill(formats, '');
  if (!saved || typeof saved !== 'object') return base;
  const form = { ...base };
  const fmt = (formats.formats || []).find((f) => f.id === saved.format);
  if (fmt && fmt.available) form.format = fmt.id;
  if (typeof saved.resolution === 'string' && (formats.resolutions.includes(saved.resolution) || /^\d+x\d+$/.test(saved.resolution))) {
    form.resolution = saved.resolution;
  }
  if (formats.frame_rates.map(String).includes(String(saved.fps))) form.fps = String(saved.fps);
  if (formats.qualities.includes(saved.quality)) form.quality = saved.quality;
  if (saved.range === 'inout') form.range = 'inout';
  if ((formats.presets || []).some((p) => p.id === saved.preset)) form.preset = saved.preset;
  const modes = captionModes(formats).map((m) => m.id);
  if (modes.length && modes.includes(saved.captions)) form.captions = saved.captions;
  return form;
}

export const rememberKey = (projectId) => `reelcut.export.${projectId}`;

// The resolution choices: the formats answer's, plus a preset's frame (1080x1920) when chosen.
export function resolutionOptions(formats, current) {
  const list = formats.resolutions.map((r) => ({ value: r, label: r === 'canvas' ? 'Canvas size' : r }));
  if (current && !formats.resolutions.includes(current)) {
    list.push({ value: current, label: `${current.replace('x', ' × ')} (letterboxed)` });
  }
  return list;
}

// The In and Out points after I or O at `time`, on the frame nearest it (`fps`; a step of frames
// adds up to 0.49999…, not 0.5): a point past the other one clears the other (marking a new
// stretch), never leaves In after Out.
export function setMark(marks, which, time, fps = 0) {
  const t = Math.max(0, fps > 0 ? Math.round(time * fps) / fps : time);
  const next = { in: marks ? marks.in : null, out: marks ? marks.out : null };
  next[which] = t;
  if (next.in !== null && next.out !== null && !(next.in < next.out)) next[which === 'in' ? 'out' : 'in'] = null;
  return next;
}

// 1234567 → "1.2 MB"
export function bytesLabel(n) {
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1000) return `${Math.round(n)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do { v /= 1000; i += 1; } while (v >= 1000 && i < units.length - 1);
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

// 0.96 → "1.0 s", 75 → "1:15"
export function seconds(s) {
  if (!Number.isFinite(s)) return '';
  if (s < 60) return `${s.toFixed(1)} s`;
  const r = Math.round(s);
  const h = Math.floor(r / 3600);
  const m = Math.floor((r % 3600) / 60);
  const two = (n) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(r % 60)}` : `${m}:${two(r % 60)}`;
}

// The estimate line: "About 1.2 MB · 10.0 s · 1280 × 720 at 30 fps"
export function estimateLabel(estimate) {
  if (!estimate) return '';
  const picture = estimate.width && estimate.height ? ` · ${estimate.width} × ${estimate.height}${estimate.fps ? ` at ${estimate.fps} fps` : ''}` : '';
  return `About ${bytesLabel(estimate.bytes)} · ${seconds(estimate.duration)}${picture}`;
}

// What the aspect question says, from the estimate's aspect_mismatch.
export function aspectQuestion(mismatch) {
  const [w, h] = mismatch.output_size;
  return `This export is ${w} × ${h} (${mismatch.output}), and the canvas is ${mismatch.canvas_size[0]} × `
    + `${mismatch.canvas_size[1]} (${mismatch.canvas}). Change the canvas to ${mismatch.output}, or keep it and `
    + 'letterbox the picture in the frame? It is never stretched.';
}

// One row of the export history, as it reads: when, what, how big, how long, and its warnings.
export function historyRow(exp, formats, now = Date.now()) {
  const fmtId = exp.settings ? exp.settings.format : 'mp4_h264';
  const fmt = formats && (formats.formats || []).find((f) => f.id === fmtId);
  const when = exp.created_at ? new Date(exp.created_at) : null;
  return {
    id: exp.id,
    when: when && !Number.isNaN(when.getTime()) ? whenLabel(when, now) : '',
    format: fmt ? fmt.label : fmtId,
    size: exp.size ? bytesLabel(exp.size) : '',
    duration: Number.isFinite(exp.duration) ? seconds(exp.duration) : '',
    status: exp.status,
    stale: Boolean(exp.stale),
    missing: exp.status === 'done' && exp.file_exists === false,
    playable: exp.status === 'done' && exp.file_exists !== false && Boolean(fmt ? fmt.video : true),
    downloadable: exp.status === 'done' && exp.file_exists !== false,
  };
}

function whenLabel(date, now) {
  const ago = (now - date.getTime()) / 1000;
  if (ago < 60) return 'just now';
  if (ago < 3600) return `${Math.floor(ago / 60)} min ago`;
  const two = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

// Whether the export shown as the latest is no longer what the timeline is: the server says so,
// or the timeline was saved (a newer revision) since it was made.
export function isStale(exp, revision) {
  if (!exp) return false;
  if (exp.stale) return true;
  return Number.isInteger(exp.revision) && Number.isInteger(revision) && revision > exp.revision;
}
