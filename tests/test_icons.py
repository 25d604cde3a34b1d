"""Icons: one drawing file, inlined by a filter that Jinja runs when it compiles a template."""

from __future__ import annotations

import re
from pathlib import Path

from trace.config import PROJECT_ROOT
from trace.web.icons import drawings, icon


def test_every_icon_a_template_names_is_drawn():
    named: set[str] = set()
    for template in Path(PROJECT_ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        named |= set(re.findall(r'"([a-z-]+)" \| icon', text))
        for pair in re.findall(r'\("([a-z-]+)" if [^()]* else "([a-z-]+)"\) \| icon', text):
            named |= set(pair)

    assert len(named) > 20
    assert named <= set(drawings())


def test_an_icon_is_decorative_inline_svg():
    drawn = icon("pin")

    assert drawn.startswith('<svg class="icon" viewBox="0 0 24 24"')
    assert 'aria-hidden="true"' in drawn
    assert "<circle" in drawn
    assert drawn.endswith("</svg>")


def test_a_named_icon_is_written_into_the_compiled_template(app):
    with app.test_request_context("/"):
        environment = app.jinja_env.get_template("base.html").environment
        source = environment.compile('{{ "pin" | icon }}', raw=True)

    assert "<circle" in source  # the drawing itself, not a call made on every render
