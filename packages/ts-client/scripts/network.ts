// Where a deployment goes: `devnet` and `localnet` (the local test chains of
// scripts/devnet.sh and scripts/localnet.sh, described by the DEVNET_*
// variables their `env` prints, with the funded test accounts), or a network
// file (deploy/networks/*.json) describing any chain:
//
//   {
//     "name": "my-testnet",                  used for the default deployment file .tools/deployments/<name>.json
//     "rpc": "https://rpc.example.org:443",
//     "chain_id": "my-testnet-1",
//     "bech32_prefix": "wasm",
//     "gas_price": "0.025",  "fee_denom": "ustake",
//     "key": {"mnemonic_env": "DEPIN_DEPLOYER_MNEMONIC"}              a mnemonic read from that variable
//        or {"keyring": {"name": "deployer", "backend": "test", "dir": "~/.wasmd", "binary": "wasmd"}}
//     "deployment": "deploy/deployments/my-testnet.json"                 optional, relative to the repository
//   }
//
// The keyring case runs `<binary> keys export <name> --unarmored-hex --unsafe
// --yes` once and keeps the private key in this process's memory only (never
// written anywhere); with the `file` or `os` backend wasmd asks for the
// keyring's passphrase on the terminal.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import { stripVTControlCharacters } from "node:util";
import { stringToPath } from "@cosmjs/crypto";
import { fromHex } from "@cosmjs/encoding";
import { DirectSecp256k1HdWallet, DirectSecp256k1Wallet, type OfflineDirectSigner } from "@cosmjs/proto-signing";
import { GasPrice } from "@cosmjs/stargate";
import { type DevnetConfig, devnetConfig, REPO_ROOT } from "./devnet";

export type NetworkKey =
  | { mnemonic_env: string; hd_path?: string }
  | { keyring: { name: string; backend: "test" | "file" | "os"; dir?: string; binary?: string } };

export interface Network {
  name: string;
  /** `test`: devnet or localnet, with the test accounts (the demo runs there); `external`: a network file. */
  kind: "test" | "external";
  rpc: string;
  chainId: string;
  prefix: string;
  /** e.g. "0.025ustake" */
  gasPrice: string;
  /** The default deployment file. */
  deploymentFile: string;
  /** Test networks: their DevnetConfig (accounts file, directory). */
  devnet?: DevnetConfig;
  /** External networks: how the deployer signs. */
  key?: NetworkKey;
  /** Where the description came from. */
  source: string;
}

export const TEST_NETWORKS = ["devnet", "localnet"] as const;

/** `devnet`, `localnet` or the path of a network file. */
export function loadNetwork(spec: string): Network {
  if ((TEST_NETWORKS as readonly string[]).includes(spec)) {
    // scripts/deploy.sh exports the variables of `scripts/<spec>.sh env`.
    const config = devnetConfig();
    return {
      name: spec,
      kind: "test",
      rpc: config.rpc,
      chainId: config.chainId,
      prefix: "wasm",
      gasPrice: config.gasPrice,
      deploymentFile: resolve(config.dir, "deployment.json"),
      devnet: config,
      source: `scripts/${spec}.sh env`,
    };
  }
  const file = resolve(spec);
  if (!existsSync(file)) {
    throw new Error(`--network ${spec}: neither devnet, localnet nor an existing network file`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`the network file ${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return checkNetwork(raw, file);
}

/** A required non-empty string field: its value, or "" with a problem. */
function requiredString(problems: string[], o: Record<string, unknown>, key: string, path = key): string {
  const v = o[key];
  if (typeof v !== "string" || v.trim() === "") {
    problems.push(`${path} must be a non-empty string`);
    return "";
  }
  return v;
}

/** gas_price and fee_denom as one CosmJS gas price ("0.025ustake"); "" when either is missing. */
function checkGasPrice(problems: string[], o: Record<string, unknown>): string {
  const price = requiredString(problems, o, "gas_price");
  const denom = requiredString(problems, o, "fee_denom");
  if (!price || !denom) return "";
  const gasPrice = `${price}${denom}`;
  try {
    GasPrice.fromString(gasPrice);
  } catch (err) {
    problems.push(`gas_price "${price}" with fee_denom "${denom}" is not a gas price: ${err instanceof Error ? err.message : String(err)}`);
  }
  return gasPrice;
}

function checkKeyring(problems: string[], r: unknown): NetworkKey | undefined {
  if (typeof r !== "object" || r === null) {
    problems.push("key.keyring must be an object with name, backend and optionally dir and binary");
    return undefined;
  }
  const kr = r as Record<string, unknown>;
  const keyName = requiredString(problems, kr, "name", "key.keyring.name");
  const backend = kr.backend;
  if (backend !== "test" && backend !== "file" && backend !== "os")
    problems.push(`key.keyring.backend must be "test", "file" or "os", not ${JSON.stringify(backend)}`);
  for (const f of ["dir", "binary"]) {
    if (kr[f] !== undefined && (typeof kr[f] !== "string" || kr[f] === ""))
      problems.push(`key.keyring.${f} must be a non-empty string when given`);
  }
  return {
    keyring: {
      name: keyName,
      backend: backend as "test" | "file" | "os",
      ...(typeof kr.dir === "string" ? { dir: kr.dir } : {}),
      ...(typeof kr.binary === "string" ? { binary: kr.binary } : {}),
    },
  };
}

/** The deployer's key: a mnemonic variable or a keyring entry. */
function checkKey(problems: string[], k: unknown): NetworkKey | undefined {
  if (typeof k !== "object" || k === null || Array.isArray(k)) {
    problems.push(
      `key is missing: {"mnemonic_env": "<VARIABLE>"} or {"keyring": {"name": "<key>", "backend": "test|file|os", "dir": "<keyring dir>"}}`,
    );
    return undefined;
  }
  if ("mnemonic_env" in k) {
    const m = k as Record<string, unknown>;
    const variable = requiredString(problems, m, "mnemonic_env", "key.mnemonic_env");
    if (m.hd_path !== undefined && typeof m.hd_path !== "string") problems.push(`key.hd_path must be a string such as "m/44'/118'/0'/0/0"`);
    return { mnemonic_env: variable, ...(typeof m.hd_path === "string" ? { hd_path: m.hd_path } : {}) };
  }
  if ("keyring" in k) return checkKeyring(problems, (k as Record<string, unknown>).keyring);
  problems.push(`key must hold "mnemonic_env" or "keyring"`);
  return undefined;
}

/** Checks a parsed network file; throws one message listing every problem. */
export function checkNetwork(raw: unknown, source: string): Network {
  const problems: string[] = [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error(`${source}: a network file is a JSON object`);
  }
  const o = raw as Record<string, unknown>;
  const known = ["name", "rpc", "chain_id", "bech32_prefix", "gas_price", "fee_denom", "key", "deployment"];
  for (const key of Object.keys(o)) {
    if (!key.startsWith("//") && !known.includes(key)) problems.push(`${key} is not a network field (expected ${known.join(", ")})`);
  }
  const name = requiredString(problems, o, "name");
  if (name && !/^[A-Za-z0-9._-]+$/.test(name))
    problems.push(`name must be letters, digits, '.', '_' or '-' (it names the deployment file), not ${JSON.stringify(name)}`);
  if (TEST_NETWORKS.includes(name as (typeof TEST_NETWORKS)[number])) problems.push(`name ${name} is reserved for the local test network`);
  const rpc = requiredString(problems, o, "rpc");
  if (rpc && !/^(https?|wss?):\/\/[^\s]+$/.test(rpc)) problems.push(`rpc must be an http(s) or ws(s) URL, not ${JSON.stringify(rpc)}`);
  const chainId = requiredString(problems, o, "chain_id");
  const prefix = requiredString(problems, o, "bech32_prefix");
  if (prefix && !/^[a-z][a-z0-9]*$/.test(prefix))
    problems.push(`bech32_prefix must be lower-case letters and digits, not ${JSON.stringify(prefix)}`);
  const gasPrice = checkGasPrice(problems, o);
  const key = checkKey(problems, o.key);
  if (o.deployment !== undefined && typeof o.deployment !== "string") problems.push("deployment must be a path string");
  if (problems.length > 0) throw new Error(`${source}: invalid network file:\n  - ${problems.join("\n  - ")}`);
  const deployment = typeof o.deployment === "string" ? o.deployment : `.tools/deployments/${name}.json`;
  return {
    name,
    kind: "external",
    rpc,
    chainId,
    prefix,
    gasPrice,
    deploymentFile: isAbsolute(deployment) ? deployment : resolve(REPO_ROOT, deployment),
    key,
    source,
  };
}

function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? resolve(homedir(), path.slice(2)) : path;
}

/** The external network's deployer signer (mnemonic variable or keyring export). */
export async function externalSigner(network: Network): Promise<OfflineDirectSigner> {
  const key = network.key;
  if (!key) throw new Error(`the network ${network.name} has no key`);
  if ("mnemonic_env" in key) {
    const mnemonic = process.env[key.mnemonic_env];
    if (!mnemonic || mnemonic.trim() === "") {
      throw new Error(
        `the deployer's mnemonic is read from $${key.mnemonic_env}, which is not set: export ${key.mnemonic_env}="<24 words>" (${network.source})`,
      );
    }
    return DirectSecp256k1HdWallet.fromMnemonic(mnemonic.trim(), {
      prefix: network.prefix,
      ...(key.hd_path ? { hdPaths: [stringToPath(key.hd_path)] } : {}),
    });
  }
  const { name, backend, dir, binary } = key.keyring;
  const wasmd = binary ?? process.env.WASMD_BIN ?? "wasmd";
  const args = ["keys", "export", name, "--unarmored-hex", "--unsafe", "--yes", "--keyring-backend", backend];
  if (dir) args.push("--keyring-dir", expandHome(dir));
  let hex: string;
  try {
    // stdin from the terminal: the file and os backends ask for the passphrase.
    hex = execFileSync(wasmd, args, { encoding: "utf8", stdio: ["inherit", "pipe", "pipe"] }).trim();
  } catch (err) {
    // wasmd prints its usage before the error: keep the error line only.
    const lines = stripVTControlCharacters((err as { stderr?: string }).stderr?.toString() ?? "")
      .split("\n")
      .map((l) => l.trim());
    const stderr = lines.filter((l) => /ERR|Error|error/.test(l)).pop() ?? lines.filter(Boolean).pop();
    throw new Error(
      `cannot read key ${name} from the ${backend} keyring${dir ? ` in ${dir}` : ""} with ${wasmd} keys export` +
        `${stderr ? `: ${stderr}` : `: ${err instanceof Error ? err.message : String(err)}`}` +
        ` (set key.keyring.binary or WASMD_BIN to the chain's binary if it is not "wasmd" on the PATH)`,
    );
  }
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`${wasmd} keys export ${name} did not print a 32-byte hex private key`);
  return DirectSecp256k1Wallet.fromKey(fromHex(hex), network.prefix);
}
