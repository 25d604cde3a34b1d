"""Traceability for agricultural goods: the Flask application."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trace import api, cli, i18n, security, site, templating
from trace.auth import passwords
from trace.auth import views as auth_views
from trace.auth.models import User
from trace.batches.views import blueprint as batches_blueprint
from trace.config import DEFAULT_INSTANCE_PATH, PROJECT_ROOT, build_config
from trace.db import db as database
from trace.errors import register_error_handlers
from trace.extensions import babel, csrf, limiter, login_manager, migrate
from trace.inspection.alert_views import blueprint as alerts_blueprint
from trace.inspection.report_views import blueprint as reports_blueprint
from trace.inspection.verify_views import blueprint as verify_blueprint
from trace.inspection.views import blueprint as inspection_blueprint
from trace.lookup.feedback import blueprint as feedback_blueprint
from trace.lookup.views import blueprint as lookup_blueprint
from trace.printing.views import blueprint as printing_blueprint
from trace.registry.views import blueprint as registry_blueprint
from trace.reports.views import blueprint as indicator_blueprint
from trace.signing.views import blueprint as signing_blueprint
from trace.template_environment import LanguageEnvironment
from trace.uploads import views as upload_views


class Application(Flask):
    """Flask, with each language's templates compiled apart (``trace/template_environment.py``)."""

    jinja_environment = LanguageEnvironment


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error handlers, commands."""
    app = Application(
        __name__,
        instance_path=str(DEFAULT_INSTANCE_PATH),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_mapping(build_config(os.environ, config, DEFAULT_INSTANCE_PATH))
    _init_extensions(app)
    for blueprint in (
        site.blueprint,
        auth_views.blueprint,
        i18n.blueprint,
        upload_views.blueprint,
        registry_blueprint,
        batches_blueprint,
        printing_blueprint,
        lookup_blueprint,
        feedback_blueprint,
        signing_blueprint,
        alerts_blueprint,
        reports_blueprint,
        inspection_blueprint,
        verify_blueprint,
        indicator_blueprint,
    ):
        app.register_blueprint(blueprint)
    api.init_app(app)
    register_error_handlers(app)
    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    database.init_app(app)
    migrate.init_app(app, None, directory=str(PROJECT_ROOT / "migrations"))
    i18n.init_app(app, babel)
    templating.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    passwords.init_app(app)
    security.init_app(app)
    # current_user is a template global, read only where a page shows the account: Flask-Login's
    # own context processor would load the visitor on every page, the public one included.
    login_manager.init_app(app, add_context_processor=False)
    app.jinja_env.globals["current_user"] = current_user
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)


def _load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = database.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None
