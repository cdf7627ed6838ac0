// Headless Debian Chromium for the browser tests, with the flags this closed network needs.
import { access } from "node:fs/promises";
import process from "node:process";

/** Debian's Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Why the browser tests cannot run here, or undefined (in CI a missing browser is a failure). */
export async function browserUnavailable(): Promise<string | undefined> {
  const installed = await access(CHROMIUM).then(() => true, () => false);
  if (installed || process.env.CI) return undefined;
  return `${CHROMIUM} is not installed (npm test installs it as root)`;
}

/** Launch headless Chromium through playwright-core. */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
