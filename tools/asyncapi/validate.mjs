// Validates an AsyncAPI document with AsyncAPI's own parser (@asyncapi/parser: schema, references, its rule set).
// Usage: node validate.mjs <document.yaml>. Exit 0 when valid (errors fail; warnings are printed).
import { readFile } from "node:fs/promises";
import { Parser } from "@asyncapi/parser";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate.mjs <asyncapi.yaml>");
  process.exit(2);
}
const parser = new Parser();
const { document, diagnostics } = await parser.parse(await readFile(file, "utf8"), { source: file });
const errors = diagnostics.filter((d) => d.severity === 0);
for (const d of diagnostics) console.error(`${d.severity === 0 ? "error" : "warning"}: ${d.message} at ${d.path.join(".")}`);
if (!document || errors.length > 0) {
  console.error(`invalid: ${errors.length} error(s)`);
  process.exit(1);
}
console.log(`valid: AsyncAPI ${document.version()}, ${document.channels().length} channels, ${document.operations().length} operations, ${document.components().messages().length} messages`);
