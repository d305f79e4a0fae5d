// A new proposal: title, description, and messages added from templates (MessageBuilder.tsx) or as raw JSON;
// the deposit is sent with it (cw20 send {"propose"}) when the DAO asks for one.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { sendCw20 } from "../../chain/funds";
import { GAS, useTx, wasmAttribute } from "../../chain/tx";
import { Field, Section, TxStatus } from "../../components/ui";
import { formatCoin } from "../../lib/format";
import { describeMsg, validateProposal } from "../../lib/proposals";
import type { CosmosMsg } from "../../lib/types";
import type { Errors } from "../../lib/validate";
import { daoQueries } from "../../queries/dao";
import { changedBy } from "../../queries/keys";
import { tokenQueries } from "../../queries/token";
import { MessageBuilder } from "./MessageBuilder";

/** A message of the draft, with an id of its own so the list keeps each one's identity when another is removed. */
interface DraftMsg {
  id: number;
  msg: CosmosMsg;
}

export function ProposalForm({ account }: { account: Account }) {
  const { reader, book, config } = useChain();
  const dao = useQuery(daoQueries.config(reader));
  const balance = useQuery(tokenQueries.balance(reader, account.address));
  const tx = useTx();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [drafts, setDrafts] = useState<DraftMsg[]>([]);
  const [nextId, setNextId] = useState(1);
  const [errors, setErrors] = useState<Errors>({});
  if (!dao.data) return null;
  const token = config.addresses.rewardToken;
  const deposit = BigInt(dao.data.proposal_deposit);
  const held = BigInt(balance.data?.balance ?? "0");
  const addMsgs = (msgs: CosmosMsg[]) => {
    setDrafts([...drafts, ...msgs.map((msg, i) => ({ id: nextId + i, msg }))]);
    setNextId(nextId + msgs.length);
  };

  const submit = () => {
    const checked = validateProposal(
      { title, description },
      drafts.map((draft) => draft.msg),
    );
    if (!checked.ok) {
      setErrors(checked.errors);
      tx.fail("Fix the highlighted fields; nothing was sent.");
      return;
    }
    if (deposit > 0n && held < deposit) {
      tx.fail(
        `The DAO asks for a deposit of ${formatCoin(book, deposit, token)} with each proposal; your balance is ${formatCoin(book, held, token)}.`,
      );
      return;
    }
    setErrors({});
    const propose = checked.value;
    void tx.run({
      label: "Propose",
      send: (sender) =>
        deposit > 0n ? sendCw20(sender, token, deposit, config.addresses.dao, { propose }) : sender.clients.dao.propose(propose, GAS),
      changes: changedBy.proposal(reader.keys),
      done: (result) => {
        setDrafts([]);
        setTitle("");
        setDescription("");
        const depositNote = deposit > 0n ? ` (deposit ${formatCoin(book, deposit, token)})` : "";
        return `Proposal ${wasmAttribute(result, "proposal_id") ?? ""} is open for voting${depositNote}.`;
      },
    });
  };

  return (
    <Section title="New proposal">
      <Field label="Title" error={errors.title}>
        <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <Field label="Description" error={errors.description}>
        <textarea name="description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      <MessageBuilder onAdd={addMsgs} />
      {errors.msgs && (
        <p className="field-error" role="alert">
          {errors.msgs}
        </p>
      )}
      <DraftList drafts={drafts} onRemove={(id) => setDrafts(drafts.filter((draft) => draft.id !== id))} />
      {deposit > 0n && (
        <p className="hint" data-testid="deposit-note">
          Submitting sends a deposit of {formatCoin(book, deposit, token)}, refunded unless the proposal fails quorum or is vetoed by vote.
        </p>
      )}
      <button type="button" onClick={submit} disabled={tx.pending}>
        Submit proposal
      </button>
      <TxStatus state={tx.state} />
    </Section>
  );
}

function DraftList({ drafts, onRemove }: { drafts: DraftMsg[]; onRemove: (id: number) => void }) {
  const { book, config } = useChain();
  return (
    <ol data-testid="draft-msgs">
      {drafts.map((draft) => (
        <li key={draft.id}>
          {describeMsg(draft.msg, config.addresses, book)}{" "}
          <button type="button" className="link" onClick={() => onRemove(draft.id)}>
            remove
          </button>
        </li>
      ))}
    </ol>
  );
}
