"""Templates compiled per language: the fixed text translated once, the page unchanged."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Flask, render_template
from flask_babel import force_locale

from trace.registry.forms.farming_areas import KIND_LABELS
from trace.registry.models import FarmingAreaKind

# Every form a translation call takes in our templates, and the traps around them.
SOURCE = """\
<p>{{ _("Genuine label") }}</p>
<p>{{ _('Genuine label') }}</p>
<p>{{ gettext("Traceability") }}</p>
<p>{{ _("Genuine " "label") }}</p>
<p title="{{ _('Genuine label') }}">{{ _("Genuine label") ~ name }}</p>
<p>{{ _("100%% of <b>batches</b>") }}</p>
<p>{{ _("Hello, %(name)s", name=name) }}</p>
<p>{{ _("Valid %(start)s to %(end)s", start=(1, 2) | join("-"), end={"a": [name]}["a"][0],) }}</p>
<p>{{ _("OCOP %(stars)d stars", stars=3) ~ "!" }} {{ _("Hello, %(name)s", name) if false }}</p>
<p>{{ ngettext("%(num)d day", "%(num)d days", 3) }}</p>
<p>{{ helper._("Genuine label") }}</p>
{%- for title in (_("Harvest date"), _("Expiry date")) %}<i>{{ title }}</i>{% endfor %}
"""


def _render_both(app: Flask, language: str) -> tuple[str, str]:
    """The source rendered translating while rendering (Jinja's way) and compiled translated."""
    context = {"name": "<script>x</script>", "helper": SimpleNamespace(_=str.upper)}
    with app.test_request_context(f"/?lang={language}"):
        at_render = app.jinja_env.from_string(SOURCE).render(context)
        language_environment = app.jinja_env.get_template("base.html").environment
        compiled = language_environment.from_string(SOURCE).render(context)
    return at_render, compiled


@pytest.mark.parametrize("language", ["vi", "en"])
def test_compiled_translation_renders_exactly_as_translating_while_rendering(app, language):
    at_render, compiled = _render_both(app, language)

    assert compiled == at_render


def test_the_fixed_text_is_translated_and_the_rest_still_escaped(app):
    _, compiled = _render_both(app, "vi")

    assert compiled.count("<p>Tem thật</p>") == 3
    assert "Tem thật&lt;script&gt;x&lt;/script&gt;" in compiled
    assert "<p>100% of <b>batches</b></p>" in compiled  # translations are trusted markup
    assert "GENUINE LABEL" in compiled  # an attribute named _ is not the translation call
    assert "3 ngày" in compiled


def test_each_language_has_its_own_compiled_templates(app):
    with app.test_request_context("/"):
        vietnamese = app.jinja_env.get_template("lookup/not_found.html")
        with force_locale("en"):
            english = app.jinja_env.get_template("lookup/not_found.html")

    assert vietnamese is not english
    assert (vietnamese.environment.language, english.environment.language) == ("vi", "en")
    assert vietnamese.environment.globals is app.jinja_env.globals


def test_translations_are_written_in_when_compiled_and_plurals_follow_the_language(app):
    source = (
        '{{ _("Genuine label") }} | {{ _("Hello, %(name)s", name="An") }}'
        ' | {{ ngettext("%(num)d day", "%(num)d days", 2) }}'
    )
    with app.test_request_context("/?lang=vi"):
        template = app.jinja_env.get_template("base.html").environment.from_string(source)
        with force_locale("en"):
            rendered = template.render()

    # Compiled into the Vietnamese copy; the plural is still looked up in the language in force.
    assert rendered == "Tem thật | Xin chào, An | 2 days"


def test_pages_render_in_each_language(app):
    with app.test_request_context("/"):
        vietnamese = render_template("lookup/not_found.html")
        with force_locale("en"):
            english = render_template("lookup/not_found.html")

    assert 'lang="en"' in english
    assert "Traceability" in english
    assert 'lang="vi"' in vietnamese
    assert "Truy xuất nguồn gốc" in vietnamese


def test_templates_still_render_outside_a_request(app):
    with app.app_context():
        rendered = app.jinja_env.from_string('{{ _("Genuine label") }}').render()

    assert rendered in ("Genuine label", "Tem thật")


def test_label_dicts_are_translated_for_the_language_of_the_template(app):
    label = KIND_LABELS[FarmingAreaKind.CROP]
    with app.test_request_context("/"):
        template = app.jinja_env.get_template("base.html").environment.from_string(
            "{{ area_kind_labels[kind] }}"
        )
        with force_locale("vi"):
            vietnamese = str(label)
        with force_locale("en"):
            rendered = template.render(kind=FarmingAreaKind.CROP)
            english = str(label)

    assert rendered == vietnamese
    assert vietnamese != english
