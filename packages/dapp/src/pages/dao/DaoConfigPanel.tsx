// The DAO's rules in force.
import { useQuery } from "@tanstack/react-query";
import { useChain } from "../../chain/ChainProvider";
import { Dl, Section } from "../../components/ui";
import { formatCoin, formatDuration, formatPercent } from "../../lib/format";
import { daoQueries } from "../../queries/dao";

export function DaoConfigPanel() {
  const { reader, book, config } = useChain();
  const cfg = useQuery(daoQueries.config(reader));
  if (!cfg.data) return null;
  const c = cfg.data;
  return (
    <Section title="DAO rules">
      <Dl
        rows={[
          ["Voting period", formatDuration(c.voting_period)],
          ["Pass threshold", `${formatPercent(c.threshold)} of yes + no + no with veto`],
          ["Quorum", `${formatPercent(c.quorum)} of the voting power`],
          ["Veto threshold", `${formatPercent(c.veto_threshold)} of the turnout`],
          [
            "Proposal deposit",
            <span data-testid="proposal-deposit">
              {BigInt(c.proposal_deposit) > 0n ? formatCoin(book, c.proposal_deposit, config.addresses.rewardToken) : "none"}
            </span>,
          ],
          ["Timelock", formatDuration(c.timelock)],
          ["Unstaking period (the upgrade exit window)", formatDuration(c.unstaking_period)],
          ["Guardian", <span data-testid="guardian">{c.guardian ?? "none"}</span>],
        ]}
      />
      <p className="hint">
        Members' funds are out of every proposal's reach: the DAO refuses messages it cannot inspect (stargate, any), allowances on the
        suite token, and any migration or admin change of the token, with the reason. Upgrades of the DAO, registry or escrow wait out an
        exit window, so members who disagree can unstake and claim first.
      </p>
    </Section>
  );
}
