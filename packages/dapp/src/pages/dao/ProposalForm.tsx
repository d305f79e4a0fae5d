// A new proposal: title, description, and messages added from templates (escrow fee, arbiters, registry oracles, min_stake,
// a treasury payment) or as raw JSON; the deposit is sent with it (cw20 send {"propose"}) when the DAO asks for one.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { type Account, useChain } from "../../chain/ChainProvider";
import { payWith } from "../../chain/funds";
import { GAS, useTx, wasmAttribute } from "../../chain/tx";
import { Field, Section, TxStatus } from "../../components/ui";
import { coinMeta, formatCoin } from "../../lib/format";
import {
  describeMsg,
  EMPTY_TEMPLATE,
  TEMPLATE_LABELS,
  type TemplateForm,
  type TemplateKind,
  templateMsgs,
  validateProposal,
} from "../../lib/proposals";
import type { CosmosMsg } from "../../lib/types";
import type { Errors } from "../../lib/validate";
import { daoQueries } from "../../queries/dao";
import { registryQueries } from "../../queries/registry";
import { tokenQueries } from "../../queries/token";

export function ProposalForm({ account }: { account: Account }) {
  const { reader, book, config } = useChain();
  const dao = useQuery(daoQueries.config(reader));
  const registry = useQuery(registryQueries.config(reader));
  const balance = useQuery(tokenQueries.balance(reader, account.address));
  const tx = useTx();
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [msgs, setMsgs] = useState<CosmosMsg[]>([]);
  const [template, setTemplate] = useState<TemplateForm>(EMPTY_TEMPLATE);
  const [errors, setErrors] = useState<Errors>({});
  if (!dao.data || !registry.data) return null;
  const token = config.addresses.rewardToken;
  const deposit = BigInt(dao.data.proposal_deposit);
  const paymentDenoms = [...config.coins.map((c) => c.denom), token];
  const ctx = { contracts: config.addresses, prefix: config.bech32Prefix, book, stakeDenom: registry.data.stake_denom, paymentDenoms };
  const t = template;
  const set = (patch: Partial<TemplateForm>) => setTemplate({ ...t, ...patch });

  const add = () => {
    const v = templateMsgs({ ...t, denom: t.denom || paymentDenoms[0] }, ctx);
    if (!v.ok) return setErrors(v.errors);
    setErrors({});
    setMsgs([...msgs, ...v.value]);
    setTemplate({ ...EMPTY_TEMPLATE, kind: t.kind });
  };

  const submit = () => {
    const v = validateProposal({ title, description }, msgs);
    if (!v.ok) {
      setErrors(v.errors);
      tx.fail("Fix the highlighted fields; nothing was sent.");
      return;
    }
    if (deposit > 0n && BigInt(balance.data?.balance ?? "0") < deposit) {
      tx.fail(
        `The DAO asks for a deposit of ${formatCoin(book, deposit, token)} with each proposal; your balance is ${formatCoin(book, balance.data?.balance ?? "0", token)}.`,
      );
      return;
    }
    setErrors({});
    const p = v.value;
    void tx.run(
      "Propose",
      (a) =>
        deposit > 0n
          ? payWith(a, { cw20: token }, deposit, config.addresses.dao, { propose: p }, () => Promise.reject(new Error("unreachable")))
          : a.clients.dao.propose(p, GAS),
      (r) => {
        setMsgs([]);
        setTitle("");
        setDescription("");
        return `Proposal ${wasmAttribute(r, "proposal_id") ?? ""} is open for voting${deposit > 0n ? ` (deposit ${formatCoin(book, deposit, token)})` : ""}.`;
      },
    );
  };

  return (
    <Section title="New proposal">
      <Field label="Title" error={errors.title}>
        <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <Field label="Description" error={errors.description}>
        <textarea name="description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      <fieldset>
        <legend>Add a message</legend>
        <Field label="Template">
          <select
            name="template"
            value={t.kind}
            onChange={(e) => {
              setErrors({});
              setTemplate({ ...EMPTY_TEMPLATE, kind: e.target.value as TemplateKind });
            }}
          >
            {(Object.keys(TEMPLATE_LABELS) as TemplateKind[]).map((k) => (
              <option key={k} value={k}>
                {TEMPLATE_LABELS[k]}
              </option>
            ))}
          </select>
        </Field>
        {t.kind === "escrow_fee" && (
          <Field label="New protocol fee (%)" error={errors.feePercent}>
            <input name="feePercent" value={t.feePercent} onChange={(e) => set({ feePercent: e.target.value })} />
          </Field>
        )}
        {(t.kind === "arbiters" || t.kind === "oracles") && (
          <>
            <Field label={`Add ${t.kind} (addresses, one per line)`} error={errors.add}>
              <textarea name="add" rows={2} value={t.add} onChange={(e) => set({ add: e.target.value })} />
            </Field>
            <Field label={`Remove ${t.kind}`} error={errors.remove}>
              <textarea name="remove" rows={2} value={t.remove} onChange={(e) => set({ remove: e.target.value })} />
            </Field>
          </>
        )}
        {t.kind === "min_stake" && (
          <Field
            label={`New minimum stake (${coinMeta(book, registry.data.stake_denom).symbol})`}
            error={errors.minStake}
            hint={`Now ${formatCoin(book, registry.data.min_stake, registry.data.stake_denom)}. Providers below it read inactive at once.`}
          >
            <input name="minStake" value={t.minStake} onChange={(e) => set({ minStake: e.target.value })} />
          </Field>
        )}
        {t.kind === "treasury_payment" && (
          <>
            <Field label="Recipient" error={errors.recipient}>
              <input name="recipient" value={t.recipient} onChange={(e) => set({ recipient: e.target.value })} />
            </Field>
            <div className="row">
              <Field label="Amount" error={errors.amount}>
                <input name="amount" value={t.amount} onChange={(e) => set({ amount: e.target.value })} />
              </Field>
              <Field label="Denom" error={errors.denom}>
                <select name="paymentDenom" value={t.denom || paymentDenoms[0]} onChange={(e) => set({ denom: e.target.value })}>
                  {paymentDenoms.map((d) => (
                    <option key={d} value={d}>
                      {coinMeta(book, d).symbol}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
          </>
        )}
        {t.kind === "raw" && (
          <Field
            label="Messages (JSON: one CosmosMsg or an array)"
            error={errors.raw}
            hint='A wasm execute "msg" may be written as JSON; it is base64-encoded for you. Example: {"wasm":{"execute":{"contract_addr":"…","msg":{"update_config":{}}}}}'
          >
            <textarea name="raw" rows={6} value={t.raw} onChange={(e) => set({ raw: e.target.value })} />
          </Field>
        )}
        <button type="button" onClick={add}>
          Add message
        </button>
      </fieldset>
      {errors.msgs && (
        <p className="field-error" role="alert">
          {errors.msgs}
        </p>
      )}
      <ol data-testid="draft-msgs">
        {msgs.map((m, i) => (
          <li key={i}>
            {describeMsg(m, config.addresses, book)}{" "}
            <button className="link" onClick={() => setMsgs(msgs.filter((_, j) => j !== i))}>
              remove
            </button>
          </li>
        ))}
      </ol>
      {deposit > 0n && (
        <p className="hint" data-testid="deposit-note">
          Submitting sends a deposit of {formatCoin(book, deposit, token)}, refunded unless the proposal fails quorum or is vetoed by vote.
        </p>
      )}
      <button onClick={submit} disabled={tx.pending}>
        Submit proposal
      </button>
      <TxStatus state={tx.state} />
    </Section>
  );
}
