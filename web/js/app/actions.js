// Actions up: one handler per verb event the parts send (they bubble up to the document). Each
// changes the state through the API or the project, and shows the result.
import { server, urls } from './api.js';
import { send } from '../shared/dom.js';
import { askConfirm } from '../shared/confirm-dialog.js';
import { dragRefusal, upsert } from '../media/library-model.js';
import { clipCount, deleteQuestion, deletedNote, putBack, takenOut } from '../media/delete-model.js';
import { placeRange } from '../media/source-model.js';
import {
  addTextClip, addTrack, deleteClips, dropClip, findClip, moveClip, moveClips, removeTrack, setTrackFlag, splitAt,
  trimEnd, trimStart,
} from '../timeline/edit-model.js';
import { mediaDuration, nextSelection, playheadWithin, splitTargets } from './state.js';
import {
  MEDIA_FIELDS, TEXT_FIELDS, addKeyframe, adjacentKeyframe, applyField, applyValue, placeTitle, removeKeyframe, setEasing,
} from '../inspector/inspector-model.js';
import { applyPreset } from '../inspector/title-presets.js';
import { switchTake } from '../inspector/take-model.js';
import { withCanvas } from '../preview/canvas-model.js';
import { exportedMessage, importedMessage } from '../interchange/interchange-model.js';
import { DEFAULT_TRANSITION, removeTransition, setTransition } from '../timeline/transitions-model.js';
import { detachAudio, unlink } from '../timeline/link-model.js';
import { closeGap, rippleDelete } from '../timeline/ripple-model.js';
import { copyClips, duplicateClips, pasteClips } from '../timeline/clipboard-model.js';
import { addMarker, adjacentMarker, deleteMarker, moveMarker, renameMarker } from '../timeline/markers-model.js';
import { adjacentEditPoint, zoomToFit } from '../timeline/navigation-model.js';
import {
  clipPrompt, continuesVideo, extendCost, extendModels, fillModels, fillPlan, gapUnderPlayhead, herePlan, mediaClipProblem, mediaCost,
  retakeModels, retakePlan, retakeRange, soundModels, spotUnderPlayhead, textModels, upscaleModels, voiceModels,
} from '../generate/from-timeline-model.js';
import { askGeneration } from '../generate/from-timeline-dialog.js';
import { timelineEnd } from '../timeline/timeline-model.js';
import { setMark } from '../export/export-model.js';
import {
  addLine, captionTracks, deleteLine, mergeNext, setLine, setLineStyle, setTrackStyle, shiftLines, splitLine,
} from '../captions/captions-model.js';

const FIELDS = new Map([...MEDIA_FIELDS, ...TEXT_FIELDS].map((f) => [f.key, f]));

export function createActions({ parts, state, show, project, sheet }) {
  const { toast, fail } = show;
  let models = null; // the registry, asked for once (Extend and Fill)
  const modelList = async () => {
    if (!models) models = (await server.models()).models;
    return models;
  };
  const { edit } = project;
  // the clip an action applies to: the one named, else the only selected one
  const clipFor = (clipId) => {
    const id = clipId || (state.selected.length === 1 ? state.selected[0] : null);
    return id ? findClip(state.timeline, id) : null;
  };
  async function startPlaced(request, message) {
    try {
      await project.flushSaves();
      const { job } = await request();
      if (!state.jobs.has(job.id)) state.jobs.set(job.id, job);
      show.jobs();
      toast(message);
    } catch (err) {
      fail(err);
    }
  }
  function marksChanged() {
    show.timeline();
    send(parts.exportDialog, 'context', { marks: state.marks, duration: timelineEnd(state.timeline) });
    project.saveViewSoon();
  }
  const deleted = new Map(); // media id -> the clips its delete took out (see restoremedia)
  // A desktop action that opens a native dialog: its button says it is waiting until the answer.
  async function whileWaiting(button, work) {
    if (!button) return work();
    const label = button.textContent;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    button.textContent = 'Waiting…';
    try {
      return await work();
    } finally {
      button.disabled = false;
      button.removeAttribute('aria-busy');
      button.textContent = label;
    }
  }
  // Reveal: done, or why not and where the file is, with a Copy path button
  async function reveal(what) {
    try {
      const { path } = await server.desktop.reveal(what);
      toast(`Shown in the file manager: ${path}`);
    } catch (err) {
      if (err.code !== 'no_file_manager' || !err.path) throw err;
      toast(err.message, 'error', [{ label: 'Copy path', event: 'copytext', detail: { text: err.path, what: 'The path' } }]);
    }
  }
  const fileName = (path) => path.split(/[\\/]/).pop();
  function seekTo(time) {
    if (!state.timeline) return;
    state.timeline.playhead = time;
    send(parts.timeline, 'playhead', { time });
    send(parts.inspector, 'playhead', { time });
    send(parts.captions, 'playhead', { time });
    send(parts.preview, 'position', { time });
    project.saveViewSoon();
  }
  // a transition from the list, the inspector or the timeline: onto a clip's start, changed, or off
  function placeTransition({ clipId, type, duration }) {
    if (!type) { edit(removeTransition(state.timeline, clipId)); return; }
    const result = setTransition(state.timeline, clipId, type, duration, (id) => mediaDuration(state.media, id));
    if (result.error) {
      toast(result.error, 'warn');
      send(parts.inspector, 'fielderror', { key: 'transition', message: result.error });
      return;
    }
    edit(result.doc);
  }
  // an edit that may be refused: {doc} is one undo step, {error} is told
  function editOr(result, kind = 'warn') {
    if (result.error) { toast(result.error, kind); return false; }
    edit(result.doc);
    return true;
  }
  const seekWithin = (time) => seekTo(playheadWithin(state.timeline, time));
  const hasMedia = (id) => state.media.some((m) => m.id === id);
  const pasteOptions = () => ({ hasMedia, lastSecond: state.limits && state.limits.seconds ? state.limits.seconds.high : undefined });
  // the selected clips moved by `delta` seconds, all or none
  function moveSelection(delta, refusal) {
    const ids = state.selected.filter((id) => findClip(state.timeline, id));
    if (!ids.length) return;
    const next = moveClips(state.timeline, ids, delta);
    if (next === state.timeline) { toast(refusal, 'warn'); show.timeline(); return; }
    edit(next);
  }
  // A generation request (the panel's, or the inspector's Regenerate): its jobs listed at once;
  // a refusal said in the panel, beside the field at fault. Whether it started.
  async function startGeneration(request) {
    try {
      const { jobs } = await server.generations.start({ project_id: state.project.id, ...request });
      for (const job of jobs) {
        if (!state.jobs.has(job.id)) {
          state.jobs.set(job.id, { ...job, project_id: state.project.id, prompt: request.prompt,
            params: request.params?.[job.model_id] || {}, progress: 0, created_at: new Date().toISOString() });
        }
      }
      show.jobs();
      return true;
    } catch (err) {
      send(parts.ai, 'generateerror', { message: err.message, field: err.field, model_id: err.modelId });
      fail(err);
      return false;
    }
  }

  return afterUndo({
    async createproject({ name }) {
      const { project: created } = await server.projects.create(name);
      await project.load();
      await project.open(created.id);
    },
    openproject: ({ id }) => project.open(id),
    async renameproject({ id, name }) {
      await server.projects.rename(id, name);
      await project.load();
      state.project = state.projects.find((p) => p.id === id);
      show.projects();
    },
    async deleteproject({ id, name }) {
      if (!await askConfirm({ message: `Delete “${name}” and all its files?`, confirm: `Delete “${name}”`, cancel: 'Keep the project' })) {
        toast('The project was kept.');
        return;
      }
      if (state.project && state.project.id === id) await project.flushSaves();
      await server.projects.remove(id);
      await project.load();
      await project.open(state.projects[0] ? state.projects[0].id : null);
    },
    async importnative({ button }) {
      // desktop: the native Open dialog; files are copied in by path on the Python side
      const { media } = await whileWaiting(button, () => server.desktop.open(state.project.id));
      for (const item of media) state.media = upsert(state.media, item);
      show.media();
      toast(media.length ? `Imported ${media.length === 1 ? media[0].name : `${media.length} files`}.` : 'Import cancelled.');
    },
    revealmedia: ({ id }) => reveal({ media_id: id }),
    revealfile: (what) => reveal(what),
    async copytext({ text, what = 'The text' }) {
      try {
        await navigator.clipboard.writeText(text);
        toast(`${what} is copied.`);
      } catch (err) {
        toast(`Could not copy: ${text}`, 'warn');
      }
    },
    async importfiles({ files }) {
      if (!state.project) { toast('Open or create a project first.', 'warn'); return; }
      for (const file of files) {
        const form = new FormData();
        form.append('file', file, file.name);
        try {
          const { media } = await server.projects.importFile(state.project.id, form);
          for (const item of media) state.media = upsert(state.media, item);
          show.media();
          toast(`Imported ${file.name}.`);
        } catch (err) {
          fail(err);
        }
      }
    },
    // Rename a media item (F2 in the library): the answer (and its media event) carries the new name.
    async renamemedia({ id, name }) {
      try {
        const { media } = await server.media.rename(id, name);
        state.media = upsert(state.media, media);
      } catch (err) {
        fail(err);
      }
      show.media();
    },
    // File a media item in a bin (null: in none).
    async fileinbin({ id, bin }) {
      try {
        const { media } = await server.media.fileInBin(id, bin);
        state.media = upsert(state.media, media);
      } catch (err) {
        fail(err);
      }
      show.media();
    },
    // Delete asks first (the page's dialog), naming the clips that use the item; the delete can be
    // undone while the project is open: the server keeps the item (a soft delete), the page its clips.
    async deletemedia({ id, name }) {
      const item = state.media.find((m) => m.id === id);
      const question = item ? deleteQuestion(item, clipCount(state.timeline, id)) : `Delete “${name}” from the project?`;
      if (!await askConfirm({ message: question, confirm: `Delete “${name}”`, cancel: 'Keep it' })) return;
      const taken = takenOut(state.timeline, id);
      await server.media.remove(id);
      if (!item) return;
      deleted.set(id, taken);
      send(parts.media, 'mediadeleted', { id, note: deletedNote(item, taken.clips.length) });
    },
    async restoremedia({ id }) {
      const { media } = await server.media.restore(id);
      if (!state.project || media.project_id !== state.project.id) return;
      state.media = upsert(state.media, media);
      show.media();
      const taken = deleted.get(id);
      deleted.delete(id);
      if (!taken || !state.timeline) return;
      const back = putBack(state.timeline, taken);
      if (back.doc !== state.timeline) edit(back.doc);
      if (back.skipped) toast(`${back.skipped} of its clips could not go back: their place on the timeline is taken.`, 'warn');
    },
    // The source monitor's marked range at the playhead: inserted (what follows moves right) or
    // overwriting; the new clip is selected and the playhead goes to its end.
    placesource({ id, in: from, out: to, mode }) {
      const media = state.media.find((m) => m.id === id);
      if (!media || !state.timeline) return;
      const refusal = dragRefusal(media);
      if (refusal) { toast(refusal, 'warn'); return; }
      const at = state.timeline.playhead || 0;
      const placed = placeRange(state.timeline, media, { in: from, out: to, length: to - from }, at, mode);
      if (!placed) { toast(`No ${media.kind === 'audio' ? 'audio' : 'video'} track to put “${media.name}” on.`, 'warn'); return; }
      state.selected = [placed.clip.id];
      edit(placed.doc);
      seekTo(at + (to - from));
    },
    // Retry a failed preview copy: the media events that follow (queued, encoding, ready or
    // failed again) update the item; the answer itself may arrive after them, so it is not used.
    async retryproxy({ id }) {
      await server.media.retryProxy(id);
    },
    generate: (request) => startGeneration(request),
    // the inspector's Regenerate: the clip's request again, as a new request (a new group)
    async regenerate({ request }) {
      if (await startGeneration(request)) toast('Regenerating: the new clip lands in the library.');
    },
    // the inspector's Take list: the clip shows another take of its request, in its place, with
    // its trims (clamped to the take's length) and properties; one step to undo
    switchtake({ clipId, mediaId }) {
      const item = state.media.find((m) => m.id === mediaId);
      const result = switchTake(state.timeline, clipId, item);
      if (result.error) { toast(result.error, 'warn'); return; }
      edit(result.doc);
      if (result.clamped) toast('That take is shorter: the clip now ends where it does.');
    },
    // "Caption this clip" in the inspector: a job in the jobs list, like a generation
    async transcribeclip({ clipId }) {
      try {
        const { job } = await server.projects.transcribeClip(state.project.id, clipId);
        if (!state.jobs.has(job.id)) state.jobs.set(job.id, job);
        show.jobs();
        toast('Captioning the clip on fal.ai: its lines arrive as a new captions track.');
      } catch (err) {
        fail(err);
      }
    },
    // "Caption the timeline…" in the captions panel: saved first, so what is sent is what the
    // user sees; then a job in the jobs list, like a generation
    async transcribetimeline() {
      try {
        await project.saveNow();
        const { job } = await server.projects.transcribeTimeline(state.project.id);
        if (!state.jobs.has(job.id)) state.jobs.set(job.id, job);
        show.jobs();
        toast('Captioning the timeline on fal.ai: its lines arrive as a new captions track.');
      } catch (err) {
        fail(err);
      }
    },
    canceljob: ({ id }) => server.generations.cancel(id),
    retryjob: ({ id }) => server.generations.retry(id),
    // finished, failed or cancelled jobs off the list for good (the server forgets them too)
    async clearjobs({ ids }) {
      try {
        for (const id of ids || []) {
          await server.generations.clear(id);
          state.jobs.delete(id);
        }
      } finally {
        show.jobs();
      }
    },
    // a finished job's card: its clip, shown and selected in the media library
    showmedia: ({ id }) => {
      send(parts.sideTabs, 'showpanel', { panel: 'media' });
      send(parts.media, 'reveal', { id });
    },
    dropclip({ trackId, mediaId, start }) {
      const media = state.media.find((m) => m.id === mediaId);
      if (!media) return;
      const refusal = dragRefusal(media);
      if (refusal) { toast(refusal, 'warn'); return; }
      const dropped = dropClip(state.timeline, trackId, media, start);
      if (dropped) edit(dropped.doc);
    },
    // "Add to the timeline" on a media item (the keyboard's drop): on the first track that takes
    // it, at the playhead, else after the track's last clip
    addtotimeline({ mediaId }) {
      const media = state.media.find((m) => m.id === mediaId);
      if (!media || !state.timeline) return;
      const refusal = dragRefusal(media);
      if (refusal) { toast(refusal, 'warn'); return; }
      const kind = media.kind === 'audio' ? 'audio' : 'video';
      const track = state.timeline.tracks.find((t) => t.kind === kind);
      if (!track) { toast(`No ${kind} track to add ${media.name} to.`, 'warn'); return; }
      const last = Math.max(0, ...track.clips.map((c) => c.start + (c.out - c.in)));
      const dropped = dropClip(state.timeline, track.id, media, state.timeline.playhead || 0)
        || dropClip(state.timeline, track.id, media, last);
      if (!dropped) { toast(`No room for ${media.name} on ${track.name || 'the track'}.`, 'warn'); return; }
      state.selected = [dropped.clip.id];
      edit(dropped.doc);
    },
    editclip({ op, clipId, trackId, start, time }) {
      // a clip of a selection of several: the whole selection moves by as much, on its tracks
      if (op === 'move' && state.selected.length > 1 && state.selected.includes(clipId)) {
        const found = findClip(state.timeline, clipId);
        if (found) moveSelection(start - found.clip.start, 'No room to move the selection there: a clip would land on another.');
        return;
      }
      if (op === 'move') edit(moveClip(state.timeline, clipId, trackId, start));
      else if (op === 'trimstart') edit(trimStart(state.timeline, clipId, time));
      else if (op === 'trimend') {
        const found = findClip(state.timeline, clipId);
        edit(trimEnd(state.timeline, clipId, time, found && found.clip.media_id ? mediaDuration(state.media, found.clip.media_id) : Infinity));
      }
    },
    // not "select": the browser fires its own select event (text selected in any field), which
    // bubbles here with no ids
    selectclips({ ids, additive }) {
      // Enter on the one selected title (focused on the timeline): edit its text
      if (!additive && ids.length === 1 && state.selected.length === 1 && state.selected[0] === ids[0]
        && findClip(state.timeline, ids[0])?.clip.media_id === undefined) {
        send(parts.inspector, 'focusfield', { key: 'text' });
        return;
      }
      state.selected = nextSelection(state.selected, ids, additive);
      show.timeline();
    },
    // the timeline's roving focus moved by an arrow key, from the focused clip
    focusclip({ key, clipId }) { send(parts.timeline, 'movefocus', { key, clipId }); },
    // [ and ]: the selected clips' start or end trimmed to the playhead, in one step
    trimtoplayhead({ edge }) {
      if (!state.selected.length) { toast('Select a clip to trim it to the playhead.', 'warn'); return; }
      const t = state.timeline.playhead;
      let next = state.timeline;
      for (const id of state.selected) {
        const found = findClip(next, id);
        if (!found || t <= found.clip.start || t >= found.clip.start + (found.clip.out - found.clip.in)) continue;
        next = edge === 'start' ? trimStart(next, id, t)
          : trimEnd(next, id, t, found.clip.media_id ? mediaDuration(state.media, found.clip.media_id) : Infinity);
      }
      if (next === state.timeline) { toast('The playhead is not inside a selected clip.', 'warn'); return; }
      edit(next);
    },
    split() {
      const t = state.timeline.playhead;
      edit(splitAt(state.timeline, splitTargets(state.timeline, state.selected), t));
    },
    deleteselected() {
      if (!state.selected.length) return;
      const ids = state.selected;
      state.selected = [];
      edit(deleteClips(state.timeline, ids));
    },
    // Ripple delete: the selected clips go and what follows each on its track moves up
    rippledelete() {
      if (!state.selected.length) return;
      const ids = state.selected;
      state.selected = [];
      edit(rippleDelete(state.timeline, ids));
    },
    // Extend: the selected clip's last frame to an image-to-video model; the server puts a
    // placeholder right after the clip, which becomes the clip when the job ends
    async askextend({ clipId } = {}) {
      const id = clipId || (state.selected.length === 1 ? state.selected[0] : null);
      const found = id ? findClip(state.timeline, id) : null;
      if (!found || found.track.kind !== 'video' || found.clip.media_id === undefined) {
        toast('Select one video clip to extend.', 'warn');
        return;
      }
      const media = state.media.find((m) => m.id === found.clip.media_id);
      const models = extendModels(await modelList(), { video: !!media && media.kind === 'video' });
      const answer = await askGeneration({
        title: 'Extend the clip', models, prompt: clipPrompt(media), start: 'Extend',
        note: (model) => ({ cost: extendCost(model),
          text: continuesVideo(model) ? 'continues the clip’s own video' : 'continues from the clip’s last frame' }),
      });
      if (!answer) return;
      await project.flushSaves();
      await server.projects.extend(state.project.id, { clip_id: id, model_id: answer.modelId, prompt: answer.prompt });
      toast('Extending: the new clip appears after this one when it is ready.');
    },
    // Retake part: the In/Out marks inside the selected video clip (else the whole clip) made
    // again by a retake model; the result is a new take of the clip's media and the clip
    // switches to it when the job ends (one server save, so one undo)
    async askretake({ clipId } = {}) {
      const id = clipId || (state.selected.length === 1 ? state.selected[0] : null);
      const found = id ? findClip(state.timeline, id) : null;
      const media = found ? state.media.find((m) => m.id === found.clip.media_id) : null;
      if (!found || found.track.kind !== 'video' || !media || media.kind !== 'video') {
        toast('Select one video clip to retake part of.', 'warn');
        return;
      }
      const range = retakeRange(found.clip, state.marks);
      if (!range) { toast('Set In and Out inside the clip: the marks leave none of it to retake.', 'warn'); return; }
      const models = retakeModels(await modelList());
      const answer = await askGeneration({
        title: `Retake ${range.start.toFixed(2)}–${range.end.toFixed(2)} s of the clip`, models, start: 'Retake',
        prompt: clipPrompt(media),
        note: (model) => {
          const plan = retakePlan(model, found.clip, range);
          return { cost: plan.cost, text: plan.fits ? `remakes ${plan.seconds.toFixed(2)} s of the source` : `cannot: ${plan.why}` };
        },
      });
      if (!answer) return;
      await project.flushSaves();
      await server.projects.retake(state.project.id, {
        clip_id: id, start: range.start, end: range.end, model_id: answer.modelId, prompt: answer.prompt,
      });
      toast('Retaking: its progress shows on the clip, which switches to the new take when it is ready.');
    },
    // Relink: every offline clip of that name becomes a clip of the library item, keeping its
    // place and ranges (one server save, so one undo); the change arrives as `timeline_changed`
    async relinkclip({ name, mediaId }) {
      if (!state.project || !name || !mediaId) return;
      await project.flushSaves();
      const answer = await server.projects.relink(state.project.id, { name, media_id: mediaId });
      const item = state.media.find((m) => m.id === answer.media_id);
      toast(`Relinked ${answer.relinked} ${answer.relinked === 1 ? 'clip' : 'clips'} to ${item ? item.name : 'the media'}.`);
    },
    // Fill: the gap under the playhead, from the frames on both sides of it
    async askfill() {
      const gap = gapUnderPlayhead(state.timeline, state.timeline.playhead || 0);
      if (!gap) { toast('Put the playhead in a gap between two clips on a video track.', 'warn'); return; }
      const models = fillModels(await modelList());
      const length = gap.end - gap.start;
      const answer = await askGeneration({
        title: `Fill the ${length.toFixed(2)} s gap`, models, promptRequired: false, start: 'Fill',
        note: (model) => {
          const plan = fillPlan(model, length);
          return { cost: plan.cost, text: plan.snapped ? `makes ${plan.seconds} s, the nearest length it offers` : `makes ${plan.seconds} s` };
        },
      });
      if (!answer) return;
      await project.flushSaves();
      const result = await server.projects.fill(state.project.id, {
        track_id: gap.trackId, at: (gap.start + gap.end) / 2, model_id: answer.modelId, prompt: answer.prompt || undefined,
      });
      toast(result.snapped_to !== undefined
        ? `Filling: the gap is ${result.snapped_from.toFixed(2)} s, the model makes ${result.snapped_to} s (its nearest length).`
        : `Filling the gap with a ${result.duration} s clip.`);
    },
    // Voice-over, Add sound, Upscale: a job like any generation (progress, cancel, cost in the jobs
    // list); the server puts its result on the timeline when it is done (generation/placements.py)
    async askvoiceover() {
      const at = state.timeline.playhead || 0;
      const answer = await askGeneration({
        title: `Voice-over at ${at.toFixed(2)} s`, models: voiceModels(await modelList()), start: 'Speak',
        promptLabel: 'Text to speak', note: (model) => ({ cost: mediaCost(model, 0), text: 'lands at the playhead on an audio track' }),
      });
      if (!answer) return;
      await startPlaced(() => server.projects.voiceOver(state.project.id, { text: answer.prompt, model_id: answer.modelId, at }),
        'Speaking: the voice-over lands at the playhead when it is ready.');
    },
    async askaddsound({ clipId } = {}) {
      const found = clipFor(clipId);
      const media = found ? state.media.find((m) => m.id === found.clip.media_id) : null;
      const problem = mediaClipProblem(found, media, 'Add sound');
      if (problem) { toast(problem, 'warn'); return; }
      const answer = await askGeneration({
        title: 'Add sound to the clip', models: soundModels(await modelList()), prompt: clipPrompt(media), promptRequired: false,
        start: 'Add sound', note: (model) => ({ cost: mediaCost(model, media.duration || 0), text: 'lands under the clip, as long as it' }),
      });
      if (!answer) return;
      await startPlaced(() => server.projects.addSound(state.project.id, {
        clip_id: found.clip.id, model_id: answer.modelId, prompt: answer.prompt || undefined,
      }), 'Making sound: it lands under the clip when it is ready.');
    },
    async askupscale({ clipId } = {}) {
      const found = clipFor(clipId);
      const media = found ? state.media.find((m) => m.id === found.clip.media_id) : null;
      const problem = mediaClipProblem(found, media, 'Upscale');
      if (problem) { toast(problem, 'warn'); return; }
      const answer = await askGeneration({
        title: 'Upscale the clip', models: upscaleModels(await modelList()), withPrompt: false, start: 'Upscale',
        note: (model) => ({ cost: mediaCost(model, media.duration || 0), text: 'the clip then plays the upscaled copy; the original stays in the library' }),
      });
      if (!answer) return;
      await startPlaced(() => server.projects.upscale(state.project.id, { clip_id: found.clip.id, model_id: answer.modelId }),
        'Upscaling: the clip switches to the sharper copy when it is ready.');
    },
    // Generate here: a text prompt makes a clip at the playhead, on an empty spot of the selected
    // clip's video track (else the first video track)
    async askhere() {
      const spot = spotUnderPlayhead(state.timeline, state.timeline.playhead || 0, state.selected);
      if (!spot) { toast('Put the playhead on an empty spot of a video track.', 'warn'); return; }
      const models = textModels(await modelList());
      const room = spot.room === null ? '' : ` (${spot.room.toFixed(2)} s free)`;
      const answer = await askGeneration({
        title: `Generate here at ${spot.at.toFixed(2)} s${room}`, models, start: 'Generate',
        note: (model) => {
          const plan = herePlan(model, spot.room);
          if (!plan.fits) return { cost: plan.cost, text: `makes ${plan.seconds} s: it does not fit the ${spot.room.toFixed(2)} s free` };
          return { cost: plan.cost, text: plan.shortened ? `makes ${plan.seconds} s, the longest that fits` : `makes ${plan.seconds} s` };
        },
      });
      if (!answer) return;
      const plan = herePlan(models.find((m) => m.id === answer.modelId), spot.room);
      await project.flushSaves();
      await server.projects.generateHere(state.project.id, {
        track_id: spot.trackId, at: spot.at, model_id: answer.modelId, prompt: answer.prompt,
        ...(plan.value === undefined ? {} : { params: { duration: plan.value } }),
      });
      toast('Generating: the clip appears here when it is ready.');
    },
    // Close gap: the empty stretch at a time (the playhead), on one track or on all of them
    closegap({ time, trackId } = {}) {
      editOr(closeGap(state.timeline, Number.isFinite(time) ? time : state.timeline.playhead, trackId || null));
    },
    copyclips() {
      const clipboard = copyClips(state.timeline, state.selected);
      if (!clipboard) { toast('Select the clips to copy.', 'warn'); return; }
      state.clipboard = clipboard;
    },
    cutclips() {
      const clipboard = copyClips(state.timeline, state.selected);
      if (!clipboard) { toast('Select the clips to cut.', 'warn'); return; }
      state.clipboard = clipboard;
      const ids = state.selected;
      state.selected = [];
      edit(deleteClips(state.timeline, ids));
    },
    pasteclips() {
      const result = pasteClips(state.timeline, state.clipboard, state.timeline.playhead, pasteOptions());
      if (result.error) { toast(result.error, 'warn'); return; }
      state.selected = result.ids;
      edit(result.doc);
    },
    duplicateclips() {
      const result = duplicateClips(state.timeline, state.selected, pasteOptions());
      if (result.error) { toast(result.error, 'warn'); return; }
      state.selected = result.ids;
      edit(result.doc);
    },
    // Nudge: the selection by whole frames of the canvas's fps
    nudge({ frames }) {
      moveSelection(frames / state.timeline.fps, `No room to nudge the selection ${Math.abs(frames)} frame${Math.abs(frames) === 1 ? '' : 's'} ${frames < 0 ? 'left' : 'right'}.`);
    },
    selectall() {
      state.selected = state.timeline.tracks.flatMap((t) => t.clips.map((c) => c.id));
      show.timeline();
    },
    clearselection() {
      if (!state.selected.length) return;
      state.selected = [];
      show.timeline();
    },
    addmarker({ time } = {}) {
      editOr(addMarker(state.timeline, Number.isFinite(time) ? time : state.timeline.playhead), 'info');
    },
    renamemarker({ id, name }) { editOr(renameMarker(state.timeline, id, name)); },
    movemarker({ id, time }) { editOr(moveMarker(state.timeline, id, time)); },
    deletemarker({ id }) { editOr(deleteMarker(state.timeline, id)); },
    jumpmarker({ dir }) {
      const time = adjacentMarker(state.timeline, state.timeline.playhead, dir);
      if (time !== null) seekTo(time);
    },
    jumpedit({ dir }) {
      const time = adjacentEditPoint(state.timeline, state.timeline.playhead, dir);
      if (time !== null) seekWithin(time);
    },
    stepframes({ frames }) { seekWithin(state.timeline.playhead + frames / state.timeline.fps); },
    seekedge({ edge }) { seekWithin(edge === 'end' ? timelineEnd(state.timeline) : 0); },
    shuttle(detail) { send(parts.preview, 'transport', detail); },
    togglesnapping() {
      state.snapping = !state.snapping;
      toast(state.snapping ? 'Snapping on.' : 'Snapping off.');
      show.timeline();
    },
    // Zoom to fit: `width` is the lanes' visible width in pixels (the timeline sends it)
    zoomtofit({ width } = {}) {
      if (!state.timeline) return;
      const visible = Number.isFinite(width) ? width : parts.timeline.clientWidth - 120; // less the track headers
      const zoom = zoomToFit(state.timeline, visible);
      state.timeline.zoom = zoom;
      // as the Zoom slider's: the view's scale only, not an edit; `fit`: the view shows it from 0
      send(parts.timeline, 'zoomlevel', { zoom, anchor: 0, fit: true });
      project.saveViewSoon();
    },
    shortcuts() { sheet.open(); },
    // Help's Open logs folder (the desktop menu): in a browser the refusal names the folder
    async openlogs() {
      const { path } = await server.desktop.openLogs();
      toast(`The logs folder is open: ${path}`);
    },
    async about() {
      const { version } = await server.health();
      toast(`Reelcut ${version}: a video editor with AI clip generation.`);
    },
    // Detach audio: the selected video clip's sound becomes a linked clip on an audio track
    detachaudio() {
      if (state.selected.length !== 1) return;
      const { doc, clip } = detachAudio(state.timeline, state.selected[0], new Map(state.media.map((m) => [m.id, m])));
      if (!clip) { toast('Select one video clip with sound to detach its audio.', 'warn'); return; }
      edit(doc);
    },
    unlink() {
      const doc = state.selected.reduce((d, id) => unlink(d, id), state.timeline);
      if (doc !== state.timeline) edit(doc);
    },
    // the server's history, shared with every writer (project.js)
    undo() { return project.undo().catch(show.fail); },
    redo() { return project.redo().catch(show.fail); },
    trackop({ op, kind, trackId, flag, value }) {
      if (op === 'add') {
        edit(addTrack(state.timeline, kind));
        if (kind === 'captions') send(parts.sideTabs, 'showpanel', { panel: 'captions' }); // where its lines are written
      }
      else if (op === 'remove') {
        // no question first: the removal is one undo step, and the toast offers Undo
        const track = state.timeline.tracks.find((t) => t.id === trackId);
        const next = removeTrack(state.timeline, trackId);
        if (next === state.timeline) return;
        edit(next);
        if (track && track.clips.length) {
          const n = track.clips.length;
          toast(`Removed ${track.name || 'the track'} and its ${n} clip${n === 1 ? '' : 's'}.`, 'info',
            [{ label: 'Undo', name: 'Undo the track removal', event: 'undo' }]);
        }
      } else if (op === 'flag') edit(setTrackFlag(state.timeline, trackId, flag, value));
    },
    addtext() {
      const { doc, clip } = addTextClip(state.timeline, state.timeline.playhead, 'Title');
      if (!clip) { toast('No room for a title at the playhead.', 'warn'); return; }
      state.selected = [clip.id];
      edit(doc);
    },
    // a double-click on a title: it is selected and its text is edited in the inspector (no prompt)
    edittext({ clipId }) {
      // Enter with no clip named: the selection's one title
      if (clipId === undefined) {
        const titles = state.selected.filter((id) => findClip(state.timeline, id)?.clip.media_id === undefined);
        if (titles.length !== 1) return;
        clipId = titles[0];
      }
      const found = findClip(state.timeline, clipId);
      if (!found) return;
      state.selected = [clipId];
      show.timeline();
      send(parts.inspector, 'focusfield', { key: 'text' });
    },
    // the export dialog, for the open project: its length, In and Out points, and where it runs
    openexport() {
      if (!state.project || !state.timeline) return;
      send(parts.exportDialog, 'open', { projectId: state.project.id, duration: timelineEnd(state.timeline),
        marks: state.marks, desktop: state.desktop });
    },
    // `settings`: the dialog's choices (docs/API.md, Export settings); none: the default export
    async startexport({ settings } = {}) {
      await project.saveNow();
      const { job } = await server.projects.startExport(state.project.id, settings);
      send(parts.exportSlot, 'exportjob', { job });
    },
    // I and O: the export's range, marked at the playhead (the view's, saved with it)
    setmark({ which }) {
      if (!state.timeline) return;
      state.marks = setMark(state.marks, which, state.timeline.playhead, state.timeline.fps);
      marksChanged();
    },
    clearmarks() {
      if (!state.timeline) return;
      state.marks = { in: null, out: null };
      marksChanged();
    },
    cancelexport: ({ id }) => server.exports.cancel(id),
    // the timeline for another editor: saved where the user chooses (desktop) or downloaded
    async exporttimelinefile({ format, button }) {
      if (!state.project) return;
      await project.saveNow();
      if (state.desktop) {
        const { path, warnings } = await whileWaiting(button, () => server.desktop.saveTimelineFile(state.project.id, format));
        if (!path) { toast('Save cancelled.'); return; }
        const said = exportedMessage(fileName(path), warnings);
        toast(said.message, said.kind, [{ label: 'Reveal', name: `Reveal ${fileName(path)} in the file manager`, event: 'revealfile', detail: { path } }]);
        return;
      }
      const { blob, filename, warnings } = await server.projects.timelineFile(state.project.id, format);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = filename;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60000);
      const said = exportedMessage(filename, warnings);
      toast(said.message, said.kind);
    },
    // a timeline file from another editor replaces the timeline (asked first when it holds clips)
    async importtimelinefile({ file }) {
      if (!state.project) return;
      const id = state.project.id;
      const clips = state.timeline ? state.timeline.tracks.reduce((n, t) => n + t.clips.length, 0) : 0;
      if (clips && !await askConfirm({
        message: `Replace the timeline of “${state.project.name}” with ${file.name}? Its ${clips} ${clips === 1 ? 'clip goes' : 'clips go'}; the media stays in the library.`,
        confirm: 'Replace the timeline', cancel: 'Keep the timeline',
      })) return;
      await project.saveNow();
      const form = new FormData();
      form.append('file', file, file.name);
      const answer = await server.projects.importTimelineFile(id, form);
      if (state.project && state.project.id === id) await project.open(id); // the media it brought in, too
      const said = importedMessage(file.name, answer.timeline, answer.warnings || []);
      toast(said.message, said.kind);
    },
    async saveexport({ id, button }) {
      const { path } = await whileWaiting(button, () => server.desktop.saveExport(id));
      if (!path) { toast('Save cancelled.'); return; }
      toast(`Saved ${fileName(path)} in ${path.slice(0, path.length - fileName(path).length - 1) || '/'}.`, 'info',
        [{ label: 'Reveal', name: `Reveal ${fileName(path)} in the file manager`, event: 'revealfile', detail: { path } }]);
    },
    seek: ({ time }) => seekTo(time),
    // the captions panel: one change of a captions track's lines, one undo step; a refusal is
    // shown beside its field
    captionop({ op, trackId, lineId, start, end, text, offset, style }) {
      if (!state.timeline) return;
      const doc = state.timeline;
      const t = doc.playhead;
      const result = {
        set: () => setLine(doc, trackId, lineId, { start, end, text }),
        split: () => splitLine(doc, trackId, t),
        merge: () => mergeNext(doc, trackId, lineId),
        shift: () => shiftLines(doc, trackId, offset),
        delete: () => deleteLine(doc, trackId, lineId),
        add: () => addLine(doc, trackId, t),
        style: () => setLineStyle(doc, trackId, lineId, style),
        clearstyle: () => setLineStyle(doc, trackId, lineId, null),
        trackstyle: () => setTrackStyle(doc, trackId, style),
      }[op]();
      if (result.unchanged) return;
      if (result.error) {
        send(parts.captions, 'captionerror', { lineId, field: result.field, message: result.error });
        return;
      }
      edit(result.doc);
    },
    // a subtitle file becomes a new captions track on the server; the page then reads the
    // project's timeline again (as after any change made on the server)
    async importcaptions({ file }) {
      if (!state.project) return;
      const id = state.project.id;
      await project.flushSaves();
      const before = new Set(captionTracks(state.timeline).map((t) => t.id));
      const form = new FormData();
      form.append('file', file, file.name);
      let answer;
      try {
        answer = await server.projects.importCaptions(id, form);
      } catch (err) {
        send(parts.captions, 'captionsimport', { error: err.message });
        throw err; // and in a toast
      }
      if (!state.project || state.project.id !== id) return;
      await project.open(id);
      const track = captionTracks(answer.timeline).find((tr) => !before.has(tr.id));
      send(parts.captions, 'captionsimport', { trackId: track ? track.id : null });
      const n = track ? track.clips.length : 0;
      toast(`Imported ${n} caption line${n === 1 ? '' : 's'} from ${file.name}.`);
    },
    // a captions track as a subtitle file: saved first, so the file has the last edit
    async downloadcaptions({ trackId, format }) {
      if (!state.project) return;
      await project.saveNow();
      const link = document.createElement('a');
      link.href = urls.captionsExport(state.project.id, trackId, format);
      link.download = '';
      document.body.append(link);
      link.click();
      link.remove();
    },
    // the inspector: a number (live while its label is dragged), a fit, a title's text or colour
    setfield({ key, value, ids, live = false }) {
      // the inspector shows a title's fields when every selected clip is a title, else the media
      // clips' (opacity and the fades are both): the field edits the clips it is shown for
      const found = ids.map((id) => findClip(state.timeline, id)).filter(Boolean);
      const titles = found.length > 0 && found.every((f) => f.clip.media_id === undefined);
      const field = (titles ? TEXT_FIELDS : MEDIA_FIELDS).find((f) => f.key === key);
      if (!field) return;
      const targets = found.filter((f) => (f.clip.media_id === undefined) === titles).map((f) => f.clip.id);
      const result = applyField(state.timeline, targets, field, value, state.timeline.playhead);
      if (result.error) { send(parts.inspector, 'fielderror', { key, message: result.error }); return; }
      edit(result.doc, { live });
    },
    // a title dragged on the preview (live while dragging: one undo step when let go)
    movetitle({ id, x, y, live = false }) {
      if (!findClip(state.timeline, id)) return;
      edit(placeTitle(state.timeline, id, x, y, state.timeline.playhead), { live });
    },
    // an animation preset chosen for the selected titles: its keyframes, one undo step
    titlepreset({ name, ids }) {
      if (!state.limits) return;
      edit(applyPreset(state.timeline, ids, name, state.limits));
    },
    setvalue({ key, value, ids }) {
      edit(applyValue(state.timeline, ids, key, value));
    },
    keyframe({ op, key, id, easing }) {
      const doc = state.timeline;
      const t = doc.playhead;
      if (op === 'add') {
        const result = addKeyframe(doc, id, key, t);
        if (result.error) send(parts.inspector, 'fielderror', { key, message: result.error });
        else edit(result.doc);
      } else if (op === 'remove') edit(removeKeyframe(doc, id, key, t));
      else if (op === 'easing') edit(setEasing(doc, id, key, t, easing));
      else {
        const found = findClip(doc, id);
        const time = found && adjacentKeyframe(found.clip, key, t, op === 'prev' ? -1 : 1, doc.fps);
        if (time !== null && time !== undefined) seekTo(time);
      }
    },
    settransition: placeTransition,
    applytransition({ type }) {
      const target = state.selected.map((id) => findClip(state.timeline, id)).find((f) => f && f.clip.media_id !== undefined);
      if (!target) { toast('Select the clip a transition leads into, or drag the transition onto a cut.', 'warn'); return; }
      const current = target.clip.transition_in;
      placeTransition({ clipId: target.clip.id, type, duration: current ? current.duration : DEFAULT_TRANSITION });
    },
    setcanvas(size) {
      edit(withCanvas(state.timeline, size));
      send(parts.exportDialog, 'context', { duration: timelineEnd(state.timeline) });
    },
    // the view's scale only: one change of geometry on screen, not an edit (no undo step)
    zoom({ zoom, anchor }) {
      if (!state.timeline) return;
      state.timeline.zoom = zoom;
      send(parts.timeline, 'zoomlevel', { zoom, anchor });
      project.saveViewSoon();
    },
    tick({ time }) {
      state.timeline.playhead = time;
      send(parts.timeline, 'playhead', { time });
      send(parts.inspector, 'playhead', { time });
    send(parts.captions, 'playhead', { time });
    },
    playstate({ playing }) {
      if (!playing) project.saveViewSoon();
    },
    toast({ message, kind }) {
      toast(message, kind);
    },
    toggleplay() {
      if (state.timeline) send(parts.preview, 'transport', { command: 'toggle' });
    },
  }, project);
}

// An undo is the server's: its answer takes a moment. What is asked meanwhile (Ctrl+Z then a key,
// quicker than a round trip) waits for it, so it acts on the timeline the undo left, as in order.
function afterUndo(actions, project) {
  return Object.fromEntries(Object.entries(actions).map(([name, act]) => [name, (...args) => {
    const waiting = project.undoing && project.undoing();
    return waiting ? waiting.then(() => act(...args)) : act(...args);
  }]));
}

// Each action answers the verb event of its name; what fails is told in a toast.
const NATIVE = new Set(['importnative', 'saveexport', 'exporttimelinefile']); // the actions that open a native dialog

export function handleActions(target, actions, fail) {
  // the button being pressed (a click, or Enter/Space on it), while its click is handled: the
  // verb event it sends is handled in the same turn
  let pressed = null;
  target.addEventListener('click', (e) => {
    pressed = e.target instanceof Element ? e.target.closest('button') : null;
    setTimeout(() => { pressed = null; });
  }, true);
  for (const [name, handler] of Object.entries(actions)) {
    target.addEventListener(name, async (e) => {
      try {
        const detail = e.detail || {};
        // the button that asked, for the actions that show a wait (native dialogs)
        const button = NATIVE.has(name) && pressed && e.target.contains(pressed) ? pressed : null;
        await handler(button && !detail.button ? { ...detail, button } : detail);
      } catch (err) {
        fail(err);
      }
    });
  }
}
