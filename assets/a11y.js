/* Accessible names for slider thumbs: dcc.Slider has no aria-label prop, so each
 * wrapper carries data-label-id (its visible label) and data-scale, and the thumb
 * gets aria-labelledby plus an aria-valuetext in value units (lr, not log10 lr). */
(function () {
  function toValue(scale, position) {
    if (scale === "log") return Math.pow(10, position);
    if (scale === "one_minus_log") return position >= 6 - 1e-9 ? 1 : 1 - Math.pow(10, -position);
    return position;
  }
  function label(root) {
    root.querySelectorAll("[data-label-id]").forEach(function (wrap) {
      var scale = wrap.getAttribute("data-scale");
      wrap.querySelectorAll("[role=slider]").forEach(function (thumb) {
        var id = wrap.getAttribute("data-label-id");
        if (thumb.getAttribute("aria-labelledby") !== id) thumb.setAttribute("aria-labelledby", id);
        var pos = parseFloat(thumb.getAttribute("aria-valuenow"));
        if (isFinite(pos)) {
          var text = Number(toValue(scale, pos).toPrecision(4)).toString();
          if (thumb.getAttribute("aria-valuetext") !== text) thumb.setAttribute("aria-valuetext", text);
        }
      });
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; label(document); });
  }).observe(document.documentElement, {childList: true, subtree: true, attributes: true,
                                        attributeFilter: ["aria-valuenow"]});
})();
