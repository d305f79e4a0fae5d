// The deployment parameters' offline checks (scripts/params.ts) and the
// network files (scripts/network.ts): the committed files pass, and each rule
// the contracts enforce at instantiate fails with a sentence naming the field.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { REPO_ROOT } from "../scripts/devnet";
import { checkNetwork } from "../scripts/network";
import { checkParams, loadParams, maxEmissionPerEpoch, ParamsError } from "../scripts/params";
import { instantiateMsg, type SuiteParams } from "../src";

const DEVNET = resolve(REPO_ROOT, "deploy/params/devnet.json");
const PRODUCTION = resolve(REPO_ROOT, "deploy/params/production-example.json");

function devnetRaw(): SuiteParams & Record<string, unknown> {
  return JSON.parse(readFileSync(DEVNET, "utf8"));
}

/** The problems checkParams reports after `edit` changes the devnet params. */
function problems(edit: (p: SuiteParams) => void, prefix = "wasm"): string[] {
  const p = devnetRaw();
  edit(p);
  try {
    checkParams(p, prefix, "test.json");
  } catch (err) {
    assert.ok(err instanceof ParamsError, `expected a ParamsError, got ${String(err)}`);
    assert.match(err.message, /nothing was sent/);
    return err.problems;
  }
  return [];
}

function failsWith(edit: (p: SuiteParams) => void, pattern: RegExp, prefix = "wasm"): void {
  const found = problems(edit, prefix);
  assert.ok(
    found.some((m) => pattern.test(m)),
    `expected a problem matching ${pattern}, got ${found.length ? found.map((m) => `\n  ${m}`).join("") : "none"}`,
  );
}

describe("params files", () => {
  it("accepts the committed devnet params and drops comment keys", () => {
    const params = loadParams(DEVNET, "wasm");
    assert.equal(params.config.voting_period, 30);
    assert.equal(params.suite.escrow.dispute_window, 8);
    assert.ok(!("//" in params));
    const msg = instantiateMsg(params, { token: 1, registry: 2, escrow: 3 });
    assert.deepEqual([msg.suite.token_code_id, msg.suite.registry_code_id, msg.suite.escrow_code_id], [1, 2, 3]);
  });

  it("accepts the production example: days and weeks, unbonding covers dispute + vote + timelock", () => {
    const p = loadParams(PRODUCTION, "wasm");
    assert.equal(p.config.voting_period, 3 * 86_400);
    assert.equal(p.config.unstaking_period, 14 * 86_400);
    assert.equal(p.config.timelock, 86_400);
    assert.equal(p.suite.registry.unbonding_period, 21 * 86_400);
    assert.equal(p.suite.registry.rewards.epoch_seconds, 86_400);
    assert.ok(p.suite.registry.unbonding_period >= p.suite.escrow.dispute_window + p.config.voting_period + p.config.timelock);
    assert.ok(!JSON.stringify(p).includes('"//'));
  });

  it("refuses addresses of another network's prefix", () => {
    failsWith(() => {}, /initial_balances\[0\]\.address is an address of prefix "wasm"; this network's prefix is "osmo"/, "osmo");
    failsWith((p) => (p.suite.registry.oracles = ["wasm1notanaddress"]), /oracles\[0\] is not a bech32 address/);
  });

  it("refuses a close grace of 0 (the provider must always have one)", () => {
    failsWith(
      (p) => ((p.suite.escrow as { min_close_grace?: number }).min_close_grace = 0),
      /suite\.escrow\.min_close_grace must be greater than 0/,
    );
  });

  it("refuses values that could lock governance (the DAO's liveness rules)", () => {
    failsWith((p) => (p.config.quorum = "1"), /config\.quorum 1 could lock governance.*at most 2\/3/);
    failsWith((p) => (p.config.threshold = "0.67"), /config\.threshold 0\.67 could lock governance/);
    failsWith(
      (p) => (p.config.veto_threshold = "0.000000000000000001"),
      /config\.veto_threshold 0\.000000000000000001 could lock governance.*at least 1\/3/,
    );
    failsWith((p) => (p.config.timelock = 90 * 86_400 + 1), /config\.timelock is 7776001 s.*at most 7776000/);
    failsWith(
      (p) => (p.config.proposal_deposit = "1000000000000000000"),
      /config\.proposal_deposit 1000000000000000000 is above the \d+ tokens/,
    );
    for (const ok of ["0.666666666666666666", "0.5"]) {
      const found = problems((p) => {
        p.config.quorum = ok;
        p.config.threshold = ok;
        p.config.veto_threshold = "0.334";
        p.config.timelock = 90 * 86_400;
      });
      assert.deepEqual(
        found.filter((m) => /lock governance|90 days/.test(m)),
        [],
        `quorum and threshold ${ok}`,
      );
    }
  });

  it("refuses fractions out of range and an unreachable threshold", () => {
    failsWith((p) => (p.config.threshold = "1"), /config\.threshold is 1: .*can never pass/);
    failsWith((p) => (p.config.threshold = "0"), /config\.threshold is 0; it must be a fraction above 0/);
    failsWith((p) => (p.config.quorum = "1.5"), /config\.quorum is 1\.5; it must be a fraction/);
    failsWith((p) => (p.config.veto_threshold = "0.5%"), /config\.veto_threshold must be a decimal/);
    failsWith((p) => (p.suite.registry.max_slash = "1.01"), /max_slash is 1\.01; it must be a fraction between 0 and 1/);
    failsWith((p) => (p.suite.registry.rewards.usage_share = "2"), /usage_share is 2/);
  });

  it("refuses periods of 0 or above 10 years", () => {
    failsWith((p) => (p.config.voting_period = 0), /config\.voting_period must be greater than 0 seconds/);
    failsWith((p) => (p.config.unstaking_period = 0), /config\.unstaking_period must be greater than 0/);
    failsWith((p) => (p.suite.registry.rewards.epoch_seconds = 0), /epoch_seconds must be greater than 0/);
    failsWith((p) => (p.config.timelock = 11 * 365 * 86_400), /config\.timelock is .*; the most is 315360000 \(3650 days\)/);
    failsWith((p) => (p.suite.escrow.dispute_window = 400 * 86_400), /dispute_window is .*the most is 31622400 \(366 days\)/);
    failsWith((p) => ((p.config as { voting_period: unknown }).voting_period = "30"), /voting_period must be a whole number/);
  });

  it("refuses an unbonding period shorter than dispute window + voting period + timelock", () => {
    failsWith(
      (p) => (p.suite.registry.unbonding_period = 37),
      /unbonding_period is 37 s .*at least dispute_window \+ voting_period \+ timelock = 8 \+ 30 \+ 0 = 38 s/,
    );
    assert.deepEqual(
      problems((p) => (p.suite.registry.unbonding_period = 38)),
      [],
    );
  });

  it("refuses unbounded emission: no halving needs a token cap", () => {
    failsWith((p) => delete p.suite.token.cap, /halving_epochs is 0 \(no halving\) and suite\.token\.cap is not set/);
    assert.deepEqual(
      problems((p) => {
        delete p.suite.token.cap;
        p.suite.registry.rewards.halving_epochs = 100;
      }),
      [],
    );
  });

  it("refuses an emission whose total over 10 years overflows", () => {
    const max = maxEmissionPerEpoch(5, 0);
    assert.deepEqual(
      problems((p) => (p.suite.registry.rewards.emission_per_epoch = max.toString())),
      [],
    );
    failsWith((p) => (p.suite.registry.rewards.emission_per_epoch = (max + 1n).toString()), /emission_per_epoch .* is above/);
  });

  it("refuses a fee above 100 %", () => {
    failsWith((p) => (p.suite.escrow.fee_bps = 10_001), /suite\.escrow\.fee_bps is 10001; the most is 10000/);
    assert.deepEqual(
      problems((p) => (p.suite.escrow.fee_bps = 10_000)),
      [],
    );
  });

  it("refuses a guardian without a timelock", () => {
    failsWith((p) => (p.config.guardian = "wasm1zpda8lht4l5044j0c6q0n626gf3v6sumzw60n6"), /guardian is set but config\.timelock is 0/);
    assert.deepEqual(
      problems((p) => {
        p.config.guardian = "wasm1zpda8lht4l5044j0c6q0n626gf3v6sumzw60n6";
        p.config.timelock = 2;
        p.suite.registry.unbonding_period = 40;
      }),
      [],
    );
  });

  it("refuses the token rules cw20 enforces and a supply above the cap", () => {
    failsWith((p) => (p.suite.token.symbol = "D1"), /suite\.token\.symbol must be 3 to 12 letters/);
    failsWith((p) => (p.suite.token.name = "ab"), /suite\.token\.name must be 3 to 50 bytes/);
    failsWith((p) => (p.suite.token.decimals = 19), /suite\.token\.decimals is 19; the most is 18/);
    failsWith((p) => (p.suite.token.cap = "1000"), /initial_balances add up to 2000000000, above suite\.token\.cap 1000/);
    failsWith(
      (p) => p.suite.token.initial_balances.push({ ...p.suite.token.initial_balances[0] }),
      /initial_balances\[3\]\.address .* appears twice/,
    );
  });

  it("refuses min_stake 0, bad denoms, duplicate weights and unknown fields", () => {
    failsWith((p) => (p.suite.registry.min_stake = "0"), /min_stake must be greater than 0/);
    failsWith((p) => (p.suite.escrow.accepted_denoms = [{ native: "u$" }]), /accepted_denoms\[0\]\.native is not a valid denom/);
    failsWith(
      (p) => p.suite.registry.rewards.usage_weights.push({ denom: { native: "uusdc" }, weight: "2" }),
      /usage_weights\[1\]\.denom native:uusdc has a weight already/,
    );
    failsWith((p) => ((p.suite.escrow as unknown as Record<string, unknown>).fee = 1), /suite\.escrow\.fee is not a parameter/);
    failsWith((p) => delete (p.config as Partial<SuiteParams["config"]>).quorum, /config\.quorum is missing/);
  });

  it("reports every problem at once", () => {
    const found = problems((p) => {
      p.config.threshold = "1";
      p.suite.escrow.fee_bps = 20_000;
      p.suite.registry.min_stake = "0";
    });
    assert.equal(found.length, 3, found.join("\n"));
  });
});

describe("network files", () => {
  const base = {
    name: "my-testnet",
    rpc: "https://rpc.example.org:443",
    chain_id: "my-testnet-1",
    bech32_prefix: "wasm",
    gas_price: "0.025",
    fee_denom: "ustake",
    key: { mnemonic_env: "DEPIN_DEPLOYER_MNEMONIC" },
  };

  it("reads a mnemonic-variable network and a keyring network", () => {
    const n = checkNetwork(base, "n.json");
    assert.equal(n.kind, "external");
    assert.equal(n.gasPrice, "0.025ustake");
    assert.equal(n.deploymentFile, resolve(REPO_ROOT, ".tools/deployments/my-testnet.json"));
    const k = checkNetwork({ ...base, key: { keyring: { name: "deployer", backend: "test", dir: "~/.wasmd" } } }, "n.json");
    assert.deepEqual(k.key, { keyring: { name: "deployer", backend: "test", dir: "~/.wasmd" } });
  });

  it("accepts the committed example network", () => {
    const raw = JSON.parse(readFileSync(resolve(REPO_ROOT, "deploy/networks/example-testnet.json"), "utf8"));
    assert.equal(checkNetwork(raw, "example").prefix, "wasm");
  });

  it("lists every problem of a bad network file", () => {
    assert.throws(
      () =>
        checkNetwork(
          { ...base, rpc: "rpc.example.org", bech32_prefix: "Wasm", key: { keyring: { name: "x", backend: "kwallet" } }, extra: 1 },
          "bad.json",
        ),
      (err: unknown) => {
        const m = err instanceof Error ? err.message : "";
        assert.match(m, /bad\.json: invalid network file/);
        assert.match(m, /extra is not a network field/);
        assert.match(m, /rpc must be an http\(s\) or ws\(s\) URL/);
        assert.match(m, /bech32_prefix must be lower-case/);
        assert.match(m, /key\.keyring\.backend must be "test", "file" or "os"/);
        return true;
      },
    );
    assert.throws(() => checkNetwork({ ...base, name: "devnet" }, "x.json"), /reserved for the local test network/);
    assert.throws(() => checkNetwork({ ...base, key: undefined }, "x.json"), /key is missing/);
  });
});
