/* Clientside callbacks of the view switch (namespace `sweep`): the header's two toggle
 * buttons pick the view; the view store shows one <main>, sets aria-pressed, and the
 * first time the landscape view opens it presses "Run sweep" so a heatmap appears. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.sweep = Object.assign({}, window.dash_clientside.sweep, {
  pickView: function () {
    var trig = (window.dash_clientside.callback_context.triggered || [])[0];
    if (!trig || !trig.value) return window.dash_clientside.no_update;
    return trig.prop_id.indexOf("view-landscape") === 0 ? "landscape" : "trajectories";
  },

  showView: function (view, spec, runClicks) {
    var landscape = view === "landscape";
    var hide = {display: "none"};
    var run = landscape && !spec ? (runClicks || 0) + 1 : window.dash_clientside.no_update;
    return [landscape ? hide : {}, landscape ? {} : hide, landscape ? "false" : "true",
            landscape ? "true" : "false", run];
  },
});
