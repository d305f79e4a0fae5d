// The package's two halves stay apart: the library (src/, the `.` export the
// dApp and other clients import) never imports the operator scripts, the e2e
// tests or the unit tests, and package.json exports nothing else.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, it } from "node:test";

const PACKAGE = resolve(__dirname, "../..");
const SRC = join(PACKAGE, "src");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The relative module specifiers a file loads: `from "./x"`, `import "./x"`, `import("./x")`, `require("./x")`. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:\bfrom|\bimport|\brequire)\s*\(?\s*["'](\.[^"']*)["']/g)].map((m) => m[1]);
}

describe("package layout", () => {
  it("the library imports only itself and packages, never scripts/, e2e/ or test/", () => {
    const files = sources(SRC);
    assert.ok(files.length > 10, `found only ${files.length} files under ${SRC}`);
    const outside: string[] = [];
    for (const file of files) {
      for (const specifier of relativeImports(file)) {
        const target = relative(SRC, resolve(dirname(file), specifier));
        if (target.startsWith("..")) outside.push(`${relative(PACKAGE, file)} imports ${specifier}`);
      }
    }
    assert.deepEqual(outside, []);
  });

  it("package.json exports the library alone", () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));
    assert.deepEqual(Object.keys(pkg.exports).sort(), [".", "./package.json"]);
    assert.equal(pkg.exports["."].default, "./dist/src/index.js");
    assert.equal(pkg.main, "dist/src/index.js");
  });

  it("build tools are devDependencies", () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));
    for (const tool of ["typescript", "@cosmwasm/ts-codegen", "@types/node", "@biomejs/biome"]) {
      assert.ok(tool in pkg.devDependencies, `${tool} is not a devDependency`);
      assert.ok(!(tool in pkg.dependencies), `${tool} is a runtime dependency`);
    }
  });
});
