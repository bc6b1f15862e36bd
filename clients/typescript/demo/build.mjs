// Compiles the demo app (demo/src) into the bundle genqueue serves at `/`:
// app.js and app.css in src/genqueue/webapp/static, or in `--outdir DIR`.
// The output is byte-for-byte reproducible (no timestamps, paths or source maps), so
// tests/webapp/test_bundle.py can rebuild it and fail when the checked-in copy is stale.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";
import process from "node:process";

const demoDir = path.dirname(fileURLToPath(import.meta.url));
const packageDir = path.dirname(demoDir);
const defaultOutdir = path.resolve(packageDir, "../../src/genqueue/webapp/static");

function outdirArgument(args) {
  const index = args.indexOf("--outdir");
  if (index === -1) return defaultOutdir;
  const value = args[index + 1];
  if (!value) throw new Error("--outdir needs a directory");
  return path.resolve(value);
}

const outdir = outdirArgument(process.argv.slice(2));
await build({
  absWorkingDir: packageDir,
  entryPoints: { app: path.join(demoDir, "src/main.tsx") },
  outdir,
  bundle: true,
  minify: true,
  format: "esm",
  platform: "browser",
  target: ["es2022", "chrome110", "firefox110", "safari16"],
  jsx: "automatic",
  tsconfig: path.join(demoDir, "tsconfig.json"),
  define: { "process.env.NODE_ENV": '"production"' },
  legalComments: "eof",
  charset: "utf8",
  sourcemap: false,
  metafile: false,
  logLevel: "warning",
});
console.log(`demo bundle written to ${path.relative(process.cwd(), outdir) || "."}`);
