import { useQuery } from "@tanstack/react-query";
import { useChain } from "../../chain/ChainProvider";
import { ConnectPrompt } from "../../components/ui";
import { daoQueries } from "../../queries/dao";
import { DaoConfigPanel } from "./DaoConfigPanel";
import { ProposalForm } from "./ProposalForm";
import { ProposalList } from "./ProposalList";
import { StakingPanel } from "./StakingPanel";

export function DaoPage() {
  const { account, reader } = useChain();
  const rules = useQuery(daoQueries.config(reader));
  // The proposals wait for the rules above them: a panel appearing above would push them down (a layout shift).
  const rulesSettled = rules.data !== undefined || !!rules.error;
  return (
    <>
      {account ? <StakingPanel account={account} /> : <ConnectPrompt what="stake, propose and vote" />}
      <DaoConfigPanel />
      {rulesSettled && <ProposalList />}
      {rulesSettled && account && <ProposalForm account={account} />}
    </>
  );
}
