// The connected provider's panels: overview, listing update, stake (bond, unbond, claims), liveness, rewards, unjail.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { payWith, useBalance } from "../../chain/funds";
import { GAS, useTx, wasmAttribute } from "../../chain/tx";
import { Dl, Field, Section, TxStatus, useNow } from "../../components/ui";
import {
  coinMeta,
  denomKey,
  formatCoin,
  formatExpiration,
  formatProviderStatus,
  formatTimestamp,
  isPast,
  serviceLabel,
  statusKind,
  timeLeft,
  toDisplayUnits,
} from "../../lib/format";
import type { ProviderResponse, RegistryConfig } from "../../lib/types";
import { type Errors, type ListingForm, validateAmount, validateListing } from "../../lib/validate";
import { escrowQueries } from "../../queries/escrow";
import { registryQueries } from "../../queries/registry";
import { href } from "../../router";
import { ListingFields } from "./ListingFields";

export function Overview({ p, cfg }: { p: ProviderResponse; cfg: RegistryConfig }) {
  const { book } = useChain();
  const now = useNow();
  return (
    <Section title="Your provider">
      <Dl
        rows={[
          ["Address", <a href={href(`/providers/${p.address}`)}>{p.address}</a>],
          ["Status", <span data-testid="my-status">{formatProviderStatus(p.status, now)}</span>],
          ["Service", serviceLabel(p.service)],
          ["Stake", <span data-testid="my-stake">{formatCoin(book, p.stake, cfg.stake_denom)}</span>],
          ["Unbonding", <span data-testid="my-unbonding">{formatCoin(book, p.unbonding, cfg.stake_denom)}</span>],
          [
            "Open disputes",
            <span data-testid="my-disputes">
              {p.open_disputes}
              {p.open_disputes > 0 ? " — your stake is held: claims pay out only once every dispute is resolved" : ""}
            </span>,
          ],
        ]}
      />
      {statusKind(p.status) === "inactive" && (
        <p className="warn">
          Inactive: the stake is below the minimum of {formatCoin(book, cfg.min_stake, cfg.stake_denom)}. Bond more to become active again.
        </p>
      )}
    </Section>
  );
}

export function ListingUpdate({ p }: { p: ProviderResponse }) {
  const { reader, book } = useChain();
  const escrow = useQuery(escrowQueries.config(reader));
  const tx = useTx();
  const [form, setForm] = useState<ListingForm>(() => ({
    endpoint: p.endpoint,
    region: p.region,
    capacityAmount: p.capacity.amount,
    capacityUnit: p.capacity.unit,
    prices: p.prices.map((x) => ({ denom: denomKey(x.denom), perUnit: toDisplayUnits(book, x.per_unit, x.denom) })),
    metadataUri: p.metadata_uri ?? "",
  }));
  const [errors, setErrors] = useState<Errors>({});
  const accepted = escrow.data?.accepted_denoms ?? [];
  return (
    <Section title="Listing">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const v = validateListing(form, { acceptedDenoms: accepted, book });
          if (!v.ok) {
            setErrors(v.errors);
            tx.fail("Fix the highlighted fields; nothing was sent.");
            return;
          }
          setErrors({});
          const l = v.value;
          void tx.run("Update listing", (a) =>
            a.clients.providerRegistry.updateProvider(
              { endpoint: l.endpoint, region: l.region, capacity: l.capacity, prices: l.prices, metadataUri: l.metadata_uri ?? undefined },
              GAS,
            ),
          );
        }}
      >
        <ListingFields form={form} set={setForm} errors={errors} accepted={accepted} book={book} />
        <button type="submit" disabled={tx.pending}>
          Update listing
        </button>
      </form>
      <TxStatus state={tx.state} />
    </Section>
  );
}

export function StakePanel({ account, p, cfg }: { account: Account; p: ProviderResponse; cfg: RegistryConfig }) {
  const { reader, book } = useChain();
  const now = useNow();
  const claims = useQuery(registryQueries.claims(reader, account.address));
  const balance = useBalance(cfg.stake_denom, account.address);
  const tx = useTx();
  const [bond, setBond] = useState("");
  const [unbond, setUnbond] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const denom = cfg.stake_denom;
  const matured = (claims.data?.claims ?? []).filter((c) => formatExpiration(c.release_at, now).matured);
  const jailed = statusKind(p.status) === "jailed";
  const exiting = statusKind(p.status) === "exiting";

  const doBond = () => {
    const v = validateAmount(bond, denom, book, { max: { amount: balance ?? 0n, what: "your balance" } });
    if (v.error) return setErrors({ bond: v.error });
    setErrors({});
    void tx.run(
      "Bond",
      (a) =>
        payWith(a, denom, v.value!, reader.q.providerRegistry.contractAddress, { bond: {} }, (funds) =>
          a.clients.providerRegistry.bond(GAS, undefined, funds),
        ),
      () => `Bonded ${formatCoin(book, v.value!, denom)}.`,
    );
  };
  const doUnbond = () => {
    const v = validateAmount(unbond, denom, book, { max: { amount: BigInt(p.stake), what: "your bonded stake" } });
    if (v.error) return setErrors({ unbond: v.error });
    setErrors({});
    void tx.run(
      "Unbond",
      (a) => a.clients.providerRegistry.unbond({ amount: v.value!.toString() }, GAS),
      (r) => {
        const release = wasmAttribute(r, "release_at");
        return `Unbonding ${formatCoin(book, v.value!, denom)}${release && /^\d+$/.test(release) ? `, released ${formatTimestamp(release)}` : ""}.`;
      },
    );
  };
  return (
    <Section title="Stake">
      <p>
        Bonded <strong>{formatCoin(book, p.stake, denom)}</strong>; wallet balance{" "}
        {balance === undefined ? "…" : formatCoin(book, balance, denom)}; unbonding takes {cfg.unbonding_period} s.
      </p>
      <div className="row">
        <Field label={`Bond (${coinMeta(book, denom).symbol})`} error={errors.bond}>
          <input name="bond" value={bond} onChange={(e) => setBond(e.target.value)} />
        </Field>
        <button onClick={doBond} disabled={tx.pending || exiting}>
          Bond
        </button>
        <Field label={`Unbond (${coinMeta(book, denom).symbol})`} error={errors.unbond}>
          <input name="unbond" value={unbond} onChange={(e) => setUnbond(e.target.value)} />
        </Field>
        <button onClick={doUnbond} disabled={tx.pending}>
          Unbond
        </button>
      </div>
      <h3>Unbonding claims</h3>
      {claims.data && claims.data.claims.length === 0 && <p>No unbonding claims.</p>}
      {claims.data && claims.data.claims.length > 0 && (
        <table data-testid="unbonding-claims">
          <thead>
            <tr>
              <th>Amount</th>
              <th>Released</th>
            </tr>
          </thead>
          <tbody>
            {claims.data.claims.map((c, i) => {
              const e = formatExpiration(c.release_at, now);
              return (
                <tr key={i} className={e.matured ? "matured" : ""}>
                  <td>{formatCoin(book, c.amount, denom)}</td>
                  <td>{e.text}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {p.open_disputes > 0 && (
        <p className="warn">{p.open_disputes} open dispute(s) on your charges hold your stake: claiming waits until they are resolved.</p>
      )}
      <button
        onClick={() => void tx.run("Claim unbonded stake", (a) => a.clients.providerRegistry.claim(GAS))}
        disabled={tx.pending || matured.length === 0}
      >
        Claim matured stake
        {matured.length
          ? ` (${formatCoin(
              book,
              matured.reduce((s, c) => s + BigInt(c.amount), 0n),
              denom,
            )})`
          : ""}
      </button>{" "}
      <button
        className="danger"
        disabled={tx.pending || exiting || jailed}
        title={jailed ? "A jailed provider cannot deregister" : undefined}
        onClick={() => {
          if (window.confirm("Deregister? All your stake starts unbonding and you stop being leasable."))
            void tx.run("Deregister", (a) => a.clients.providerRegistry.deregister(GAS));
        }}
      >
        Deregister
      </button>
      <TxStatus state={tx.state} />
    </Section>
  );
}

export function LivenessPanel({ p, cfg }: { p: ProviderResponse; cfg: RegistryConfig }) {
  const { config, book, reader, account } = useChain();
  const now = useNow();
  const tx = useTx();
  const rewards = useQuery(registryQueries.pendingRewards(reader, account?.address ?? ""));
  const r = p.reputation;
  const jail = typeof p.status === "object" ? p.status.jailed.until : null;
  const canUnjail = jail !== null && isPast(jail, now) && BigInt(p.stake) >= BigInt(cfg.min_stake);
  const pending = rewards.data?.pending_rewards ?? p.pending_rewards;
  return (
    <Section title="Liveness and rewards">
      <Dl
        rows={[
          ["Heartbeats", <span data-testid="my-heartbeats">{r.heartbeats}</span>],
          ["Last heartbeat", r.last_heartbeat ? `${formatTimestamp(r.last_heartbeat)} (${timeLeft(r.last_heartbeat, now)})` : "never"],
          ["Pending rewards", <span data-testid="pending-rewards">{formatCoin(book, pending, config.addresses.rewardToken)}</span>],
        ]}
      />
      <button onClick={() => void tx.run("Heartbeat", (a) => a.clients.providerRegistry.heartbeat(GAS))} disabled={tx.pending}>
        Send heartbeat
      </button>{" "}
      <button
        onClick={() =>
          void tx.run(
            "Claim rewards",
            (a) => a.clients.providerRegistry.claimRewards(GAS),
            (res) => {
              const amount = wasmAttribute(res, "amount");
              return amount ? `Claimed ${formatCoin(book, amount, config.addresses.rewardToken)}.` : undefined;
            },
          )
        }
        disabled={tx.pending || BigInt(pending) === 0n}
      >
        Claim rewards
      </button>
      {jail !== null && (
        <div className="warn" data-testid="jail">
          <p>
            Jailed until {formatTimestamp(jail)} ({timeLeft(jail, now)}).{" "}
            {isPast(jail, now)
              ? BigInt(p.stake) >= BigInt(cfg.min_stake)
                ? "The jail is over: you may unjail."
                : `Bond up to the minimum stake of ${formatCoin(book, cfg.min_stake, cfg.stake_denom)} to unjail.`
              : "Unjail becomes possible when it ends."}
          </p>
          <button onClick={() => void tx.run("Unjail", (a) => a.clients.providerRegistry.unjail(GAS))} disabled={tx.pending || !canUnjail}>
            Unjail
          </button>
        </div>
      )}
      <TxStatus state={tx.state} />
    </Section>
  );
}
