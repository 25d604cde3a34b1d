"""The application factory: configuration, extensions, blueprints, error handlers, commands."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trace import api
from trace.alerts.cli import alerts_group
from trace.alerts.views import blueprint as alerts_blueprint
from trace.audit.views import blueprint as audit_blueprint
from trace.auth import account_views, passwords, sessions
from trace.auth import views as auth_views
from trace.auth.cli import users
from trace.auth.models import User
from trace.backups.cli import backup_command, restore_command
from trace.batches.cli import import_command
from trace.batches.views import blueprint as batches_blueprint
from trace.common.converters import IdConverter
from trace.config import DEFAULT_INSTANCE_PATH, PROJECT_ROOT, build_config
from trace.db import db as database
from trace.demo.cli import demo
from trace.errors import register_error_handlers
from trace.extensions import babel, csrf, limiter, login_manager, migrate
from trace.feedback.views.consumers import blueprint as feedback_blueprint
from trace.feedback.views.inspectors import blueprint as reports_blueprint
from trace.indicator.cli import report_group
from trace.indicator.views import blueprint as indicator_blueprint
from trace.inspections.views import blueprint as inspection_blueprint
from trace.jobs import running as jobs
from trace.jobs.cli import jobs_group
from trace.jobs.views import blueprint as jobs_blueprint
from trace.lookup.converters import CompressedConverter
from trace.lookup.views import blueprint as lookup_blueprint
from trace.people import cli as people_cli
from trace.people import token_audit
from trace.people.views import blueprint as people_blueprint
from trace.printing.cli import labels_command
from trace.printing.views import blueprint as printing_blueprint
from trace.registry.views import blueprint as registry_blueprint
from trace.rolls.views import blueprint as rolls_blueprint
from trace.signing.cli import keys_group
from trace.signing.key_pages import blueprint as keys_blueprint
from trace.signing.views import blueprint as signing_blueprint
from trace.uploads import views as upload_views
from trace.verification.cli import verify
from trace.verification.views import blueprint as verify_blueprint
from trace.web import i18n, logs, metrics, security, site, templating
from trace.web.template_environment import LanguageEnvironment


class Application(Flask):
    """Flask, with each language's templates compiled apart (``web/template_environment.py``)."""

    jinja_environment = LanguageEnvironment


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, error handlers, commands."""
    app = Application(
        __name__,
        instance_path=str(DEFAULT_INSTANCE_PATH),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_mapping(build_config(os.environ, config, DEFAULT_INSTANCE_PATH))
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["compressed"] = CompressedConverter
    _init_extensions(app)
    for blueprint in (
        site.blueprint,
        auth_views.blueprint,
        account_views.blueprint,
        i18n.blueprint,
        upload_views.blueprint,
        registry_blueprint,
        batches_blueprint,
        printing_blueprint,
        rolls_blueprint,
        lookup_blueprint,
        feedback_blueprint,
        signing_blueprint,
        keys_blueprint,
        audit_blueprint,
        alerts_blueprint,
        reports_blueprint,
        inspection_blueprint,
        verify_blueprint,
        indicator_blueprint,
        people_blueprint,
        jobs_blueprint,
    ):
        app.register_blueprint(blueprint)
    api.init_app(app)
    register_error_handlers(app)
    token_audit.listen()
    for command in (
        users,
        demo,
        import_command,
        keys_group,
        verify,
        labels_command,
        report_group,
        alerts_group,
        jobs_group,
        backup_command,
        restore_command,
    ):
        app.cli.add_command(command)
    for command in people_cli.COMMANDS:
        users.add_command(command)
    return app


def _init_extensions(app: Flask) -> None:
    metrics.init_app(app)  # first: its clock runs around every other hook
    logs.init_app(app)  # next: the request id is known to every later hook's log lines
    database.init_app(app)
    migrate.init_app(app, None, directory=str(PROJECT_ROOT / "migrations"))
    i18n.init_app(app, babel)
    templating.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    passwords.init_app(app)
    jobs.init_app(app)
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
    """The session's user while the session holds (``trace/auth/sessions.py``)."""
    return sessions.session_user(database.session, user_id)
