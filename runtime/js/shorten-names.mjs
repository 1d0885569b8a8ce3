// Shortens the names the wasm-bindgen glue and the wasm share.
//
// wasm-bindgen names each import after the JS it calls plus a hash
// (`__wbg_querySelectorAll_50069ecfca89cb23`): ~190 names of ~40 bytes, written in
// both files, and hashes do not compress. build.sh runs `wasm-opt
// --minify-imports-and-exports-and-modules`, which renames them in the wasm and
// prints the renaming as JSON; this script applies it to the glue, then checks the
// glue against the wasm itself: every import the wasm asks for is offered and
// every export the glue uses exists. It fails (and the build with it) rather than
// write a glue that could not start the wasm.
//
//   node runtime/js/shorten-names.mjs MAP.json GLUE.js WASM
import { readFileSync, writeFileSync } from "node:fs";

const [mapFile, glueFile, wasmFile] = process.argv.slice(2);
const fail = (message) => {
  console.error(`shorten-names: ${glueFile}: ${message}`);
  process.exit(1);
};
const map = JSON.parse(readFileSync(mapFile, "utf8"));
const module = new WebAssembly.Module(readFileSync(wasmFile));
let glue = readFileSync(glueFile, "utf8");

// Imports are the keys of the object __wbg_get_imports builds, one per line.
for (const [, from, to] of map.imports) {
  const key = new RegExp(`^(\\s+)${from}:`, "m");
  if (!key.test(glue)) fail(`no import ${from}`);
  glue = glue.replace(key, (_, indent) => `${indent}${to}:`);
}
// Exports are used as `wasm.NAME`.
for (const [from, to] of map.exports) {
  glue = glue.replace(new RegExp(`\\bwasm\\.${from}\\b`, "g"), () => `wasm.${to}`);
}
// The one module the imports came from is renamed too.
const modules = [...new Set(WebAssembly.Module.imports(module).map((i) => i.module))];
const given = [...glue.matchAll(/^\s+"([^"]+)": import\d+,?$/gm)].map((m) => m[1]);
if (modules.length !== 1 || given.length !== 1) {
  fail(`expected one import module, found ${modules} in the wasm and ${given} in the glue`);
}
glue = glue.replace(`"${given[0]}": import`, () => `"${modules[0]}": import`);

for (const { name } of WebAssembly.Module.imports(module)) {
  const escaped = name.replace(/[^\w]/g, (c) => `\\${c}`);
  if (!new RegExp(`^\\s+${escaped}:`, "m").test(glue)) fail(`the wasm imports ${name}, which the glue lacks`);
}
const exports = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
for (const [, name] of glue.matchAll(/\bwasm\.([A-Za-z_$][\w$]*)/g)) {
  if (!exports.has(name)) fail(`the glue uses wasm.${name}, which the wasm lacks`);
}
writeFileSync(glueFile, glue);
