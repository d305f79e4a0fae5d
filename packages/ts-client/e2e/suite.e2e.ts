// End-to-end tests against the running devnet (scripts/e2e.sh starts a fresh
// one, deploys with scripts/deploy.ts, runs these and stops it). They drive the
// node through CosmJS and the generated clients, and write every
// transaction's real gas_used to $E2E_GAS_OUT (default .tools/devnet/e2e-gas.json).
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { Sha256 } from "@cosmjs/crypto";
import { toBase64, toUtf8 } from "@cosmjs/encoding";
import { Actor, connectActors, devnetConfig, GasLog, REPO_ROOT } from "../scripts/devnet";
import { receiptPublicKey, signReceipt, suiteClients, suiteQueryClients, SuiteAddresses } from "../src";

const deploymentFile = process.env.DEVNET_DEPLOYMENT ?? resolve(REPO_ROOT, ".tools/devnet/deployment.json");
const gasOut = process.env.E2E_GAS_OUT ?? resolve(REPO_ROOT, ".tools/devnet/e2e-gas.json");
const gas = new GasLog();

let chainId: string;
let addresses: SuiteAddresses;
let actors: Record<string, Actor>;

function attribute(result: { events: readonly { attributes: readonly { key: string; value: string }[] }[] }, key: string): string {
  const found = result.events.flatMap((e) => e.attributes).find((a) => a.key === key);
  if (!found) throw new Error(`no ${key} attribute in the transaction's events`);
  return found.value;
}

before(async () => {
  const deployment = JSON.parse(readFileSync(deploymentFile, "utf8"));
  addresses = deployment.addresses;
  chainId = deployment.chain_id;
  actors = await connectActors(devnetConfig(), ["deployer", "provider2", "consumer2", "member1"]);
});

after(() => {
  for (const a of Object.values(actors ?? {})) a.client.disconnect();
  writeFileSync(gasOut, JSON.stringify(gas.records, null, 2) + "\n");
});

describe("suite wiring on chain", () => {
  it("the DAO reports the deployed suite", async () => {
    const q = suiteQueryClients(actors.deployer.client, addresses);
    const suite = await q.dao.suite();
    assert.equal(suite.token, addresses.rewardToken);
    assert.equal(suite.registry, addresses.providerRegistry);
    assert.equal(suite.escrow, addresses.billingEscrow);
  });
  it("the registry is the token's only minter", async () => {
    const q = suiteQueryClients(actors.deployer.client, addresses);
    assert.equal((await q.rewardToken.minter()).minter, addresses.providerRegistry);
  });
  it("the DAO is every contract's wasm admin", async () => {
    for (const address of Object.values(addresses)) {
      assert.equal((await actors.deployer.client.getContract(address)).admin, addresses.dao);
    }
  });
});

describe("receipts lease on chain", () => {
  const receiptKey = new Sha256(toUtf8("depin e2e receipt key")).digest();
  let leaseId: number;

  it("a provider registers with native stake", async () => {
    const p = suiteClients(actors.provider2.client, actors.provider2.address, addresses);
    gas.add(
      "registry register",
      await p.providerRegistry.register(
        {
          service: "bandwidth",
          endpoint: "https://provider2.example",
          region: "us-east",
          capacity: { amount: "10", unit: "Gbps" },
          prices: [{ denom: { native: "uusdc" }, per_unit: "7" }],
        },
        "auto",
        undefined,
        [{ denom: "ustake", amount: "2000000" }],
      ),
    );
    const q = suiteQueryClients(actors.deployer.client, addresses);
    assert.equal((await q.providerRegistry.provider({ address: actors.provider2.address })).status, "active");
  });

  it("a consumer opens a receipts lease", async () => {
    const c = suiteClients(actors.consumer2.client, actors.consumer2.address, addresses);
    const result = gas.add(
      "escrow open_lease (receipts)",
      await c.billingEscrow.openLease(
        { provider: actors.provider2.address, billing: { receipts: { consumer_pubkey: toBase64(receiptPublicKey(receiptKey)) } } },
        "auto",
        undefined,
        [{ denom: "uusdc", amount: "70000" }],
      ),
    );
    leaseId = Number(attribute(result, "lease_id"));
    assert.ok(Number.isSafeInteger(leaseId));
  });

  it("the provider redeems a receipt signed in TypeScript and is paid at once", async () => {
    const p = suiteClients(actors.provider2.client, actors.provider2.address, addresses);
    const before = await actors.provider2.client.getBalance(actors.provider2.address, "uusdc");
    const signature = signReceipt(receiptKey, chainId, addresses.billingEscrow, leaseId, 100n);
    gas.add(
      "escrow redeem_receipt",
      await p.billingEscrow.redeemReceipt({ leaseId, cumulativeUnits: "100", signature: toBase64(signature) }),
    );
    const after = await actors.provider2.client.getBalance(actors.provider2.address, "uusdc");
    // 100 units × 7 = 700, less the 1 % fee (fee_bps 100) = 693.
    assert.equal(BigInt(after.amount) - BigInt(before.amount), 693n);
    const lease = await suiteQueryClients(actors.deployer.client, addresses).billingEscrow.lease({ leaseId });
    assert.equal(lease.paid, "700");
  });

  it("the same receipt cannot be paid twice", async () => {
    const p = suiteClients(actors.provider2.client, actors.provider2.address, addresses);
    const signature = signReceipt(receiptKey, chainId, addresses.billingEscrow, leaseId, 100n);
    await assert.rejects(p.billingEscrow.redeemReceipt({ leaseId, cumulativeUnits: "100", signature: toBase64(signature) }));
  });

  it("a receipt signed for another chain id is refused", async () => {
    const p = suiteClients(actors.provider2.client, actors.provider2.address, addresses);
    const signature = signReceipt(receiptKey, `${chainId}-other`, addresses.billingEscrow, leaseId, 200n);
    await assert.rejects(p.billingEscrow.redeemReceipt({ leaseId, cumulativeUnits: "200", signature: toBase64(signature) }));
  });

  // (A consumer's close leaves a receipts lease `closing` for the dispute
  // window, the provider's grace to redeem its last receipts.)
  it("the provider closes the lease and the consumer gets the rest back at once", async () => {
    const p = suiteClients(actors.provider2.client, actors.provider2.address, addresses);
    const before = BigInt((await actors.consumer2.client.getBalance(actors.consumer2.address, "uusdc")).amount);
    gas.add("escrow close_lease (provider)", await p.billingEscrow.closeLease({ leaseId }));
    const after = BigInt((await actors.consumer2.client.getBalance(actors.consumer2.address, "uusdc")).amount);
    assert.equal(after - before, 69300n);
    const lease = await suiteQueryClients(actors.deployer.client, addresses).billingEscrow.lease({ leaseId });
    assert.equal(lease.state, "closed");
    assert.equal(lease.refunded, "69300");
  });
});
