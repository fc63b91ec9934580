/* Playback in the browser: the trajectory heads and the cursors on the loss and lr panels
 * move together, frame by frame, with no server round trip. The scrub slider's value is the
 * frame; playing advances it with requestAnimationFrame at the chosen speed (steps/s). */
(function () {
  var FIRST_SLOT = 3, MAX_RUNS = 16, HEADS = FIRST_SLOT + MAX_RUNS;  // viz/figures.py
  var state = {playing: false, speed: 60, raf: null, last: 0, frame: 0, carry: 0};

  /* The scrub slider's max is the step count. */
  function maxFrame() {
    var thumb = document.querySelector("#scrub-slider [role=slider]");
    return thumb ? parseFloat(thumb.getAttribute("aria-valuemax")) || 0 : 0;
  }

  function graph(id) { return document.querySelector("#" + id + " .js-plotly-plot"); }

  function cursor(frame) {
    return [{type: "line", xref: "x", yref: "paper", x0: frame, x1: frame, y0: 0, y1: 1,
             line: {color: "#222", width: 1.5, dash: "dot"}}];
  }

  /* A thin DOM line over a step panel: moving it costs no Plotly redraw. */
  function overlay(g, frame) {
    var host = g.parentElement, xa = g._fullLayout && g._fullLayout.xaxis, ya = g._fullLayout && g._fullLayout.yaxis;
    if (!host || !xa || !ya) return;
    var line = host.querySelector(".playback-cursor");
    if (!line) {
      line = document.createElement("div");
      line.className = "playback-cursor";
      line.setAttribute("aria-hidden", "true");
      host.style.position = "relative";
      host.appendChild(line);
    }
    line.style.left = (xa._offset + xa.l2p(frame)) + "px";
    line.style.top = ya._offset + "px";
    line.style.height = ya._length + "px";
    line.style.display = "block";
  }

  /* Where to draw a head: its point at step k if inside the plot window, else the point where
   * its path last left the window, on the window's edge (clamped, for a path never inside):
   * viz.figures.head_point, whose window the heads trace carries in `meta.window`. */
  function headPoint(t, k, win) {
    var x = t.x[k], y = t.y[k];
    if (!win) return [x, y];
    var x0 = win[0][0], x1 = win[0][1], y0 = win[1][0], y1 = win[1][1];
    function inside(i) { return t.x[i] >= x0 && t.x[i] <= x1 && t.y[i] >= y0 && t.y[i] <= y1; }
    function clamp(v, lo, hi) { return Math.min(Math.max(v, lo), hi); }
    if (inside(k)) return [x, y];
    var j = k - 1;
    while (j >= 0 && !inside(j)) j--;
    if (j < 0) return [clamp(x, x0, x1), clamp(y, y0, y1)];
    var ax = t.x[j], ay = t.y[j], bx = t.x[j + 1], by = t.y[j + 1], s = 1, dx = bx - ax, dy = by - ay;
    if (bx > x1 && dx > 0) s = Math.min(s, (x1 - ax) / dx);
    else if (bx < x0 && dx < 0) s = Math.min(s, (x0 - ax) / dx);
    if (by > y1 && dy > 0) s = Math.min(s, (y1 - ay) / dy);
    else if (by < y0 && dy < 0) s = Math.min(s, (y0 - ay) / dy);
    if (!isFinite(s) || s <= 0) return [ax, ay];
    return [clamp(ax + s * dx, x0, x1), clamp(ay + s * dy, y0, y1)];
  }

  /* Move every head to its point at `frame` (a diverged run stops at its last finite point).
   * While playing (`fast`), heads move with a redraw-free animate and the panel cursors are DOM
   * lines; otherwise the figures themselves are updated (heads trace and cursor shapes). */
  function render(frame, fast) {
    var label = document.getElementById("frame-label");
    // Update React's own text node in place, so later renders by Dash stay consistent.
    if (label && label.firstChild) label.firstChild.nodeValue = String(frame);
    var gd = graph("contour-graph");
    if (!gd || !gd._fullData) return;
    var xs = [], ys = [];
    var heads = gd.data[HEADS], win = heads && heads.meta && heads.meta.window;
    for (var i = FIRST_SLOT; i < FIRST_SLOT + MAX_RUNS; i++) {
      var t = gd._fullData.find(function (d) { return d.index === i; });
      if (!t || !t.x || !t.x.length) continue;
      var p = headPoint(t, Math.min(frame, t.x.length - 1), win);
      xs.push(p[0]); ys.push(p[1]);
    }
    if (gd.data[HEADS]) {
      if (fast) {
        Plotly.animate(gd, {data: [{x: xs, y: ys}], traces: [HEADS]},
                       {transition: {duration: 0}, frame: {duration: 0, redraw: false}});
      } else {
        Plotly.restyle(gd, {x: [xs], y: [ys]}, [HEADS]);
      }
    }
    ["loss-graph", "lr-graph"].forEach(function (id) {
      var g = graph(id);
      if (!g || !g.layout) return;
      if (fast) { overlay(g, frame); return; }
      var line = g.parentElement && g.parentElement.querySelector(".playback-cursor");
      if (line) line.style.display = "none";
      Plotly.relayout(g, {shapes: cursor(frame)});
    });
  }

  function tick(now) {
    if (!state.playing) return;
    var dt = state.last ? (now - state.last) / 1000 : 0;
    state.last = now;
    state.carry += dt * state.speed;
    var advance = Math.floor(state.carry);
    if (advance > 0) {
      state.carry -= advance;
      var max = maxFrame();
      state.frame = Math.min(state.frame + advance, max);
      render(state.frame, true);   // no Dash round trip per frame; the slider syncs on stop
      if (state.frame >= max) { stop(); return; }
    }
    state.raf = requestAnimationFrame(tick);
  }

  function stop() {
    state.playing = false;
    if (state.raf) cancelAnimationFrame(state.raf);
    state.raf = null;
    var frame = state.frame;
    // Outside the current callback, so Dash applies both updates.
    setTimeout(function () {
      window.dash_clientside.set_props("play-button", {children: "▶ Play"});
      window.dash_clientside.set_props("scrub-slider", {value: frame});
    }, 0);
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.viz = Object.assign({}, window.dash_clientside.viz, {
    togglePlay: function (_clicks, speed) {
      if (state.playing) { stop(); return "▶ Play"; }
      state.speed = speed || state.speed;
      if (state.frame >= maxFrame()) state.frame = 0;
      state.playing = true; state.last = 0; state.carry = 0;
      state.raf = requestAnimationFrame(tick);
      return "❚❚ Pause";
    },
    stepFrame: function (_back, _forward, frame, max) {
      var trig = (window.dash_clientside.callback_context.triggered || [])[0];
      var delta = trig && trig.prop_id.indexOf("step-back") === 0 ? -1 : 1;
      if (state.playing) stop();
      return Math.max(0, Math.min((frame || 0) + delta, max || 0));
    },
    showFrame: function (frame, _figure) {
      frame = Math.max(0, Math.round(frame || 0));
      state.frame = frame;
      // After a new figure arrives Plotly redraws first; render on the next frame.
      requestAnimationFrame(function () { render(frame); });
      return String(frame);
    },
    setSpeed: function (speed) {
      if (typeof speed === "number" && isFinite(speed) && speed > 0) state.speed = Math.min(speed, 1000);
      return "speed-picker";
    },
    _state: state,
  });

})();
