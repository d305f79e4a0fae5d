// End-to-end tests of proof of service on the real node: the oracle's
// `prove_liveness` batches verified on chain (secp256k1 signatures of the
// providers' agent keys over the Rust liveness digest), a batch mixing good
// and bad entries with every entry accounted for in the response data,
// refusals (a non-oracle, an empty or oversized batch, an epoch out of its
// window), and the gas of batches of 1, 10 and 200 entries for CHAIN_GAS.md.
// Accounts: eleven fresh providers funded by `validator` (no other file signs
// with it) and the devnet's oracle `arbiter` (shared with metered.e2e.ts and
// rewards.e2e.ts; its transactions are resent on a sequence clash).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SigningCosmWasmClient } from "@cosmjs/cosmwasm";
import { Sha256 } from "@cosmjs/crypto";
import { toBase64, toUtf8 } from "@cosmjs/encoding";
import { DirectSecp256k1Wallet } from "@cosmjs/proto-signing";
import { GasPrice } from "@cosmjs/stargate";
import { accountParser, MAX_LIVENESS_PROOFS, type ProviderRegistryTypes, suiteClients } from "../src";
import {
  type AgentKey,
  agentKey,
  attribute,
  challengeNonce,
  connect,
  currentEpoch,
  type E2eContext,
  proofFor,
  proveLiveness,
  rejectsWith,
  retrySequence,
  waitForEpoch,
} from "./context";

const ORACLE = "arbiter";
const FUNDER = "validator";
/** Providers with an agent key; one more registers without. */
const KEYED = 10;
const MIN_STAKE = 1_000_000n;

interface FreshProvider {
  address: string;
  key: AgentKey;
  client: SigningCosmWasmClient;
}

let t: E2eContext;
let keyed: FreshProvider[];
let keyless: FreshProvider;

async function freshProvider(i: number): Promise<FreshProvider> {
  const privateKey = new Sha256(toUtf8(`depin e2e liveness provider ${i}`)).digest();
  const wallet = await DirectSecp256k1Wallet.fromKey(privateKey, "wasm");
  const [{ address }] = await wallet.getAccounts();
  const client = await SigningCosmWasmClient.connectWithSigner(t.config.rpc, wallet, {
    gasPrice: GasPrice.fromString(t.config.gasPrice),
    accountParser,
    broadcastPollIntervalMs: 200,
  });
  return { address, key: agentKey(`liveness ${i}`), client };
}

before(async () => {
  t = await connect("liveness", [FUNDER, ORACLE]);
  const all = await Promise.all(Array.from({ length: KEYED + 1 }, (_, i) => freshProvider(i)));
  keyed = all.slice(0, KEYED);
  keyless = all[KEYED];
  // One multi-send funds them all: the stake plus fees.
  const funder = t.actors[FUNDER];
  const each = [{ denom: "ustake", amount: (MIN_STAKE + 2_000_000n).toString() }];
  const total = [{ denom: "ustake", amount: ((MIN_STAKE + 2_000_000n) * BigInt(all.length)).toString() }];
  const funded = await funder.client.signAndBroadcast(
    funder.address,
    [
      {
        typeUrl: "/cosmos.bank.v1beta1.MsgMultiSend",
        value: { inputs: [{ address: funder.address, coins: total }], outputs: all.map((p) => ({ address: p.address, coins: each })) },
      },
    ],
    "auto",
  );
  assert.equal(funded.code, 0, `funding the fresh providers failed: ${funded.rawLog}`);
  // Each registers from its own account, side by side.
  await Promise.all(
    all.map((p, i) =>
      suiteClients(p.client, p.address, t.addresses).providerRegistry.register(
        {
          service: "sensor",
          endpoint: `https://liveness-${i}.example`,
          region: "eu-north",
          capacity: { amount: "1", unit: "station" },
          prices: [{ denom: { native: "uusdc" }, per_unit: "1" }],
          agentPubkey: i < KEYED ? p.key.pubkey : undefined,
        },
        "auto",
        undefined,
        [{ denom: "ustake", amount: MIN_STAKE.toString() }],
      ),
    ),
  );
});

after(() => {
  for (const p of [...(keyed ?? []), ...(keyless ? [keyless] : [])]) p.client.disconnect();
  t?.close();
});

function proofOf(p: FreshProvider, epoch: number): ProviderRegistryTypes.LivenessProof {
  return proofFor(t, p.address, p.key, epoch);
}

describe("prove_liveness on chain", () => {
  it("the fresh providers are registered, ten with their agent key, one without", async () => {
    for (const p of keyed) assert.equal((await t.q.providerRegistry.provider({ address: p.address })).agent_pubkey, p.key.pubkey);
    assert.equal((await t.q.providerRegistry.provider({ address: keyless.address })).agent_pubkey ?? null, null);
  });

  it("a batch mixing good and bad entries: every entry is proven, a duplicate or rejected with its reason", async () => {
    // A fresh epoch, so no other batch of this file proved these providers in it.
    const epoch = (await currentEpoch(t)) + 1;
    await waitForEpoch(t, epoch);
    const [a, b, c, d] = keyed;
    const wrongKey = { ...proofOf(c, epoch), signature: proofFor(t, c.address, d.key, epoch).signature };
    const shortNonce = { ...proofOf(d, epoch), nonce: toBase64(new Uint8Array(7)) };
    const unknown = t.actors[FUNDER].address;
    const entries = [
      proofOf(a, epoch),
      proofOf(b, epoch),
      proofOf(a, epoch), // a second challenge answered by a: already proven in this batch
      wrongKey,
      shortNonce,
      { provider: keyless.address, nonce: toBase64(challengeNonce()), signature: toBase64(new Uint8Array(64)) },
      { ...proofOf(a, epoch), provider: unknown },
      { ...proofOf(a, epoch), provider: "not-an-address" },
      proofFor(t, b.address, b.key, epoch + 1), // signed for another epoch: not this epoch's signature
      { ...proofOf(d, epoch), nonce: toBase64(challengeNonce()) }, // a nonce other than the one signed
    ];
    const { result, data } = await proveLiveness(t, ORACLE, epoch, entries);
    t.gas.add("registry prove_liveness (batch of 10: 2 proven, 1 duplicate, 7 rejected)", result);
    assert.deepEqual(data, {
      epoch,
      proven: [a.address, b.address],
      duplicates: [a.address],
      rejected: [
        { provider: c.address, reason: "bad_signature" },
        { provider: d.address, reason: "bad_nonce" },
        { provider: keyless.address, reason: "no_agent_key" },
        { provider: unknown, reason: "unknown_provider" },
        { provider: "not-an-address", reason: "unknown_provider" },
        { provider: b.address, reason: "bad_signature" },
        { provider: d.address, reason: "bad_signature" },
      ],
    });
    assert.deepEqual(
      ["proven", "duplicates", "rejected"].map((key) => attribute(result, key)),
      ["2", "1", "7"],
    );
    for (const [p, proven] of [
      [a, 1],
      [b, 1],
      [c, 0],
      [d, 0],
    ] as const) {
      const { reputation } = await t.q.providerRegistry.provider({ address: p.address });
      assert.equal(reputation.proven_epochs ?? 0, proven, `${p.address} proven ${proven} time(s)`);
      assert.equal(reputation.last_proven_epoch ?? null, proven ? epoch : null);
    }
    const stats = await t.q.providerRegistry.stats();
    const provenNow = stats.current_epoch === epoch ? stats.proven_current_epoch : stats.proven_previous_epoch;
    assert.ok(provenNow >= 2, `the stats count this epoch's proofs (${provenNow}; other files prove beside this one)`);
  });

  it("only an oracle may prove liveness", async () => {
    const funder = suiteClients(t.actors[FUNDER].client, t.actors[FUNDER].address, t.addresses);
    const epoch = await currentEpoch(t);
    await rejectsWith(
      retrySequence(() => funder.providerRegistry.proveLiveness({ epoch, proofs: [proofOf(keyed[0], epoch)] })),
      new RegExp(`unauthorized: ${t.actors[FUNDER].address} may not prove_liveness`),
    );
  });

  it("an empty batch and one over the limit are refused", async () => {
    const epoch = await currentEpoch(t);
    await rejectsWith(proveLiveness(t, ORACLE, epoch, []), new RegExp(`a batch holds 1 to ${MAX_LIVENESS_PROOFS} liveness proofs`));
    const over = Array.from({ length: MAX_LIVENESS_PROOFS + 1 }, () => proofOf(keyed[0], epoch));
    await rejectsWith(proveLiveness(t, ORACLE, epoch, over), new RegExp(`a batch holds 1 to ${MAX_LIVENESS_PROOFS} liveness proofs`));
  });

  it("an epoch not yet begun is refused", async () => {
    const epoch = (await currentEpoch(t)) + 5;
    await rejectsWith(proveLiveness(t, ORACLE, epoch, [proofOf(keyed[0], epoch)]), new RegExp(`epoch ${epoch} cannot be proven now`));
  });

  it("gas: batches of 1, 10 and 200 valid entries, each in an epoch of its own", async () => {
    const measured: [string, number][] = [];
    let epoch = (await currentEpoch(t)) + 1;
    await waitForEpoch(t, epoch);
    const one = await proveLiveness(t, ORACLE, epoch, [proofOf(keyed[0], epoch)]);
    assert.deepEqual([one.data.proven.length, one.data.rejected.length], [1, 0]);
    t.gas.add("registry prove_liveness (batch of 1)", one.result);
    measured.push(["1", Number(one.result.gasUsed)]);
    epoch += 1;
    await waitForEpoch(t, epoch);
    const ten = await proveLiveness(
      t,
      ORACLE,
      epoch,
      keyed.map((p) => proofOf(p, epoch)),
    );
    assert.deepEqual([ten.data.proven.length, ten.data.rejected.length], [10, 0]);
    t.gas.add("registry prove_liveness (batch of 10)", ten.result);
    measured.push(["10", Number(ten.result.gasUsed)]);
    epoch += 1;
    await waitForEpoch(t, epoch);
    // The most a batch holds: 200 valid signatures, each verified; the ten
    // providers proven once, the other 190 entries duplicates (no record written).
    const max = await proveLiveness(
      t,
      ORACLE,
      epoch,
      Array.from({ length: MAX_LIVENESS_PROOFS }, (_, i) => proofOf(keyed[i % KEYED], epoch)),
    );
    assert.deepEqual([max.data.proven.length, max.data.duplicates.length, max.data.rejected.length], [10, 190, 0]);
    t.gas.add("registry prove_liveness (batch of 200: 10 proven, 190 duplicates)", max.result);
    measured.push(["200", Number(max.result.gasUsed)]);
    console.log(`  prove_liveness gas_used by batch size: ${measured.map(([n, g]) => `${n}: ${g}`).join(", ")}`);
    // Each entry costs a signature check at least: the gas grows with the batch.
    assert.ok(measured[0][1] < measured[1][1] && measured[1][1] < measured[2][1]);
  });
});
