// Renders a ZPL job with zpl-renderer-js (no network): reads the job on standard input and
// writes one base64 PNG a label format (^XA ... ^XZ) as a JSON list on standard output.
// Usage: node render_zpl.cjs WIDTH_MM HEIGHT_MM DOTS_PER_MM
const { ready } = require("zpl-renderer-js");

async function main() {
  const [widthMm, heightMm, dpmm] = process.argv.slice(2).map(Number);
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const zpl = Buffer.concat(chunks).toString("ascii");
  const { api } = await ready;
  const images = await api.zplToBase64MultipleAsync(zpl, widthMm, heightMm, dpmm);
  // Exit only once the pipe has taken every byte: exiting at once cuts a long answer short.
  await new Promise((resolve) => process.stdout.write(JSON.stringify(images), resolve));
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
    process.exit(1);
  },
);
