/* Jinguo: the dashboard's charts (ECharts, served from /static/vendor/echarts/).
 *
 * Each chart box names the json_script element holding its data:
 *   {"categories": [...], "series": [{"key", "name", "values": [...], "urls": [...]}, ...]}
 * data-kind="trend" draws one series as a line over the months, data-kind="compare" one series
 * as horizontal bars over the units below, largest first. A <select data-chart="<box id>"> switches the series;
 * a click on a point or bar opens the records behind that figure. The page's tables show the
 * same figures without this script (open until a chart is drawn). No inline script or style: tooltips are drawn on the
 * canvas (renderMode "richText"), so the Content-Security-Policy holds.
 */
(function () {
  "use strict";

  var ACCENT = "#b02a3e";
  var MUTED = "#5c6470";
  var LINE = "#eceef1";
  var charts = [];
  var lang = document.documentElement.lang || "zh-hans";
  var numbers = new Intl.NumberFormat(lang === "en" ? "en" : "zh-CN", {
    maximumFractionDigits: 2,
  });

  function format(value) {
    return value === null || value === undefined ? "—" : numbers.format(value);
  }

  function readData(box) {
    var source = document.getElementById(box.dataset.source);
    if (!source) {
      return null;
    }
    try {
      return JSON.parse(source.textContent);
    } catch (error) {
      return null;
    }
  }

  function baseOption() {
    return {
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      tooltip: {
        trigger: "axis",
        renderMode: "richText",
        axisPointer: { type: "shadow" },
        valueFormatter: format,
      },
    };
  }

  function trendOption(data, series) {
    var option = baseOption();
    option.grid = { left: 8, right: 16, top: 16, bottom: 8, containLabel: true };
    option.xAxis = {
      type: "category",
      data: data.categories,
      axisLabel: { color: MUTED, hideOverlap: true },
      axisLine: { lineStyle: { color: LINE } },
    };
    option.yAxis = {
      type: "value",
      minInterval: 1,
      axisLabel: { color: MUTED, formatter: format },
      splitLine: { lineStyle: { color: LINE } },
    };
    option.series = [
      {
        type: "line",
        name: series.name,
        data: series.values,
        connectNulls: false,
        symbolSize: 8,
        itemStyle: { color: ACCENT },
        lineStyle: { color: ACCENT, width: 2 },
        areaStyle: { color: "rgba(176, 42, 62, 0.08)" },
        cursor: "pointer",
      },
    ];
    return option;
  }

  // The units ranked by the figure shown, largest first (units without a figure last).
  function ranked(data, series) {
    var order = data.categories.map(function (_name, index) {
      return index;
    });
    order.sort(function (a, b) {
      var x = series.values[a];
      var y = series.values[b];
      if (x === null || x === undefined) {
        return y === null || y === undefined ? a - b : 1;
      }
      if (y === null || y === undefined) {
        return -1;
      }
      return y - x || a - b;
    });
    return {
      categories: order.map(function (i) { return data.categories[i]; }),
      values: order.map(function (i) { return series.values[i]; }),
      urls: order.map(function (i) { return series.urls[i]; }),
    };
  }

  function compareOption(data, series) {
    var option = baseOption();
    option.grid = { left: 8, right: 48, top: 8, bottom: 8, containLabel: true };
    option.yAxis = {
      type: "category",
      data: data.categories,
      inverse: true,
      axisLabel: { color: MUTED, width: 96, overflow: "truncate" },
      axisLine: { lineStyle: { color: LINE } },
      axisTick: { show: false },
    };
    option.xAxis = {
      type: "value",
      minInterval: 1,
      axisLabel: { color: MUTED, formatter: format, hideOverlap: true },
      splitLine: { lineStyle: { color: LINE } },
    };
    option.series = [
      {
        type: "bar",
        name: series.name,
        data: series.values,
        barMaxWidth: 18,
        itemStyle: { color: ACCENT, borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: "right", color: MUTED, formatter: function (p) {
          return format(p.value);
        } },
        cursor: "pointer",
      },
    ];
    return option;
  }

  function draw(box) {
    if (!window.echarts) {
      return;
    }
    var data = readData(box);
    if (!data || !data.series || !data.series.length) {
      return;
    }
    if (box.dataset.kind === "compare") {
      // One row per unit, so that every name stays readable on a phone.
      var rows = data.categories.length;
      box.style.height = Math.max(200, rows * 30 + 40) + "px";
    }
    // Shown (and so measured) before ECharts draws; the table under it folds away.
    box.dataset.ready = "1";
    var table = box.parentNode.querySelector("details.chart-table");
    if (table) {
      table.open = false;
    }
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    var state = { chart: chart, box: box, data: data, index: 0, urls: [] };

    function show(index) {
      state.index = index;
      var series = data.series[index];
      var option;
      if (box.dataset.kind === "compare") {
        var sorted = ranked(data, series);
        state.urls = sorted.urls;
        option = compareOption(
          { categories: sorted.categories },
          { name: series.name, values: sorted.values }
        );
      } else {
        state.urls = series.urls;
        option = trendOption(data, series);
      }
      chart.setOption(option, true);
      box.setAttribute("aria-label", series.name);
      box.dataset.shown = series.key;
    }

    chart.on("click", function (params) {
      var url = state.urls && state.urls[params.dataIndex];
      if (url) {
        window.location.href = url;
      }
    });

    var select = document.querySelector('select[data-chart="' + box.id + '"]');
    if (select) {
      select.addEventListener("change", function () {
        show(parseInt(select.value, 10) || 0);
      });
      var holder = select.closest(".chart-switch");
      if (holder) {
        holder.hidden = false;
      }
      show(parseInt(select.value, 10) || 0);
    } else {
      show(0);
    }
    charts.push(state);
  }

  function drawAll() {
    document.querySelectorAll(".chart[data-source]").forEach(draw);
  }

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) {
      window.clearTimeout(pending);
    }
    pending = window.setTimeout(function () {
      charts.forEach(function (state) {
        state.chart.resize();
      });
    }, 150);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
