// Bundles the learner player (ES modules, hls.js split into a chunk loaded when the player starts where the
// browser has Media Source Extensions) and the service worker into dist/geste/. No CDN at run time.
import { build, context } from "esbuild";

const watch = process.argv.includes("--watch");
const common = { bundle: true, minify: true, sourcemap: true, target: ["es2020"],
  logLevel: "info", legalComments: "none" };

const configs = [
  { ...common, entryPoints: { player: "src/player/main.js" }, outdir: "dist/geste", format: "esm", splitting: true,
    chunkNames: "chunks/[name]-[hash]", loader: { ".css": "css" } },
  { ...common, entryPoints: { "player": "src/player/player.css" }, outdir: "dist/geste" },
  // The block page's script, on its own: no chunk shared with the player (the offline bundle lists player.js
  // alone, a shared chunk left the player dead offline).
  { ...common, entryPoints: { block: "src/block/main.js" }, outdir: "dist/geste", format: "esm" },
  { ...common, entryPoints: { sw: "src/sw/sw.js" }, outdir: "dist/geste", format: "iife" },
];

if (watch) {
  for (const cfg of configs) await (await context(cfg)).watch();
} else {
  await Promise.all(configs.map((cfg) => build(cfg)));
}
