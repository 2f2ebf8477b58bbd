// Renames the wasm's imports from the JS glue (`__wbg_addEventListener_847fd86b8c33ec43`)
// to short names (`_0`, `_1`, … `_z`, `_10`, …) in both the wasm and the glue, and likewise the
// exports wasm-bindgen names after closure types (`wasm_bindgen_a00c…___convert__closures_____
// invoke___…`, 100 to 200 bytes each) and its runtime's (`__wbindgen_malloc`, written 13 times
// in the glue) to `wb0`, `wb1`, …, and the module all imports come from
// (`./tessera-widget_bg.js`, written before each of them) to `w`. wasm-bindgen gives every
// import a 16-hex-digit hash, which no compressor can shrink and which every buyer downloads
// twice; about 1.5 KB of brotli. The runtime's exports the glue never reads and the custom
// sections are dropped (0.3 KB). The e2e tests run on the result, so a mismatch cannot pass.
//
// usage: node scripts/shorten-imports.mjs dist/tessera-widget_bg.wasm dist/tessera-widget.js
import { readFileSync, writeFileSync } from 'node:fs';

const [wasmPath, gluePath] = process.argv.slice(2);
const wasm = readFileSync(wasmPath);
let glue = readFileSync(gluePath, 'utf8');

function readLeb(buf, at) {
  let value = 0, shift = 0, byte;
  do {
    byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}
function leb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}
function name(buf, at) {
  const [len, start] = readLeb(buf, at);
  return [buf.toString('utf8', start, start + len), start + len];
}
const encodeName = (s) => Buffer.concat([leb(Buffer.byteLength(s)), Buffer.from(s)]);
// The bytes of one import's description (kind byte included), by kind.
function skipDesc(buf, at) {
  const kind = buf[at++];
  const limits = (p) => {
    const flags = buf[p++];
    [, p] = readLeb(buf, p);
    if (flags & 1) [, p] = readLeb(buf, p);
    return p;
  };
  if (kind === 0) return readLeb(buf, at)[1]; // function: type index
  if (kind === 1) return limits(at + 1); // table: reference type, limits
  if (kind === 2) return limits(at); // memory: limits
  if (kind === 3) return at + 2; // global: value type, mutability
  if (kind === 4) return readLeb(buf, at + 1)[1]; // tag: attribute, type index
  throw new Error(`unknown import kind ${kind}`);
}

const exportNames = new Set(WebAssembly.Module.exports(new WebAssembly.Module(wasm)).map((e) => e.name));

const parts = [wasm.subarray(0, 8)];
const renames = new Map();
const GLUE_MODULE = 'w';
const modules = new Set();
const exportRenames = new Map();
const dropped = [];
const customs = [];
let at = 8;
while (at < wasm.length) {
  const id = wasm[at];
  const [size, start] = readLeb(wasm, at + 1);
  const end = start + size;
  if (id === 7) {
    let [count, p] = readLeb(wasm, start);
    const entries = [leb(count)];
    let kept = 0;
    while (count--) {
      let field;
      [field, p] = name(wasm, p);
      const descEnd = readLeb(wasm, p + 1)[1]; // kind byte, index
      if (/^__/.test(field) && !new RegExp(`\\b${field}\\b`).test(glue)) {
        // Read by no one: wasm-bindgen's abort bookkeeping for glue modes this build does not use.
        // (A closure export the glue does not name is an error, below: the glue is not what
        // this script expects.)
        p = descEnd;
        dropped.push(field);
        continue;
      }
      if (/^wasm_bindgen_[0-9a-f]+___convert__closures|^__/.test(field)) {
        if (!exportRenames.has(field)) exportRenames.set(field, `wb${exportRenames.size.toString(36)}`);
        field = exportRenames.get(field);
      }
      kept++;
      entries.push(encodeName(field), wasm.subarray(p, descEnd));
      p = descEnd;
    }
    entries[0] = leb(kept);
    const body = Buffer.concat(entries);
    parts.push(Buffer.from([7]), leb(body.length), body);
  } else if (id === 0) {
    // Custom sections (`producers`, `target_features`): tool names and versions no browser reads.
    customs.push(name(wasm, start)[0]);
  } else if (id !== 2) {
    parts.push(wasm.subarray(at, end));
  } else {
    let [count, p] = readLeb(wasm, start);
    const entries = [leb(count)];
    while (count--) {
      let module, field;
      [module, p] = name(wasm, p);
      [field, p] = name(wasm, p);
      const descEnd = skipDesc(wasm, p);
      // Only the glue's own imports, and never a name the glue also uses for an export.
      if (module.startsWith('./') && !exportNames.has(field)) {
        if (!renames.has(field)) renames.set(field, `_${renames.size.toString(36)}`);
        field = renames.get(field);
      }
      if (module.startsWith('./')) {
        modules.add(module);
        module = GLUE_MODULE;
      }
      entries.push(encodeName(module), encodeName(field), wasm.subarray(p, descEnd));
      p = descEnd;
    }
    const body = Buffer.concat(entries);
    parts.push(Buffer.from([2]), leb(body.length), body);
  }
  at = end;
}

if (new Set(renames.values()).size !== renames.size) throw new Error('two imports got the same short name');
if (modules.size !== 1) throw new Error(`expected the glue as the one import module, found ${[...modules].join(', ')}`);
for (const module of modules) {
  const key = JSON.stringify(module);
  const found = glue.split(key).length - 1;
  if (found !== 1) throw new Error(`${key} appears ${found} times in ${gluePath}; expected once`);
  glue = glue.replace(key, GLUE_MODULE);
}
for (const [from, to] of renames) {
  const pattern = new RegExp(`\\b${from}\\b`, 'g');
  const found = glue.match(pattern)?.length ?? 0;
  if (found !== 1) throw new Error(`${from} appears ${found} times in ${gluePath}; expected once`);
  glue = glue.replace(pattern, to);
}
for (const [from, to] of exportRenames) {
  const pattern = new RegExp(`\\b${from}\\b`, 'g');
  if (!pattern.test(glue)) throw new Error(`${from} is exported but not used by ${gluePath}`);
  if (new RegExp(`\\b${to}\\b`).test(glue)) throw new Error(`${to} is already a name in ${gluePath}`);
  glue = glue.replace(pattern, to);
}
const out = Buffer.concat(parts);
new WebAssembly.Module(out); // still a valid module
writeFileSync(wasmPath, out);
writeFileSync(gluePath, glue);
console.error(
  `shortened ${renames.size} import names and ${exportRenames.size} export names; ` +
    `dropped the exports ${dropped.join(', ') || '(none)'} and the custom sections ${customs.join(', ') || '(none)'}`,
);
