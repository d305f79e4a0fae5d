// Regenerates src/generated/ from the committed JSON schemas (../../schema/<contract>.json)
// with @cosmwasm/ts-codegen: types, a query client + signing client and a message
// composer per contract. `node scripts/codegen.mjs --out <dir>` writes elsewhere
// (scripts/ts-client.sh uses that to check src/generated/ is fresh).
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import codegenModule from "@cosmwasm/ts-codegen";

const codegen = codegenModule.default ?? codegenModule;
const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, "..");
const schemaDir = resolve(pkg, "../../schema");

const outFlag = process.argv.indexOf("--out");
const outPath = outFlag >= 0 ? resolve(process.argv[outFlag + 1]) : join(pkg, "src/generated");

// schema/<file>.json -> the contract's TypeScript name.
const CONTRACTS = {
  "reward-token": "RewardToken",
  "provider-registry": "ProviderRegistry",
  "billing-escrow": "BillingEscrow",
  dao: "Dao",
};

const found = readdirSync(schemaDir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => f.slice(0, -5))
  .sort();
const known = Object.keys(CONTRACTS).sort();
if (found.join() !== known.join()) {
  console.error(`error: schema/ holds [${found}], codegen.mjs knows [${known}]: update CONTRACTS`);
  process.exit(1);
}

// ts-codegen reads one directory per contract, holding that contract's single IDL file.
const staging = mkdtempSync(join(tmpdir(), "depin-codegen-"));
try {
  const contracts = known.map((file) => {
    const dir = join(staging, file);
    mkdirSync(dir);
    cpSync(join(schemaDir, `${file}.json`), join(dir, `${file}.json`));
    return { name: CONTRACTS[file], dir };
  });
  rmSync(outPath, { recursive: true, force: true });
  await codegen({
    contracts,
    outPath,
    options: {
      bundle: { enabled: false },
      types: { enabled: true },
      // The DAO has both an execute `vote` and a query `vote`: a signing client
      // that extends the query client would clash, so they stay separate classes.
      client: { enabled: true, execExtendsQuery: false },
      messageComposer: { enabled: true },
      reactQuery: { enabled: false },
      recoil: { enabled: false },
      messageBuilder: { enabled: false },
      useContractsHook: { enabled: false },
    },
  });
} finally {
  rmSync(staging, { recursive: true, force: true });
}
console.log(`generated ${readdirSync(outPath).sort().join(" ")} in ${outPath}`);
