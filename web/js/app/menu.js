// The desktop window's native menu (desktop/reelcut/menu.py) runs the page's own actions: the
// shell evaluates window.reelcutMenu(name, detail) in the page, and each name here is answered by
// an action of app/actions.js or by the part whose button does the same, so a menu item does
// exactly what its button or key does. Answers "done", "text" (a text field has the focus: Undo,
// Redo, Cut, Copy, Paste and Select all are its own, and the engine does them natively) or "unknown".
import { send } from '../shared/dom.js';
import { zoomBy } from '../timeline/timeline-model.js';
import { TYPING } from './keys.js';

export const ZOOM_STEP = 1.25;
// as the keys (keys.js), which leave these to a focused text field
const TEXT = new Set(['undo', 'redo', 'cutclips', 'copyclips', 'pasteclips', 'selectall']);

// name -> what it does; `needs`: 'project' or 'timeline' (as the keys, which skip their rows without one)
export function menuActions({ state, actions, parts }) {
  const zoom = (factor) => actions.zoom({ zoom: zoomBy(state.timeline.zoom, factor), anchor: state.timeline.playhead });
  const row = (run, needs = null) => ({ run, needs });
  return {
    newproject: row(() => send(parts.projects, 'asknewproject')),
    openproject: row(({ id }) => actions.openproject({ id })),
    import: row(() => actions.importnative({}), 'project'),
    export: row(() => actions.openexport(), 'timeline'),
    undo: row(() => actions.undo(), 'timeline'),
    redo: row(() => actions.redo(), 'timeline'),
    cutclips: row(() => actions.cutclips(), 'timeline'),
    copyclips: row(() => actions.copyclips(), 'timeline'),
    pasteclips: row(() => actions.pasteclips(), 'timeline'),
    selectall: row(() => actions.selectall(), 'timeline'),
    zoomin: row(() => zoom(ZOOM_STEP), 'timeline'),
    zoomout: row(() => zoom(1 / ZOOM_STEP), 'timeline'),
    shortcuts: row(() => actions.shortcuts()),
    openlogs: row(() => actions.openlogs()),
    about: row(() => actions.about()),
  };
}

export function bindMenu(win, doc, { state, actions, parts, fail }) {
  const table = menuActions({ state, actions, parts });
  win.reelcutMenu = (name, detail = {}) => {
    const entry = Object.hasOwn(table, name) ? table[name] : null;
    if (!entry) return 'unknown';
    const focused = doc.activeElement;
    if (TEXT.has(name) && focused && focused.closest && focused.closest(TYPING)) return 'text';
    if ((entry.needs === 'timeline' && !state.timeline) || (entry.needs === 'project' && !state.project)) {
      actions.toast({ message: 'Open or create a project first.', kind: 'warn' });
      return 'done';
    }
    Promise.resolve().then(() => entry.run(detail)).catch(fail);
    return 'done';
  };
}
