/*! tessera loader: defines <tessera-tickets> and mounts the ticket widget in each one (and in
 *  every [data-tessera-event] or [data-tessera-view] element); unmounts it when the element leaves the page.
 *  One script tag; safe to include twice. */
(function () {
  'use strict';
  var w = window, d = document;
  // A second copy of this script finds the first one's API and leaves the work to it.
  if (w.Tessera && w.Tessera.version) return;

  var script = d.currentScript;
  var base = new URL('./', (script && script.src) || location.href).href;
  // The loader is served by the proxy under /widget/, so the proxy is one level up.
  var proxy = new URL('../', base).href.replace(/\/$/, '');
  var OPTIONS = ['event', 'proxy', 'locale', 'view'];
  // The names scripts/build-widget.sh gave the widget's files (each with a hash of its content,
  // so the proxy serves them as immutable); the plain names when this file is used unbuilt.
  var FILES = typeof __TESSERA_FILES__ == 'object' ? __TESSERA_FILES__
    : { js: 'tessera-widget.js', wasm: 'tessera-widget_bg.wasm', css: 'tessera.css', lang: {} };
  var loading = null;

  // Some space for the widget while it loads. The right height is the site owner's to reserve
  // in their own CSS, which applies before this script runs (README): `:where` gives this rule
  // no weight, so theirs always wins. A constructed sheet, not a <style>: a strict style-src
  // CSP does not block it.
  try {
    var reserve = new CSSStyleSheet();
    reserve.replaceSync(':where(tessera-tickets,tessera-tickets:not(:defined),[data-tessera-event],[data-tessera-view])' +
      '{display:block;min-height:12rem}');
    d.adoptedStyleSheets = d.adoptedStyleSheets.concat(reserve);
  } catch (e) { /* a browser without constructed sheets keeps its own layout */ }

  // The first views asked for so far (each resolves once shown, or with null), and whether the
  // page's widgets have all been found and asked for theirs.
  var views = [], startedNow;
  var started = new Promise(function (r) { startedNow = r; });

  // Once the first views asked for are on screen and painted (a hidden tab paints nothing, so
  // not longer than 100 ms after they are in).
  function viewsShown() {
    return Promise.all(views).then(function () {
      return new Promise(function (r) {
        requestAnimationFrame(function () { setTimeout(r, 0); });
        setTimeout(r, 100);
      });
    });
  }

  function load() {
    if (!loading) {
      // What Leptos's hydration reads of the data a server streamed beside its HTML. tessera's
      // first view carries its data in its own answer instead, so these start empty (set here,
      // not by an inline script, which a strict CSP would refuse).
      ['__RESOLVED_RESOURCES', '__SERIALIZED_ERRORS', '__INCOMPLETE_CHUNKS', '__PENDING_RESOURCES'].forEach(function (name) {
        if (!(name in w)) w[name] = [];
      });
      // Each widget links this sheet from its shadow root; asked for now, it arrives while the
      // wasm compiles instead of after.
      var sheet = d.createElement('link');
      sheet.rel = 'preload';
      sheet.as = 'style';
      sheet.href = base + FILES.css;
      d.head.appendChild(sheet);
      // The wasm and its glue are asked for once the first views have arrived, and run only once
      // those are on screen: their bodies take the renderer's main thread as they come in, and
      // compiling and starting them takes it for a while (a quarter of a second on a slow phone);
      // the buyer's first price should wait behind neither.
      var arrived = started.then(function () { return Promise.all(views); });
      var wasm = arrived.then(function () { return fetch(base + FILES.wasm); });
      var glue = arrived.then(function () { return fetch(base + FILES.js); }).then(function (r) { return r.arrayBuffer(); }).catch(function () {});
      loading = Promise.all([started.then(viewsShown), glue]).then(function () {
        views = null; // none to wait for any more
        return import(base + FILES.js);
      }).then(function (m) {
        return m.default({ module_or_path: wasm }).then(function () { return m; });
      });
      loading.catch(function (e) { console.error('tessera: the widget could not load', e); });
    }
    return loading;
  }

  // An option of a host element: its attribute, else its data-tessera- one, trimmed; null when
  // neither says anything.
  function option(el, name) {
    return (el.getAttribute(name) || '').trim() || (el.getAttribute('data-tessera-' + name) || '').trim() || null;
  }

  // The hosted checkout sends the buyer back with `tessera_status` and `tessera_event` on this
  // page's URL: read once, and taken off the address bar so a reload does not announce the
  // payment again. It goes to the widget of that event or, failing one, to the first list.
  var back = (function () {
    var url = new URL(location.href), params = url.searchParams;
    var status = params.get('tessera_status'), event = params.get('tessera_event');
    if (!status || event == null) return null;
    params.delete('tessera_status');
    params.delete('tessera_event');
    try { history.replaceState(history.state, '', url.href); } catch (e) { /* a sandboxed frame */ }
    return { status: status, event: event, claimant: null };
  })();

  function claimReturn() {
    if (!back || back.claimant) return;
    var els = [].slice.call(d.querySelectorAll('tessera-tickets, [data-tessera-event], [data-tessera-view]'));
    var events = els.map(function (el) { return option(el, 'event'); });
    var i = events.indexOf(back.event);
    if (i < 0) i = events.indexOf(null);
    if (i >= 0) back.claimant = els[i];
    // No widget to tell: the order the widget remembered (the buyer's email among it) goes now,
    // as the claimant's widget would have forgotten it (src/handoff.rs writes this key).
    else try { sessionStorage.removeItem('tessera:pending:' + back.event); } catch (e) { /* no storage */ }
  }

  // What the loader knows of each host element: its mounted widget, and a count that tells a
  // mount still waiting for the wasm that the element has left (or changed) meanwhile.
  var hosts = new WeakMap();
  // Plain elements (not <tessera-tickets>) with a widget: watched for leaving the page.
  var plain = new Set();

  function proxyOf(el) { return (option(el, 'proxy') || proxy).replace(/\/+$/, ''); }

  // The locale a widget is written in: the site owner's tag as Intl reads it, else the
  // browser's language. The proxy's first view and the wasm are given the same one.
  function localeOf(el) {
    var tag = option(el, 'locale');
    try { if (tag) return Intl.getCanonicalLocales(tag.replace(/_/g, '-'))[0]; } catch (e) { /* no tag: the browser's */ }
    return navigator.language || 'en';
  }

  // The first view is HTML from the proxy put into the shadow root. A page that enforces Trusted
  // Types lets it in by allowing a policy named `tessera` (README); one that does not allow it
  // gets no first view, only the widget once the wasm has run.
  var policy = null;
  try {
    if (w.trustedTypes) policy = w.trustedTypes.createPolicy('tessera', { createHTML: function (html) { return html; } });
  } catch (e) { /* not allowed here */ }

  // A widget's first view from the proxy (an event's, or the list's): its HTML, and the read it
  // was rendered from. Asked for at once, beside the wasm; null where there is none (an older
  // proxy, no answer).
  function firstView(el, locale) {
    var id = option(el, 'event');
    var url = proxyOf(el) + '/api/v1/events/' + (id ? encodeURIComponent(id) + '/' : '') + 'view?locale=' + encodeURIComponent(locale);
    return fetch(url).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
  }

  // A button in the first view (a list's "Choose tickets", a quantity step) does nothing until the
  // wasm runs; a click on one meanwhile is kept and made again on the same node once it does.
  function holdClicks(root) {
    var held = [];
    function hold(e) {
      var b = e.target.closest && e.target.closest('button[type=button]');
      if (b) held.push(b);
    }
    root.addEventListener('click', hold);
    root.addEventListener('tessera-hydrated', function () {
      root.removeEventListener('click', hold);
      held.forEach(function (b) { if (b.isConnected && !b.disabled) b.click(); });
    }, { once: true });
  }

  function mountOn(el) {
    var state = hosts.get(el) || { widget: null, turn: 0 };
    hosts.set(el, state);
    var turn = ++state.turn;
    if (!(el instanceof Tickets)) plain.add(el);
    var locale = localeOf(el);
    // The first view is asked for before anything else is done: prices before the wasm, and a
    // form that works without it. A return from the checkout is drawn afresh, with its notice
    // (the first view has none), so it asks for none.
    var returning = !!back && back.claimant === el;
    // The calendar is drawn by the wasm only (its names and week start are the browser's Intl,
    // its month the buyer's today: src/components/event_calendar.rs), so it asks for none either.
    var calendar = !option(el, 'event') && (option(el, 'view') || '').toLowerCase() === 'calendar';
    var asked = returning || calendar ? Promise.resolve(null) : firstView(el, locale);
    var shadow = el.shadowRoot || el.attachShadow({ mode: 'open' });
    // A <link> rather than inline <style>: works under a strict style-src CSP. The widget
    // stays hidden until the sheet has arrived, so unstyled controls never jump under a
    // buyer's click; a sheet that cannot load shows it plain rather than not at all.
    var link = d.createElement('link');
    link.rel = 'stylesheet';
    link.href = base + FILES.css;
    var root = d.createElement('div');
    root.className = 'tessera';
    root.setAttribute('part', 'root');
    root.hidden = true;
    link.onload = link.onerror = function () { root.hidden = false; };
    shadow.replaceChildren(link, root);
    // It is shown as soon as it arrives.
    var shown = asked.then(function (view) {
      if (!view || state.turn !== turn) return null;
      try { root.innerHTML = policy ? policy.createHTML(view.html) : view.html; } catch (e) { return null; }
      holdClicks(root);
      // A form sent before the wasm runs says which page it came from, so the buyer comes back
      // here (when the proxy allows this origin).
      root.querySelectorAll('input[name=page_url]').forEach(function (i) { i.value = location.href; });
      return view;
    });
    if (views) views.push(shown);
    return Promise.all([load(), shown]).then(function (both) {
      var m = both[0], view = both[1];
      if (state.turn !== turn || !el.isConnected || state.widget) return;
      var given = returning && back.claimant === el ? back : null;
      if (given) back.claimant = {};
      state.widget = m.mount(root, el, JSON.stringify({
        base: base, lang: FILES.lang, proxy: proxyOf(el), event: option(el, 'event'), locale: locale, view: option(el, 'view'),
        status: given && given.status, return_event: given && given.event,
        datalayer: el.hasAttribute('data-tessera-datalayer'),
        initial: option(el, 'event') && view ? view.read : null, initial_list: !option(el, 'event') && view ? view.read : null
      }));
    });
  }

  function unmountFrom(el) {
    var state = hosts.get(el);
    plain.delete(el);
    if (!state) return;
    state.turn++;
    if (state.widget) {
      state.widget.unmount();
      state.widget.free();
      state.widget = null;
    }
  }

  function remount(el) {
    unmountFrom(el);
    if (el.isConnected) mountOn(el);
  }

  class Tickets extends HTMLElement {
    static get observedAttributes() { return OPTIONS; }
    connectedCallback() { claimReturn(); mountOn(this); }
    disconnectedCallback() { unmountFrom(this); }
    attributeChangedCallback(name, was, now) { if (was !== now && hosts.has(this) && this.isConnected) remount(this); }
  }
  // Properties mirror the attributes: `el.event = id` shows that event.
  OPTIONS.forEach(function (name) {
    Object.defineProperty(Tickets.prototype, name, {
      get: function () { return this.getAttribute(name); },
      set: function (value) { if (value == null) this.removeAttribute(name); else this.setAttribute(name, String(value)); }
    });
  });

  w.Tessera = {
    version: '0.1.0',
    /** Mounts a widget in `element`; options: {event, proxy, locale, view}, which win over its attributes. */
    mount: function (element, options) {
      // Claimed now, so the automatic scan does not mount it first without these options.
      element.setAttribute('data-tessera-manual', '');
      return Promise.resolve().then(function () {
        OPTIONS.forEach(function (name) {
          var value = (options || {})[name];
          if (value == null) return;
          if (typeof value != 'string') throw new TypeError('tessera: bad options: event, proxy and locale must be strings');
          element.setAttribute(name, value);
        });
        // A <tessera-tickets> mounts itself (and mounts again on the attributes just set).
        if (element instanceof Tickets) return load().then(function () {});
        unmountFrom(element);
        return mountOn(element);
      });
    }
  };

  // <div data-tessera-event> (and data-tessera-view) elements, now and as a single-page app adds
  // and removes them.
  function scanPlain() {
    [].forEach.call(d.querySelectorAll(':is([data-tessera-event],[data-tessera-view]):not(tessera-tickets):not([data-tessera-manual])'), function (el) {
      if (!plain.has(el)) mountOn(el);
    });
  }

  function start() {
    claimReturn();
    customElements.define('tessera-tickets', Tickets);
    scanPlain();
    new MutationObserver(function (records) {
      var changed = false;
      records.forEach(function (r) {
        if (r.type === 'attributes') {
          if (plain.has(r.target) && r.oldValue !== r.target.getAttribute(r.attributeName)) remount(r.target);
        } else changed = true;
      });
      if (!changed) return;
      plain.forEach(function (el) { if (!el.isConnected) unmountFrom(el); });
      scanPlain();
    }).observe(d.documentElement, {
      childList: true, subtree: true, attributes: true, attributeOldValue: true,
      attributeFilter: ['data-tessera-event', 'data-tessera-proxy', 'data-tessera-locale', 'data-tessera-view']
    });
    // Every widget of the page is found once it is parsed; the wasm waits for their first views.
    if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', startedNow);
    else startedNow();
  }
  // Widgets already parsed are mounted now, and those the parser adds later as it reaches them
  // (the element is defined; plain elements are seen by the observer): a widget's first view
  // should not wait for the rest of the page and its first layout. A return from the checkout
  // does wait, as its notice goes to the widget of its event, wherever on the page that is.
  if (d.readyState === 'loading' && back) {
    load();
    d.addEventListener('DOMContentLoaded', start);
  } else start();
})();
