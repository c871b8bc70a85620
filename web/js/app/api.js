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
  timelineLimits: () => api.get('api/timeline/limits'),
  settings: {
    get: () => api.get('api/settings'),
    save: (changes) => api.put('api/settings', changes),
    testKey: (key) => api.post('api/settings/test-key', { fal_key: key }),
  },
  projects: {
    list: () => api.get('api/projects'),
    create: (name) => api.post('api/projects', { name }),
    rename: (id, name) => api.patch(`api/projects/${id}`, { name }),
    remove: (id) => api.del(`api/projects/${id}`),
    media: (id) => api.get(`api/projects/${id}/media`),
    importFile: (id, form) => api.post(`api/projects/${id}/media`, form),
    timeline: (id) => api.get(`api/projects/${id}/timeline`),
    // `revision`: the one the timeline was read at (409 `stale_timeline` if it has moved on)
    saveTimeline: (id, timeline, revision) => api.put(`api/projects/${id}/timeline`,
      revision === undefined || revision === null ? { timeline } : { timeline, revision }),
    view: (id) => api.get(`api/projects/${id}/view`),
    saveView: (id, view) => api.put(`api/projects/${id}/view`, view),
    jobs: (id) => api.get(`api/generations?project_id=${encodeURIComponent(id)}`),
    // `settings` (render/settings.py: {preset?, format?, resolution?, fps?, quality?, range?});
    // none: the default H.264 MP4 of the whole canvas
    startExport: (id, settings) => api.post(`api/projects/${id}/exports`, settings ? { settings } : {}),
    estimateExport: (id, settings) => api.post(`api/projects/${id}/exports/estimate`, { settings }),
    exports: (id) => api.get(`api/projects/${id}/exports`), // newest first, each with `stale`, `file_exists`
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
    selftest: (report) => api.post('api/desktop/selftest', report),
  },
};

// URLs the page hands to the browser itself rather than fetching: the event stream, and images
// set as a background.
export const urls = {
  events: 'api/events',
  filmstrip: (mediaId) => `media/${mediaId}/filmstrip`,
  titleFont: 'api/fonts/title', // the font file the export draws titles with
};
