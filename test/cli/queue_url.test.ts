// The --queue URL: what each form connects to, and errors that name the flag, never print a password.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseQueueUrl } from "../../src/cli/queue/connection.ts";
import { UsageError } from "../../src/cli/usage_error.ts";

test("--queue URLs give host, port, database, credentials and TLS", () => {
  const plain = parseQueueUrl("redis://10.0.0.5:6380");
  assert.deepEqual([plain.options.host, plain.options.port, plain.options.db, plain.options.tls], [
    "10.0.0.5",
    6380,
    0,
    undefined,
  ]);
  assert.equal(plain.hostPort, "10.0.0.5:6380");
  assert.equal(plain.options.maxRetriesPerRequest, null, "BullMQ workers need commands that wait through reconnects");
  const full = parseQueueUrl("rediss://alice:p%40ss@redis.example:7000/3");
  assert.deepEqual([full.options.username, full.options.password, full.options.db], ["alice", "p@ss", 3]);
  assert.deepEqual(full.options.tls, { servername: "redis.example" });
  assert.equal(full.display, "rediss://alice:***@redis.example:7000/3");
  assert.equal(parseQueueUrl("redis://:secret@h").display, "redis://:***@h");
  assert.equal(parseQueueUrl("redis://h").options.port, 6379, "the default port");
  assert.equal(parseQueueUrl("redis://[::1]:6379").options.host, "::1");
});

test("bad --queue URLs are UsageErrors naming the flag and the expected form, without the password", () => {
  const cases: [string, RegExp][] = [
    [
      "http://h:1",
      /^--queue: expected redis:\/\/\[USER:PASSWORD@\]HOST:PORT\[\/DB\] or rediss:\/\/\.\.\. \(TLS\), got "http:\/\/h:1"$/,
    ],
    ["localhost:6379", /^--queue: expected redis:\/\/.*, got "localhost:6379"$/],
    [
      "redis://h:6379/x",
      /^--queue: expected a database number 0\.\.99 after the port in .*, got "redis:\/\/h:6379\/x"$/,
    ],
    ["redis://h:6379/0?x=1", /^--queue: expected no query or fragment in .*, got "redis:\/\/h:6379\/0\?x=1"$/],
    ["redis://u:hunter2@h:99999", /^--queue: expected redis:\/\/.*, got "redis:\/\/u:\*\*\*@h:99999"$/],
  ];
  for (const [url, message] of cases) {
    assert.throws(() => parseQueueUrl(url), (e: unknown) => {
      assert.ok(e instanceof UsageError, url);
      assert.match(e.message, message);
      assert.ok(!e.message.includes("hunter2"));
      return true;
    });
  }
});
