"""The theme stylesheet trimmer keeps every rule a page could match and drops the rest."""

from __future__ import annotations

from catalog.render.css_trim import html_classes, script_words, theme_classes, trim_css

CSS = (
    '@charset "UTF-8";:root{--used:red;--unused:url("data:image/svg+xml;charset=utf-8,<svg/>");'
    "--chain:var(--used)}"
    ".md-typeset .admonition{color:var(--unused)}"
    ".md-typeset a,.md-typeset .tabbed-set{color:var(--chain)}"
    ".md-typeset :is(.admonition,details){margin:0}"
    "a:not(.gone){color:blue}"
    "[data-md-color-scheme=slate]{--x:1;color:red}"
    "@media screen and (min-width:76em){.md-tabs{display:none}.md-tooltip{top:0}}"
    "@keyframes spin{0%{opacity:0}to{opacity:1}}"
    ".md-source__fact--version:before{content:''}"
)


def test_rules_whose_classes_no_page_uses_go() -> None:
    out = trim_css(CSS, {"md-typeset", "md-tabs", "md-source__fact--"}, [])
    assert ".admonition{" not in out and ".tabbed-set" not in out and ".md-tooltip" not in out
    assert ".md-typeset a{color:var(--chain)}" in out
    # Classes inside :is()/:not() are not required; attribute selectors are never judged.
    assert ":is(.admonition,details){margin:0}" in out and "a:not(.gone)" in out
    assert "[data-md-color-scheme=slate]{color:red}" in out
    assert "@media screen and (min-width:76em){.md-tabs{display:none}}" in out
    assert "@keyframes spin{0%{opacity:0}to{opacity:1}}" in out
    # A script that builds "md-source__fact--" + name keeps the names it can build.
    assert ".md-source__fact--version:before" in out


def test_custom_properties_nothing_reads_go_and_chains_stay() -> None:
    out = trim_css(CSS, {"md-typeset"}, [])
    assert "--unused" not in out and "--used:red" in out and "--chain:var(--used)" in out
    # A property another stylesheet reads stays.
    assert "--x:1" in trim_css(CSS, {"md-typeset"}, [".a{color:var(--x)}"])
    assert "--x:1" not in trim_css(CSS, {"md-typeset"}, [])


def test_a_stylesheet_everything_uses_is_unchanged_but_for_its_comment() -> None:
    css = ".a{color:red}.b .c,.d{margin:0}@media print{.a{display:none}}"
    assert trim_css(css + "/*# sourceMappingURL=x.map*/", {"a", "b", "c", "d"}, []) == css


def test_where_the_class_names_come_from() -> None:
    html = '<div class="md-typeset  cf-x"><p class="admonition note">note md-tabs</p></div>'
    assert html_classes([html]) == {"md-typeset", "cf-x", "admonition", "note"}
    assert {"cf-chip", "hidden"} <= script_words(['el.className = "cf-chip"; el.hidden = 1'])
    bundle = 'e.classList.add("md-code__content");f.classList.contains("annotate");h("md-x--"+n)'
    assert theme_classes(bundle) >= {"md-code__content", "md-x--", "js", "focus-visible"}
    assert "annotate" not in theme_classes(bundle)
