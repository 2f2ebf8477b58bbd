// Groups a `twiggy top -f csv` listing of a wasm module (with its name section) by crate.
// node bench/wasm_breakdown.mjs top.csv [N]: prints the groups and the N biggest items (default 40).
// An item belongs to the crate of the type it is for: `<tachys::…HtmlElement<…> as Render>::build`
// is tachys, `core::ptr::drop_in_place::<tessera_widget::…>` is the widget's.
import { readFileSync } from 'node:fs';

const [csv, n = '40'] = process.argv.slice(2);
const rows = parseCsv(readFileSync(csv, 'utf8')).slice(1).map(([name, bytes]) => ({ name, bytes: Number(bytes) }));

function parseCsv(text) {
  const out = []; let row = [], field = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') q = false; else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); out.push(row); row = []; field = ''; }
    else field += c;
  }
  if (field || row.length) { row.push(field); out.push(row); }
  return out;
}

const clean = (s) => s.replace(/\[[0-9a-f]{6,}\]/g, '');
const PRIM = /^(?:str|char|bool|[iu](?:8|16|32|64|128|size)|f32|f64)\b/;
function owner(raw) {
  let s = clean(raw);
  // The widget's own exports, and the glue wasm-bindgen writes around them.
  if (/^mount\b/.test(s)) return 'tessera_widget';
  if (/^export "wasm_bindgen|externref shim|^__wbindgen_|^__externref_/.test(s)) return 'wasm_bindgen';
  const drop = s.match(/^core::ptr::drop_in_place::<(.*)>$/);
  if (drop) s = drop[1];
  const lead = /^[<&(\[\s]+|^(?:mut |dyn |\*const |\*mut )/;
  while (lead.test(s)) s = s.replace(lead, '');
  if (PRIM.test(s)) return /core::fmt|>::_?fmt\b/.test(s) ? 'core::fmt' : 'core'; // impls on primitives
  const any = s.match(/^_ as ([A-Za-z_][A-Za-z0-9_]*)::/); // `<_ as Trait>::f`: the trait's crate
  if (any) return any[1];
  const m = s.match(/^([A-Za-z_][A-Za-z0-9_]*)::/);
  if (!m) return null;
  if (m[1] === 'core' && /^core::fmt::/.test(s)) return 'core::fmt';
  return m[1];
}

const GROUPS = [
  ['the widget (tessera_widget, tessera_core)', (c) => /^tessera_/.test(c)],
  ['leptos, tachys, reactive_graph and their helpers', (c) => /^(leptos\w*|tachys|reactive_graph|any_spawner|throw_error|oco_ref|or_poisoned|server_fn|hydration_context|next_tuple|either_of|send_wrapper|slotmap|guardian|reactive_stores|const_str_slice_concat|codee)$/.test(c)],
  ['wasm-bindgen, js-sys, web-sys (+ futures, streams)', (c) => /^(wasm_bindgen\w*|js_sys|web_sys|wasm_streams|gloo\w*)$/.test(c)],
  ['core (not fmt)', (c) => c === 'core'],
  ['std, alloc, core::fmt, dlmalloc', (c) => /^(std|alloc|core::fmt|dlmalloc|compiler_builtins|panic_abort)$/.test(c)],
  ['other crates', (c) => c !== null],
];
const NAME_SECTION = /subsection$|^custom section 'name'/;
const groups = new Map(GROUPS.map(([g]) => [g, { bytes: 0, mono: 0, crates: new Map() }]));
const extra = { 'static data (data segments)': 0, 'unnamed code, tables, imports, exports, wasm-bindgen shims': 0 };
let shipped = 0;
for (const r of rows) {
  if (NAME_SECTION.test(r.name) || r.name.startsWith('Σ')) continue; // names: not in the shipped file
  shipped += r.bytes;
  if (/^data segment/.test(r.name)) { extra['static data (data segments)'] += r.bytes; continue; }
  const c = owner(r.name);
  const g = c === null ? null : GROUPS.find(([, f]) => f(c));
  if (!g) { if (process.env.DEBUG) console.error(r.bytes, clean(r.name).slice(0, 150)); extra['unnamed code, tables, imports, exports, wasm-bindgen shims'] += r.bytes; continue; }
  const e = groups.get(g[0]);
  e.bytes += r.bytes;
  e.crates.set(c, (e.crates.get(c) || 0) + r.bytes);
  if (!/^tessera_/.test(c) && /tessera_(widget|core)::/.test(clean(r.name))) e.mono += r.bytes;
}
const pct = (b) => `${((100 * b) / shipped).toFixed(1)}%`;
const fmt = (b) => b.toLocaleString('en-US');
console.log('| group | bytes (raw, before compression) | share | of which generic code instantiated for the widget\'s types | biggest crates |');
console.log('|---|---:|---:|---:|---|');
for (const [g, e] of groups) {
  const top = [...e.crates].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([c, b]) => `${c} ${fmt(b)}`).join(', ');
  console.log(`| ${g} | ${fmt(e.bytes)} | ${pct(e.bytes)} | ${e.mono ? fmt(e.mono) : '—'} | ${top} |`);
}
for (const [g, b] of Object.entries(extra)) console.log(`| ${g} | ${fmt(b)} | ${pct(b)} | — | |`);
console.log(`| **total (without the name section)** | **${fmt(shipped)}** | 100% | | |`);
console.log();
console.log(`The ${n} biggest items (crate hashes removed, long names cut):`);
console.log();
console.log('| bytes | item |');
console.log('|---:|---|');
for (const r of rows.filter((r) => !NAME_SECTION.test(r.name) && !r.name.startsWith('Σ')).slice(0, Number(n))) {
  let s = clean(r.name).replace(/\|/g, '\\|');
  if (s.length > 160) s = `${s.slice(0, 110)} … ${s.slice(-45)}`;
  console.log(`| ${fmt(r.bytes)} | \`${s}\` |`);
}
