// Prints a Compose file as JSON (the `yaml` package's parse), so the tests can read what it declares.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
process.stdout.write(JSON.stringify(parse(readFileSync(process.argv[2], "utf8"))));
