// The tfjs namespace type the toolkit passes around (tfjs-core's API).
import type * as tfc from "@tensorflow/tfjs-core";

/** The tfjs namespace (as returned by tfReady()). */
export type TF = typeof tfc;
