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
        m.mount(element, base, proxy, '', '');
      });
    }
  };

  // An option of a host element: its attribute, else its data-tessera- one, trimmed; null when
  // neither says anything.
  function option(el, name) {
    return (el.getAttribute(name) || '').trim() || (el.getAttribute('data-tessera-' + name) || '').trim() || null;
  }

  // The host elements not mounted yet and not left to Tessera.mount.
  function hosts() {
    return [].filter.call(document.querySelectorAll('tessera-tickets, [data-tessera-event]'), function (el) {
      return !el.shadowRoot && !el.hasAttribute('data-tessera-manual');
    });
  }

  // The event each widget on the page will read, asked for now: it arrives while the wasm
  // compiles, and the widget's own request (the same URL and mode) is answered from it.
  function preloadEvents() {
    var seen = {};
    hosts().forEach(function (el) {
      var id = option(el, 'event');
      if (!id) return;
      var link = document.createElement('link');
      link.rel = 'preload';
      link.as = 'fetch';
      link.crossOrigin = 'anonymous';
      link.href = (option(el, 'proxy') || proxy).replace(/\/+$/, '') + '/api/v1/events/' + encodeURIComponent(id);
      if (seen[link.href]) return;
      seen[link.href] = 1;
      document.head.appendChild(link);
    });
  }

  // The hosted checkout sends the buyer back with `tessera_status` and `tessera_event` on this
  // page's URL: read once, and taken off the address bar so a reload does not announce the
  // payment again.
  function takeReturn() {
    var url = new URL(location.href), params = url.searchParams;
    var back = [params.get('tessera_status'), params.get('tessera_event')];
    // The wasm checks the status; an event is needed to tell which widget it is for.
    if (!back[0] || back[1] == null) return null;
    params.delete('tessera_status');
    params.delete('tessera_event');
    try { history.replaceState(history.state, '', url.href); } catch (e) { /* a sandboxed frame */ }
    return back;
  }

  // Mounts a widget in every host element; the return from a checkout goes to the widget of
  // that event or, failing one, to the first list of events.
  function mountAll(m, back) {
    var els = hosts(), events = els.map(function (el) { return option(el, 'event'); });
    var claimant = back ? events.indexOf(back[1]) : -1;
    if (claimant < 0 && back) claimant = events.indexOf(null);
    // No widget to tell: the order the widget remembered (the buyer's email among it) goes now,
    // as the claimant's widget would have forgotten it (src/handoff.rs writes this key).
    if (claimant < 0 && back) try { sessionStorage.removeItem('tessera:pending:' + back[1]); } catch (e) { /* no storage */ }
    els.forEach(function (el, i) {
      var given = i == claimant ? back : ['', ''];
      m.mount(el, base, proxy, given[0], given[1]);
    });
  }

  function start() {
    preloadEvents();
    var back = takeReturn();
    load().then(function (m) {
      mountAll(m, back);
      // Single-page apps add elements later: mount those too.
      if (!w.MutationObserver) return;
      var queued = false;
      new MutationObserver(function (records) {
        if (queued) return;
        for (var i = 0; i < records.length; i++) {
          if (records[i].addedNodes.length) {
            queued = true;
            Promise.resolve().then(function () { queued = false; mountAll(m, null); });
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
