// DAO membership: stake the suite token (cw20 send {"stake"}), unstake, claim, voting power.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { payWith } from "../../chain/funds";
import { GAS, useTx } from "../../chain/tx";
import { Dl, Field, Section, TxStatus, useNow } from "../../components/ui";
import { coinMeta, formatCoin, formatDuration, formatExpiration, share } from "../../lib/format";
import { type Errors, validateAmount } from "../../lib/validate";
import { daoQueries } from "../../queries/dao";
import { tokenQueries } from "../../queries/token";

export function StakingPanel({ account }: { account: Account }) {
  const { reader, book, config } = useChain();
  const now = useNow();
  const token = config.addresses.rewardToken;
  const balance = useQuery(tokenQueries.balance(reader, account.address));
  const power = useQuery(daoQueries.votingPower(reader, account.address));
  const total = useQuery(daoQueries.totalPower(reader));
  const claims = useQuery(daoQueries.claims(reader, account.address));
  const cfg = useQuery(daoQueries.config(reader));
  const tx = useTx();
  const [stake, setStake] = useState("");
  const [unstake, setUnstake] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const staked = BigInt(power.data?.power ?? "0");
  const bal = BigInt(balance.data?.balance ?? "0");
  const matured = (claims.data?.claims ?? []).filter((c) => formatExpiration(c.release_at, now).matured);
  const symbol = coinMeta(book, token).symbol;

  return (
    <Section title="Your stake">
      <Dl
        rows={[
          [`${symbol} balance`, <span data-testid="dao-balance">{formatCoin(book, bal, token)}</span>],
          ["Staked (voting power)", <span data-testid="voting-power">{formatCoin(book, staked, token)}</span>],
          [
            "Share of all voting power",
            <span data-testid="power-share">
              {total.data ? `${share(staked, total.data.power)} of ${formatCoin(book, total.data.power, token)}` : "…"}
            </span>,
          ],
          ["Unstaking period", cfg.data ? formatDuration(cfg.data.unstaking_period) : "…"],
        ]}
      />
      <div className="row">
        <Field label={`Stake (${symbol})`} error={errors.stake}>
          <input name="daoStake" value={stake} onChange={(e) => setStake(e.target.value)} />
        </Field>
        <button
          disabled={tx.pending}
          onClick={() => {
            const v = validateAmount(stake, token, book, { max: { amount: bal, what: "your balance" } });
            if (v.error) return setErrors({ stake: v.error });
            setErrors({});
            void tx.run(
              "Stake",
              (a) =>
                payWith(a, { cw20: token }, v.value!, config.addresses.dao, { stake: {} }, () => Promise.reject(new Error("unreachable"))),
              () => `Staked ${formatCoin(book, v.value!, token)}; it votes on proposals created from the next block on.`,
            );
          }}
        >
          Stake
        </button>
        <Field label={`Unstake (${symbol})`} error={errors.unstake}>
          <input name="daoUnstake" value={unstake} onChange={(e) => setUnstake(e.target.value)} />
        </Field>
        <button
          disabled={tx.pending}
          onClick={() => {
            const v = validateAmount(unstake, token, book, { max: { amount: staked, what: "your stake" } });
            if (v.error) return setErrors({ unstake: v.error });
            setErrors({});
            void tx.run("Unstake", (a) => a.clients.dao.unstake({ amount: v.value!.toString() }, GAS));
          }}
        >
          Unstake
        </button>
      </div>
      <h3>Unstaking claims</h3>
      {claims.data?.claims.length ? (
        <table data-testid="dao-claims">
          <thead>
            <tr>
              <th>Amount</th>
              <th>Released</th>
            </tr>
          </thead>
          <tbody>
            {claims.data.claims.map((c, i) => (
              <tr key={i}>
                <td>{formatCoin(book, c.amount, token)}</td>
                <td>{formatExpiration(c.release_at, now).text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No unstaking claims.</p>
      )}
      <button
        disabled={tx.pending || matured.length === 0}
        onClick={() => void tx.run("Claim unstaked tokens", (a) => a.clients.dao.claim(GAS))}
      >
        Claim matured
        {matured.length
          ? ` (${formatCoin(
              book,
              matured.reduce((s, c) => s + BigInt(c.amount), 0n),
              token,
            )})`
          : ""}
      </button>
      <TxStatus state={tx.state} />
    </Section>
  );
}
