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
      return key === "transit" ? duration(v) : v.toFixed(1) + " km";
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

  function draw() {
    var p = data.plazas[Number(plazaSelect.value)];
    var key = seriesSelect.value;
    var s = p[key];
    var cols = [data.x, s.baseline];
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
      cols.push(s.plans[name]);
    });
    var opts = {
      width: Math.max(320, holder.clientWidth),
      height: 360,
      scales: { x: { time: data.calendar } },
      series: series,
      axes: [
        { values: ticks, space: 60 },
        {
          label: key === "transit" ? "transit time (minutes), by arrival time" : "queue (km)",
          size: 70,
        },
      ],
      cursor: { drag: { x: true, y: false } },
    };
    if (data.calendar) {  // ticks on the scenario's own hours, whatever the viewer's zone
      opts.tzDate = function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); };
    }
    if (plot) plot.destroy();
    plot = new uPlot(opts, cols, holder);
    document.body.setAttribute("data-chart", "drawn");
  }

  plazaSelect.addEventListener("change", draw);
  seriesSelect.addEventListener("change", draw);
  window.addEventListener("resize", function () {
    if (plot) plot.setSize({ width: Math.max(320, holder.clientWidth), height: 360 });
  });
  draw();
})();
