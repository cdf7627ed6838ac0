// Write the study's base-cell ERM embeddings (MLP and CNN) as .npy: node build/js/bench/make_embeddings.js
import { tfReady } from "../src/tf/backend.ts";
import { studyEmbeddings } from "./study_embeddings.ts";

const tf = await tfReady();
for (const model of ["mlp", "cnn"] as const) console.log(await studyEmbeddings(tf, model));
