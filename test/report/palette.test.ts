// One colour per method across a report, including methods its sweeps show though the study's list omits them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { methodScale } from "../../src/report/palette.ts";
import { figureSpecs } from "../../src/report/specs.ts";
import { fakeSummary, fakeViews } from "./fixture.ts";
import { STUDY_FULL } from "../../src/study/config.ts";

test("methodScale: listed methods keep their colour in any subset; an unlisted one gets a colour, not a crash", () => {
  const all = methodScale(["dfr", "afr"], ["erm", "dfr", "afr"]);
  const some = methodScale(["dfr", "afr"], ["afr"]);
  assert.equal(some.range[0], all.range[all.domain.indexOf("afr")]);
  const extra = methodScale(["dfr"], ["jtt", "dfr"]);
  assert.equal(extra.range.length, 2);
  assert.notEqual(extra.range[0], extra.range[1]);
});

test("a study that lists only DFR still colours the gamma sweep's AFR, the same in every figure", () => {
  const summary = fakeSummary({ methods: ["dfr"] });
  const specs = figureSpecs(summary, fakeViews(summary.config, 50));
  const colours = new Map<string, Set<string>>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    const scale = o.scale as { domain?: unknown; range?: unknown } | undefined;
    if (o.field === "method" && Array.isArray(scale?.domain) && Array.isArray(scale?.range)) {
      scale.domain.forEach((m, i) => {
        if (!colours.has(String(m))) colours.set(String(m), new Set());
        colours.get(String(m))!.add(String((scale.range as unknown[])[i]));
      });
    }
    Object.values(o).forEach(walk);
  };
  walk(specs);
  assert.ok(colours.has("afr"), "some figure shows AFR");
  for (const [method, set] of colours) assert.equal(set.size, 1, `${method} has one colour, got ${[...set]}`);
});

test("the full study's methods, ERM and the clean model each get a colour of their own", () => {
  const methods = Object.keys(STUDY_FULL.methods!);
  const shown = ["erm", ...methods, "clean model"];
  const scale = methodScale(methods, shown);
  assert.equal(new Set(scale.range).size, shown.length, `${shown.length} methods, colours ${scale.range}`);
});
