// Proposals: status, tally, time left, the upgrade flag and when it may execute; vote, execute, close, guardian veto.
import { useQuery } from "@tanstack/react-query";
import { useChain } from "../../chain/ChainProvider";
import { GAS, type Tx, useTx } from "../../chain/tx";
import { ProposalVoteAlert } from "../../components/Alerts";
import { ProposalTurnout, ShowHistory } from "../../components/History";
import { Pager, usePager } from "../../components/Pager";
import { Address, QueryError, Section, TxStatus, useNow } from "../../components/ui";
import { formatCoin, formatTimestamp, isPast, proposalStatusLabel, share, timeLeft } from "../../lib/format";
import { describeMsg, proposalActions, tallyOf } from "../../lib/proposals";
import type { ProposalResponse, Vote } from "../../lib/types";
import { daoQueries } from "../../queries/dao";
import { changedBy } from "../../queries/keys";

const PAGE_SIZE = 10;
const VOTES: [Vote, string][] = [
  ["yes", "Yes"],
  ["no", "No"],
  ["abstain", "Abstain"],
  ["no_with_veto", "No with veto"],
];

export function ProposalList() {
  const { reader } = useChain();
  const pager = usePager<number>();
  const page = useQuery(daoQueries.proposals(reader, { startAfter: pager.startAfter, limit: PAGE_SIZE }));
  const proposals = page.data?.proposals ?? [];
  return (
    <Section title="Proposals">
      {page.error && <QueryError error={page.error} />}
      {page.data && proposals.length === 0 && <p>No proposals yet.</p>}
      {proposals.map((proposal) => (
        <ProposalCard key={proposal.id} proposal={proposal} />
      ))}
      <Pager pager={pager} items={proposals} pageSize={PAGE_SIZE} cursorOf={(proposal) => proposal.id} />
    </Section>
  );
}

function ProposalCard({ proposal }: { proposal: ProposalResponse }) {
  const { book, config } = useChain();
  const tx = useTx();
  return (
    <article className="proposal" data-testid="proposal" data-proposal={proposal.id} aria-label={`Proposal ${proposal.id}`}>
      <h3>
        #{proposal.id} {proposal.title} ·{" "}
        <span className={`status ${proposal.status}`} data-testid="proposal-status">
          {proposalStatusLabel(proposal.status)}
        </span>
        {proposal.upgrade && (
          <span className="badge" data-testid="upgrade-flag" title="Carries a wasm migrate or update_admin: waits out the exit window">
            upgrade
          </span>
        )}
      </h3>
      <p>{proposal.description}</p>
      <p className="hint">
        Proposed by <Address address={proposal.proposer} /> at block {proposal.start_height}.
      </p>
      <ol className="msgs">
        {proposal.msgs.map((msg, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a proposal's messages never change; their position is their identity
          <li key={i}>{describeMsg(msg, config.addresses, book)}</li>
        ))}
      </ol>
      <ProposalVoteAlert proposal={proposal} />
      <TallyTable proposal={proposal} />
      <ShowHistory label="turnout chart">
        <ProposalTurnout proposal={proposal} />
      </ShowHistory>
      <ProposalTimes proposal={proposal} />
      <ProposalActions proposal={proposal} tx={tx} />
      <TxStatus state={tx.state} />
    </article>
  );
}

function TallyTable({ proposal }: { proposal: ProposalResponse }) {
  const { book, config } = useChain();
  const token = config.addresses.rewardToken;
  const tally = tallyOf(proposal);
  return (
    <table className="tally" data-testid="tally">
      <tbody>
        <tr>
          <th>Yes</th>
          <th>No</th>
          <th>Abstain</th>
          <th>No with veto</th>
          <th>Turnout</th>
        </tr>
        <tr>
          <td>{formatCoin(book, tally.yes, token)}</td>
          <td>{formatCoin(book, tally.no, token)}</td>
          <td>{formatCoin(book, tally.abstain, token)}</td>
          <td>{formatCoin(book, tally.noWithVeto, token)}</td>
          <td>
            {share(tally.turnout, tally.total)} of {formatCoin(book, tally.total, token)}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/** When voting ends or ended, when a passed proposal may execute, the deposit and an execution failure. */
function ProposalTimes({ proposal }: { proposal: ProposalResponse }) {
  const { book, config } = useChain();
  const now = useNow();
  const token = config.addresses.rewardToken;
  const ends = proposal.voting_ends_at;
  const voting =
    proposal.status !== "open"
      ? `Voting ended ${formatTimestamp(ends)}.`
      : isPast(ends, now)
        ? `Voting ended ${timeLeft(ends, now)}.`
        : `Voting ends ${formatTimestamp(ends)} (${timeLeft(ends, now)}).`;
  return (
    <>
      <p data-testid="time-left">{voting}</p>
      {proposal.executable_at && proposal.status === "passed" && (
        <p data-testid="executable-at">
          Executable from {formatTimestamp(proposal.executable_at)} ({timeLeft(proposal.executable_at, now)})
          {proposal.upgrade
            ? ": an upgrade waits out the exit window (voting end + unstaking period) so members who disagree can leave first"
            : ""}
          .
        </p>
      )}
      {BigInt(proposal.deposit) > 0n && (
        <p>
          Deposit {formatCoin(book, proposal.deposit, token)}
          {proposal.deposit_refunded ? " (refunded)" : ""}.
        </p>
      )}
      {proposal.execution_error && <p className="tx error">Execution failed: {proposal.execution_error}</p>}
    </>
  );
}

function ProposalActions({ proposal, tx }: { proposal: ProposalResponse; tx: Tx }) {
  const { reader, book, config, account } = useChain();
  const now = useNow();
  const dao = useQuery(daoQueries.config(reader));
  const myVote = useQuery(daoQueries.vote(reader, proposal.id, account?.address ?? ""));
  const power = useQuery(daoQueries.votingPower(reader, account?.address ?? ""));
  const vote = myVote.data?.vote;
  const actions = proposalActions(proposal, now, {
    hasPower: BigInt(power.data?.power ?? "0") > 0n,
    voted: !!vote,
    isGuardian: !!account && dao.data?.guardian === account.address,
  });
  const proposalId = proposal.id;
  const changes = changedBy.proposal(reader.keys, proposalId);
  return (
    <>
      {vote && (
        <p data-testid="my-vote">
          You voted {vote.vote.replace(/_/g, " ")} with {formatCoin(book, vote.power, config.addresses.rewardToken)}.
        </p>
      )}
      <div className="actions">
        {actions.vote && <VoteButtons proposalId={proposalId} tx={tx} />}
        {(actions.execute || actions.waiting) && (
          <button
            type="button"
            disabled={tx.pending || actions.waiting}
            onClick={() =>
              void tx.run({
                label: `Execute #${proposalId}`,
                send: (sender) => sender.clients.dao.execute({ proposalId }, GAS),
                changes: changedBy.execution(reader.keys),
              })
            }
          >
            Execute
          </button>
        )}
        {actions.close && (
          <button
            type="button"
            disabled={tx.pending}
            onClick={() =>
              void tx.run({ label: `Close #${proposalId}`, send: (sender) => sender.clients.dao.close({ proposalId }, GAS), changes })
            }
          >
            Close
          </button>
        )}
        {actions.veto && (
          <button
            type="button"
            className="danger"
            disabled={tx.pending}
            onClick={() =>
              void tx.run({ label: `Veto #${proposalId}`, send: (sender) => sender.clients.dao.veto({ proposalId }, GAS), changes })
            }
          >
            Veto (guardian)
          </button>
        )}
      </div>
    </>
  );
}

function VoteButtons({ proposalId, tx }: { proposalId: number; tx: Tx }) {
  const { reader } = useChain();
  const vote = (choice: Vote, label: string) =>
    tx.run({
      label: `Vote ${label.toLowerCase()} on #${proposalId}`,
      send: (sender) => sender.clients.dao.vote({ proposalId, vote: choice }, GAS),
      changes: changedBy.proposal(reader.keys, proposalId),
    });
  return VOTES.map(([choice, label]) => (
    <button type="button" key={choice} disabled={tx.pending} onClick={() => void vote(choice, label)}>
      Vote {label.toLowerCase()}
    </button>
  ));
}
