// bordersim: the report's hour-by-hour recovery chart, drawn with uPlot (shipped beside
// this file; nothing is fetched). Point at a curve: the legend shows the time and every
// curve's value there. Times are the scenario's own clock (no time-zone shift).
(function () {
  "use strict";
  var holder = document.getElementById("chart");
  var source = document.getElementById("chart-data");
  if (!holder || !source || typeof uPlot === "undefined") return;
  var data = JSON.parse(source.textContent);
  var plazaSelect = document.getElementById("chart-plaza");
  var seriesSelect = document.getElementById("chart-series");
  var plot = null;

  data.plazas.forEach(function (p, i) {
    var o = document.createElement("option");
    o.value = String(i);
    o.textContent = p.name;
    plazaSelect.appendChild(o);
  });

  function duration(minutes) {
    var m = Math.round(minutes);
    if (m < 60) return m + "min";
    var d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), r = m % 60;
    var text = h + "h " + (r < 10 ? "0" : "") + r + "min";
    return d ? d + "d " + text : text;
  }

  function show(key) {
    return function (u, v) {
      if (u.cursor.idx == null) return "";  // not pointing at the chart
      if (v == null) return "no value here";
      return key === "transit" ? duration(v * u.bordersimScale) : v.toFixed(1) + " km";
    };
  }

  // The scenario's clock, written as in the rest of the report: Tue 10 Jun 2025 14:35.
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function day(d) { return DAYS[d.getUTCDay()] + " " + two(d.getUTCDate()) + " " + MONTHS[d.getUTCMonth()]; }
  function clock(d) { return two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()); }
  function when(x) {
    if (x == null) return "";
    if (!data.calendar) return duration(x * 60) + " from the start";
    var d = new Date(x * 1000);
    return day(d) + " " + d.getUTCFullYear() + " " + clock(d);
  }
  function ticks(u, splits) {
    return splits.map(function (x) {
      if (!data.calendar) return x + "h";
      var d = new Date(x * 1000);
      return d.getUTCHours() === 0 && d.getUTCMinutes() === 0 ? day(d) : clock(d);
    });
  }

  // Long waits read in hours: the curves are divided by 60 and said back as durations.
  function scaleOf(s) {
    var top = 0;
    [s.baseline].concat(data.plans.map(function (n) { return s.plans[n]; })).forEach(function (c) {
      c.forEach(function (v) { if (v != null && v > top) top = v; });
    });
    return top > 180 ? 60 : 1;
  }

  function scaled(c, k) {
    return k === 1 ? c : c.map(function (v) { return v == null ? null : v / k; });
  }

  // The disruption as grey bands with their names, as in the figures.
  function shadeEvents(events) {
    return function (u) {
      var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height;
      ctx.save();
      events.forEach(function (e) {
        var x0 = u.valToPos(e[0], "x", true), x1 = u.valToPos(e[1], "x", true);
        ctx.fillStyle = "rgba(160, 160, 160, 0.25)";
        ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
        ctx.fillStyle = "#444";
        ctx.font = (11 * devicePixelRatio) + "px sans-serif";
        ctx.fillText(e[2], x0 + 4 * devicePixelRatio, top + 14 * devicePixelRatio);
      });
      ctx.restore();
    };
  }

  function draw() {
    var p = data.plazas[Number(plazaSelect.value)];
    var key = seriesSelect.value;
    var s = p[key];
    var k = key === "transit" ? scaleOf(s) : 1;
    var cols = [data.x, scaled(s.baseline, k)];
    var series = [
      { label: "time", value: function (u, x) { return u.cursor.idx == null ? "" : when(x); } },
      { label: "baseline", stroke: "#999999", width: 1.5, dash: [4, 4], value: show(key) },
    ];
    data.plans.forEach(function (name, i) {
      series.push({
        label: name + (s.same_as[name] ? " (same as " + s.same_as[name] + ")" : ""),
        stroke: data.colours[i],
        width: 2,
        dash: data.dashes[i],
        value: show(key),
      });
      cols.push(scaled(s.plans[name], k));
    });
    var opts = {
      width: Math.max(320, holder.clientWidth),
      height: 360,
      scales: { x: { time: data.calendar } },
      series: series,
      axes: [
        { values: ticks, space: 60 },
        {
          label: key === "transit"
            ? "transit time (" + (k === 60 ? "hours" : "minutes") + "), by arrival time"
            : "queue (km)",
          size: 70,
        },
      ],
      cursor: { drag: { x: true, y: false } },
      hooks: { drawClear: [shadeEvents(p.events || [])] },
    };
    if (data.calendar) {  // ticks on the scenario's own hours, whatever the viewer's zone
      opts.tzDate = function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); };
    }
    if (plot) plot.destroy();
    plot = new uPlot(opts, cols, holder);
    plot.bordersimScale = k;
    document.body.setAttribute("data-chart", "drawn");
  }

  plazaSelect.addEventListener("change", draw);
  seriesSelect.addEventListener("change", draw);
  window.addEventListener("resize", function () {
    if (plot) plot.setSize({ width: Math.max(320, holder.clientWidth), height: 360 });
  });
  draw();
})();
