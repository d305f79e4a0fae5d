// DAO membership: stake the suite token (cw20 send {"stake"}), unstake, claim, voting power.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { sendCw20 } from "../../chain/funds";
import { GAS, type Tx, useTx } from "../../chain/tx";
import { Fact, Facts, Field, Section, TxStatus, useNow } from "../../components/ui";
import { coinMeta, formatCoin, formatDuration, formatExpiration, share } from "../../lib/format";
import { validateAmount } from "../../lib/validate";
import { daoQueries } from "../../queries/dao";
import { changedBy } from "../../queries/keys";
import { tokenQueries } from "../../queries/token";

export function StakingPanel({ account }: { account: Account }) {
  const { reader, book, config } = useChain();
  const token = config.addresses.rewardToken;
  const balance = useQuery(tokenQueries.balance(reader, account.address));
  const power = useQuery(daoQueries.votingPower(reader, account.address));
  const total = useQuery(daoQueries.totalPower(reader));
  const dao = useQuery(daoQueries.config(reader));
  const tx = useTx();
  const staked = BigInt(power.data?.power ?? "0");
  const held = BigInt(balance.data?.balance ?? "0");
  const symbol = coinMeta(book, token).symbol;
  return (
    <Section title="Your stake">
      <Facts>
        <Fact term={`${symbol} balance`}>
          <span data-testid="dao-balance">{formatCoin(book, held, token)}</span>
        </Fact>
        <Fact term="Staked (voting power)">
          <span data-testid="voting-power">{formatCoin(book, staked, token)}</span>
        </Fact>
        <Fact term="Share of all voting power">
          <span data-testid="power-share">
            {total.data ? `${share(staked, total.data.power)} of ${formatCoin(book, total.data.power, token)}` : "…"}
          </span>
        </Fact>
        <Fact term="Unstaking period">{dao.data ? formatDuration(dao.data.unstaking_period) : "…"}</Fact>
      </Facts>
      <StakeFields account={account} held={held} staked={staked} tx={tx} />
      <UnstakingClaims account={account} tx={tx} />
      <TxStatus state={tx.state} />
    </Section>
  );
}

function StakeFields({ account, held, staked, tx }: { account: Account; held: bigint; staked: bigint; tx: Tx }) {
  const { reader, book, config } = useChain();
  const [stake, setStake] = useState("");
  const [unstake, setUnstake] = useState("");
  const [errors, setErrors] = useState<{ stake?: string; unstake?: string }>({});
  const token = config.addresses.rewardToken;
  const symbol = coinMeta(book, token).symbol;
  const changes = changedBy.member(reader.keys, account.address);
  const sendStake = () => {
    const amount = validateAmount(stake, token, book, { max: { amount: held, what: "your balance" } });
    if (!amount.ok) {
      tx.reset();
      return setErrors({ stake: amount.error });
    }
    setErrors({});
    void tx
      .run({
        label: "Stake",
        send: (sender) => sendCw20(sender, token, amount.value, config.addresses.dao, { stake: {} }),
        changes,
        done: () => `Staked ${formatCoin(book, amount.value, token)}; it votes on proposals created from the next block on.`,
      })
      .then((result) => result && setStake(""));
  };
  const sendUnstake = () => {
    const amount = validateAmount(unstake, token, book, { max: { amount: staked, what: "your stake" } });
    if (!amount.ok) {
      tx.reset();
      return setErrors({ unstake: amount.error });
    }
    setErrors({});
    void tx
      .run({ label: "Unstake", send: (sender) => sender.clients.dao.unstake({ amount: amount.value.toString() }, GAS), changes })
      .then((result) => result && setUnstake(""));
  };
  return (
    <div className="row">
      <Field label={`Stake (${symbol})`} error={errors.stake}>
        <input name="daoStake" value={stake} onChange={(e) => setStake(e.target.value)} />
      </Field>
      <button type="button" disabled={tx.pending} onClick={sendStake}>
        Stake
      </button>
      <Field label={`Unstake (${symbol})`} error={errors.unstake}>
        <input name="daoUnstake" value={unstake} onChange={(e) => setUnstake(e.target.value)} />
      </Field>
      <button type="button" disabled={tx.pending} onClick={sendUnstake}>
        Unstake
      </button>
    </div>
  );
}

function UnstakingClaims({ account, tx }: { account: Account; tx: Tx }) {
  const { reader, book, config } = useChain();
  const now = useNow();
  const claims = useQuery(daoQueries.claims(reader, account.address));
  const token = config.addresses.rewardToken;
  const list = claims.data?.claims ?? [];
  const matured = list.filter((claim) => formatExpiration(claim.release_at, now).matured);
  const maturedTotal = matured.reduce((sum, claim) => sum + BigInt(claim.amount), 0n);
  const claim = () =>
    tx.run({
      label: "Claim unstaked tokens",
      send: (sender) => sender.clients.dao.claim(GAS),
      changes: changedBy.member(reader.keys, account.address),
    });
  return (
    <>
      <h3>Unstaking claims</h3>
      {list.length ? (
        <table data-testid="dao-claims">
          <thead>
            <tr>
              <th>Amount</th>
              <th>Released</th>
            </tr>
          </thead>
          <tbody>
            {list.map((item, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the chain's claims list has no id; two claims may share amount and release time
              <tr key={i}>
                <td>{formatCoin(book, item.amount, token)}</td>
                <td>{formatExpiration(item.release_at, now).text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No unstaking claims.</p>
      )}
      <button type="button" disabled={tx.pending || matured.length === 0} onClick={() => void claim()}>
        Claim matured{matured.length ? ` (${formatCoin(book, maturedTotal, token)})` : ""}
      </button>
    </>
  );
}
