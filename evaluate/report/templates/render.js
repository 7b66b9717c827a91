/* Draws every figure from its JSON block; sizes charts for print; "colour by" buttons and
   the buttons that show or hide each kind of tie in a network picture. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("plot-config").textContent);
  var printing = window.matchMedia ? window.matchMedia("print") : null;
  var specs = {};

  function printSize(el) {
    return {width: Math.min(window.EVALUATE_PRINT_WIDTH, el.parentNode.clientWidth || window.EVALUATE_PRINT_WIDTH),
            height: Number(el.getAttribute("data-print-height"))};
  }

  function merged(base, extra) {
    var out = Object.assign({}, base);
    Object.keys(extra || {}).forEach(function (k) {
      out[k] = (extra[k] && typeof extra[k] === "object" && !Array.isArray(extra[k]))
        ? Object.assign({}, base[k] || {}, extra[k]) : extra[k];
    });
    return out;
  }

  // on a phone the key goes under the chart, so that the chart keeps the width
  var NARROW = 560;
  var UNDER = {legend: {orientation: "h", x: 0, xanchor: "left", y: -0.02, yanchor: "top"}};

  function layoutFor(el, spec, forPrint) {
    var layout = Object.assign({}, spec.layout);
    if (!forPrint && el.clientWidth && el.clientWidth < NARROW && layout.showlegend !== false) {
      layout = merged(layout, UNDER);
    }
    if (forPrint) {
      var size = printSize(el);
      layout = merged(layout, spec.print_layout);
      layout.width = size.width;
      layout.height = size.height;
      el.style.height = size.height + "px";
    }
    return layout;
  }

  function draw() {
    var started = performance.now();
    var blocks = document.querySelectorAll('script[type="application/json"][data-figure]');
    var forPrint = !!(printing && printing.matches);
    var jobs = [];
    for (var i = 0; i < blocks.length; i++) {
      var id = blocks[i].getAttribute("data-figure");
      var el = document.getElementById(id);
      if (!el) continue;
      var spec = JSON.parse(blocks[i].textContent);
      specs[id] = spec;
      var data = spec.data, layout = layoutFor(el, spec, forPrint);
      // a chart with long row labels wraps them shorter on a phone (and grows to fit)
      if (!forPrint && spec.narrow && el.clientWidth && el.clientWidth < NARROW) {
        if (spec.narrow.y) {
          data = data.map(function (t) { return Object.assign({}, t, {y: spec.narrow.y}); });
        }
        layout = merged(layout, spec.narrow.layout || {});
        if (spec.narrow.height) {
          layout.height = spec.narrow.height;
          el.style.height = spec.narrow.height + "px";
          el.setAttribute("data-height", String(spec.narrow.height));
        }
      }
      jobs.push(Plotly.newPlot(el, data, layout, config)
        .then(function (gd) {
          if (specs[gd.id].layers) gd.on("plotly_restyle", function () { syncLayers(gd.id); });
        }));
    }
    Promise.all(jobs).then(function () {
      window.evaluateRenderMs = performance.now() - started;
      window.evaluateRenderedAt = performance.now();
      document.body.setAttribute("data-rendered", String(jobs.length));
    });
  }

  function resizeAll(forPrint) {
    Object.keys(specs).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el) return;
      var spec = specs[id];
      if (forPrint) {
        var size = printSize(el);
        el.style.height = size.height + "px";
        Plotly.relayout(el, merged(merged({}, spec.print_layout), {width: size.width, height: size.height}));
      } else {
        var h = Number(el.getAttribute("data-height"));
        el.style.height = h + "px";
        var back = {width: null, height: h, autosize: true};
        Object.keys(spec.print_layout || {}).forEach(function (k) { back[k] = spec.layout[k] || null; });
        Plotly.relayout(el, back);
      }
    });
  }

  window.addEventListener("beforeprint", function () { resizeAll(true); });
  window.addEventListener("afterprint", function () { resizeAll(false); });

  // the layer buttons of a figure (kinds of tie), in order
  function layerButtons(id) {
    return document.querySelectorAll('.layers[data-figure="' + id + '"] button[data-layer]');
  }

  // a view ("colour people by") shows its people; each layer keeps its own state
  function withLayers(id, visible) {
    var spec = specs[id], out = visible.slice(), buttons = layerButtons(id);
    (spec.layers || []).forEach(function (traces, j) {
      var on = buttons[j] && buttons[j].getAttribute("aria-pressed") === "true";
      traces.forEach(function (t) { out[t] = on ? true : "legendonly"; });
    });
    return out;
  }

  // clicking the key also shows or hides a layer: the buttons follow it
  function syncLayers(id) {
    var el = document.getElementById(id), spec = specs[id];
    if (!el || !el.data || !spec || !spec.layers) return;
    var buttons = layerButtons(id);
    spec.layers.forEach(function (traces, j) {
      var on = traces.some(function (t) { return el.data[t] && el.data[t].visible === true; });
      if (buttons[j]) buttons[j].setAttribute("aria-pressed", String(on));
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-view], button[data-layer]") : null;
    if (!button) return;
    var group = button.parentNode;
    var id = group.getAttribute("data-figure");
    var spec = specs[id], el = document.getElementById(id);
    if (!spec || !el) return;
    if (button.hasAttribute("data-layer")) {
      var traces = (spec.layers || [])[Number(button.getAttribute("data-layer"))];
      if (!traces) return;
      var on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", String(on));
      Plotly.restyle(el, {visible: on ? true : "legendonly"}, traces);
      return;
    }
    if (!spec.views) return;
    var all = group.querySelectorAll("button[data-view]");
    for (var i = 0; i < all.length; i++) all[i].setAttribute("aria-pressed", String(all[i] === button));
    Plotly.restyle(el, {visible: withLayers(id, spec.views[Number(button.getAttribute("data-view"))])});
  });

  // a table wider than the screen scrolls in its own region, which the keyboard can reach
  // and a screen reader names after the table's caption (WCAG 1.4.10 and 2.1.1)
  function markScrollers() {
    var wraps = document.querySelectorAll(".table-wrap"), names = {};
    for (var i = 0; i < wraps.length; i++) {
      var w = wraps[i];
      if (w.clientWidth > 0 && w.scrollWidth > w.clientWidth + 1) {
        var caption = w.querySelector("caption");
        var section = w.closest("section") ? w.closest("section").querySelector("h2") : null;
        var name = (section ? section.textContent.trim() + ": " : "") +
                   (caption ? caption.textContent.trim() : "table");
        names[name] = (names[name] || 0) + 1;  // each region's name is its own
        if (names[name] > 1) name += " (" + names[name] + ")";
        w.setAttribute("tabindex", "0");
        w.setAttribute("role", "region");
        w.setAttribute("aria-label", name + " (scrolls sideways)");
      } else if (w.hasAttribute("tabindex")) {
        w.removeAttribute("tabindex");
        w.removeAttribute("role");
        w.removeAttribute("aria-label");
      }
    }
  }
  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(markScrollers, 150);
  });
  document.addEventListener("toggle", markScrollers, true);  // a "Show the numbers" opened

  function start() { draw(); markScrollers(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
