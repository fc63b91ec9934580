/* Clientside callbacks (namespace `viz`): work that needs no server round trip. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  viz: {
    /* Keep the log-lr slider and the typed lr in step, both ways. */
    syncLogSlider: function (position, typed) {
      var noUpdate = window.dash_clientside.no_update;
      var trig = (window.dash_clientside.callback_context.triggered || [])[0];
      var fromInput = trig && trig.prop_id.indexOf("lr-input") === 0;
      if (fromInput) {
        if (typeof typed !== "number" || !isFinite(typed) || typed <= 0) return [noUpdate, noUpdate];
        return [Math.log10(typed), noUpdate];
      }
      if (typeof position !== "number" || !isFinite(position)) return [noUpdate, noUpdate];
      return [noUpdate, Number(Math.pow(10, position).toPrecision(3))];
    },

    /* Live read-outs next to slider labels, in value units. */
    showLog: function (position) {
      return isFinite(position) ? Number(Math.pow(10, position).toPrecision(3)).toString()
                                : window.dash_clientside.no_update;
    },
    showOneMinusLog: function (position) {
      if (!isFinite(position)) return window.dash_clientside.no_update;
      // Two significant digits of 1 − β, trailing zeros dropped: 0.9, 0.99, 0.9995.
      var text = (1 - Math.pow(10, -position)).toFixed(Math.max(0, Math.floor(position + 1e-9)) + 2);
      return text.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, ".0");
    },
    showLinear: function (position) {
      return isFinite(position) ? Number(position.toPrecision(3)).toString()
                                : window.dash_clientside.no_update;
    },
  },
});
