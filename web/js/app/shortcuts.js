// Every keyboard shortcut, in ONE table: keys.js binds the keys from it and the shortcut sheet (?)
// lists them from it, so the sheet cannot drift from what the keys do. Pure (tested with node).
//
// A row: the `action` it runs (a verb of app/actions.js) with its `detail`, the `group` and the
// `description` the sheet shows, and `keys`, each a way to press it: `code` (KeyboardEvent.code,
// the key's place, whatever the layout) or `key` (the character typed, for ?), and the modifiers
// that must be held (`ctrl`: Ctrl, or ⌘ on a Mac; `shift`; `alt`), none other. A row marked
// `anytime` works with no project open.

export const GROUPS = Object.freeze(['Playback', 'Navigate', 'Edit', 'Selection', 'Markers', 'Timeline', 'Help']);

const row = (group, description, action, keys, detail = {}, extra = {}) => Object.freeze({
  group, description, action, detail: Object.freeze(detail), keys: Object.freeze(keys.map((k) => Object.freeze(k))), ...extra,
});

export const SHORTCUTS = Object.freeze([
  row('Playback', 'Play or pause', 'toggleplay', [{ code: 'Space' }]),
  row('Playback', 'Play backwards (shuttle)', 'shuttle', [{ code: 'KeyJ' }], { command: 'shuttle', speed: -1 }),
  row('Playback', 'Stop', 'shuttle', [{ code: 'KeyK' }], { command: 'stop' }),
  row('Playback', 'Play forwards (shuttle)', 'shuttle', [{ code: 'KeyL' }], { command: 'shuttle', speed: 1 }),

  row('Navigate', 'One frame back', 'stepframes', [{ code: 'ArrowLeft' }], { frames: -1 }),
  row('Navigate', 'One frame forward', 'stepframes', [{ code: 'ArrowRight' }], { frames: 1 }),
  row('Navigate', 'Go to the start', 'seekedge', [{ code: 'Home' }], { edge: 'start' }),
  row('Navigate', 'Go to the end', 'seekedge', [{ code: 'End' }], { edge: 'end' }),
  row('Navigate', 'Previous edit point', 'jumpedit', [{ code: 'ArrowUp' }], { dir: -1 }),
  row('Navigate', 'Next edit point', 'jumpedit', [{ code: 'ArrowDown' }], { dir: 1 }),
  row('Navigate', 'Previous marker', 'jumpmarker', [{ code: 'ArrowUp', shift: true }], { dir: -1 }),
  row('Navigate', 'Next marker', 'jumpmarker', [{ code: 'ArrowDown', shift: true }], { dir: 1 }),

  row('Edit', 'Undo', 'undo', [{ code: 'KeyZ', ctrl: true }]),
  row('Edit', 'Redo', 'redo', [{ code: 'KeyZ', ctrl: true, shift: true }, { code: 'KeyY', ctrl: true }]),
  row('Edit', 'Split at the playhead', 'split', [{ code: 'KeyS' }]),
  row('Edit', 'Delete the selected clips', 'deleteselected', [{ code: 'Delete' }, { code: 'Backspace' }]),
  row('Edit', 'Ripple delete: delete and close the hole', 'rippledelete',
    [{ code: 'Delete', shift: true }, { code: 'Backspace', shift: true }]),
  row('Edit', 'Close the gap at the playhead', 'closegap', [{ code: 'Backspace', alt: true }]),
  row('Edit', 'Copy', 'copyclips', [{ code: 'KeyC', ctrl: true }]),
  row('Edit', 'Cut', 'cutclips', [{ code: 'KeyX', ctrl: true }]),
  row('Edit', 'Paste at the playhead', 'pasteclips', [{ code: 'KeyV', ctrl: true }]),
  row('Edit', 'Duplicate after the selection', 'duplicateclips', [{ code: 'KeyD', ctrl: true }]),
  row('Edit', 'Nudge one frame left', 'nudge', [{ code: 'ArrowLeft', alt: true }, { code: 'Comma' }], { frames: -1 }),
  row('Edit', 'Nudge one frame right', 'nudge', [{ code: 'ArrowRight', alt: true }, { code: 'Period' }], { frames: 1 }),
  row('Edit', 'Nudge ten frames left', 'nudge',
    [{ code: 'ArrowLeft', alt: true, shift: true }, { code: 'Comma', shift: true }], { frames: -10 }),
  row('Edit', 'Nudge ten frames right', 'nudge',
    [{ code: 'ArrowRight', alt: true, shift: true }, { code: 'Period', shift: true }], { frames: 10 }),

  row('Selection', 'Select every clip', 'selectall', [{ code: 'KeyA', ctrl: true }]),
  row('Selection', 'Clear the selection', 'clearselection', [{ code: 'Escape' }]),

  row('Markers', 'Add a marker at the playhead', 'addmarker', [{ code: 'KeyM' }]),

  row('Timeline', 'Snapping on or off', 'togglesnapping', [{ code: 'KeyN' }]),
  row('Timeline', 'Zoom to fit the whole timeline', 'zoomtofit', [{ code: 'KeyZ', shift: true }]),

  row('Help', 'Show the keyboard shortcuts', 'shortcuts', [{ key: '?' }], {}, { anytime: true }),
]);

// The row a key press runs, or null. `event` is a KeyboardEvent (or anything with its fields).
export function matchShortcut(event, table = SHORTCUTS) {
  const ctrl = Boolean(event.ctrlKey || event.metaKey);
  for (const entry of table) {
    for (const k of entry.keys) {
      if (k.key !== undefined) {
        // a character: Shift is how it is typed (? is Shift+/ on many layouts), so only Ctrl and Alt count
        if (event.key === k.key && ctrl === Boolean(k.ctrl) && Boolean(event.altKey) === Boolean(k.alt)) return entry;
      } else if (event.code === k.code && ctrl === Boolean(k.ctrl) && Boolean(event.shiftKey) === Boolean(k.shift)
        && Boolean(event.altKey) === Boolean(k.alt)) return entry;
    }
  }
  return null;
}

const NAMES = {
  Space: 'Space', ArrowLeft: '←', ArrowRight: '→', ArrowUp: '↑', ArrowDown: '↓', Comma: ',', Period: '.',
  Escape: 'Esc', Delete: 'Delete', Backspace: 'Backspace', Home: 'Home', End: 'End',
};

// How a way to press a row is written on the sheet: "Ctrl+Shift+Z", "Alt+←", "?".
export function keyLabel(k, { mac = false } = {}) {
  const name = k.key !== undefined ? k.key : NAMES[k.code] || k.code.replace(/^Key|^Digit/, '');
  return [k.ctrl && (mac ? '⌘' : 'Ctrl'), k.alt && (mac ? '⌥' : 'Alt'), k.shift && 'Shift', name].filter(Boolean).join('+');
}

// The sheet: each group with its rows, in the table's order, each row with every way to press it.
export function sheetGroups(table = SHORTCUTS, options = {}) {
  return GROUPS.map((group) => ({
    group,
    rows: table.filter((e) => e.group === group).map((e) => ({ keys: e.keys.map((k) => keyLabel(k, options)), description: e.description, entry: e })),
  })).filter((g) => g.rows.length);
}
