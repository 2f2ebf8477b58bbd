"""Rebuilds the two files a pretix server sends for its widget, from the pretix wheel.

`python pretix_assets.py <pretix-*.whl> <out-dir>` writes `<out-dir>/widget/v2.en.js` and
`<out-dir>/v2.css`, byte for byte what `pretix.presale.views.widget` serves for a default event
(`widget_js` for `lang=en`, `widget_css` for version 2), with the same code paths:

* JS: the isolation wrapper, Django's `i18n_catalog.js` (pretix has no English catalogue, so
  only the number and date formats of `pretix.helpers.formats.en`), the Vite bundle
  `static.dist/vite/widget/widget.js`, all through rJSMin (django-compressor's `rJSMinFilter`).
* CSS: the theme variables compiled with libsass for `$widget: true` (an event with pretix's
  default colours and round borders), then the offline-compressed widget stylesheet from
  `static.dist/CACHE/css/` (django-compressor's output of `pretixpresale/scss/widget.scss`).

Needs Django 5.2, django-compressor 4.6.0 (rjsmin) and libsass 0.23, the versions pretix 2026.8
pins (bench/compare.sh installs them into bench/out/pyenv).
"""

import json
import os
import sys
import tempfile
import zipfile


def main(wheel, out):
    tmp = tempfile.mkdtemp(prefix="pretix-assets-")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        vite_js = z.read("pretix/static.dist/vite/widget/widget.js").decode("utf-8")
        # The compressor output of widget_dummy.html's block: the one cached sheet with widget rules.
        css_files = [n for n in names if n.startswith("pretix/static.dist/CACHE/css/") and n.endswith(".css")]
        widget_css = [(n, z.read(n).decode("utf-8")) for n in css_files]
        widget_css = [(n, c) for n, c in widget_css if ".pretix-widget-hidden" in c and ".pretix-widget-pricebox" in c]
        if len(widget_css) != 1:
            sys.exit(f"expected one compiled widget stylesheet in the wheel, found {[n for n, _ in widget_css]}")
        css_name, widget_css = widget_css[0]
        for n in names:
            if n.startswith("pretix/static.dist/pretixbase/scss/_") or n.startswith("pretix/helpers/formats/"):
                z.extract(n, tmp)
    # `pretix.helpers.formats` without importing the rest of pretix.
    for pkg in ("pretix", "pretix/helpers"):
        open(os.path.join(tmp, pkg, "__init__.py"), "w").close()
    sys.path.insert(0, tmp)

    import django
    from django.conf import settings

    settings.configure(
        USE_I18N=True, USE_TZ=True, TIME_ZONE="UTC", LANGUAGE_CODE="en", LANGUAGES=[("en", "English")],
        FORMAT_MODULE_PATH=["pretix.helpers.formats"], INSTALLED_APPS=[], TEMPLATES=[],
    )
    django.setup()
    import rjsmin
    import sass
    from django.template import Context, Engine
    from django.utils import translation
    from django.utils.translation.trans_real import DjangoTranslation
    from django.views.i18n import JavaScriptCatalog, builtin_template_path, get_formats

    lang = "en"
    code = []
    with translation.override(lang):
        code.append("(function (siteglobals) {\n")
        code.append("var module = {}, exports = {};\n")
        code.append('const LANG = "%s";\n' % lang)
        c = JavaScriptCatalog()
        c.translation = DjangoTranslation(lang, domain="djangojs")
        catalog, plural = c.get_catalog(), c.get_plural()
        str_wl = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "January", "February", "March", "April", "May",
                  "June", "July", "August", "September", "October", "November", "December")
        catalog = dict((k, v) for k, v in catalog.items() if k.startswith("widget\u0004") or k in str_wl)
        with builtin_template_path("i18n_catalog.js").open(encoding="utf-8") as fh:
            template = Engine().from_string(fh.read())

        def indent(s):
            return s.replace("\n", "\n  ")

        context = Context({
            "catalog_str": indent(json.dumps(catalog, sort_keys=True, indent=2)) if catalog else None,
            "formats_str": indent(json.dumps(get_formats(), sort_keys=True, indent=2)),
            "plural": plural,
        })
        code.append(template.render(context))
        code.append(vite_js)
        code.append("})({});\n")
    js = "/* v2 */\n" + rjsmin.jsmin("".join(code), keep_bang_comments=True)

    scss_dir = os.path.join(tmp, "pretix/static.dist/pretixbase/scss")
    with open(os.path.join(scss_dir, "_theme_variables.scss")) as f:
        theme = sass.compile(string="\n".join(["$widget: true;", f.read()]), include_paths=[scss_dir])
    css = "/* v2 */\n" + theme + widget_css

    os.makedirs(os.path.join(out, "widget"), exist_ok=True)
    with open(os.path.join(out, "widget", "v2.en.js"), "w", encoding="utf-8") as f:
        f.write(js)
    with open(os.path.join(out, "v2.css"), "w", encoding="utf-8") as f:
        f.write(css)
    with open(os.path.join(out, "sources.json"), "w") as f:
        json.dump({"wheel": os.path.basename(wheel), "js": ["django i18n_catalog.js (en)",
                   "pretix/static.dist/vite/widget/widget.js"], "css": ["_theme_variables.scss ($widget: true)", css_name],
                   "catalog_entries": len(catalog)}, f, indent=2)
    print(f"pretix widget: {len(js.encode())} B of JS, {len(css.encode())} B of CSS (from {css_name})")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
