/* The configuration in the address bar (namespace `viz`, see viz/callbacks/teaching.py).
 * The server writes the query of the current configuration to the url-state store; this
 * puts it into the browser history: a new entry for a discrete change (a preset, a picked
 * optimizer), the same entry while a slider is dragged (changes less than 800 ms apart)
 * and right after opening a link or going back/forward (so the canonical query replaces
 * the one navigated to, and the back button never bounces). A write that arrives after the
 * user has already gone back/forward from its page (quick double "back") is dropped: it
 * would put the page left behind onto the entry navigated to. */
(function () {
  var COALESCE_MS = 800;
  var SETTLE_MS = 400, settleTimer = null;
  var sync = {last: 0, replaceNext: window.location.search.length > 1,
              current: window.location.search, left: []};
  window.addEventListener("popstate", function () {
    sync.left.push(sync.current);            // queries still in flight for it are stale now
    sync.current = window.location.search;
    sync.replaceNext = true;
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.viz = Object.assign({}, window.dash_clientside.viz, {
    syncUrl: function (state) {
      var noUpdate = window.dash_clientside.no_update;
      if (!state || typeof state.search !== "string" || state.search.charAt(0) !== "?") return [noUpdate, noUpdate];
      var search = state.search;
      if (search !== window.location.search && sync.left.indexOf(search) >= 0) return [noUpdate, noUpdate];
      sync.left = [];
      if (search !== window.location.search) {
        var url = window.location.pathname + search + window.location.hash;
        var now = Date.now();
        if (sync.replaceNext || now - sync.last < COALESCE_MS) window.history.replaceState(null, "", url);
        else window.history.pushState(null, "", url);
        sync.last = now;
      }
      sync.current = search;
      sync.replaceNext = false;
      // The Location component's props follow (it would push its own stale href otherwise),
      // so that back/forward compare against the right query.
      return [search, window.location.href];
    },
    _urlSync: sync,

    /* url-state → url-state-settled once no other change has come for SETTLE_MS (so that
     * panels which are slow to redraw skip the intermediate values of a drag). */
    settle: function (state) {
      clearTimeout(settleTimer);
      settleTimer = setTimeout(function () {
        window.dash_clientside.set_props("url-state-settled", {data: state});
      }, SETTLE_MS);
      return window.dash_clientside.no_update;
    },
  });
})();

/* Presenter mode (namespace `viz`): large type and thick lines for a projector, and a clean slide
 * with the controls hidden. Plain CSS classes on <body> (assets/teaching.css); the plots re-fit. */
(function () {
  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.viz = Object.assign({}, window.dash_clientside.viz, {
    presenterMode: function (value) {
      var on = Array.isArray(value) ? value : [];
      document.body.classList.toggle("presenter", on.indexOf("presenter") >= 0);
      document.body.classList.toggle("presenter-clean", on.indexOf("clean") >= 0);
      setTimeout(function () { window.dispatchEvent(new Event("resize")); }, 50);
      return "toggle-presenter";
    },

    /* Pass a change on to a server callback only while its switch (the first input) is on, or
     * when the switch itself flips: no round trip per slider move for a panel that is off. */
    whenOn: function (toggle) {
      var ctx = window.dash_clientside.callback_context;
      var id = ctx.inputs_list[0].id + "." + ctx.inputs_list[0].property;
      var flipped = (ctx.triggered || []).some(function (t) { return t.prop_id === id; });
      var on = Array.isArray(toggle) && toggle.indexOf("on") >= 0;
      return on || flipped ? Date.now() + Math.random() : window.dash_clientside.no_update;
    },
  });
})();
