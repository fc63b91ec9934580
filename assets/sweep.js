/* Clientside callbacks of the view switch (namespace `sweep`): the header's two toggle
 * buttons pick the view; the view store shows one <main> and sets aria-pressed; the first
 * time the landscape view opens, once the server has mounted its body, it presses "Run sweep"
 * so that a heatmap appears. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.sweep = Object.assign({}, window.dash_clientside.sweep, {
  pickView: function () {
    var trig = (window.dash_clientside.callback_context.triggered || [])[0];
    if (!trig || !trig.value) return window.dash_clientside.no_update;
    return trig.prop_id.indexOf("view-landscape") === 0 ? "landscape" : "trajectories";
  },

  showView: function (view) {
    var landscape = view === "landscape";
    var hide = {display: "none"};
    return [landscape ? hide : {}, landscape ? {} : hide, landscape ? "false" : "true",
            landscape ? "true" : "false"];
  },

  /* The body was just mounted (viz/sweep/callbacks.py mount_view): press "Run sweep" once. */
  runOnOpen: function (children, spec, runClicks) {
    if (!children || !children.length || spec) return window.dash_clientside.no_update;
    return (runClicks || 0) + 1;
  },
});
