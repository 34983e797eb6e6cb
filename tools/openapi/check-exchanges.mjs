// Checks HTTP exchanges recorded against the live service (one JSON object per line) against an OpenAPI 3.0 document,
// with nothing from the service's own code: the document's schemas are compiled by Ajv (draft-04, the dialect of
// OpenAPI 3.0 schemas, plus its `nullable`).
// Usage: node check-exchanges.mjs <openapi.json> <exchanges.ndjson> [report.json]. Exit 0 when every exchange conforms.
//
// An exchange: {method, path, query?, authorized, keysRequired, requestContentType?, requestJson?, requestForm?, probe?,
//               status, responseContentType?, responseJson?, responseLines?, responseLength}
// Rules, per exchange:
//  - the method and path are a documented operation;
//  - the status is one of the operation's documented statuses (no `default`), and 401 only comes without a key;
//  - a body comes with a documented content type for that status, and JSON (or each NDJSON line) matches its schema;
//  - a request sent without a key, where the operation declares a security requirement and keys are on, gets 401;
//  - a JSON or form request outside its documented schema is refused with 400 (naming the field for a `probe`), and a
//    `probe` request inside it is not refused with 400.
import { readFileSync, writeFileSync } from "node:fs";
import Ajv from "ajv-draft-04";

const [documentPath, exchangesPath, reportPath] = process.argv.slice(2);
if (!documentPath || !exchangesPath) {
  console.error("usage: node check-exchanges.mjs <openapi.json> <exchanges.ndjson> [report.json]");
  process.exit(2);
}
const document = JSON.parse(readFileSync(documentPath, "utf8"));
const exchanges = readFileSync(exchangesPath, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));

// OpenAPI's numeric and binary formats say nothing Ajv has to check.
const formats = Object.fromEntries(["int32", "int64", "float", "double", "binary", "byte", "date-time", "uri"].map((f) => [f, true]));
const strict = new Ajv({ strict: false, allErrors: true, formats });
// Form fields arrive as text: the same schema, with "4.5" read as the number the form field means.
const coercing = new Ajv({ strict: false, allErrors: true, formats, coerceTypes: true });
const validators = new Map();
function validator(ajv, key, schema) {
  const id = `${ajv === coercing ? "form" : "json"}:${key}`;
  if (!validators.has(id)) validators.set(id, ajv.compile({ allOf: [schema], components: document.components }));
  return validators.get(id);
}

const operations = [];
for (const [template, item] of Object.entries(document.paths)) {
  const pattern = new RegExp("^" + template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")).join("[^/]+") + "$");
  for (const [method, operation] of Object.entries(item)) operations.push({ template, method: method.toUpperCase(), pattern, operation });
}
// Literal paths before templated ones (/v1/zipvoice/voices/cache/clear is not /v1/zipvoice/voices/{name}).
operations.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));

const mediaType = (value) => (value ?? "").split(";")[0].trim().toLowerCase();
const failures = [];
const coverage = {};

for (const [index, exchange] of exchanges.entries()) {
  const where = `#${index + 1} ${exchange.method} ${exchange.path}${exchange.query ?? ""} -> ${exchange.status}`;
  const fail = (message) => failures.push(`${where}: ${message}`);
  const found = operations.find((o) => o.method === exchange.method && o.pattern.test(exchange.path));
  if (!found) { fail("no documented operation"); continue; }
  const { operation } = found;
  const id = operation.operationId ?? `${found.method} ${found.template}`;
  const status = String(exchange.status);
  const response = operation.responses?.[status];
  (coverage[id] ??= new Set()).add(status);
  if (!response) { fail(`status ${status} is not documented for ${id} (documented: ${Object.keys(operation.responses ?? {}).join(", ")})`); continue; }

  // The response body.
  const type = mediaType(exchange.responseContentType);
  const content = response.content ?? {};
  if (exchange.responseLength > 0 || type) {
    if (!content[type]) fail(`content type '${type}' is not documented for ${id} ${status} (documented: ${Object.keys(content).join(", ") || "no body"})`);
    else if (content[type].schema) {
      const bodies = type === "application/json" ? [exchange.responseJson] : type === "application/x-ndjson" ? (exchange.responseLines ?? []) : [];
      if (type === "application/json" && exchange.responseJson === undefined) fail("the JSON response was not JSON");
      const validate = validator(strict, `${id}:${status}:${type}`, content[type].schema);
      for (const body of bodies) {
        if (!validate(body)) fail(`response body does not match the ${id} ${status} schema: ${strict.errorsText(validate.errors)}`);
      }
    }
  }

  // Keys.
  const secured = (operation.security ?? document.security ?? []).some((r) => Object.keys(r).length > 0);
  if (status === "401" && exchange.authorized) fail("401 although the request carried a valid key");
  if (secured && exchange.keysRequired && !exchange.authorized && status !== "401") fail(`the operation declares ${JSON.stringify(operation.security)} but answered ${status} without a key`);
  if (!secured && status === "401") fail("401 from an operation that declares no security requirement");

  // The request against its documented schema.
  const requestType = mediaType(exchange.requestContentType);
  const requestSchema = operation.requestBody?.content?.[requestType]?.schema;
  let sent;
  if (requestSchema && exchange.requestJson !== undefined) sent = { ajv: strict, body: exchange.requestJson };
  else if (requestSchema && exchange.requestForm) {
    // Object fields (normalization_options) travel as JSON text in a form.
    const form = Object.fromEntries(Object.entries(exchange.requestForm).map(([k, v]) => {
      if (typeof v === "string" && /^\s*[{[]/.test(v)) { try { return [k, JSON.parse(v)]; } catch { /* left as text */ } }
      return [k, v];
    }));
    sent = { ajv: coercing, body: form };
  }
  if (sent && (!exchange.keysRequired || exchange.authorized)) {
    const validate = validator(sent.ajv, `${id}:request:${requestType}`, requestSchema);
    const valid = validate(sent.body);
    const fields = valid ? [] : [...new Set(validate.errors.map((e) => e.instancePath.split("/")[1] || e.params?.missingProperty || ""))];
    if (!valid && status.startsWith("2")) fail(`a request outside the documented schema was accepted (${sent.ajv.errorsText(validate.errors)})`);
    if (!valid && exchange.probe && (status !== "400" || exchange.responseJson?.error?.param !== exchange.probe))
      fail(`${exchange.probe} outside its documented range or values should be a 400 naming it; got ${status} param '${exchange.responseJson?.error?.param}' (${sent.ajv.errorsText(validate.errors)})`);
    if (valid && exchange.probe && status === "400")
      fail(`${exchange.probe} = ${JSON.stringify(sent.body[exchange.probe])} is inside its documented range or values but was refused: ${exchange.responseJson?.error?.message}`);
    if (!valid && exchange.probe && !fields.includes(exchange.probe)) fail(`the probe of ${exchange.probe} is outside the document for other fields too: ${fields.join(", ")}`);
  }
}

const report = {
  exchanges: exchanges.length,
  failures,
  coverage: Object.fromEntries(Object.entries(coverage).map(([k, v]) => [k, [...v].sort()])),
  documented: Object.fromEntries(operations.map((o) => [o.operation.operationId ?? `${o.method} ${o.template}`, Object.keys(o.operation.responses ?? {}).sort()])),
};
if (reportPath) writeFileSync(reportPath, JSON.stringify(report, null, 2));
for (const failure of failures) console.error(failure);
console.log(`${exchanges.length} exchanges, ${failures.length} failures`);
process.exit(failures.length ? 1 : 0);
