// Builds the pages into chalicelib/web/ (served by chalicelib/handlers/pages.py; shipped by `chalice package`).
// Usage: node web/build.mjs   (make run / make test do it). Prints each file's size (make bench reads them).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "chalicelib", "web");
mkdirSync(out, { recursive: true });
const common = { bundle: true, minify: true, target: ["es2020"], legalComments: "none", logLevel: "warning" };
await build({ ...common, entryPoints: [join(root, "web/src/widget.js")], format: "iife", outfile: join(out, "widget.js") });
await build({ ...common, entryPoints: [join(root, "web/src/console.js")], format: "esm", outfile: join(out, "console.js") });
await build({ ...common, entryPoints: [join(root, "web/src/dashboard.js")], format: "esm", outfile: join(out, "dashboard.js") });
await build({ ...common, entryPoints: [join(root, "web/src/workspace.js")], format: "esm", outfile: join(out, "workspace.js") });
await build({ ...common, entryPoints: [join(root, "web/src/widget.css")], outfile: join(out, "widget.css") });
await build({ ...common, entryPoints: [join(root, "web/src/console.css")], outfile: join(out, "console.css") });
await build({ ...common, entryPoints: [join(root, "web/src/help.css")], outfile: join(out, "help.css") });
await build({ ...common, entryPoints: [join(root, "web/src/kb.js")], format: "esm", outfile: join(out, "kb.js") });
// Amazon Connect Streams, loaded by the console only when a Connect instance is configured.
copyFileSync(join(root, "node_modules/amazon-connect-streams/release/connect-streams-min.js"), join(out, "streams.js"));
const sizes = {};
for (const name of ["widget.js", "widget.css", "console.js", "console.css", "streams.js", "workspace.js", "dashboard.js", "help.css", "kb.js"]) sizes[name] = statSync(join(out, name)).size;
writeFileSync(join(out, "sizes.json"), JSON.stringify(sizes, null, 1));
console.log("web built:", Object.entries(sizes).map(([k, v]) => `${k} ${(v / 1024).toFixed(1)} KiB`).join(", "));
