/* Clientside callbacks (namespace `viz`): slider read-outs and the lr slider ↔ typed value. */
window.dash_clientside = Object.assign({}, window.dash_clientside);
window.dash_clientside.viz = Object.assign({}, window.dash_clientside.viz, {
  /* A slider position in value units, per its scale (see viz/controls.py). */
  toValue: function (scale, position) {
    if (scale === "log") return Math.pow(10, position);
    // The end stop of a one_minus_log slider (1 − 1e-6, position 6) stands for exactly 1.
    if (scale === "one_minus_log") return position >= 6 - 1e-9 ? 1 : 1 - Math.pow(10, -position);
    return position;
  },

  /* The same text as viz.controls.show(). */
  format: function (scale, value, position) {
    if (scale === "one_minus_log") {
      // Two significant digits of 1 − β, trailing zeros dropped: 0.9, 0.99, 0.9995.
      var text = value.toFixed(Math.max(0, Math.floor(position + 1e-9)) + 2);
      return text.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, ".0");
    }
    return Number(value.toPrecision(3)).toString();
  },

  /* Live read-out of a pattern-matched slider; the scale is part of its id. */
  showValue: function (position) {
    var ctx = window.dash_clientside.callback_context;
    var input = ctx.inputs_list && ctx.inputs_list[0];
    var scale = input && input.id && input.id.scale || "linear";
    if (typeof position !== "number" || !isFinite(position)) return window.dash_clientside.no_update;
    var viz = window.dash_clientside.viz;
    return viz.format(scale, viz.toValue(scale, position), position);
  },

  /* Keep a run's log-lr slider and its typed lr in step, both ways. */
  syncLogSlider: function (position, typed) {
    var noUpdate = window.dash_clientside.no_update;
    var trig = (window.dash_clientside.callback_context.triggered || [])[0];
    var fromInput = trig && trig.prop_id.indexOf("lr-slider") < 0;
    if (fromInput) {
      if (typeof typed !== "number" || !isFinite(typed) || typed <= 0) return [noUpdate, noUpdate];
      return [Math.log10(typed), noUpdate];
    }
    if (typeof position !== "number" || !isFinite(position)) return [noUpdate, noUpdate];
    return [noUpdate, Number(Math.pow(10, position).toPrecision(3))];
  },
});
