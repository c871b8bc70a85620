// The page's entry point, and only its wiring: each part is mounted into its slot in index.html,
// and joined to the app (app/): its state, the data it sends down as noun events, the actions that
// answer the verb events the parts send up, the event stream and the keyboard shortcuts.
import { recordViolations } from './app/violations.js';
import { logViolations } from './app/client-log.js';
import { createState } from './app/state.js';
import { createShow } from './app/show.js';
import { createProject } from './app/project.js';
import { createActions, handleActions } from './app/actions.js';
import { bindKeys } from './app/keys.js';
import { bindMenu } from './app/menu.js';
import { mountShortcutSheet } from './app/shortcut-sheet.js';
import { mountAnnouncer } from './shared/announcer.js';
import { listen } from './app/events.js';
import { start } from './app/start.js';
import { reportCapabilities } from './app/capabilities.js';
import { send } from './shared/dom.js';
import { server } from './app/api.js';
import { mountToasts } from './shared/toasts.js';
import { mountProjects } from './projects/projects-bar.js';
import { mountMedia } from './media/media-panel.js';
import { mountAiPanel } from './generate/ai-panel.js';
import { mountTimeline } from './timeline/timeline-view.js';
import { mountTransitions } from './timeline/transitions-list.js';
import { mountExport } from './export/export-panel.js';
import { mountExportDialog } from './export/export-dialog.js';
import { mountPreview } from './preview/preview.js';
import { mountInspector } from './inspector/inspector.js';
import { mountSettings } from './settings/settings-dialog.js';
import { mountInterchange } from './interchange/interchange-menu.js';
import { mountCaptions } from './captions/captions-panel.js';
import { mountSideTabs } from './app/side-tabs.js';

const violations = recordViolations(document);
logViolations(document);

const slot = (name) => document.querySelector(`[data-mount="${name}"]`);
const parts = {
  projects: slot('projects'), media: slot('media'), ai: slot('ai'), timeline: slot('timeline'), preview: slot('preview'),
  inspector: slot('inspector'), transitions: slot('transitions'), captions: slot('captions'), interchange: slot('interchange'),
  sideTabs: slot('side-tabs'), toasts: slot('toasts'), settings: slot('settings'), exportDialog: slot('export-dialog'), empty: document.querySelector('[data-empty]'),
  exportSlot: null, // inside the timeline's bar, once it is mounted
};

const state = createState();
const show = createShow(parts, state);
const project = createProject(parts, state, show);
const sheet = mountShortcutSheet(document.body);
const actions = createActions({ parts, state, show, project, sheet });
handleActions(document, actions, show.fail);
bindKeys(document, { state, actions });
bindMenu(window, document, { state, actions, parts, fail: show.fail }); // the desktop window's native menu

mountToasts(parts.toasts);
mountProjects(parts.projects);
mountInterchange(parts.interchange);
mountMedia(parts.media);
mountAiPanel(parts.ai);
parts.exportSlot = mountTimeline(parts.timeline).exportSlot;
mountExport(parts.exportSlot);
mountExportDialog(parts.exportDialog);
mountPreview(parts.preview);
mountInspector(parts.inspector);
mountTransitions(parts.transitions);
mountCaptions(parts.captions);
mountSideTabs(parts.sideTabs, [{ name: 'media', label: 'Media', panel: parts.media },
  { name: 'transitions', label: 'Transitions', panel: parts.transitions },
  { name: 'captions', label: 'Captions', panel: parts.captions }]);
const settings = mountSettings(parts.settings, { project: () => state.project });
// which source plays first can change with the settings (remote preview, preview proxies)
parts.settings.addEventListener('settingschanged', (e) => {
  send(parts.preview, 'sourceschanged');
  send(parts.ai, 'settings', e.detail); // whether a fal.ai key is set
  send(parts.inspector, 'settings', e.detail); // "Caption this clip" needs one too
  send(parts.captions, 'settings', e.detail); // and "Caption the timeline…"
});
document.querySelector('[data-action="open-settings"]').addEventListener('click', () => settings.open());
// "Add a fal.ai key" beside a paid model: Settings, at the key field
document.addEventListener('opensettings', (e) => settings.open(e.detail || {}));
server.settings.get().then((s) => {
  send(parts.ai, 'settings', s);
  send(parts.inspector, 'settings', s);
  send(parts.captions, 'settings', s);
}).catch(() => {});

reportCapabilities();
// `reelcut serve --dev`: the live-reload module, loaded only when the server says so
server.health().then((h) => { if (h.dev) import('./app/dev-reload.js').then((m) => m.startDevReload()); }).catch(() => {});
const say = mountAnnouncer(document.body);
listen({ parts, state, show, project, actions, violations, say });
start({ parts, state, show, project });
