"""The API's OpenAPI 3.1 description, served at /api/openapi.json and used to fuzz the API.
Written as data; kept beside the routes it describes (docs/API.md is the prose)."""

from __future__ import annotations

from typing import Any

from .. import __version__


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _ok(schema: dict[str, Any], code: str = "200") -> dict[str, Any]:
    return {code: {"description": "OK", **_json(schema)}}


_ERRORS = {code: {"description": why, **_json(_ref("Error"))} for code, why in (
    ("400", "Bad input"), ("401", "No or wrong token"), ("403", "Wrong Host or cross-site"),
    ("404", "Not found"), ("408", "The request stopped arriving"), ("409", "Conflict"), ("413", "Too large"),
    ("415", "Not media / wrong content type"),
    ("422", "Invalid parameters"), ("503", "Busy"))}


# who makes a timeline change (also the X-Reelcut-Source header), told in `timeline_changed`
_WHO = {"source": {"type": "string", "enum": ["page", "mcp", "api", "cli", "import", "generation", "relink"]},
        "client": {"type": "string", "minLength": 1, "maxLength": 64}}
_STEP = {"type": "object", "properties": {"revision": {"type": "integer", "minimum": 0}, **_WHO}}


def _op(summary: str, responses: dict[str, Any], body: dict[str, Any] | None = None,
        params: list[str] = (), query: list[dict[str, Any]] = ()) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {**responses, **_ERRORS}}
    parameters = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}} for p in params]
    parameters += list(query)
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = {"required": True, **body}
    return op


_OBJ = {"type": "object"}
_FRAME_QUERY = [{"name": "t", "in": "query", "required": True, "schema": {"type": "number"}},
                {"name": "width", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 16, "maximum": 3840}}]


def spec() -> dict[str, Any]:
    name_body = _json({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]})
    gen_body = _json({"type": "object", "required": ["project_id", "model_ids", "prompt"], "properties": {
        "project_id": {"type": "string"}, "model_ids": {"type": "array", "items": {"type": "string"}},
        "prompt": {"type": "string"}, "params": {"type": "object"}, "image_media_id": {"type": "string"},
        "end_image_media_id": {"type": "string"}, "audio_media_id": {"type": "string"},
        "video_media_id": {"type": "string"}, "takes": {"type": "integer", "minimum": 1, "maximum": 4}}})
    settings_body = _json({"type": "object", "properties": {"settings": {"type": "object", "properties": {
        "preset": {"type": "string"}, "format": {"type": "string"}, "resolution": {"type": "string"},
        "fps": {"oneOf": [{"type": "string"}, {"type": "number"}]},
        "quality": {"type": "string", "enum": ["high", "medium", "small"]},
        "range": {"oneOf": [{"type": "string", "enum": ["whole"]}, {"type": "object", "properties": {
            "in": {"type": "number"}, "out": {"type": "number"}}}]},
        "captions": {"type": "string", "enum": ["burn", "sidecar", "soft", "none"]}}}}})
    upload = {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Reelcut local API", "version": __version__},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"cookie": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "cookie": {"type": "apiKey", "in": "cookie", "name": "reelcut_token"}},
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {
                    "type": "object", "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                   "field": {"type": "string"}}}}},
                "Project": {"type": "object", "required": ["id", "name"], "properties": {
                    "id": {"type": "string"}, "name": {"type": "string"}, "created_at": {"type": "string"},
                    "updated_at": {"type": "string"}}},
            },
        },
        "paths": {
            "/api/health": {"get": _op("Health", _ok(_OBJ))},
            "/api/projects": {"get": _op("List projects", _ok(_OBJ)),
                              "post": _op("Create a project", _ok(_OBJ, "201"), name_body)},
            "/api/projects/{project_id}": {
                "get": _op("A project", _ok(_OBJ), params=["project_id"]),
                "patch": _op("Rename a project and/or set its spending cap (dollars; null: none)", _ok(_OBJ),
                             _json({"type": "object", "properties": {
                                 "name": {"type": "string"},
                                 "spending_cap": {"oneOf": [{"type": "number", "minimum": 0}, {"type": "null"}]}}}),
                             ["project_id"]),
                "delete": _op("Delete a project and its files", _ok(_OBJ), params=["project_id"])},
            "/api/projects/{project_id}/media": {
                "get": _op("The project's media", _ok(_OBJ), params=["project_id"]),
                "post": _op("Import files", _ok(_OBJ, "201"), upload, ["project_id"])},
            "/api/projects/{project_id}/media/path": {
                "post": _op("Import a local file by its absolute path (copied; Bearer only)", _ok(_OBJ, "201"),
                            _json({"type": "object", "properties": {"path": {"type": "string"}},
                                   "required": ["path"]}), ["project_id"])},
            "/api/fonts": {"get": _op("The font families titles may name: {fonts: [{family, styles}], default:"
                                      " {family, bold, italic}}, the default family first", _ok(_OBJ))},
            "/api/fonts/file": {"get": _op(
                "The font file the export draws a title of this style with (fontconfig's nearest font for a"
                " family this machine lacks); 404 if the machine has no font",
                {"200": {"description": "The font file", "content": {
                    "font/ttf": {"schema": {"type": "string", "format": "binary"}}}}},
                query=[{"name": "family", "in": "query", "required": False,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 128}},
                       {"name": "bold", "in": "query", "required": False, "schema": {"enum": ["1", "0"]}},
                       {"name": "italic", "in": "query", "required": False, "schema": {"enum": ["1", "0"]}}])},
            "/api/timeline/limits": {"get": _op("What a timeline may hold: {limits: {name: {low, high, unit,"
                                                " whole, even}}}", _ok(_OBJ))},
            "/api/projects/{project_id}/timeline": {
                "get": _op("The timeline and its revision: {timeline, revision}", _ok(_OBJ), params=["project_id"]),
                "put": _op("Save the timeline made on `revision` (409 stale_timeline with the current revision if"
                           " it has moved on; no revision: saved as it comes): {timeline, revision}", _ok(_OBJ),
                           _json({"type": "object", "properties": {
                               "timeline": _OBJ, "revision": {"type": "integer", "minimum": 0}, **_WHO,
                               "coalesce": {"type": "boolean"}}}), ["project_id"])},
            "/api/projects/{project_id}/timeline/undo": {
                "post": _op("Undo the last change of the timeline's history (shared by every writer): its step"
                            " before becomes the timeline, with a new revision: {timeline, revision, can_undo,"
                            " can_redo, label, step: {revision, source} of the change undone}; 409 stale_timeline if"
                            " `revision` is not the current one, 409"
                            " nothing_to_undo", _ok(_OBJ), _json(_STEP), ["project_id"])},
            "/api/projects/{project_id}/timeline/redo": {
                "post": _op("Redo the change undone last (until a new save): as undo; 409 nothing_to_redo",
                            _ok(_OBJ), _json(_STEP), ["project_id"])},
            "/api/projects/{project_id}/timeline/history": {
                "get": _op("The timeline's undo history: {revision, can_undo, can_redo, steps: [{revision, source,"
                           " when, current}]} oldest first", _ok(_OBJ), params=["project_id"])},
            "/api/projects/{project_id}/timeline/import": {
                "post": _op("Replace the timeline with an interchange file's (multipart `file`: .otio, .xml FCP 7,"
                            " .fcpxml, .edl; optional `format` and `revision` fields); media it names by existing"
                            " paths comes into the library: {timeline, revision, warnings}; 422 invalid_interchange"
                            " (nothing stored)", _ok(_OBJ),
                            {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "format": {"type": "string", "enum": ["otio", "fcp7xml", "fcpxml", "edl"]},
                                "revision": {"type": "string"}}}}}}, ["project_id"])},
            "/api/projects/{project_id}/timeline/relink": {
                "post": _op("Relink offline clips (a timeline file's missing media): {name | offline_path, media_id |"
                            " path (Bearer only), revision?}: every offline clip of that name becomes a clip of the"
                            " media, keeping start, in and out: {timeline, revision, relinked, media_id}; 422"
                            " invalid_relink naming the clip when the media is too short or of the wrong kind",
                            _ok(_OBJ), _json({"type": "object", "properties": {
                                "name": {"type": "string"}, "offline_path": {"type": "string"},
                                "media_id": {"type": "string"}, "path": {"type": "string"},
                                "revision": {"type": "integer", "minimum": 0}}}), ["project_id"])},
            "/api/projects/{project_id}/captions/import": {
                "post": _op("Read a subtitle file (multipart `file`: .srt, .vtt, .ass, .ssa) into the lines of the"
                            " captions track `track_id`, or of a new captions track named after the file; optional"
                            " `revision`: {timeline, revision}; 422 invalid_captions naming the line (nothing"
                            " stored)", _ok(_OBJ),
                            {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                                "file": {"type": "string", "format": "binary"},
                                "track_id": {"type": "string"},
                                "revision": {"type": "string"}}}}}}, ["project_id"])},
            "/api/projects/{project_id}/captions/{track_id}/export": {
                "get": _op("A captions track's lines as a subtitle file to download (`format`: srt or vtt)",
                           {"200": {"description": "The file", "content": {
                               "application/x-subrip": {"schema": {"type": "string"}},
                               "text/vtt": {"schema": {"type": "string"}}}}},
                           params=["project_id", "track_id"],
                           query=[{"name": "format", "in": "query", "required": True,
                                   "schema": {"type": "string", "enum": ["srt", "vtt"]}}])},
            "/api/projects/{project_id}/view": {
                "get": _op("The view: {view: {playhead, zoom, scroll, in_point, out_point}}", _ok(_OBJ),
                           params=["project_id"]),
                "put": _op("Save the view (any of its fields); never the timeline nor its revision", _ok(_OBJ),
                           _json({"type": "object", "properties": {
                               "playhead": {"type": "number"}, "zoom": {"type": "number"},
                               "scroll": {"type": "number"}, "in_point": {"type": ["number", "null"]},
                               "out_point": {"type": ["number", "null"]}}}), ["project_id"])},
            "/api/projects/{project_id}/exports": {
                "get": _op("The project's exports, newest first, each with its settings, size, duration, whether"
                           " its file still exists and whether the timeline changed since (stale)", _ok(_OBJ),
                           params=["project_id"]),
                "post": _op("Export the timeline with optional settings (none: the default H.264 MP4); 422"
                            " invalid_export_settings naming the field", _ok(_OBJ, "201"), settings_body,
                            ["project_id"])},
            "/api/projects/{project_id}/exports/estimate": {
                "post": _op("The settings filled in and checked, and the estimated size, frame and aspect"
                            " mismatch: {settings, estimate}", _ok(_OBJ), settings_body, ["project_id"])},
            "/api/export/formats": {"get": _op(
                "Export formats (with availability), presets, resolutions, frame rates, qualities, the default"
                " and the captions modes (captions_modes; soft_captions_formats: the formats that hold a"
                " subtitle stream)", _ok(_OBJ))},
            "/api/exports/{export_id}": {"get": _op("An export", _ok(_OBJ), params=["export_id"])},
            "/api/projects/{project_id}/captions/transcribe": {"post": _op(
                "Caption this clip: speech to text of a timeline clip's sound on fal.ai, as a generation job"
                " (progress, cancel, cost); when it ends its lines become a new captions track timed where the"
                " clip plays. 401 no_api_key without a fal.ai key (no job); 422 over_spending_cap (no job),"
                " invalid_clip naming clip_id",
                _ok(_OBJ, "202"), _json({"type": "object", "properties": {"clip_id": {"type": "string"}},
                                         "required": ["clip_id"]}), ["project_id"])},
            "/api/projects/{project_id}/captions/transcribe-timeline": {"post": _op(
                "Caption the timeline: speech to text of the whole timeline's mixed sound (as the export mixes"
                " it) on fal.ai, as a generation job (progress, cancel, cost by the timeline's length); when it"
                " ends its lines land at timeline time in the captions track track_id (beside its lines, never"
                " over them) or in a new one. 401 no_api_key without a fal.ai key (no job); 422 over_spending_cap,"
                " no_sound, invalid_track naming track_id; 400 empty_timeline",
                _ok(_OBJ, "202"), _json({"type": "object", "properties": {"track_id": {"type": "string"}}}),
                ["project_id"])},
            "/api/exports/{export_id}/sidecar": {"get": _op(
                "The subtitle file (.srt, or .vtt beside a WebM) written beside an export made with"
                " settings.captions \"sidecar\"", _ok(_OBJ), params=["export_id"])},
            "/api/exports/{export_id}/cancel": {"post": _op("Cancel an export", _ok(_OBJ), _json(_OBJ),
                                                            ["export_id"])},
            "/api/media/{media_id}": {
                "get": _op("A media item", _ok(_OBJ), params=["media_id"]),
                "patch": _op("Rename a media item", _ok(_OBJ), name_body, ["media_id"]),
                "delete": _op("Delete a media item", _ok(_OBJ), params=["media_id"])},
            "/api/media/{media_id}/sources": {"get": _op("Playable sources, best first", _ok(_OBJ),
                                                         params=["media_id"])},
            "/api/media/{media_id}/proxy": {"post": _op("Make the preview proxy (again, after a failure)",
                                                        _ok(_OBJ, "202"), params=["media_id"])},
            "/api/media/{media_id}/frame": {"get": _op(
                "A PNG of the media's picture at t seconds (a still: its picture), `width` px wide",
                {"200": {"description": "PNG"}}, params=["media_id"], query=_FRAME_QUERY)},
            "/api/projects/{project_id}/frame": {"get": _op(
                "A PNG of the composed timeline at t seconds, rendered as the export renders it, `width` px wide "
                "(422 outside the timeline)", {"200": {"description": "PNG"}}, params=["project_id"],
                query=_FRAME_QUERY)},
            "/api/media/{media_id}/waveform": {"get": _op("Audio peaks", _ok(_OBJ), params=["media_id"])},
            "/api/media/{media_id}/restore": {"post": _op("Bring a deleted item back (and its file), while it is kept",
                                                          _ok(_OBJ), params=["media_id"])},
            "/api/models": {"get": _op("The model registry", _ok(_OBJ))},
            "/api/generations": {
                "get": _op("Generation jobs", _ok(_OBJ), query=[
                    {"name": "project_id", "in": "query", "required": False, "schema": {"type": "string"}}]),
                "post": _op("Start generating with one or more models", _ok(_OBJ, "201"), gen_body)},
            "/api/generations/{job_id}": {
                "get": _op("A job", _ok(_OBJ), params=["job_id"]),
                "delete": _op("Clear a finished, failed or cancelled job from the list (409 while it runs)",
                              _ok(_OBJ), params=["job_id"])},
            "/api/generations/{job_id}/cancel": {"post": _op("Cancel a job", _ok(_OBJ), _json(_OBJ), ["job_id"])},
            "/api/generations/{job_id}/retry": {"post": _op("Run a failed job again from its saved state",
                                                            _ok(_OBJ), _json(_OBJ), ["job_id"])},
            "/api/projects/{project_id}/timeline/extend": {
                "post": _op("Extend a clip: its last frame (as the export draws it) to an image-to-video model (or"
                            " the clip's media itself, as video_url, to an extend-video model), and a placeholder for"
                            " the result right after it on its track (later clips move right);"
                            " 201 {job, placeholder, frame_media_id | video_media_id, revision}", _ok(_OBJ, "201"),
                            _json({"type": "object", "required": ["clip_id", "model_id"], "properties": {
                                "clip_id": {"type": "string"}, "model_id": {"type": "string"},
                                "prompt": {"type": "string"}, "params": {"type": "object"}}}), ["project_id"])},
            "/api/projects/{project_id}/timeline/fill": {
                "post": _op("Fill the gap at `at` on a video track: the left clip's last frame and the right clip's"
                            " first frame to a first/last-frame model, for the gap's length snapped to one the model"
                            " offers; 201 {job, placeholder, gap, duration, snapped_from?, snapped_to?,"
                            " frame_media_ids, revision}", _ok(_OBJ, "201"),
                            _json({"type": "object", "required": ["track_id", "at", "model_id"], "properties": {
                                "track_id": {"type": "string"}, "at": {"type": "number", "minimum": 0},
                                "model_id": {"type": "string"}, "prompt": {"type": "string"},
                                "params": {"type": "object"}}}), ["project_id"])},
            "/api/projects/{project_id}/timeline/voice-over": {
                "post": _op("Voice-over: the text spoken by a text-to-speech model; when the job is done the sound"
                            " lands at `at` (default: the playhead) on the first audio track free there;"
                            " 201 {job, place}", _ok(_OBJ, "201"),
                            _json({"type": "object", "required": ["text", "model_id"], "properties": {
                                "text": {"type": "string"}, "model_id": {"type": "string"},
                                "at": {"type": "number", "minimum": 0}, "params": {"type": "object"}}}),
                            ["project_id"])},
            "/api/projects/{project_id}/timeline/add-sound": {
                "post": _op("Add sound to a silent video clip with a video-to-audio model; when the job is done an"
                            " audio clip lands under it with the same start and length; 201 {job, place}",
                            _ok(_OBJ, "201"),
                            _json({"type": "object", "required": ["clip_id", "model_id"], "properties": {
                                "clip_id": {"type": "string"}, "model_id": {"type": "string"},
                                "prompt": {"type": "string"}, "params": {"type": "object"}}}), ["project_id"])},
            "/api/projects/{project_id}/timeline/upscale": {
                "post": _op("Upscale a video clip; when the job is done the clip plays the upscaled media, its trims"
                            " kept, and the original stays in the library; 201 {job, place}", _ok(_OBJ, "201"),
                            _json({"type": "object", "required": ["clip_id", "model_id"], "properties": {
                                "clip_id": {"type": "string"}, "model_id": {"type": "string"},
                                "params": {"type": "object"}}}), ["project_id"])},
            "/api/projects/{project_id}/timeline/generate-here": {
                "post": _op("Generate here: a text-to-video job and its placeholder at `at` on an empty spot of a"
                            " video track, as long as the model's clip; 422 no_room (naming the room before the"
                            " next clip) when it does not fit; 201 {job, placeholder, room, revision}",
                            _ok(_OBJ, "201"),
                            _json({"type": "object", "required": ["track_id", "at", "model_id", "prompt"],
                                   "properties": {"track_id": {"type": "string"},
                                                  "at": {"type": "number", "minimum": 0},
                                                  "model_id": {"type": "string"}, "prompt": {"type": "string"},
                                                  "params": {"type": "object"}}}), ["project_id"])},
            "/api/projects/{project_id}/timeline/retake": {
                "post": _op("Retake: [start, end) of a clip (timeline seconds) to a retake model as video_url with"
                            " start_time and duration in the source's seconds; the result becomes a new take of the"
                            " clip's media (same group) and the clip switches to it, keeping its trims (one undo step);"
                            " job.cost is the estimate. 422 invalid_range (field start or end: outside the clip,"
                            " or outside the model's 0.1/2–20 s), 401 no_api_key, 422 over_spending_cap (no job);"
                            " 201 {job, clip_id, start_time, duration}", _ok(_OBJ, "201"),
                            _json({"type": "object", "required": ["clip_id", "start", "end", "model_id", "prompt"],
                                   "properties": {"clip_id": {"type": "string"},
                                                  "start": {"type": "number", "minimum": 0},
                                                  "end": {"type": "number", "minimum": 0},
                                                  "model_id": {"type": "string"}, "prompt": {"type": "string"},
                                                  "params": {"type": "object"}}}), ["project_id"])},
            "/api/settings": {"get": _op("Settings", _ok(_OBJ)),
                              "put": _op("Change settings", _ok(_OBJ), _json({"type": "object", "properties": {
                                  "remote_preview": {"type": "boolean"}, "preview_proxies": {"type": "boolean"},
                                  "fal_key": {"type": "string"}}}))},
            "/api/settings/test-key": {"post": _op("Ask fal.ai once (an unpaid status GET) whether a key is accepted",
                                                   _ok(_OBJ), _json(_OBJ))},
            "/api/client-log": {"post": _op(
                "Write what the page saw (a CSP violation, a media error) to the log; rate-limited",
                _ok(_OBJ), _json({"type": "object", "required": ["kind", "message"], "properties": {
                    "kind": {"type": "string", "enum": ["csp", "media", "error"]},
                    "message": {"type": "string", "maxLength": 1000},
                    "source": {"type": "string", "maxLength": 1000}}}))},
            "/api/capabilities": {"post": _op("What the page's engine can play", _ok(_OBJ),
                                              _json({"type": "object", "properties": {"codecs": _OBJ}}))},
            **{f"/api/desktop/{name}": {"post": _op(summary, _ok(_OBJ), _json(_OBJ))} for name, summary in (
                ("open", "Desktop: native Open dialog, files imported by path"),
                ("save-export", "Desktop: native Save dialog for an export"),
                ("save-timeline", "Desktop: native Save dialog for the timeline as an interchange file"),
                ("reveal", "Desktop: show a media file, an export or a saved file in the file manager"),
                ("title", "Desktop: the window title"),
                ("open-logs", "Desktop: show the log folder in the file manager (409 in a browser, naming it)"),
                ("selftest", "Desktop: the page's self-test report"),
                ("activate", "Desktop: a second launch brings the window forward and imports its files by path "
                             "(Bearer only)"))},
            "/media/{media_id}": {"get": _op("Media bytes (Range)", {"200": {"description": "bytes"},
                                                                     "206": {"description": "a range"}},
                                             params=["media_id"])},
            "/media/{media_id}/proxy": {"get": _op("The preview proxy (VP9/Opus WebM, Range)",
                                                  {"200": {"description": "bytes"}, "206": {"description": "a range"}},
                                                  params=["media_id"])},
            "/media/{media_id}/thumbnail": {"get": _op("Poster JPEG", {"200": {"description": "JPEG"}},
                                                       params=["media_id"])},
        },
    }
