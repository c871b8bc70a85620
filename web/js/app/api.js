// The HTTP API (docs/API.md), and the one place in the page where its URLs are written. Same
// origin, authenticated by the HttpOnly cookie. Paths are relative to the page ('api/projects',
// never '/api/projects'): the page lives under the launch's session prefix (/s/<secret>/), the
// only path the browser sends the cookie to.

export class ApiError extends Error {
  constructor(status, code, message, field, modelId) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
    this.modelId = modelId; // which model a refused parameter belongs to
    this.path = undefined; // the file a failed desktop action was about (no_file_manager)
  }
}

async function request(method, path, body) {
  if (path.startsWith('/')) {
    // a root path would leave the prefix, and arrive without the cookie (401)
    throw new Error(`API paths are relative to the page: '${path.slice(1)}', not '${path}'.`);
  }
  const init = { method, headers: {} };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    throw new ApiError(0, 'offline', 'Reelcut is not answering. Is it still running?');
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const e = (data && data.error) || {};
    const err = new ApiError(response.status, e.code || 'error', e.message || `Request failed (${response.status}).`, e.field, e.model_id);
    err.path = e.path;
    throw err;
  }
  return data;
}

// A file the server sends to be saved (an interchange file): its bytes, its name and what the
// format could not carry (the X-Reelcut-Warnings header).
async function download(path) {
  let response;
  try {
    response = await fetch(path, { method: 'GET', headers: {} });
  } catch (err) {
    throw new ApiError(0, 'offline', 'Reelcut is not answering. Is it still running?');
  }
  if (!response.ok) {
    const e = ((await response.json().catch(() => null)) || {}).error || {};
    throw new ApiError(response.status, e.code || 'error', e.message || `Request failed (${response.status}).`, e.field);
  }
  const disposition = response.headers.get('Content-Disposition') || '';
  const named = /filename="([^"]+)"/.exec(disposition);
  let warnings = [];
  try { warnings = JSON.parse(response.headers.get('X-Reelcut-Warnings') || '[]'); } catch { warnings = []; }
  return { blob: await response.blob(), filename: named ? named[1] : 'timeline', warnings };
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body = {}) => request('POST', path, body),
  put: (path, body) => request('PUT', path, body),
  patch: (path, body) => request('PATCH', path, body),
  del: (path) => request('DELETE', path),
};

// What the page asks the server, by resource. Ids are the server's own (UUIDs).
export const server = {
  health: () => api.get('api/health'),
  models: () => api.get('api/models'),
  capabilities: (codecs) => api.post('api/capabilities', { codecs }),
  // what the page saw go wrong (a CSP violation, a media error), for Reelcut's log file
  clientLog: (report) => api.post('api/client-log', report),
  timelineLimits: () => api.get('api/timeline/limits'),
  // {fonts: [{family, styles}], default: {family, bold, italic}}: the families a title may name
  fontList: () => api.get('api/fonts'),
  settings: {
    get: () => api.get('api/settings'),
    save: (changes) => api.put('api/settings', changes),
    testKey: (key) => api.post('api/settings/test-key', { fal_key: key }),
  },
  projects: {
    list: () => api.get('api/projects'),
    create: (name) => api.post('api/projects', { name }),
    rename: (id, name) => api.patch(`api/projects/${id}`, { name }),
    get: (id) => api.get(`api/projects/${id}`), // with `spending_cap` and `spent` (dollars)
    setSpendingCap: (id, cap) => api.patch(`api/projects/${id}`, { spending_cap: cap }), // null: none
    remove: (id) => api.del(`api/projects/${id}`),
    media: (id) => api.get(`api/projects/${id}/media`),
    importFile: (id, form) => api.post(`api/projects/${id}/media`, form),
    timeline: (id) => api.get(`api/projects/${id}/timeline`),
    // `revision`: the one the timeline was read at (409 `stale_timeline` if it has moved on);
    // `who`: {source, client}, told to every window with the change (`timeline_changed`)
    saveTimeline: (id, timeline, revision, who = {}) => api.put(`api/projects/${id}/timeline`,
      revision === undefined || revision === null ? { timeline, ...who } : { timeline, revision, ...who }),
    // the server's history of the timeline, shared by every writer: {timeline, revision, can_undo, can_redo, label}
    undoTimeline: (id, revision, who = {}) => api.post(`api/projects/${id}/timeline/undo`, { revision, ...who }),
    redoTimeline: (id, revision, who = {}) => api.post(`api/projects/${id}/timeline/redo`, { revision, ...who }),
    timelineHistory: (id) => api.get(`api/projects/${id}/timeline/history`),
    // generation from the timeline (the server puts a placeholder in the document):
    // {clip_id, model_id, prompt?} → {job, placeholder, ...}; {track_id, at, model_id, prompt?} →
    // {job, placeholder, duration, snapped_from?, snapped_to?, ...}
    extend: (id, request) => api.post(`api/projects/${id}/timeline/extend`, request),
    fill: (id, request) => api.post(`api/projects/${id}/timeline/fill`, request),
    // these land when their job is done (no placeholder): {text, model_id, at?} → {job, place} (the
    // sound at `at` on a free audio track); {clip_id, model_id, prompt?} → an audio clip under the
    // clip; {clip_id, model_id} → the clip plays the upscaled media, trims kept
    voiceOver: (id, request) => api.post(`api/projects/${id}/timeline/voice-over`, request),
    addSound: (id, request) => api.post(`api/projects/${id}/timeline/add-sound`, request),
    upscale: (id, request) => api.post(`api/projects/${id}/timeline/upscale`, request),
    // {track_id, at, model_id, prompt, params?} → {job, placeholder, room, revision}
    generateHere: (id, request) => api.post(`api/projects/${id}/timeline/generate-here`, request),
    // {clip_id, start, end (timeline seconds, inside the clip), model_id, prompt, params?} →
    // {job, clip_id, start_time, duration}: the clip switches to the new take when the job ends
    retake: (id, request) => api.post(`api/projects/${id}/timeline/retake`, request),
    // every offline clip named `name` becomes a clip of `media_id`: {timeline, revision, relinked, media_id}
    relink: (id, request) => api.post(`api/projects/${id}/timeline/relink`, request),
    view: (id) => api.get(`api/projects/${id}/view`),
    saveView: (id, view) => api.put(`api/projects/${id}/view`, view),
    jobs: (id) => api.get(`api/generations?project_id=${encodeURIComponent(id)}`),
    // `settings` (render/settings.py: {preset?, format?, resolution?, fps?, quality?, range?});
    // none: the default H.264 MP4 of the whole canvas
    startExport: (id, settings) => api.post(`api/projects/${id}/exports`, settings ? { settings } : {}),
    estimateExport: (id, settings) => api.post(`api/projects/${id}/exports/estimate`, { settings }),
    exports: (id) => api.get(`api/projects/${id}/exports`), // newest first, each with `stale`, `file_exists`
    // the timeline as an interchange file (otio, fcp7xml, fcpxml, edl): {blob, filename, warnings}
    timelineFile: (id, format) => download(`api/projects/${id}/timeline/export?format=${encodeURIComponent(format)}`),
    // a timeline file replaces the timeline: {timeline, revision, warnings}
    importTimelineFile: (id, form) => api.post(`api/projects/${id}/timeline/import`, form),
    // a form with `file` (.srt, .vtt, .ass, .ssa) and maybe `track_id` and `revision`: {timeline, revision}
    importCaptions: (id, form) => api.post(`api/projects/${id}/captions/import`, form),
    // "Caption this clip": speech to text on fal.ai, as a job ({job}); its lines arrive as a new
    // captions track (timeline_changed) when it ends
    transcribeClip: (id, clipId) => api.post(`api/projects/${id}/captions/transcribe`, { clip_id: clipId }),
    // "Caption the timeline": the whole timeline's mix, as a job ({job}); its lines arrive as a
    // new captions track (or beside those of the captions track `trackId`) when it ends
    transcribeTimeline: (id, trackId) => api.post(`api/projects/${id}/captions/transcribe-timeline`,
      trackId ? { track_id: trackId } : {}),
  },
  media: {
    sources: (id) => api.get(`api/media/${id}/sources`),
    waveform: (id) => api.get(`api/media/${id}/waveform`),
    retryProxy: (id) => api.post(`api/media/${id}/proxy`),
    rename: (id, name) => api.patch(`api/media/${id}`, { name }),
    restore: (id) => api.post(`api/media/${id}/restore`),
    fileInBin: (id, bin) => api.patch(`api/media/${id}`, { bin }),
    remove: (id) => api.del(`api/media/${id}`),
  },
  generations: {
    start: (request) => api.post('api/generations', request),
    cancel: (id) => api.post(`api/generations/${id}/cancel`),
    retry: (id) => api.post(`api/generations/${id}/retry`),
    clear: (id) => api.del(`api/generations/${id}`),
  },
  exports: {
    formats: () => api.get('api/export/formats'), // formats (with availability), presets, sizes, rates
    cancel: (id) => api.post(`api/exports/${id}/cancel`),
  },
  // the desktop window's native side, over HTTP (there is no JavaScript bridge)
  desktop: {
    title: (title, projectId) => api.post('api/desktop/title', { title, project_id: projectId }),
    open: (projectId) => api.post('api/desktop/open', { project_id: projectId }),
    reveal: (what) => api.post('api/desktop/reveal', what), // {media_id} | {export_id} | {path} saved in this launch
    saveExport: (exportId) => api.post('api/desktop/save-export', { export_id: exportId }),
    saveTimelineFile: (projectId, format) => api.post('api/desktop/save-timeline', { project_id: projectId, format }),
    selftest: (report) => api.post('api/desktop/selftest', report),
    openLogs: () => api.post('api/desktop/open-logs', {}), // 409 in a browser, naming the folder
  },
};

// URLs the page hands to the browser itself rather than fetching: the event stream, and images
// set as a background.
export const urls = {
  events: 'api/events',
  filmstrip: (mediaId) => `media/${mediaId}/filmstrip`,
  titleFont: 'api/fonts/title', // the font file the export draws titles with
  // the font file the export draws a title of this style with (for a FontFace in the preview)
  fontFileUrl: (family, bold, italic) =>
    `api/fonts/file?family=${encodeURIComponent(family)}&bold=${bold ? 1 : 0}&italic=${italic ? 1 : 0}`,
  // a captions track as a file to download: format is 'srt' or 'vtt'
  captionsExport: (projectId, trackId, format) =>
    `api/projects/${projectId}/captions/${encodeURIComponent(trackId)}/export?format=${encodeURIComponent(format)}`,
};
