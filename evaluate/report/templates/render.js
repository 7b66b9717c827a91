/* Draws every figure from its JSON block; sizes charts for print; "colour by" buttons. */
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

  function layoutFor(el, spec, forPrint) {
    var layout = Object.assign({}, spec.layout);
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
      jobs.push(Plotly.newPlot(el, spec.data, layoutFor(el, spec, forPrint), config));
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

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-view]") : null;
    if (!button) return;
    var group = button.parentNode;
    var id = group.getAttribute("data-figure");
    var spec = specs[id];
    if (!spec || !spec.views) return;
    Plotly.restyle(document.getElementById(id), {visible: spec.views[Number(button.getAttribute("data-view"))]});
    var all = group.querySelectorAll("button[data-view]");
    for (var i = 0; i < all.length; i++) all[i].setAttribute("aria-pressed", String(all[i] === button));
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else { draw(); }
})();
