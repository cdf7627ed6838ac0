// The playground's figures as vega-lite specs (pure: a result in, a spec out), each with tooltips
// and a width that follows its container, so they fit a phone as well as a wide screen.
import type { TopLevelSpec } from "vega-lite";
import type { PlaygroundResult } from "./playground_run.ts";

const ERM = "ERM";
const round = (v: number) => Math.round(v * 1000) / 1000;

/** A few training examples before and after the feature is added, one panel each, laid out in `width` pixels. */
export function examplesSpec(result: PlaygroundResult, width: number): TopLevelSpec {
  // Facets cannot follow their container; the panel size is worked out from the width instead.
  const columns = width >= 520 ? 2 : 1;
  const panel = Math.max(160, Math.min(260, Math.floor(width / columns) - 70));
  const values = result.examples.flatMap((e, i) => {
    const name = `#${i + 1}: class ${e.label}, attribute ${e.attribute}${
      e.attribute === e.label % result.numAttributes ? " (aligned)" : " (conflicting)"
    }`;
    return e.clean.flatMap((v, t) => [
      { example: name, t, value: round(v), series: "clean" },
      { example: name, t, value: round(e.featured[t]), series: "with feature" },
    ]);
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: "Training examples, clean and with the spurious feature",
    data: { values },
    facet: { field: "example", type: "nominal", title: null },
    columns,
    spec: {
      width: panel,
      height: 110,
      mark: { type: "line", point: { size: 12 } },
      encoding: {
        x: { field: "t", type: "quantitative", title: "position" },
        y: { field: "value", type: "quantitative", title: null },
        color: { field: "series", type: "nominal", title: null, scale: { range: ["#8a8a8a", "#d1495b"] } },
        strokeDash: { field: "series", type: "nominal", legend: null, scale: { range: [[4, 2], [1, 0]] } },
        tooltip: [
          { field: "series", title: "series" },
          { field: "t", title: "position" },
          { field: "value", title: "value" },
        ],
      },
    },
    resolve: { scale: { y: "independent" } },
  };
}

/** Accuracy or worst-group accuracy of ERM and the method on every test set, side by side. */
export function scoresSpec(result: PlaygroundResult, metric: "accuracy" | "worstGroupAccuracy"): TopLevelSpec {
  const title = metric === "accuracy" ? "accuracy" : "worst-group accuracy";
  const values = result.modes.flatMap((m) => [
    { test: m.label, model: ERM, value: round(m.erm[metric]), size: m.size },
    { test: m.label, model: result.methodName, value: round(m.method[metric]), size: m.size },
  ]);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: `${title} of ERM and ${result.methodName} on each test set`,
    title,
    width: "container",
    height: 180,
    data: { values },
    mark: { type: "bar", tooltip: true },
    encoding: {
      x: { field: "test", type: "nominal", sort: null, title: "test set", axis: { labelAngle: 0 } },
      xOffset: { field: "model", type: "nominal", sort: [ERM, result.methodName] },
      y: { field: "value", type: "quantitative", scale: { domain: [0, 1] }, title },
      color: {
        field: "model",
        type: "nominal",
        sort: [ERM, result.methodName],
        scale: { range: ["#6c757d", "#2a9d8f"] },
        title: null,
      },
      tooltip: [
        { field: "model", title: "model" },
        { field: "test", title: "test set" },
        { field: "value", title, format: ".3f" },
        { field: "size", title: "examples" },
      ],
    },
  };
}

/** Per-(class, attribute) accuracy on the decorrelated test set as a heat map. */
export function heatmapSpec(result: PlaygroundResult, which: "erm" | "method"): TopLevelSpec {
  const grid = result.grid[which];
  const values = grid.flatMap((row, c) =>
    row.map((acc, k) => ({
      class: c,
      attribute: k,
      accuracy: acc === null ? null : round(acc),
      aligned: k === c % result.numAttributes ? "aligned" : "conflicting",
    }))
  );
  const name = which === "erm" ? ERM : result.methodName;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    description: `${name}: accuracy per class and attribute on the decorrelated test set`,
    title: `${name}: accuracy per group`,
    width: "container",
    height: 220,
    data: { values },
    mark: { type: "rect", tooltip: true },
    encoding: {
      x: { field: "attribute", type: "ordinal", title: "attribute" },
      y: { field: "class", type: "ordinal", title: "class" },
      color: {
        field: "accuracy",
        type: "quantitative",
        scale: { domain: [0, 1], scheme: "viridis" },
        title: "accuracy",
      },
      tooltip: [
        { field: "class", title: "class" },
        { field: "attribute", title: "attribute" },
        { field: "aligned", title: "group" },
        { field: "accuracy", title: "accuracy", format: ".3f" },
      ],
    },
  };
}
