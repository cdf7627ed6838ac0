// PNG copies of the report's SVG figures, rendered by resvg (WebAssembly) with the DejaVu Sans font
// shipped by the npm package dejavu-fonts-ttf: no system fonts, the same pixels on every machine.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

let ready: Promise<typeof import("@resvg/resvg-wasm")> | undefined;
let font: Uint8Array | undefined;

function resvg(): Promise<typeof import("@resvg/resvg-wasm")> {
  ready ??= (async () => {
    const mod = await import("@resvg/resvg-wasm");
    const require = createRequire(import.meta.url);
    await mod.initWasm(await readFile(require.resolve("@resvg/resvg-wasm/index_bg.wasm")));
    font = new Uint8Array(await readFile(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")));
    return mod;
  })();
  return ready;
}

/** Render an SVG string to PNG bytes at twice its size. */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const mod = await resvg();
  const r = new mod.Resvg(svg, {
    fitTo: { mode: "zoom", value: 2 },
    background: "white",
    font: {
      fontBuffers: [font!],
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
      loadSystemFonts: false,
    },
  });
  return r.render().asPng();
}
