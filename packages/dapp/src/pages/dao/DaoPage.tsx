import { useChain } from "../../chain/ChainProvider";
import { ConnectPrompt } from "../../components/ui";
import { DaoConfigPanel } from "./DaoConfigPanel";
import { ProposalForm } from "./ProposalForm";
import { ProposalList } from "./ProposalList";
import { StakingPanel } from "./StakingPanel";

export function DaoPage() {
  const { account } = useChain();
  return (
    <>
      {account ? <StakingPanel account={account} /> : <ConnectPrompt what="stake, propose and vote" />}
      <DaoConfigPanel />
      <ProposalList />
      {account && <ProposalForm account={account} />}
    </>
  );
}
