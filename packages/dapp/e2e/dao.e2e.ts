// Members govern from their wallets: stake and voting power, a proposal built
// from every template plus raw JSON (escrow fee, arbiters, registry oracles,
// min_stake, a treasury payment, a DAO config change that adds a deposit and a
// guardian, a slash that jails a provider), votes, execution; the jailed
// provider unjails; the DAO's refusal of a message that could reach members'
// funds shown in words; an upgrade proposal with its deposit, upgrade flag and
// exit window, vetoed by the guardian; a rejected proposal closed; unstake and claim.

import { toBase64, toUtf8 } from "@cosmjs/encoding";
import type { Browser, Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  assertFieldReady,
  assertNoRawErrors,
  deployment,
  launch,
  openAs,
  type Signer,
  screenshot,
  see,
  signer,
  submit,
  takeDaoTurn,
  textOf,
  type UserPage,
  waitForTimestamp,
} from "./harness";

let browser: Browser;
let M1: UserPage;
let M2: UserPage;
let chain: Signer;
const d = deployment();
const users: UserPage[] = [];
const addr: Record<string, string> = {};
let endTurn: (() => void) | undefined;

beforeAll(async () => {
  // The shares below are of the members' stake alone: ledger.e2e.ts stakes only outside this turn.
  endTurn = await takeDaoTurn("dao.e2e.ts");
  chain = await signer("member3");
  for (const name of ["member1", "member2", "member3", "provider4", "consumer4"]) addr[name] = (await signer(name)).address;
  // member2 and member3 were members before this story (not under test).
  const stake = toBase64(toUtf8(JSON.stringify({ stake: {} })));
  const m2 = await signer("member2");
  await m2.execute(d.addresses.rewardToken, { send: { contract: d.addresses.dao, amount: "100000000", msg: stake } });
  await chain.execute(d.addresses.rewardToken, { send: { contract: d.addresses.dao, amount: "50000000", msg: stake } });
  m2.client.disconnect();
  browser = await launch();
  M1 = await openAs(browser, "member1", "#/dao");
  M2 = await openAs(browser, "member2", "#/dao");
  users.push(M1, M2);
}, 300_000);

afterAll(async () => {
  endTurn?.();
  for (const u of users) await assertNoRawErrors(u.page);
  await browser?.close();
  expect(users.flatMap((u) => u.problems)).toEqual([]);
  chain?.client.disconnect();
});

const field = (scope: Locator | UserPage["page"], name: string) => scope.locator(`[name="${name}"]`).first();
const proposal = (u: UserPage, id: number) => u.page.locator(`[data-testid="proposal"][data-proposal="${id}"]`);
const form = (u: UserPage) => u.page.getByRole("region", { name: "New proposal" });
const query = (contract: string, msg: unknown) => chain.client.queryContractSmart(contract, msg as Record<string, unknown>);

async function addTemplate(kind: string, fill: Record<string, string>) {
  const f = form(M1);
  await field(f, "template").selectOption(kind);
  for (const [name, value] of Object.entries(fill)) {
    const el = field(f, name);
    if ((await el.evaluate((e) => e.tagName)) === "SELECT") await el.selectOption(value);
    else await el.fill(value);
  }
  await f.getByRole("button", { name: "Add message" }).click();
}

async function propose(title: string): Promise<number> {
  const f = form(M1);
  await field(f, "title").fill(title);
  await field(f, "description").fill(`${title}: proposed from the dApp.`);
  await f.getByRole("button", { name: "Submit proposal" }).click();
  const done = f.locator(".tx.done, .tx.error").first();
  await see(done, /is open for voting|refused|not/, 30_000);
  const text = await textOf(done);
  const m = /Proposal (\d+) is open for voting/.exec(text);
  if (!m) throw new Error(`proposal not created: ${text}`);
  return Number(m[1]);
}

async function vote(u: UserPage, id: number, how: "yes" | "no") {
  await u.page.reload();
  const card = proposal(u, id);
  await submit(card, `Vote ${how}`, `Vote ${how} on #${id}: done.`);
  await see(card.getByTestId("my-vote"), `You voted ${how}`);
}

describe("DAO", () => {
  test("stakes and shows the voting power", async () => {
    const panel = M1.page.getByRole("region", { name: "Your stake" });
    await see(panel.getByTestId("dao-balance"), "1000 DPIN");
    await field(panel, "daoStake").fill("2000");
    await panel.getByRole("button", { name: "Stake", exact: true }).click();
    await see(panel.getByRole("alert"), "The amount is more than your balance (1000 DPIN).");
    await field(panel, "daoStake").fill("100");
    await submit(panel, "Stake", "Staked 100 DPIN");
    await see(panel.getByTestId("voting-power"), "100 DPIN");
    await see(panel.getByTestId("power-share"), "40.0 % of 250 DPIN");
  });

  let first = 0;
  test("proposes from every template and raw JSON, votes it through and executes it", async () => {
    await addTemplate("escrow_fee", { feePercent: "1.5" });
    await addTemplate("arbiters", { add: addr.consumer4 });
    await addTemplate("oracles", { add: addr.consumer4 });
    await addTemplate("min_stake", { minStake: "1" });
    await addTemplate("treasury_payment", { recipient: addr.consumer4, amount: "0.5", paymentDenom: "uusdc" });
    await addTemplate("raw", {
      raw: JSON.stringify([
        {
          wasm: {
            execute: {
              contract_addr: d.addresses.dao,
              msg: { update_config: { proposal_deposit: "1000000", guardian: addr.member3, timelock: 1 } },
            },
          },
        },
        {
          wasm: {
            execute: {
              contract_addr: d.addresses.providerRegistry,
              msg: { slash: { provider: addr.provider4, fraction: "0.1", reason: "missed its SLA", jail_seconds: 6 } },
            },
          },
        },
      ]),
    });
    const draft = form(M1).getByTestId("draft-msgs");
    await see(draft, '{"update_config":{"fee_bps":150}}');
    expect(await draft.locator("li").count()).toBe(7);
    await see(draft, `pay 0.5 USDC to ${addr.consumer4}`);

    first = await propose("Fees, arbiters, oracles, deposit and guardian");
    const card = proposal(M1, first);
    await see(card.getByTestId("proposal-status"), "open");
    await see(card.getByTestId("time-left"), /Voting ends .* \(in \d+ s\)/);
    await see(card.getByTestId("tally"), "0.0 % of 250 DPIN");

    const usdcBefore = BigInt((await chain.client.getBalance(addr.consumer4, "uusdc")).amount);
    await vote(M1, first, "yes");
    await see(proposal(M1, first).getByTestId("proposal-status"), "open");
    await vote(M2, first, "yes");
    await see(proposal(M2, first).getByTestId("proposal-status"), "passed");
    await see(proposal(M2, first).getByTestId("tally"), "80.0 % of 250 DPIN");
    await submit(proposal(M2, first), "Execute", `Execute #${first}: done.`);
    await see(proposal(M2, first).getByTestId("proposal-status"), "executed");

    expect((await query(d.addresses.billingEscrow, { config: {} })).fee_bps).toBe(150);
    expect((await query(d.addresses.billingEscrow, { config: {} })).arbiters).toContain(addr.consumer4);
    expect((await query(d.addresses.providerRegistry, { config: {} })).oracles).toContain(addr.consumer4);
    expect(BigInt((await chain.client.getBalance(addr.consumer4, "uusdc")).amount) - usdcBefore).toBe(500000n);
    await M1.page.reload();
    await see(M1.page.getByTestId("proposal-deposit"), "1 DPIN");
    await see(M1.page.getByTestId("guardian"), addr.member3);
    await see(proposal(M1, first).getByTestId("proposal-status"), "executed");
    await screenshot(M1.page, "dao");
    await assertFieldReady(M1.page, "dao");
  });

  test("the jailed provider unjails once its jail is over", async () => {
    const P = await openAs(browser, "provider4", "#/provider");
    users.push(P);
    await see(P.page.getByTestId("my-status"), "jailed until");
    await see(P.page.getByTestId("my-stake"), "2.7 STAKE");
    const record = await query(d.addresses.providerRegistry, { provider: { address: addr.provider4 } });
    await waitForTimestamp(chain.client, record.status.jailed.until);
    await see(P.page.getByTestId("jail"), "The jail is over: you may unjail.");
    await submit(P.page.getByRole("region", { name: "Liveness and rewards" }), "Unjail", "Unjail: done.");
    await see(P.page.getByTestId("my-status"), "active");
  });

  test("shows the DAO's refusal of a message that could reach members' funds", async () => {
    await M1.page.reload();
    await addTemplate("raw", {
      raw: JSON.stringify({
        wasm: { execute: { contract_addr: d.addresses.rewardToken, msg: { increase_allowance: { spender: addr.member1, amount: "1" } } } },
      }),
    });
    const signed = M1.wallet.signed;
    const f = form(M1);
    await field(f, "title").fill("Allowance");
    await field(f, "description").fill("Spend from the DAO later.");
    await f.getByRole("button", { name: "Submit proposal" }).click();
    await see(
      f.getByRole("alert"),
      "The contract refused: message 0 of the proposal is refused: an allowance on the suite token: a standing allowance could later be spent from members' stake.",
    );
    expect(M1.wallet.signed).toBe(signed);
    await f.getByTestId("draft-msgs").getByRole("button", { name: "remove" }).click();
  });

  test("an upgrade proposal takes a deposit, waits out the exit window and is vetoed by the guardian", async () => {
    const balance = async () => BigInt((await query(d.addresses.rewardToken, { balance: { address: addr.member1 } })).balance);
    const before = await balance();
    await see(form(M1).getByTestId("deposit-note"), "Submitting sends a deposit of 1 DPIN");
    await addTemplate("raw", {
      raw: JSON.stringify({ wasm: { update_admin: { contract_addr: d.addresses.providerRegistry, admin: d.addresses.dao } } }),
    });
    const id = await propose("Registry admin (upgrade)");
    expect(before - (await balance())).toBe(1000000n);
    await see(proposal(M1, id).getByTestId("upgrade-flag"), "upgrade");
    await vote(M1, id, "yes");
    await vote(M2, id, "yes");
    const card = proposal(M2, id);
    await see(card.getByTestId("proposal-status"), "passed");
    await see(card.getByTestId("executable-at"), "an upgrade waits out the exit window");
    expect(await card.getByRole("button", { name: "Execute" }).isDisabled()).toBe(true);

    const G = await openAs(browser, "member3", "#/dao");
    users.push(G);
    await submit(proposal(G, id), "Veto (guardian)", `Veto #${id}: done.`);
    await see(proposal(G, id).getByTestId("proposal-status"), "vetoed");
    expect(await balance()).toBe(before);
  });

  test("a rejected proposal is closed and its deposit refunded", async () => {
    await M1.page.reload();
    await addTemplate("escrow_fee", { feePercent: "5" });
    const id = await propose("Fee to 5 %");
    await vote(M1, id, "no");
    await vote(M2, id, "no");
    await see(proposal(M2, id).getByTestId("proposal-status"), "rejected");
    await submit(proposal(M2, id), "Close", `Close #${id}: done.`);
    await see(proposal(M2, id).getByTestId("proposal-status"), "closed");
    await see(proposal(M2, id), "Deposit 1 DPIN (refunded)");
  });

  test("unstakes and claims after the unstaking period", async () => {
    await M1.page.reload();
    const panel = M1.page.getByRole("region", { name: "Your stake" });
    await field(panel, "daoUnstake").fill("10");
    await submit(panel, "Unstake", "Unstake: done.");
    await see(panel.getByTestId("voting-power"), "90 DPIN");
    await see(panel.getByTestId("dao-claims"), /10 DPIN\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(in \d+ s\)/);
    const claims = await query(d.addresses.dao, { claims: { address: addr.member1 } });
    await waitForTimestamp(chain.client, claims.claims[0].release_at.at_time);
    await see(panel.getByRole("button", { name: /Claim matured \(10 DPIN\)/ }), "10 DPIN");
    await submit(panel, /Claim matured/, "Claim unstaked tokens: done.");
    await see(panel, "No unstaking claims.");
  });
});
