// The whole test suite, one command: build (tsc type-checks src/test/bench), the test files under
// Node and under Deno, then deno lint, deno fmt --check and deno check. Ends with one summary line.
import { execSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";

// --allow-net=127.0.0.1: the queue tests talk to the redis-server they start on a loopback port.
const DENO_TEST_PERMISSIONS = [
  "--allow-read=.,../shared",
  "--allow-write=.tmp",
  "--allow-run",
  "--allow-env",
  "--allow-net=127.0.0.1",
];

function step(title, cmd, args) {
  console.log(`\n=== ${title}: ${cmd} ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NO_COLOR: "1" } });
    let out = "";
    child.stdout.on("data", (d) => {
      process.stdout.write(d);
      out += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}

async function testFiles(dir, suffix) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(suffix)) found.push(join(entry.parentPath ?? entry.path, entry.name));
  }
  return found.sort();
}

const count = (text, re) => Number(re.exec(text)?.[1] ?? 0);
let passed = 0;
let failed = 0;
const problems = [];

// The report's browser check needs Debian's Chromium; install it where we can (root with apt-get).
if (!existsSync("/usr/bin/chromium") && process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
  console.log("\n=== installing Debian's chromium for the browser check");
  execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null", {
    stdio: "inherit",
  });
}

// The queue tests start a real redis-server; install Debian's where we can (they skip, saying why, elsewhere).
if (!existsSync("/usr/bin/redis-server") && process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
  console.log("\n=== installing Debian's redis-server for the queue tests");
  execSync("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server > /dev/null", {
    stdio: "inherit",
  });
}

const build = await step("build", "npm", ["run", "--silent", "build"]);
if (build.code !== 0) problems.push("build (asc or tsc) failed");

if (build.code === 0) {
  const node = await step("node tests", process.execPath, [
    "--test",
    "--test-reporter=tap",
    ...(await testFiles("build/js/test", ".test.js")),
  ]);
  passed += count(node.out, /^# pass (\d+)/m);
  failed += count(node.out, /^# fail (\d+)/m);
  if (node.code !== 0) problems.push("node tests");
}

const deno = await step("deno tests", "deno", ["test", ...DENO_TEST_PERMISSIONS, "test/"]);
passed += count(deno.out, /(\d+) passed/);
failed += count(deno.out, /(\d+) failed/);
if (deno.code !== 0) problems.push("deno tests");

for (
  const [title, args] of [
    ["lint", ["lint"]],
    ["format", ["fmt", "--check"]],
    ["deno type check", ["check", "src/", "test/", "bench/"]],
  ]
) {
  const r = await step(title, "deno", args);
  if (r.code !== 0) problems.push(title);
}

console.log(problems.length ? `\nproblems: ${problems.join(", ")}` : "\nbuild, lint, format and type checks clean");
console.log(`${passed} passed, ${failed} failed`);
process.exit(problems.length || failed ? 1 : 0);
