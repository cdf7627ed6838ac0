// The playground page: the controls and their URL, the training worker (progress, cancel), and the
// result as a table and vega-lite figures. Runs in the browser only; the work happens in the worker.
import embed, { type Result as EmbedResult } from "vega-embed";
import { expressionInterpreter } from "vega-interpreter";
import type { TopLevelSpec } from "vega-lite";
import { examplesSpec, heatmapSpec, scoresSpec } from "./charts.ts";
import type { PlaygroundResult } from "./playground_run.ts";
import {
  PLAYGROUND_LIMITS,
  type PlaygroundChoices,
  type PlaygroundSettings,
  settingsFromQuery,
  settingsToQuery,
} from "./settings.ts";
import type { WorkerMessage } from "./worker.ts";

const byId = <T extends HTMLElement>(id: string): T => {
  const found = document.getElementById(id);
  if (!found) throw new Error(`playground: the page has no #${id}`);
  return found as T;
};
const form = byId<HTMLFormElement>("controls");
const trainButton = byId<HTMLButtonElement>("train");
const cancelButton = byId<HTMLButtonElement>("cancel");
const bar = byId<HTMLProgressElement>("progress");
const status = byId<HTMLElement>("status");
const problemsBox = byId<HTMLElement>("problems");
const results = byId<HTMLElement>("results");
const FIELDS = ["kind", "rho", "amplitude", "model", "steps", "method", "seed"] as const;

let choices: PlaygroundChoices | undefined;
let worker: Worker | undefined;
let running = false;
let views: EmbedResult[] = [];
let shown: PlaygroundResult | undefined;
let examplesView: EmbedResult | undefined;
let examplesWidth = 0;

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : "n/a");

function fillSelect(id: string, options: readonly { value: string; text: string; title?: string }[]): void {
  const select = byId<HTMLSelectElement>(id);
  select.replaceChildren(...options.map((o) => {
    const option = document.createElement("option");
    option.value = o.value;
    option.textContent = o.text;
    if (o.title) option.title = o.title;
    return option;
  }));
}

function showSettings(s: PlaygroundSettings): void {
  for (const key of FIELDS) byId<HTMLInputElement | HTMLSelectElement>(key).value = String(s[key]);
}

/** The form's settings, validated like a shared link; problems are listed and block training. */
function readSettings(): PlaygroundSettings | undefined {
  const data = new FormData(form);
  const query = new URLSearchParams(FIELDS.map((k) => [k, String(data.get(k) ?? "")])).toString();
  const { settings, problems } = settingsFromQuery(query, choices!);
  problemsBox.textContent = problems.join("; ");
  problemsBox.hidden = problems.length === 0;
  return problems.length ? undefined : settings;
}

function syncUrl(): void {
  const settings = readSettings();
  if (settings) history.replaceState(null, "", `?${settingsToQuery(settings)}`);
}

function setRunning(on: boolean): void {
  running = on;
  trainButton.disabled = on || !choices;
  cancelButton.disabled = !on;
  form.setAttribute("aria-busy", String(on));
}

function startWorker(): void {
  worker = new Worker(new URL("worker.js", import.meta.url), { type: "module" });
  worker.onmessage = (event: MessageEvent<WorkerMessage>) => onMessage(event.data);
  worker.onerror = (event) => {
    status.textContent = `The worker failed: ${event.message}`;
    setRunning(false);
  };
}

function onMessage(message: WorkerMessage): void {
  if (message.type === "ready") {
    if (!choices) setup(message.choices);
    trainButton.disabled = running;
  } else if (message.type === "progress") {
    bar.value = message.fraction;
    status.textContent = `${message.phase}… ${Math.round(message.fraction * 100)}%`;
  } else if (message.type === "result") {
    setRunning(false);
    status.textContent = `Done in ${message.result.seconds.toFixed(1)} s.`;
    void show(message.result);
  } else {
    setRunning(false);
    status.textContent = `Training failed: ${message.message}`;
  }
}

function setup(offered: PlaygroundChoices): void {
  choices = offered;
  fillSelect("kind", offered.kinds.map((k) => ({ value: k, text: k })));
  fillSelect("model", offered.models.map((m) => ({ value: m, text: m })));
  fillSelect("method", offered.methods.map((m) => ({ value: m.name, text: m.name, title: m.summary })));
  for (const [key, limit] of Object.entries(PLAYGROUND_LIMITS)) {
    const input = byId<HTMLInputElement>(key);
    input.min = String(limit.min);
    input.max = String(limit.max);
    input.step = String(limit.step);
  }
  const { settings, problems } = settingsFromQuery(location.search, offered);
  showSettings(settings);
  syncUrl();
  if (problems.length) {
    problemsBox.textContent = `The link had settings that were replaced by defaults: ${problems.join("; ")}`;
    problemsBox.hidden = false;
  }
  form.addEventListener("input", syncUrl);
  form.addEventListener("change", syncUrl);
  status.textContent = "Ready. Choose settings and press Train.";
  trainButton.disabled = false;
}

// The interpreter evaluates vega expressions without eval, so the page runs under a strict CSP.
const EMBED_OPTIONS = { actions: false, renderer: "svg", ast: true, expr: expressionInterpreter } as const;

async function show(result: PlaygroundResult): Promise<void> {
  for (const v of views) v.finalize();
  examplesWidth = 0;
  views = [];
  const method = result.methodName;
  // The form may have changed since (or a run was cancelled): say which settings these numbers belong to.
  const link = document.createElement("a");
  link.href = `?${settingsToQuery(result.settings)}`;
  link.textContent = FIELDS.map((k) => `${k} ${result.settings[k]}`).join(", ");
  byId("result-settings").replaceChildren("Settings of this result: ", link, ".");
  byId("method-head").textContent = method;
  byId("method-head-2").textContent = method;
  const decorrelated = result.modes.find((m) => m.mode === "random")!;
  const headline = byId("wga-method");
  headline.textContent = fmt(decorrelated.method.worstGroupAccuracy);
  headline.dataset.value = String(decorrelated.method.worstGroupAccuracy);
  const ermHeadline = byId("wga-erm");
  ermHeadline.textContent = fmt(decorrelated.erm.worstGroupAccuracy);
  ermHeadline.dataset.value = String(decorrelated.erm.worstGroupAccuracy);
  byId("headline-method").textContent = method;
  byId("scores-body").replaceChildren(...result.modes.map((m) => {
    const row = document.createElement("tr");
    const head = document.createElement("th");
    head.scope = "row";
    head.textContent = `${m.label} (${m.size})`;
    row.append(head);
    for (const v of [m.erm.accuracy, m.erm.worstGroupAccuracy, m.method.accuracy, m.method.worstGroupAccuracy]) {
      const cell = document.createElement("td");
      cell.textContent = fmt(v);
      row.append(cell);
    }
    return row;
  }));
  results.hidden = false;
  const charts: [string, TopLevelSpec][] = [
    ["chart-accuracy", scoresSpec(result, "accuracy")],
    ["chart-wga", scoresSpec(result, "worstGroupAccuracy")],
    ["heat-erm", heatmapSpec(result, "erm")],
    ["heat-method", heatmapSpec(result, "method")],
  ];
  views = await Promise.all(charts.map(([id, spec]) => embed(byId(id), spec, EMBED_OPTIONS)));
  shown = result;
  await showExamples();
}

// The examples' panels are sized for the width they get; a turned phone or a resized window redraws them.
async function showExamples(): Promise<void> {
  const box = byId("chart-examples");
  const width = box.parentElement!.clientWidth;
  if (!shown || width === examplesWidth) return;
  examplesWidth = width;
  examplesView?.finalize();
  examplesView = await embed(box, examplesSpec(shown, width), EMBED_OPTIONS);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const settings = readSettings();
  if (!settings || !worker || running) return;
  setRunning(true);
  bar.value = 0;
  status.textContent = "Starting…";
  worker.postMessage({ settings });
});

cancelButton.addEventListener("click", () => {
  worker?.terminate();
  setRunning(false);
  bar.value = 0;
  status.textContent = "Cancelled.";
  startWorker();
});

let resizing: ReturnType<typeof setTimeout> | undefined;
addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(() => void showExamples(), 150);
});

setRunning(false);
startWorker();
