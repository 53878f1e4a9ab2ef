// Thin interop over the ApexCharts global (lib/apexcharts/apexcharts.min.js, from npm).
// One chart per element; Blazor's ApexChart component owns its lifetime.
const charts = new WeakMap();

export function render(element, options) {
  destroy(element);
  const chart = new window.ApexCharts(element, options);
  charts.set(element, chart);
  return chart.render();
}

export function update(element, options) {
  const chart = charts.get(element);
  if (!chart) {
    return render(element, options);
  }
  return chart.updateOptions(options, true, true);
}

export function destroy(element) {
  const chart = charts.get(element);
  if (chart) {
    chart.destroy();
    charts.delete(element);
  }
}
