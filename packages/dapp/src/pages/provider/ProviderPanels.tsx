// The connected provider's panels: overview, listing update, liveness, rewards and unjail (stake: StakePanel.tsx).
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useChain } from "../../chain/ChainProvider";
import { GAS, type Tx, useTx, wasmAttribute } from "../../chain/tx";
import { Fact, Facts, Section, TxStatus, useNow } from "../../components/ui";
import {
  denomKey,
  formatCoin,
  formatProviderStatus,
  formatTimestamp,
  isPast,
  serviceLabel,
  statusKind,
  timeAgo,
  timeLeft,
  toDisplayUnits,
} from "../../lib/format";
import type { ProviderResponse, RegistryConfig } from "../../lib/types";
import { type Errors, type ListingForm, validateListing } from "../../lib/validate";
import { escrowQueries } from "../../queries/escrow";
import { changedBy } from "../../queries/keys";
import { registryQueries } from "../../queries/registry";
import { href } from "../../router";
import { ListingFields } from "./ListingFields";

export function Overview({ provider, registry }: { provider: ProviderResponse; registry: RegistryConfig }) {
  const { book } = useChain();
  const now = useNow();
  return (
    <Section title="Your provider">
      <Facts>
        <Fact term="Address">
          <a href={href(`/providers/${provider.address}`)}>{provider.address}</a>
        </Fact>
        <Fact term="Status">
          <span data-testid="my-status">{formatProviderStatus(provider.status, now)}</span>
        </Fact>
        <Fact term="Service">{serviceLabel(provider.service)}</Fact>
        <Fact term="Stake">
          <span data-testid="my-stake">{formatCoin(book, provider.stake, registry.stake_denom)}</span>
        </Fact>
        <Fact term="Unbonding">
          <span data-testid="my-unbonding">{formatCoin(book, provider.unbonding, registry.stake_denom)}</span>
        </Fact>
        <Fact term="Open disputes">
          <span data-testid="my-disputes">
            {provider.open_disputes}
            {provider.open_disputes > 0 ? " — your stake is held: claims pay out only once every dispute is resolved" : ""}
          </span>
        </Fact>
      </Facts>
      {statusKind(provider.status) === "inactive" && (
        <p className="warn">
          Inactive: the stake is below the minimum of {formatCoin(book, registry.min_stake, registry.stake_denom)}. Bond more to become
          active again.
        </p>
      )}
    </Section>
  );
}

export function ListingUpdate({ provider }: { provider: ProviderResponse }) {
  const { reader, book } = useChain();
  const escrow = useQuery(escrowQueries.config(reader));
  const tx = useTx();
  const [form, setForm] = useState<ListingForm>(() => ({
    endpoint: provider.endpoint,
    region: provider.region,
    capacityAmount: provider.capacity.amount,
    capacityUnit: provider.capacity.unit,
    prices: provider.prices.map((price) => ({ denom: denomKey(price.denom), perUnit: toDisplayUnits(book, price.per_unit, price.denom) })),
    metadataUri: provider.metadata_uri ?? "",
  }));
  const [errors, setErrors] = useState<Errors>({});
  const accepted = escrow.data?.accepted_denoms ?? [];
  const submit = () => {
    const checked = validateListing(form, { acceptedDenoms: accepted, book });
    if (!checked.ok) {
      setErrors(checked.errors);
      tx.fail("Fix the highlighted fields; nothing was sent.");
      return;
    }
    setErrors({});
    const { metadata_uri: metadataUri, ...listing } = checked.value;
    const update = { ...listing, metadataUri: metadataUri ?? undefined };
    void tx.run({
      label: "Update listing",
      send: (sender) => sender.clients.providerRegistry.updateProvider(update, GAS),
      changes: changedBy.provider(reader.keys, provider.address),
    });
  };
  return (
    <Section title="Listing">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <ListingFields form={form} onChange={setForm} errors={errors} accepted={accepted} book={book} />
        <button type="submit" disabled={tx.pending}>
          Update listing
        </button>
      </form>
      <TxStatus state={tx.state} />
    </Section>
  );
}

export function LivenessPanel({ provider, registry }: { provider: ProviderResponse; registry: RegistryConfig }) {
  const { config, book, reader } = useChain();
  const now = useNow();
  const tx = useTx();
  const rewards = useQuery(registryQueries.pendingRewards(reader, provider.address));
  const reputation = provider.reputation;
  const pending = rewards.data?.pending_rewards ?? provider.pending_rewards;
  const rewardToken = config.addresses.rewardToken;
  const heartbeat = () =>
    tx.run({
      label: "Heartbeat",
      send: (sender) => sender.clients.providerRegistry.heartbeat(GAS),
      changes: changedBy.provider(reader.keys, provider.address),
    });
  const claimRewards = () =>
    tx.run({
      label: "Claim rewards",
      send: (sender) => sender.clients.providerRegistry.claimRewards(GAS),
      changes: changedBy.rewards(reader.keys, provider.address),
      done: (result) => {
        const amount = wasmAttribute(result, "amount");
        return amount ? `Claimed ${formatCoin(book, amount, rewardToken)}.` : undefined;
      },
    });
  return (
    <Section title="Liveness and rewards">
      <Facts>
        <Fact term="Heartbeats">
          <span data-testid="my-heartbeats">{reputation.heartbeats}</span>
        </Fact>
        <Fact term="Last heartbeat">
          {reputation.last_heartbeat
            ? `${formatTimestamp(reputation.last_heartbeat)} (${timeAgo(reputation.last_heartbeat, now)})`
            : "never"}
        </Fact>
        <Fact term="Pending rewards">
          <span data-testid="pending-rewards">{formatCoin(book, pending, rewardToken)}</span>
        </Fact>
      </Facts>
      <button type="button" onClick={() => void heartbeat()} disabled={tx.pending}>
        Send heartbeat
      </button>{" "}
      <button type="button" onClick={() => void claimRewards()} disabled={tx.pending || BigInt(pending) === 0n}>
        Claim rewards
      </button>
      <JailNotice provider={provider} registry={registry} tx={tx} now={now} />
      <TxStatus state={tx.state} />
    </Section>
  );
}

/** A jailed provider: until when, and unjail once the jail is over and the stake is back at the minimum. */
function JailNotice({ provider, registry, tx, now }: { provider: ProviderResponse; registry: RegistryConfig; tx: Tx; now: number }) {
  const { book, reader } = useChain();
  const until = typeof provider.status === "object" ? provider.status.jailed.until : null;
  if (until === null) return null;
  const over = isPast(until, now);
  const staked = BigInt(provider.stake) >= BigInt(registry.min_stake);
  const unjail = () =>
    tx.run({
      label: "Unjail",
      send: (sender) => sender.clients.providerRegistry.unjail(GAS),
      changes: changedBy.provider(reader.keys, provider.address),
    });
  return (
    <div className="warn" data-testid="jail">
      <p>
        Jailed until {formatTimestamp(until)} ({timeLeft(until, now)}).{" "}
        {!over
          ? "Unjail becomes possible when it ends."
          : staked
            ? "The jail is over: you may unjail."
            : `Bond up to the minimum stake of ${formatCoin(book, registry.min_stake, registry.stake_denom)} to unjail.`}
      </p>
      <button type="button" onClick={() => void unjail()} disabled={tx.pending || !over || !staked}>
        Unjail
      </button>
    </div>
  );
}
