// Deploys the suite to a network: uploads the four artifacts/*.wasm (or
// reuses codes of the same checksum already on the chain), instantiates the
// whole suite through the DAO in one transaction with the parameters of a
// params file (checked offline first: a bad value fails before anything is
// sent), and on the local test networks (devnet, localnet) runs the demo of
// scripts/demo.ts (registration, a receipts and a metered lease paid and
// settled, a reward claim, a fee change voted through). Prints the addresses
// and writes them, with every transaction's real gas_used, to a JSON file.
//
//   node dist/scripts/deploy.js [--network devnet|localnet|<network.json>] [--params <params.json>]
//                               [--out <file>] [--artifacts <dir>] [--salt <text>] [--no-demo] [--force] [--check]
//
//   --network   devnet (default) or localnet: the chain of the DEVNET_* variables (scripts/<name>.sh env),
//               with its test accounts; or a network file (scripts/network.ts describes it)
//   --params    the suite's parameters (default deploy/params/devnet.json on devnet/localnet; required elsewhere)
//   --out       default $DEVNET_DIR/deployment.json (devnet/localnet) or the network file's `deployment`
//   --force     deploy even when the deployment file describes a suite still on this chain (the old file
//               is kept as <file>.<unix time>.json and the DAO gets the next free salt)
//   --check     only read and check the network and params files (nothing is contacted or sent)
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type CosmWasmClient, instantiate2Address, SigningCosmWasmClient } from "@cosmjs/cosmwasm";
import { sha256 } from "@cosmjs/crypto";
import { fromHex, toHex, toUtf8 } from "@cosmjs/encoding";
import { GasPrice } from "@cosmjs/stargate";
import { accountParser, instantiateMsg, type SuiteAddresses, type SuiteParams, suiteQueryClients } from "../src";
import { arg } from "./cli";
import { runDemo } from "./demo";
import { type Actor, connectActors, GasLog, REPO_ROOT } from "./devnet";
import { externalSigner, loadNetwork, type Network } from "./network";
import { loadParams } from "./params";

const CONTRACTS = ["depin-reward-token", "depin-provider-registry", "depin-billing-escrow", "depin-dao"] as const;
const DEFAULT_SALT = "depin-dao";

/** True when a contract exists at `address` on the chain. */
async function contractExists(client: CosmWasmClient, address: string): Promise<boolean> {
  try {
    await client.getContract(address);
    return true;
  } catch (err) {
    if (/not found|no such contract|no contract/i.test(err instanceof Error ? err.message : String(err))) return false;
    throw err;
  }
}

/** The deployer (and, on test networks, every account the demo uses). */
async function connect(network: Network): Promise<{ deployer: Actor; actors: Record<string, Actor> }> {
  if (network.kind === "test" && network.devnet) {
    const actors = await connectActors(network.devnet, ["deployer", "provider1", "consumer1", "member1", "member2", "member3", "arbiter"]);
    return { deployer: actors.deployer, actors };
  }
  const signer = await externalSigner(network);
  const [{ address }] = await signer.getAccounts();
  const client = await SigningCosmWasmClient.connectWithSigner(network.rpc, signer, {
    gasPrice: GasPrice.fromString(network.gasPrice),
    accountParser,
    broadcastPollIntervalMs: 1000,
  });
  const deployer = { name: "deployer", address, client };
  return { deployer, actors: { deployer } };
}

/** The four artifacts/*.wasm, by contract name. */
function readArtifacts(artifacts: string): Record<string, Uint8Array> {
  const wasm: Record<string, Uint8Array> = {};
  for (const name of CONTRACTS) {
    const file = resolve(artifacts, `${name}.wasm`);
    if (!existsSync(file)) throw new Error(`missing ${file} (scripts/build.sh builds the artifacts)`);
    wasm[name] = readFileSync(file);
  }
  return wasm;
}

/** A deployment file whose DAO still exists on this chain is a live deployment: refused, or set aside with --force. */
async function setAsidePrevious(out: string, chainId: string, client: CosmWasmClient, force: boolean): Promise<void> {
  if (!existsSync(out)) return;
  let previous: { chain_id?: string; addresses?: { dao?: string } } = {};
  try {
    previous = JSON.parse(readFileSync(out, "utf8"));
  } catch {
    // unreadable: treated as no deployment
  }
  const dao = previous.addresses?.dao;
  const live = previous.chain_id === chainId && typeof dao === "string" && (await contractExists(client, dao));
  if (live && !force) {
    throw new Error(
      `${out} describes a suite that is still on chain ${chainId} (DAO ${dao}); pass --force to deploy another one (the file is then kept as a backup) or --out <file>`,
    );
  }
  if (live) {
    const backup = `${out.replace(/\.json$/, "")}.${Math.floor(Date.now() / 1000)}.json`;
    renameSync(out, backup);
    console.log(`--force: the previous deployment file is kept as ${backup}`);
  } else {
    console.log(`replacing ${out}: its suite is not on this chain (a fresh chain)`);
  }
}

interface Codes {
  codeIds: Record<string, number>;
  checksums: Record<string, string>;
  reused: Record<string, boolean>;
}

/** Uploads each contract, or reuses the newest code with the same checksum already on the chain. */
async function upload(deployer: Actor, wasm: Record<string, Uint8Array>, gas: GasLog): Promise<Codes> {
  console.log("upload (codes with the same checksum already on the chain are reused)");
  const existing = await deployer.client.getCodes();
  const codes: Codes = { codeIds: {}, checksums: {}, reused: {} };
  for (const name of CONTRACTS) {
    const checksum = toHex(sha256(wasm[name]));
    const same = existing.filter((c) => c.checksum.toLowerCase() === checksum).sort((a, b) => b.id - a.id)[0];
    if (same) {
      codes.codeIds[name] = same.id;
      codes.checksums[name] = checksum;
      codes.reused[name] = true;
      console.log(`  ${name}: reusing code ${same.id} (same checksum ${checksum.slice(0, 12)}…, uploaded by ${same.creator})`);
      continue;
    }
    const result = gas.add(`upload ${name}`, await deployer.client.upload(deployer.address, wasm[name], "auto", name));
    if (result.checksum.toLowerCase() !== checksum)
      throw new Error(`the chain reports checksum ${result.checksum} for ${name}, expected ${checksum}`);
    codes.codeIds[name] = result.codeId;
    codes.checksums[name] = result.checksum;
    codes.reused[name] = false;
  }
  return codes;
}

// instantiate2 gives the DAO's address in advance, so the DAO is its own
// wasm admin from the start (migrations go through proposals).
// A fixed salt gives the same addresses on every fresh devnet. When that
// address is taken (a --force redeployment on the same chain), the next free
// salt (depin-dao-2, -3, …) is used; an explicit --salt must be free.
async function freeSalt(deployer: Actor, daoChecksum: string, prefix: string): Promise<{ saltText: string; daoAddress: string }> {
  const saltArg = arg("--salt");
  let saltText = saltArg ?? DEFAULT_SALT;
  const addressOf = (salt: string) => instantiate2Address(fromHex(daoChecksum), deployer.address, toUtf8(salt), prefix);
  let daoAddress = addressOf(saltText);
  for (let n = 2; await contractExists(deployer.client, daoAddress); n++) {
    if (saltArg !== undefined)
      throw new Error(`--salt ${saltArg}: the DAO's address ${daoAddress} is taken on this chain; choose another salt`);
    if (n > 100) throw new Error(`no free salt from ${DEFAULT_SALT} to ${DEFAULT_SALT}-100 for this deployer; pass --salt <text>`);
    saltText = `${DEFAULT_SALT}-${n}`;
    daoAddress = addressOf(saltText);
  }
  if (saltText !== (saltArg ?? DEFAULT_SALT)) console.log(`the DAO's default address is taken on this chain: salt ${saltText}`);
  return { saltText, daoAddress };
}

/** The whole suite instantiated by the DAO in one transaction; returns the salt used and the four addresses. */
async function instantiateSuite(
  deployer: Actor,
  network: Network,
  params: SuiteParams,
  codeIds: Record<string, number>,
  daoChecksum: string,
  gas: GasLog,
): Promise<{ saltText: string; addresses: SuiteAddresses }> {
  console.log("instantiate the suite through the DAO (one transaction)");
  const instantiate = instantiateMsg(params, {
    token: codeIds["depin-reward-token"],
    registry: codeIds["depin-provider-registry"],
    escrow: codeIds["depin-billing-escrow"],
  });
  const { saltText, daoAddress } = await freeSalt(deployer, daoChecksum, network.prefix);
  const dao = gas.add(
    "instantiate depin-dao (whole suite)",
    await deployer.client.instantiate2(deployer.address, codeIds["depin-dao"], toUtf8(saltText), instantiate, "depin-dao", "auto", {
      admin: daoAddress,
    }),
  );
  if (dao.contractAddress !== daoAddress) throw new Error(`the DAO is at ${dao.contractAddress}, predicted ${daoAddress}`);
  const suite = await suiteQueryClients(deployer.client, {
    dao: dao.contractAddress,
    rewardToken: "",
    providerRegistry: "",
    billingEscrow: "",
  }).dao.suite();
  const addresses: SuiteAddresses = {
    dao: dao.contractAddress,
    rewardToken: suite.token,
    providerRegistry: suite.registry,
    billingEscrow: suite.escrow,
  };
  console.log(JSON.stringify(addresses, null, 2));
  return { saltText, addresses };
}

// The DAO administers itself, the registry and the escrow (upgrades wait out
// the DAO's exit window); the reward token is immutable: it has no admin.
async function checkAdmins(client: CosmWasmClient, addresses: SuiteAddresses): Promise<void> {
  for (const [name, address] of Object.entries(addresses)) {
    const admin = (await client.getContract(address)).admin;
    const expected = name === "rewardToken" ? undefined : addresses.dao;
    if (admin !== expected) throw new Error(`${name}'s wasm admin is ${admin ?? "none"}, expected ${expected ?? "none"}`);
  }
}

/** The params file: required off the test networks, devnet's by default on them. */
function paramsFileOf(network: Network): string {
  const paramsArg = arg("--params");
  if (!paramsArg && network.kind !== "test") {
    throw new Error(
      `--params <file> is required for ${network.name} (deploy/params/production-example.json shows one; deploy/params/devnet.json has test periods)`,
    );
  }
  return resolve(paramsArg ?? resolve(REPO_ROOT, "deploy/params/devnet.json"));
}

async function main(): Promise<void> {
  const network = loadNetwork(arg("--network") ?? "devnet");
  const demoWanted = network.kind === "test" && !process.argv.includes("--no-demo");
  const paramsFile = paramsFileOf(network);
  // Everything that can be checked offline is checked before connecting.
  const params = loadParams(paramsFile, network.prefix);
  if (process.argv.includes("--check")) {
    console.log(`network ${network.name} (${network.source}) and params ${paramsFile}: valid`);
    return;
  }
  const out = resolve(arg("--out") ?? network.deploymentFile);
  const wasm = readArtifacts(resolve(arg("--artifacts") ?? resolve(REPO_ROOT, "artifacts")));
  console.log(`network ${network.name} (${network.source}), params ${paramsFile}: valid`);
  if (network.kind !== "test")
    console.log(`${network.name} is not a local test network: deploy only, no demo (the demo uses the test accounts)`);
  const gas = new GasLog();
  const started = Date.now();

  const { deployer, actors } = await connect(network);
  const chainId = await deployer.client.getChainId();
  if (chainId !== network.chainId) throw new Error(`the node at ${network.rpc} runs chain ${chainId}, expected ${network.chainId}`);
  console.log(`chain ${chainId} at ${network.rpc}, height ${await deployer.client.getHeight()}, deployer ${deployer.address}`);
  await setAsidePrevious(out, chainId, deployer.client, process.argv.includes("--force"));

  const { codeIds, checksums, reused } = await upload(deployer, wasm, gas);
  const { saltText, addresses } = await instantiateSuite(deployer, network, params, codeIds, checksums["depin-dao"], gas);
  await checkAdmins(deployer.client, addresses);

  let demo: Record<string, unknown> = {};
  if (demoWanted) {
    console.log("demo");
    demo = await runDemo(actors, addresses, chainId, gas);
  }

  const deployment = {
    network: network.name,
    chain_id: chainId,
    rpc: network.rpc,
    params_file: paramsFile,
    salt: saltText,
    code_ids: codeIds,
    checksums,
    reused_codes: reused,
    addresses,
    accounts: Object.fromEntries(Object.values(actors).map((a) => [a.name, a.address])),
    demo,
    gas: gas.records,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(deployment, null, 2)}\n`);
  console.log(`deployment written to ${out} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  for (const client of Object.values(actors)) client.client.disconnect();
}

main().catch((err) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
