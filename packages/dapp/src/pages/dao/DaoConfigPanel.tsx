// The DAO's rules in force.
import { useQuery } from "@tanstack/react-query";
import { useChain } from "../../chain/ChainProvider";
import { Fact, Facts, Section } from "../../components/ui";
import { formatCoin, formatDuration, formatPercent } from "../../lib/format";
import { daoQueries } from "../../queries/dao";

export function DaoConfigPanel() {
  const { reader, book, config } = useChain();
  const dao = useQuery(daoQueries.config(reader));
  if (!dao.data) return null;
  const rules = dao.data;
  return (
    <Section title="DAO rules">
      <Facts>
        <Fact term="Voting period">{formatDuration(rules.voting_period)}</Fact>
        <Fact term="Pass threshold">{`${formatPercent(rules.threshold)} of yes + no + no with veto`}</Fact>
        <Fact term="Quorum">{`${formatPercent(rules.quorum)} of the voting power`}</Fact>
        <Fact term="Veto threshold">{`${formatPercent(rules.veto_threshold)} of the turnout`}</Fact>
        <Fact term="Proposal deposit">
          <span data-testid="proposal-deposit">
            {BigInt(rules.proposal_deposit) > 0n ? formatCoin(book, rules.proposal_deposit, config.addresses.rewardToken) : "none"}
          </span>
        </Fact>
        <Fact term="Timelock">{formatDuration(rules.timelock)}</Fact>
        <Fact term="Unstaking period (the upgrade exit window)">{formatDuration(rules.unstaking_period)}</Fact>
        <Fact term="Guardian">
          <span data-testid="guardian">{rules.guardian ?? "none"}</span>
        </Fact>
      </Facts>
      <p className="hint">
        Members' funds are out of every proposal's reach: the DAO refuses messages it cannot inspect (stargate, any), allowances on the
        suite token, and any migration or admin change of the token, with the reason. Upgrades of the DAO, registry or escrow wait out an
        exit window, so members who disagree can unstake and claim first.
      </p>
    </Section>
  );
}
