// The report's two charts, from the data the page carries in <script id="report-charts">.
(function () {
  var data = JSON.parse(document.getElementById("report-charts").textContent);
  var bar = echarts.init(document.getElementById("chart-category"));
  bar.setOption({
    tooltip: {}, grid: {left: 40, right: 10, bottom: 60},
    xAxis: {type: "category", data: data.category.map(function (d) { return d.name; }), axisLabel: {rotate: 30}},
    yAxis: {type: "value", minInterval: 1},
    series: [{type: "bar", data: data.category.map(function (d) { return d.value; }), itemStyle: {color: "#b42318"}}]
  });
  var pie = echarts.init(document.getElementById("chart-channel"));
  pie.setOption({tooltip: {trigger: "item"}, series: [{type: "pie", radius: "65%", data: data.channel}]});
  window.addEventListener("resize", function () { bar.resize(); pie.resize(); });
})();
