// Proposals: status, tally, time left, the upgrade flag and when it may execute; vote, execute, close, guardian veto.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useChain } from "../../chain/ChainProvider";
import { GAS, useTx } from "../../chain/tx";
import { QueryError, Section, TxStatus, useNow } from "../../components/ui";
import { formatCoin, formatTimestamp, isPast, proposalStatusLabel, share, timeLeft } from "../../lib/format";
import { describeMsg, proposalActions, tallyOf } from "../../lib/proposals";
import type { ProposalResponse, Vote } from "../../lib/types";
import { daoQueries } from "../../queries/dao";

const PAGE = 10;
const VOTES: [Vote, string][] = [
  ["yes", "Yes"],
  ["no", "No"],
  ["abstain", "Abstain"],
  ["no_with_veto", "No with veto"],
];

export function ProposalList() {
  const { reader } = useChain();
  const [stack, setStack] = useState<(number | undefined)[]>([undefined]);
  const page = useQuery(daoQueries.proposals(reader, { startAfter: stack[stack.length - 1], limit: PAGE }));
  const list = page.data?.proposals ?? [];
  return (
    <Section title="Proposals">
      {page.error && <QueryError error={page.error} />}
      {page.data && list.length === 0 && <p>No proposals yet.</p>}
      {list.map((p) => (
        <ProposalCard key={p.id} p={p} />
      ))}
      <div className="pager">
        <button disabled={stack.length <= 1} onClick={() => setStack(stack.slice(0, -1))}>
          Previous page
        </button>
        <button disabled={list.length < PAGE} onClick={() => setStack([...stack, list[list.length - 1].id])}>
          Next page
        </button>
      </div>
    </Section>
  );
}

function ProposalCard({ p }: { p: ProposalResponse }) {
  const { reader, book, config, account } = useChain();
  const now = useNow();
  const tx = useTx();
  const cfg = useQuery(daoQueries.config(reader));
  const myVote = useQuery(daoQueries.vote(reader, p.id, account?.address ?? ""));
  const power = useQuery(daoQueries.votingPower(reader, account?.address ?? ""));
  const token = config.addresses.rewardToken;
  const t = tallyOf(p);
  const voted = !!myVote.data?.vote;
  const actions = proposalActions(p, now, {
    hasPower: BigInt(power.data?.power ?? "0") > 0n,
    voted,
    isGuardian: !!account && cfg.data?.guardian === account.address,
  });
  const ended = isPast(p.voting_ends_at, now);
  return (
    <article className="proposal" data-testid="proposal" data-proposal={p.id} aria-label={`Proposal ${p.id}`}>
      <h3>
        #{p.id} {p.title} ·{" "}
        <span className={`status ${p.status}`} data-testid="proposal-status">
          {proposalStatusLabel(p.status)}
        </span>
        {p.upgrade && (
          <span className="badge" data-testid="upgrade-flag" title="Carries a wasm migrate or update_admin: waits out the exit window">
            upgrade
          </span>
        )}
      </h3>
      <p>{p.description}</p>
      <p className="hint">
        Proposed by {p.proposer} at block {p.start_height}.
      </p>
      <ol className="msgs">
        {p.msgs.map((m, i) => (
          <li key={i}>{describeMsg(m, config.addresses, book)}</li>
        ))}
      </ol>
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
            <td>{formatCoin(book, t.yes, token)}</td>
            <td>{formatCoin(book, t.no, token)}</td>
            <td>{formatCoin(book, t.abstain, token)}</td>
            <td>{formatCoin(book, t.noWithVeto, token)}</td>
            <td>
              {share(t.turnout, t.total)} of {formatCoin(book, t.total, token)}
            </td>
          </tr>
        </tbody>
      </table>
      <p data-testid="time-left">
        {p.status === "open"
          ? ended
            ? `Voting ended ${timeLeft(p.voting_ends_at, now)}.`
            : `Voting ends ${formatTimestamp(p.voting_ends_at)} (${timeLeft(p.voting_ends_at, now)}).`
          : `Voting ended ${formatTimestamp(p.voting_ends_at)}.`}
      </p>
      {p.executable_at && p.status === "passed" && (
        <p data-testid="executable-at">
          Executable from {formatTimestamp(p.executable_at)} ({timeLeft(p.executable_at, now)})
          {p.upgrade
            ? ": an upgrade waits out the exit window (voting end + unstaking period) so members who disagree can leave first"
            : ""}
          .
        </p>
      )}
      {BigInt(p.deposit) > 0n && (
        <p>
          Deposit {formatCoin(book, p.deposit, token)}
          {p.deposit_refunded ? " (refunded)" : ""}.
        </p>
      )}
      {p.execution_error && <p className="tx error">Execution failed: {p.execution_error}</p>}
      {myVote.data?.vote && (
        <p data-testid="my-vote">
          You voted {myVote.data.vote.vote.replace(/_/g, " ")} with {formatCoin(book, myVote.data.vote.power, token)}.
        </p>
      )}
      <div className="actions">
        {actions.vote &&
          VOTES.map(([v, label]) => (
            <button
              key={v}
              disabled={tx.pending}
              onClick={() =>
                void tx.run(`Vote ${label.toLowerCase()} on #${p.id}`, (a) => a.clients.dao.vote({ proposalId: p.id, vote: v }, GAS))
              }
            >
              Vote {label.toLowerCase()}
            </button>
          ))}
        {(actions.execute || actions.waiting) && (
          <button
            disabled={tx.pending || actions.waiting}
            onClick={() => void tx.run(`Execute #${p.id}`, (a) => a.clients.dao.execute({ proposalId: p.id }, GAS))}
          >
            Execute
          </button>
        )}
        {actions.close && (
          <button
            disabled={tx.pending}
            onClick={() => void tx.run(`Close #${p.id}`, (a) => a.clients.dao.close({ proposalId: p.id }, GAS))}
          >
            Close
          </button>
        )}
        {actions.veto && (
          <button
            className="danger"
            disabled={tx.pending}
            onClick={() => void tx.run(`Veto #${p.id}`, (a) => a.clients.dao.veto({ proposalId: p.id }, GAS))}
          >
            Veto (guardian)
          </button>
        )}
      </div>
      <TxStatus state={tx.state} />
    </article>
  );
}
