// Writes FILE.br (Brotli, quality 11) and FILE.gz (gzip, level 9) beside each static
// asset (.js .mjs .css .html .wasm .json .svg) under the folders or files named, for
// the server to send to clients that accept them (server/src/http/static_files/).
//
//   node scripts/precompress.mjs www/sdk www/editor www/demo www/index.html
//
// Each copy is written to a temporary file and renamed, so a server never reads half
// of one, and is dated 2 ms after its file (node sets times in milliseconds, files
// keep nanoseconds): the server serves a copy only when it is not older than its
// file, so a copy left from an earlier build, or one made while its file was being
// rebuilt (which dates the file now, later than that), is never sent. A copy that would not be
// smaller than its file is removed instead. Prints one line per folder or file named.
import { promises as fs } from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const ASSET = /\.(m?js|css|html|wasm|json|svg)$/;

async function* assets(target) {
  const stat = await fs.stat(target);
  if (stat.isFile()) {
    if (ASSET.test(target)) yield target;
    return;
  }
  for (const entry of await fs.readdir(target, { withFileTypes: true })) {
    const full = path.join(target, entry.name);
    if (entry.isDirectory()) yield* assets(full);
    else if (entry.isFile() && ASSET.test(entry.name)) yield full;
  }
}

function brotli(bytes, file) {
  return zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 22,
      [zlib.constants.BROTLI_PARAM_MODE]: file.endsWith(".wasm")
        ? zlib.constants.BROTLI_MODE_GENERIC
        : zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

function gzip(bytes) {
  return zlib.gzipSync(bytes, { level: 9 });
}

// Writes the copies of FILE; returns [plain, br, gz] sizes (0: no copy kept).
async function precompress(file) {
  const before = await fs.stat(file, { bigint: true });
  const copyTime = (Number(before.mtimeNs / 1000000n) + 2) / 1000;
  const bytes = await fs.readFile(file);
  const sizes = [bytes.length];
  for (const [ext, compress] of [["br", brotli], ["gz", gzip]]) {
    const copy = `${file}.${ext}`;
    const compressed = compress(bytes, file);
    if (compressed.length >= bytes.length) {
      await fs.rm(copy, { force: true });
      sizes.push(0);
      continue;
    }
    const tmp = `${copy}.tmp-${process.pid}`;
    await fs.writeFile(tmp, compressed);
    await fs.utimes(tmp, copyTime, copyTime);
    await fs.rename(tmp, copy);
    sizes.push(compressed.length);
  }
  const after = await fs.stat(file, { bigint: true });
  if (after.mtimeNs !== before.mtimeNs || after.size !== before.size) {
    // Rebuilt while it was read: its copies are older than it and will not be
    // served; the next build writes them again.
    console.warn(`precompress: ${file} changed while it was compressed`);
  }
  return sizes;
}

const targets = process.argv.slice(2);
if (targets.length === 0) {
  console.error("usage: node scripts/precompress.mjs FOLDER|FILE...");
  process.exit(2);
}
for (const target of targets) {
  const totals = [0, 0, 0];
  let count = 0;
  try {
    for await (const file of assets(target)) {
      const sizes = await precompress(file);
      sizes.forEach((size, i) => (totals[i] += size || sizes[0]));
      count += 1;
    }
  } catch (error) {
    console.error(`precompress: ${target}: ${error.message}`);
    process.exit(1);
  }
  const kb = (bytes) => (bytes / 1024).toFixed(1);
  console.log(
    `precompressed ${target}: ${count} files, ${kb(totals[0])} KB -> ` +
      `br ${kb(totals[1])} KB, gzip ${kb(totals[2])} KB`,
  );
}
