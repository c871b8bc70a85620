// Every keyboard shortcut, in ONE table: keys.js binds the keys from it and the shortcut sheet (?)
// lists them from it, so the sheet cannot drift from what the keys do. Pure (tested with node).
//
// A row: the `action` it runs (a verb of app/actions.js) with its `detail`, the `group` and the
// `description` the sheet shows, and `keys`, each a way to press it: `code` (KeyboardEvent.code,
// the key's place, whatever the layout) or `key` (the character typed, for ?), and the modifiers
// that must be held (`ctrl`: Ctrl, or ⌘ on a Mac; `shift`; `alt`), none other. A row marked
// `anytime` works with no project open.
//
// The timeline's clips take the keyboard focus (one tab stop, the arrows rove over the clips).
// A row marked `onClip` works only while a clip has the focus, and wins over a row of the same
// keys: there the arrows move the focus (not the playhead or to the edit points) and Space or
// Enter selects. A row marked `onSelection` acts on the selected clips: pressed on a focused clip
// that is not selected, that clip becomes the selection first. A row marked `offControls` does
// not take its key from a focused button or link (Enter presses those).

export const GROUPS = Object.freeze(['Playback', 'Navigate', 'Edit', 'Selection', 'Markers', 'Timeline', 'Help']);

const row = (group, description, action, keys, detail = {}, extra = {}) => Object.freeze({
  group, description, action, detail: Object.freeze(detail), keys: Object.freeze(keys.map((k) => Object.freeze(k))), ...extra,
});

const SEL = { onSelection: true };
const CLIP = { onClip: true };

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
  row('Edit', 'Split at the playhead', 'split', [{ code: 'KeyS' }], {}, SEL),
  row('Edit', 'Delete the selected clips', 'deleteselected', [{ code: 'Delete' }, { code: 'Backspace' }], {}, SEL),
  row('Edit', 'Ripple delete: delete and close the hole', 'rippledelete',
    [{ code: 'Delete', shift: true }, { code: 'Backspace', shift: true }], {}, SEL),
  row('Edit', 'Trim the start of the selected clips to the playhead', 'trimtoplayhead', [{ code: 'BracketLeft' }],
    { edge: 'start' }, SEL),
  row('Edit', 'Trim the end of the selected clips to the playhead', 'trimtoplayhead', [{ code: 'BracketRight' }],
    { edge: 'end' }, SEL),
  row('Edit', 'Close the gap at the playhead', 'closegap', [{ code: 'Backspace', alt: true }]),
  row('Edit', 'Copy', 'copyclips', [{ code: 'KeyC', ctrl: true }], {}, SEL),
  row('Edit', 'Cut', 'cutclips', [{ code: 'KeyX', ctrl: true }], {}, SEL),
  row('Edit', 'Paste at the playhead', 'pasteclips', [{ code: 'KeyV', ctrl: true }]),
  row('Edit', 'Duplicate after the selection', 'duplicateclips', [{ code: 'KeyD', ctrl: true }], {}, SEL),
  row('Edit', 'Nudge one frame left', 'nudge', [{ code: 'ArrowLeft', alt: true }, { code: 'Comma' }], { frames: -1 }, SEL),
  row('Edit', 'Nudge one frame right', 'nudge', [{ code: 'ArrowRight', alt: true }, { code: 'Period' }], { frames: 1 }, SEL),
  row('Edit', 'Nudge ten frames left', 'nudge',
    [{ code: 'ArrowLeft', alt: true, shift: true }, { code: 'Comma', shift: true }], { frames: -10 }, SEL),
  row('Edit', 'Nudge ten frames right', 'nudge',
    [{ code: 'ArrowRight', alt: true, shift: true }, { code: 'Period', shift: true }], { frames: 10 }, SEL),

  row('Edit', 'Edit the selected title\'s text', 'edittext', [{ code: 'Enter' }], {}, { offControls: true }),
  row('Selection', 'Select every clip', 'selectall', [{ code: 'KeyA', ctrl: true }]),
  row('Selection', 'Clear the selection', 'clearselection', [{ code: 'Escape' }]),
  row('Selection', 'On a focused clip: select it', 'selectclips', [{ code: 'Enter' }, { code: 'Space' }], {}, CLIP),
  row('Selection', 'On a focused clip: add it to the selection or take it out', 'selectclips',
    [{ code: 'Enter', ctrl: true }, { code: 'Space', ctrl: true }], { additive: true }, CLIP),

  row('Timeline', 'On a focused clip: focus the clip before on its track', 'focusclip', [{ code: 'ArrowLeft' }],
    { key: 'ArrowLeft' }, CLIP),
  row('Timeline', 'On a focused clip: focus the clip after on its track', 'focusclip', [{ code: 'ArrowRight' }],
    { key: 'ArrowRight' }, CLIP),
  row('Timeline', 'On a focused clip: focus the nearest clip on the track above', 'focusclip', [{ code: 'ArrowUp' }],
    { key: 'ArrowUp' }, CLIP),
  row('Timeline', 'On a focused clip: focus the nearest clip on the track below', 'focusclip', [{ code: 'ArrowDown' }],
    { key: 'ArrowDown' }, CLIP),

  row('Markers', 'Add a marker at the playhead', 'addmarker', [{ code: 'KeyM' }]),
  row('Markers', 'Set the In point (the export\'s range starts) at the playhead', 'setmark', [{ code: 'KeyI' }], { which: 'in' }),
  row('Markers', 'Set the Out point (the export\'s range ends) at the playhead', 'setmark', [{ code: 'KeyO' }], { which: 'out' }),
  row('Markers', 'Clear the In and Out points', 'clearmarks', [{ code: 'KeyX', alt: true }]),

  row('Timeline', 'Snapping on or off', 'togglesnapping', [{ code: 'KeyN' }]),
  row('Timeline', 'Zoom to fit the whole timeline', 'zoomtofit', [{ code: 'KeyZ', shift: true }]),

  row('Help', 'Show the keyboard shortcuts', 'shortcuts', [{ key: '?' }], {}, { anytime: true }),
]);

// The row a key press runs, or null. `event` is a KeyboardEvent (or anything with its fields);
// `onClip`: a timeline clip has the focus (its rows first), else its rows are skipped.
export function matchShortcut(event, table = SHORTCUTS, { onClip = false } = {}) {
  const ctrl = Boolean(event.ctrlKey || event.metaKey);
  const rows = onClip ? [...table.filter((e) => e.onClip), ...table.filter((e) => !e.onClip)] : table.filter((e) => !e.onClip);
  for (const entry of rows) {
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
  Escape: 'Esc', Delete: 'Delete', Backspace: 'Backspace', Home: 'Home', End: 'End', Enter: 'Enter',
  BracketLeft: '[', BracketRight: ']',
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
