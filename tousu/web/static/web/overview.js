// The overview's trend chart (ECharts), from the data the page carries in <script id="overview-chart">.
// Without JavaScript the table under the chart shows the same figures.
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("chart-trend");
  if (!holder || typeof echarts === "undefined") { return; }
  var data = JSON.parse(document.getElementById("overview-chart").textContent);
  var chart = echarts.init(holder);
  chart.setOption({
    animation: false,
    tooltip: {trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; }},
    legend: {top: 0}, grid: {left: 45, right: 15, top: 40, bottom: 30},
    xAxis: {type: "category", data: data.months},
    yAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}},
    series: data.series.map(function (s) { return {name: s.name, type: "line", data: s.data, connectNulls: false, showSymbol: true, showAllSymbol: true, symbolSize: 8}; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
});
