// AFR, AFR with worst-group factors and last-layer Group DRO, each run with its defaults on real ERM
// embeddings of the study's base cell (MLP and CNN; 5,000 held-out and 5,000 validation rows, 20
// coarse groups; bench/study_embeddings.ts), ROUNDS times in turn; prints each run's seconds and
// test worst-group accuracy, then the median seconds per method and their sum.
// Run: node build/js/bench/lastlayer.bench.js [ROUNDS] [MODELS]   (e.g. 3 mlp,cnn)
// The compiled file runs unchanged against another build's modules (copy it into that build's
// bench/ folder), which is how bench/README.md compares builds in one session.
import process from "node:process";
import { embeddingTask, runOnEmbeddings } from "../src/methods/embedding_task.ts";
import { tfReady } from "../src/tf/backend.ts";
import { readArrays, studyEmbeddings } from "./study_embeddings.ts";

const rounds = Number(process.argv[2] ?? 3);
const models = (process.argv[3] ?? "mlp,cnn").split(",") as ("mlp" | "cnn")[];
const METHODS = ["afr", "afr-wg", "gdro-ll"];
const tf = await tfReady();

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

for (const model of models) {
  const task = embeddingTask(tf, readArrays(await studyEmbeddings(tf, model)), { seed: 0 });
  const seconds = new Map<string, number[]>(METHODS.map((m) => [m, []]));
  for (let round = 0; round < rounds; round++) {
    for (const name of METHODS) {
      const r = runOnEmbeddings(task, name);
      seconds.get(name)!.push(r.seconds);
      console.log(
        `${model} round ${round} ${name}: ${r.seconds.toFixed(3)} s, test WGA ${
          (100 * r.test.worstGroupAccuracy).toFixed(1)
        }%, selected ${JSON.stringify(r.selected)}`,
      );
    }
  }
  const medians = METHODS.map((m) => median(seconds.get(m)!));
  console.log(
    `${model} medians: ${METHODS.map((m, i) => `${m} ${medians[i].toFixed(3)} s`).join(", ")}; sum ${
      medians.reduce((a, b) => a + b, 0).toFixed(3)
    } s`,
  );
  task.dispose();
}
