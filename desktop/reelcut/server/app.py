"""The Flask app factory: security first, then thin routes over the services."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from ..config import Config, web_dir
from ..errors import AppError
from ..generation import registry
from ..services import Services
from . import (
    api_capabilities,
    api_captions,
    api_desktop,
    api_exports,
    api_fonts,
    api_generate,
    api_health,
    api_media,
    api_projects,
    api_settings,
    events,
    media,
    pages,
    security,
    uploads,
)
from .util import StrictJSONProvider

ROUTES = (api_health, api_projects, api_captions, api_media, api_settings, api_capabilities, api_generate,
          api_exports, api_fonts, api_desktop, events, media, pages)

log = logging.getLogger(__name__)


def create_app(config: Config, services: Services) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.request_class = uploads.request_class(config.temp_dir)
    app.json = StrictJSONProvider(app)
    app.config["REELCUT_HOST"] = config.host
    app.config["REELCUT_PORT"] = config.port
    app.config["MAX_CONTENT_LENGTH"] = config.upload_limit + 1024 * 1024  # multipart imports
    app.config["REELCUT_DEV"] = config.dev
    app.config["REELCUT_JSON_LIMIT"] = config.json_limit  # every JSON body (util.body)
    app.extensions["reelcut"] = services
    app.extensions["reelcut_web"] = web_dir()

    def remote_hosts() -> list[str]:
        return registry.remote_media_hosts() if services.preferences.remote_preview_enabled() else []

    security.install(app, token=config.token, dev_origins=config.dev_origins, remote_hosts=remote_hosts,
                     dev_mode=config.dev)
    for module in ROUTES:
        app.register_blueprint(module.bp)

    @app.errorhandler(AppError)
    def _app_error(exc: AppError) -> tuple[Response, int]:
        return jsonify({"error": exc.to_dict()}), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> tuple[Response, int]:
        # a 500 raised inside Werkzeug reads as every other crash of Reelcut's
        code = "internal" if exc.code == 500 else (exc.name or "error").lower().replace(" ", "_")
        messages: dict[int, str] = {404: "Nothing is here.", 405: "That method is not allowed here.",
                                    408: "The request stopped arriving, so Reelcut gave up waiting for it.",
                                    413: "The upload is too large.",
                                    416: "The requested range is not in the file."}
        resp = jsonify({"error": {"code": code, "message": messages.get(exc.code or 0, exc.description)}})
        for name, value in exc.get_headers():
            if name in ("Content-Range", "Allow"):  # 416 says the file's length; 405 what is allowed
                resp.headers[name] = value
        return resp, exc.code or 500

    @app.errorhandler(Exception)
    def _crash(exc: Exception) -> tuple[Response, int]:
        log.exception("unhandled error")
        return jsonify({"error": {"code": "internal", "message": "Something went wrong inside Reelcut. "
                                  "The details are in its log."}}), 500

    return app
