// Every registered method on one setting, as a markdown table for the README: runs
// `spurious1d train ... --method NAME --json` once per method (ERM is retrained each time, with the
// same seed, so its row is the same in every run) and prints worst-group, mean-group and average
// accuracy, the group labels each method reads, what it selected and its own seconds.
// Usage: node scripts/methods-table.mjs [flags for train...]   (default: the CNN at rho 0.8)
import { execFileSync } from "node:child_process";

const DEFAULT = ["--model", "cnn", "--rho", "0.8", "--test-mode", "random", "--grouping", "coarse"];
const flags = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT;
const cli = (args) =>
  JSON.parse(execFileSync(process.execPath, ["build/js/src/cli/main.js", "train", ...args], { encoding: "utf8" }));

const help = execFileSync(process.execPath, ["build/js/src/cli/main.js", "train", "--help"], { encoding: "utf8" });
const names = /--method NAME\s+one of (.+)/.exec(help)[1].split(", ").map((s) => s.trim()).filter((n) => n !== "erm");
const pct = (v) => (100 * v).toFixed(1);
const rows = [];
let erm;
for (const name of names) {
  const r = cli([...flags, "--method", name, "--json"]);
  erm ??= r.erm;
  rows.push([
    `\`${name}\``,
    pct(r.result.worstGroupAccuracy),
    pct(r.result.meanGroupAccuracy),
    pct(r.result.averageAccuracy),
    r.groupLabels,
    Object.entries(r.selected).map(([k, v]) => `${k} ${+Number(v).toPrecision(3)}`).join(", ") || "-",
    r.methodSeconds.toFixed(1),
  ]);
  process.stderr.write(`${name} done\n`);
}
rows.unshift([
  "`erm`",
  pct(erm.worstGroupAccuracy),
  pct(erm.meanGroupAccuracy),
  pct(erm.averageAccuracy),
  "none",
  "-",
  "-",
]);
const header = ["method", "worst-group %", "mean-group %", "accuracy %", "group labels", "selected", "seconds"];
console.log(`\`spurious1d train ${flags.join(" ")} --method NAME\`\n`);
console.log(`| ${header.join(" | ")} |`);
console.log(`| ${header.map(() => "---").join(" | ")} |`);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
