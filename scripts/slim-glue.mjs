// Replaces wasm-bindgen's general-purpose start-up code in the JS glue with the one path the
// loader takes: it hands over the wasm's fetch (a Response, served as application/wasm by the
// proxy) and calls `default` once. What goes: the synchronous `initSync`, loading from a URL, a
// Request or bytes, the fallback for servers with the wrong MIME type and its long warnings,
// the `encodeInto` polyfill (every browser with streaming wasm has encodeInto), and the branch
// of `passStringToWasm0` for callers without `realloc` (there are none). About 0.5 KB of brotli.
// The text is wasm-bindgen 0.2's (its CLI is pinned in scripts/setup.sh): if a new version
// writes it differently this fails the build rather than ship a broken glue.
//
// usage: node scripts/slim-glue.mjs dist/tessera-widget.js
import { readFileSync, writeFileSync } from 'node:fs';

const path = process.argv[2];
let glue = readFileSync(path, 'utf8');

function cut(from, to, replacement) {
  const start = glue.indexOf(from);
  const end = glue.indexOf(to, start);
  if (start < 0 || end < 0) throw new Error(`slim-glue: ${JSON.stringify(from)} … ${JSON.stringify(to)} not found in ${path}`);
  glue = glue.slice(0, start) + replacement + glue.slice(end + to.length);
}

cut('async function __wbg_load(', 'export { initSync, __wbg_init as default };', `// tessera: the loader's one path (scripts/slim-glue.mjs).
async function __wbg_init(response) {
    response = await response;
    if (!response.ok) throw new Error('tessera: the wasm answered ' + response.status);
    const { instance, module } = await WebAssembly.instantiateStreaming(response, __wbg_get_imports());
    return __wbg_finalize_init(instance, module);
}
export { __wbg_init as default };`);
cut("if (!('encodeInto' in cachedTextEncoder)) {", '\n}\n', '');
const calls = glue.match(/(?<!function )passStringToWasm0\([^)]*\)/g) || [];
if (calls.some((c) => !c.includes('wasm.__wbindgen_realloc'))) throw new Error(`slim-glue: a string is passed without realloc in ${path}`);
cut('    if (realloc === undefined) {', '\n    }\n', '');

writeFileSync(path, glue);
