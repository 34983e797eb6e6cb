// Validates an OpenAPI document against the OpenAPI 3 schema and checks every $ref resolves
// (@apidevtools/swagger-parser). Usage: node validate.mjs <document.json>. Exit 0 when valid.
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate.mjs <openapi.json>");
  process.exit(2);
}
try {
  const api = await SwaggerParser.validate(file);
  const operations = Object.values(api.paths).flatMap((item) => Object.keys(item)).length;
  console.log(`valid: OpenAPI ${api.openapi}, ${Object.keys(api.paths).length} paths, ${operations} operations`);
} catch (error) {
  console.error(`invalid: ${error.message}`);
  process.exit(1);
}
