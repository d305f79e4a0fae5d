// The connected provider's panels: overview, listing update, agent key, liveness and proofs, rewards and unjail (stake: StakePanel.tsx).
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useChain } from "../../chain/ChainProvider";
import { GAS, type Tx, useTx, wasmAttribute } from "../../chain/tx";
import { LivenessFacts } from "../../components/LivenessFacts";
import { Fact, Facts, Field, Section, TxStatus, useNow } from "../../components/ui";
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
import { agentKeyHex, parseAgentKey } from "../../lib/liveness";
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
  const stats = useQuery(registryQueries.stats(reader));
  const reputation = provider.reputation;
  const pending = rewards.data?.pending_rewards ?? provider.pending_rewards;
  const unproven = rewards.data?.unproven_rewards ?? provider.unproven_rewards;
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
      send: (sender) => sender.clients.providerRegistry.claimRewards({}, GAS),
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
        <LivenessFacts reputation={reputation} currentEpoch={stats.data?.current_epoch} own />
        <Fact term="Pending rewards">
          <span data-testid="pending-rewards">{formatCoin(book, pending, rewardToken)}</span> (claimable)
        </Fact>
        <Fact term="Unproven rewards">
          <span data-testid="unproven-rewards">{formatCoin(book, unproven, rewardToken)}</span> (stake rewards of this epoch and the last,
          credited once an oracle proves you live in them; lost if it does not by the end of the next epoch)
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

/** The agent key an oracle checks liveness proofs against: shown, set or rotated with update_provider. */
export function AgentKeyPanel({ provider }: { provider: ProviderResponse }) {
  const { reader } = useChain();
  const tx = useTx();
  const [input, setInput] = useState("");
  const [error, setError] = useState<string | null>(null);
  const current = agentKeyHex(provider.agent_pubkey);
  const submit = () => {
    const parsed = parseAgentKey(input);
    if (!parsed.ok) {
      setError(parsed.error);
      tx.fail("Fix the agent key; nothing was sent.");
      return;
    }
    if (parsed.value === provider.agent_pubkey) {
      setError("This is already your agent key.");
      tx.fail("Nothing was sent.");
      return;
    }
    setError(null);
    void tx.run({
      label: current ? "Rotate agent key" : "Set agent key",
      send: (sender) => sender.clients.providerRegistry.updateProvider({ agentPubkey: parsed.value }, GAS),
      changes: changedBy.provider(reader.keys, provider.address),
      done: () => {
        setInput("");
        return "Agent key saved: proofs are checked against it from now on.";
      },
    });
  };
  return (
    <Section title="Agent key">
      <p>
        Your provider agent signs the oracles' liveness challenges with this key; stake rewards are credited only for the epochs an oracle
        proves you live in.
      </p>
      <Facts>
        <Fact term="Current key">
          <span data-testid="my-agent-key" className="mono">
            {current ?? "none set: no epoch can be proven, so you earn no stake rewards"}
          </span>
        </Fact>
      </Facts>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field
          label={current ? "New agent key" : "Agent key"}
          hint="33-byte compressed public key (02 or 03 first), hex or base64, as depin-provider prints it"
          error={error ?? undefined}
        >
          <input className="mono" data-testid="agent-key-input" value={input} onChange={(e) => setInput(e.target.value)} />
        </Field>
        <button type="submit" disabled={tx.pending}>
          {current ? "Rotate agent key" : "Set agent key"}
        </button>
      </form>
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
