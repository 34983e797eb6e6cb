// Validates rendered Kubernetes manifests (multi-document YAML files, e.g. `kubectl kustomize` output) against
// the Kubernetes OpenAPI schemas compiled into the npm package kubernetes-models (an independent validator:
// the schemas come from the Kubernetes API, not from this project). Prints one JSON object:
//   {"ok": bool, "documents": [{file, kind, name, errors: [...], object}]}
// and exits 1 when any document is invalid or of a kind the package does not know.
//   node validate.mjs rendered-base.yaml rendered-gpu.yaml
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

async function modelFor(apiVersion, kind) {
  // "apps/v1" -> kubernetes-models/apps/v1/Deployment; core "v1" -> kubernetes-models/v1/Service
  const path = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    return (await import(path))[kind];
  } catch {
    return undefined;
  }
}

const documents = [];
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      documents.push({ file, errors: doc.errors.map(String) });
      continue;
    }
    const object = doc.toJS();
    if (object == null) continue;
    const entry = { file, kind: object.kind, name: object.metadata?.name, errors: [], object };
    const Model = await modelFor(object.apiVersion, object.kind);
    if (!Model) {
      entry.errors.push(`no schema for ${object.apiVersion} ${object.kind}`);
    } else {
      try {
        new Model(object).validate();
      } catch (e) {
        entry.errors.push(String(e.message ?? e));
      }
    }
    documents.push(entry);
  }
}
const ok = documents.length > 0 && documents.every((d) => d.errors.length === 0);
process.stdout.write(JSON.stringify({ ok, documents }) + "\n");
process.exit(ok ? 0 : 1);
