//! `depin-indexer reconcile`: the indexed totals against the contracts' own
//! smart queries, both at the height the database has reached (one snapshot
//! of the database, queries at that height), every difference printed.

use serde::Deserialize;
use tokio_postgres::Client;

use crate::decode::Suite;
use crate::error::Error;
use crate::rpc::Rpc;

/// One comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub what: String,
    pub indexed: String,
    pub chain: String,
}

impl Check {
    pub fn ok(&self) -> bool {
        self.indexed == self.chain
    }
}

#[derive(Deserialize)]
struct Stats {
    providers: u64,
    total_stake: String,
    rewards_minted: String,
}

#[derive(Deserialize)]
struct LeaseResponse {
    paid: String,
}

#[derive(Deserialize)]
struct Tally {
    yes: String,
    no: String,
    abstain: String,
    no_with_veto: String,
}

#[derive(Deserialize)]
struct ProposalResponse {
    tally: Tally,
    status: String,
}

fn check(what: impl Into<String>, indexed: impl ToString, chain: impl ToString) -> Check {
    Check {
        what: what.into(),
        indexed: indexed.to_string(),
        chain: chain.to_string(),
    }
}

/// Compares; returns every check (the caller prints them and fails on a difference).
pub async fn reconcile(
    client: &mut Client,
    rpc: &Rpc,
    suite: &Suite,
) -> Result<(u64, Vec<Check>), Error> {
    let tx = client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?;
    let height = tx
        .query_opt("SELECT height FROM indexer_state", &[])
        .await?
        .map(|r| r.get::<_, i64>(0))
        .ok_or_else(|| Error::Other("nothing indexed yet".into()))?;
    let height = u64::try_from(height).unwrap_or_default();
    let mut checks = vec![];

    let stats: Stats = rpc
        .smart(
            &suite.provider_registry,
            &serde_json::json!({"stats": {}}),
            height,
        )
        .await?;
    let row = tx
        .query_one(
            "SELECT (SELECT count(*) FROM registrations),
                    (SELECT coalesce(sum(stake), 0)::text FROM
                        (SELECT DISTINCT ON (provider) stake FROM stake_changes ORDER BY provider, id DESC) s),
                    (SELECT coalesce(sum(amount), 0)::text FROM reward_claims)",
            &[],
        )
        .await?;
    checks.push(check(
        "registry providers",
        row.get::<_, i64>(0),
        stats.providers,
    ));
    checks.push(check(
        "registry total_stake",
        row.get::<_, String>(1),
        &stats.total_stake,
    ));
    checks.push(check(
        "registry rewards_minted",
        row.get::<_, String>(2),
        &stats.rewards_minted,
    ));

    let leases = tx
        .query(
            "SELECT l.lease_id, (SELECT coalesce(sum(amount), 0)::text FROM payments p WHERE p.lease_id = l.lease_id)
             FROM leases l ORDER BY l.lease_id",
            &[],
        )
        .await?;
    for lease in &leases {
        let id: i64 = lease.get(0);
        let chain: LeaseResponse = rpc
            .smart(
                &suite.billing_escrow,
                &serde_json::json!({"lease": {"lease_id": id}}),
                height,
            )
            .await?;
        checks.push(check(
            format!("lease {id} paid"),
            lease.get::<_, String>(1),
            chain.paid,
        ));
    }
    let next_lease = leases
        .last()
        .map_or(1, |l| l.get::<_, i64>(0).saturating_add(1));
    let missing = rpc
        .smart::<LeaseResponse>(
            &suite.billing_escrow,
            &serde_json::json!({"lease": {"lease_id": next_lease}}),
            height,
        )
        .await
        .is_err();
    checks.push(check(
        format!("lease {next_lease} (after the last indexed) exists"),
        false,
        !missing,
    ));

    let proposals = tx
        .query(
            "SELECT p.proposal_id,
                    coalesce(sum(v.power) FILTER (WHERE v.vote = 'yes'), 0)::text,
                    coalesce(sum(v.power) FILTER (WHERE v.vote = 'no'), 0)::text,
                    coalesce(sum(v.power) FILTER (WHERE v.vote = 'abstain'), 0)::text,
                    coalesce(sum(v.power) FILTER (WHERE v.vote = 'no_with_veto'), 0)::text
             FROM proposals p LEFT JOIN votes v ON v.proposal_id = p.proposal_id
             GROUP BY p.proposal_id ORDER BY p.proposal_id",
            &[],
        )
        .await?;
    for proposal in &proposals {
        let id: i64 = proposal.get(0);
        let chain: ProposalResponse = rpc
            .smart(
                &suite.dao,
                &serde_json::json!({"proposal": {"proposal_id": id}}),
                height,
            )
            .await?;
        let tally = [
            ("yes", chain.tally.yes),
            ("no", chain.tally.no),
            ("abstain", chain.tally.abstain),
            ("no_with_veto", chain.tally.no_with_veto),
        ];
        for (i, (name, value)) in tally.into_iter().enumerate() {
            checks.push(check(
                format!("proposal {id} ({}) tally {name}", chain.status),
                proposal.get::<_, String>(i + 1),
                value,
            ));
        }
    }
    let next_proposal = proposals
        .last()
        .map_or(1, |p| p.get::<_, i64>(0).saturating_add(1));
    let missing = rpc
        .smart::<ProposalResponse>(
            &suite.dao,
            &serde_json::json!({"proposal": {"proposal_id": next_proposal}}),
            height,
        )
        .await
        .is_err();
    checks.push(check(
        format!("proposal {next_proposal} (after the last indexed) exists"),
        false,
        !missing,
    ));
    tx.commit().await?;
    Ok((height, checks))
}
