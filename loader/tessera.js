/*! tessera loader: mounts the ticket widget in every <tessera-tickets> and
 *  [data-tessera-event] element. One script tag; safe to include twice. */
(function () {
  'use strict';
  var w = window;
  // A second copy of this script finds the first one's API and leaves the work to it.
  if (w.Tessera && w.Tessera.version) return;

  var script = document.currentScript;
  var base = new URL('./', (script && script.src) || location.href).href;
  // The loader is served by the proxy under /widget/, so the proxy is one level up.
  var proxy = new URL('../', base).href.replace(/\/$/, '');
  var loading = null;

  function load() {
    if (!loading) {
      // Each widget links this sheet from its shadow root once it mounts; asked for now, it
      // arrives while the wasm compiles instead of after, and the widget shows sooner.
      var sheet = document.createElement('link');
      sheet.rel = 'preload';
      sheet.as = 'style';
      sheet.href = base + 'tessera.css';
      document.head.appendChild(sheet);
      // The wasm is asked for beside its glue, not after the glue has run: one round trip less.
      var wasm = fetch(base + 'tessera-widget_bg.wasm');
      loading = import(base + 'tessera-widget.js').then(function (m) {
        return m.default(wasm).then(function () { return m; });
      });
      loading.catch(function (e) { console.error('tessera: the widget could not load', e); });
    }
    return loading;
  }

  w.Tessera = {
    version: '0.1.0',
    /** Mounts a widget in `element`; options: {event, proxy, locale}. */
    mount: function (element, options) {
      // Claimed now, so the automatic scan does not mount it first without these options.
      element.setAttribute('data-tessera-manual', '');
      return load().then(function (m) {
        // The options become the element's attributes (which they take precedence over), and
        // the widget reads the element as it reads any other.
        ['event', 'proxy', 'locale'].forEach(function (name) {
          var value = (options || {})[name];
          if (value == null) return;
          if (typeof value != 'string') throw new TypeError('tessera: bad options: event, proxy and locale must be strings');
          element.setAttribute(name, value);
        });
        m.mount(element, base, proxy);
      });
    }
  };

  // The event each widget on the page will read, asked for now: it arrives while the wasm
  // compiles, and the widget's own request (the same URL and mode) is answered from it.
  function preloadEvents() {
    var els = document.querySelectorAll('tessera-tickets[event],[data-tessera-event]');
    var seen = {};
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var attr = function (n) { var v = (el.getAttribute(n) || '').trim(); return v || null; };
      var id = attr('event') || attr('data-tessera-event');
      if (!id || el.hasAttribute('data-tessera-manual')) continue;
      var link = document.createElement('link');
      link.rel = 'preload';
      link.as = 'fetch';
      link.crossOrigin = 'anonymous';
      link.href = (attr('proxy') || attr('data-tessera-proxy') || proxy).replace(/\/+$/, '') +
        '/api/v1/events/' + encodeURIComponent(id);
      if (seen[link.href]) continue;
      seen[link.href] = 1;
      document.head.appendChild(link);
    }
  }

  // The hosted checkout sends the buyer back with `tessera_status` and `tessera_event` on this
  // page's URL: read once, and taken off the address bar so a reload does not announce the
  // payment again. (Here rather than in the wasm: a few lines of script against about 0.2 KB of
  // wasm and glue.)
  function takeReturn() {
    var url = new URL(location.href), params = url.searchParams;
    var back = [params.get('tessera_status'), params.get('tessera_event')];
    // The wasm checks the status; an event is needed to tell which widget it is for.
    if (!back[0] || back[1] == null) return ['', ''];
    params.delete('tessera_status');
    params.delete('tessera_event');
    try { history.replaceState(history.state, '', url.href); } catch (e) { /* a sandboxed frame */ }
    return back;
  }

  function start() {
    preloadEvents();
    var back = takeReturn();
    load().then(function (m) {
      m.boot(base, proxy, back[0], back[1]);
      // Single-page apps add elements later: mount those too (boot skips mounted ones).
      if (!w.MutationObserver) return;
      var queued = false;
      new MutationObserver(function (records) {
        if (queued) return;
        for (var i = 0; i < records.length; i++) {
          if (records[i].addedNodes.length) {
            queued = true;
            Promise.resolve().then(function () { queued = false; m.boot(base, proxy, '', ''); });
            return;
          }
        }
      }).observe(document.documentElement, { childList: true, subtree: true });
    });
  }
  if (document.readyState === 'loading') {
    // The wasm starts downloading and compiling now; only mounting waits for the page.
    load();
    document.addEventListener('DOMContentLoaded', start);
  } else start();
})();
