// The playground's Web Worker: announces the choices, then runs one playground per message and
// posts progress, the result, or the error. Cancelling is the page terminating this worker.
import { playgroundChoices, type PlaygroundResult, runPlayground } from "./playground_run.ts";
import type { PlaygroundChoices, PlaygroundSettings } from "./settings.ts";

/** Messages from the worker to the page. */
export type WorkerMessage =
  | { type: "ready"; choices: PlaygroundChoices }
  | { type: "progress"; fraction: number; phase: string }
  | { type: "result"; result: PlaygroundResult }
  | { type: "error"; message: string };

const scope = globalThis as unknown as {
  postMessage(message: WorkerMessage): void;
  onmessage: ((event: MessageEvent<{ settings: PlaygroundSettings }>) => void) | null;
};

scope.onmessage = async (event) => {
  try {
    const result = await runPlayground(
      event.data.settings,
      (fraction, phase) => scope.postMessage({ type: "progress", fraction, phase }),
    );
    scope.postMessage({ type: "result", result });
  } catch (error) {
    scope.postMessage({ type: "error", message: error instanceof Error ? error.message : String(error) });
  }
};
scope.postMessage({ type: "ready", choices: playgroundChoices() });
