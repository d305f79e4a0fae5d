// Deploys the suite to the devnet of scripts/devnet.sh: uploads the four
// artifacts/*.wasm, instantiates the whole suite through the DAO in one
// transaction, runs the demo of scripts/demo.ts (registration, a receipts and a
// metered lease paid and settled, a reward claim, a fee change voted through),
// prints the addresses and writes them, with every transaction's real
// gas_used, to a JSON file.
//
//   node dist/scripts/deploy.js [--out <file>] [--artifacts <dir>] [--salt <text>] [--no-demo]
//   (default out: $DEVNET_DIR/deployment.json, .tools/devnet/ in the repository)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { instantiate2Address } from "@cosmjs/cosmwasm";
import { fromHex, toUtf8 } from "@cosmjs/encoding";
import { connectActors, devnetConfig, GasLog, REPO_ROOT } from "./devnet";
import { suiteQueryClients, SuiteAddresses } from "../src";
import { runDemo } from "./demo";
import type { InstantiateMsg as DaoInstantiateMsg } from "../src/generated/Dao.types";

const CONTRACTS = ["depin-reward-token", "depin-provider-registry", "depin-billing-escrow", "depin-dao"] as const;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const config = devnetConfig();
  const out = resolve(arg("--out") ?? resolve(config.dir, "deployment.json"));
  const artifacts = resolve(arg("--artifacts") ?? resolve(REPO_ROOT, "artifacts"));
  const gas = new GasLog();
  const started = Date.now();

  const actors = await connectActors(config, ["deployer", "provider1", "consumer1", "member1", "member2", "member3", "arbiter"]);
  const { deployer, member1, member2, member3, arbiter } = actors;
  const chainId = await deployer.client.getChainId();
  if (chainId !== config.chainId) throw new Error(`the node at ${config.rpc} runs chain ${chainId}, expected ${config.chainId}`);
  console.log(`chain ${chainId} at ${config.rpc}, height ${await deployer.client.getHeight()}`);

  console.log("upload");
  const codeIds: Record<string, number> = {};
  const checksums: Record<string, string> = {};
  for (const name of CONTRACTS) {
    const wasm = readFileSync(resolve(artifacts, `${name}.wasm`));
    const result = gas.add(`upload ${name}`, await deployer.client.upload(deployer.address, wasm, "auto", name));
    codeIds[name] = result.codeId;
    checksums[name] = result.checksum;
  }

  console.log("instantiate the suite through the DAO (one transaction)");
  const instantiate: DaoInstantiateMsg = {
    // Short periods so the demo and the end-to-end tests see votes, epochs,
    // dispute windows and unbonding end within seconds (blocks come every ~0.2 s).
    config: {
      voting_period: 30,
      threshold: "0.5",
      quorum: "0.2",
      veto_threshold: "0.334",
      proposal_deposit: "0",
      unstaking_period: 10,
      timelock: 0,
      guardian: null,
    },
    suite: {
      token_code_id: codeIds["depin-reward-token"],
      registry_code_id: codeIds["depin-provider-registry"],
      escrow_code_id: codeIds["depin-billing-escrow"],
      token: {
        name: "DePIN Reward",
        symbol: "DPIN",
        decimals: 6,
        initial_balances: [
          { address: member1.address, amount: "1000000000" },
          { address: member2.address, amount: "600000000" },
          { address: member3.address, amount: "400000000" },
        ],
        cap: "1000000000000000",
      },
      registry: {
        stake_denom: { native: "ustake" },
        min_stake: "1000000",
        // At least the dispute window + voting period + timelock (8 + 30 + 0),
        // so a slash voted after a lost dispute still reaches unbonding stake.
        unbonding_period: 40,
        max_slash: "0.5",
        oracles: [arbiter.address],
        rewards: {
          epoch_seconds: 5,
          emission_per_epoch: "1000000",
          halving_epochs: 0,
          usage_share: "0.5",
          usage_weights: [{ denom: { native: "uusdc" }, weight: "1" }],
        },
      },
      escrow: {
        fee_bps: 100,
        dispute_window: 8,
        accepted_denoms: [{ native: "uusdc" }],
        arbiters: [arbiter.address],
      },
    },
  };
  // instantiate2 gives the DAO's address in advance, so the DAO is its own
  // wasm admin from the start (migrations go through proposals).
  // A fixed salt gives the same addresses on every fresh devnet; --salt for another deployment on one chain.
  const salt = toUtf8(arg("--salt") ?? "depin-dao");
  const daoAddress = instantiate2Address(fromHex(checksums["depin-dao"]), deployer.address, salt, "wasm");
  const dao = gas.add(
    "instantiate depin-dao (whole suite)",
    await deployer.client.instantiate2(deployer.address, codeIds["depin-dao"], salt, instantiate, "depin-dao", "auto", {
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
  // The DAO administers itself, the registry and the escrow (upgrades wait out
  // the DAO's exit window); the reward token is immutable: it has no admin.
  const admins: Record<string, string | undefined> = {};
  for (const [name, address] of Object.entries(addresses)) {
    admins[name] = (await deployer.client.getContract(address)).admin;
    const expected = name === "rewardToken" ? undefined : addresses.dao;
    if (admins[name] !== expected) throw new Error(`${name}'s wasm admin is ${admins[name] ?? "none"}, expected ${expected ?? "none"}`);
  }

  let demo: Record<string, unknown> = {};
  if (!process.argv.includes("--no-demo")) {
    console.log("demo");
    demo = await runDemo(actors, addresses, chainId, gas);
  }

  const deployment = {
    chain_id: chainId,
    rpc: config.rpc,
    code_ids: codeIds,
    checksums,
    addresses,
    accounts: Object.fromEntries(Object.values(actors).map((a) => [a.name, a.address])),
    demo,
    gas: gas.records,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(deployment, null, 2) + "\n");
  console.log(`deployment written to ${out} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  for (const client of Object.values(actors)) client.client.disconnect();
}

main().catch((err) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
