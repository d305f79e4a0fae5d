-- The indexer's state: the last height written (in the same transaction as
-- that block's rows) and the suite it indexes.
CREATE TABLE indexer_state (
    id BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
    height BIGINT NOT NULL,
    registry TEXT NOT NULL
);

CREATE TABLE blocks (
    height BIGINT PRIMARY KEY,
    block_time TIMESTAMPTZ NOT NULL,
    hash TEXT NOT NULL,
    txs BIGINT NOT NULL,
    suite_rows BIGINT NOT NULL
);
CREATE INDEX blocks_time ON blocks (block_time);

-- Every event table starts with: id = height * 1000000 + position in the block
-- (a block written twice is a key violation), height, the block's time, the
-- transaction's hash (NULL for block events).

CREATE TABLE registrations (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    provider TEXT NOT NULL, service TEXT NOT NULL, region TEXT NOT NULL,
    amount NUMERIC(40, 0) NOT NULL, stake NUMERIC(40, 0) NOT NULL
);
CREATE INDEX registrations_provider ON registrations (provider);

CREATE TABLE provider_events (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    provider TEXT NOT NULL, action TEXT NOT NULL, attributes JSONB NOT NULL
);
CREATE INDEX provider_events_provider ON provider_events (provider, id);

CREATE TABLE provider_status (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    provider TEXT NOT NULL, status TEXT NOT NULL, action TEXT NOT NULL
);
CREATE INDEX provider_status_provider ON provider_status (provider, id);

CREATE TABLE stake_changes (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    provider TEXT NOT NULL, action TEXT NOT NULL, amount NUMERIC(40, 0) NOT NULL,
    stake NUMERIC(40, 0) NOT NULL, release_at_ns BIGINT
);
CREATE INDEX stake_changes_provider ON stake_changes (provider, id);
CREATE INDEX stake_changes_time ON stake_changes (block_time);

CREATE TABLE stake_claims (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    provider TEXT NOT NULL, amount NUMERIC(40, 0) NOT NULL
);
CREATE INDEX stake_claims_provider ON stake_claims (provider, id);

CREATE TABLE slashes (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    provider TEXT NOT NULL, by TEXT NOT NULL, fraction TEXT NOT NULL,
    bonded_slashed NUMERIC(40, 0) NOT NULL, unbonding_slashed NUMERIC(40, 0) NOT NULL,
    amount NUMERIC(40, 0) NOT NULL, stake NUMERIC(40, 0) NOT NULL, status TEXT NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX slashes_provider ON slashes (provider, id);

CREATE TABLE liveness (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    provider TEXT NOT NULL, epoch BIGINT NOT NULL, source TEXT NOT NULL, oracle TEXT
);
CREATE INDEX liveness_provider ON liveness (provider, epoch);
CREATE INDEX liveness_epoch ON liveness (epoch);

CREATE TABLE liveness_batches (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    oracle TEXT NOT NULL, epoch BIGINT NOT NULL, proven BIGINT NOT NULL,
    duplicates BIGINT NOT NULL, rejected BIGINT NOT NULL
);

CREATE TABLE usage_records (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    provider TEXT, epoch BIGINT NOT NULL, units NUMERIC(40, 0) NOT NULL,
    weighted_fees NUMERIC(40, 0), batch BOOLEAN NOT NULL, recorded BIGINT NOT NULL
);
CREATE INDEX usage_records_provider ON usage_records (provider, id);

CREATE TABLE reward_claims (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    provider TEXT NOT NULL, amount NUMERIC(40, 0) NOT NULL, forfeited NUMERIC(40, 0) NOT NULL
);
CREATE INDEX reward_claims_provider ON reward_claims (provider, id);
CREATE INDEX reward_claims_time ON reward_claims (block_time);

CREATE TABLE token_mints (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    recipient TEXT NOT NULL, amount NUMERIC(40, 0) NOT NULL
);

CREATE TABLE leases (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    lease_id BIGINT NOT NULL UNIQUE, consumer TEXT NOT NULL, provider TEXT NOT NULL,
    billing TEXT NOT NULL, denom TEXT NOT NULL, deposit NUMERIC(40, 0) NOT NULL,
    price_per_unit NUMERIC(40, 0) NOT NULL
);
CREATE INDEX leases_provider ON leases (provider, lease_id);
CREATE INDEX leases_consumer ON leases (consumer, lease_id);

CREATE TABLE lease_events (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    lease_id BIGINT, action TEXT NOT NULL, amount NUMERIC(40, 0), refunded NUMERIC(40, 0),
    state TEXT, error TEXT
);
CREATE INDEX lease_events_lease ON lease_events (lease_id, id);

CREATE TABLE charges (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    lease_id BIGINT NOT NULL, charge_id BIGINT NOT NULL, units NUMERIC(40, 0) NOT NULL,
    amount NUMERIC(40, 0), fee NUMERIC(40, 0), disputable_until_s BIGINT, batch BOOLEAN NOT NULL
);
CREATE INDEX charges_lease ON charges (lease_id, id);

CREATE TABLE disputes (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    lease_id BIGINT NOT NULL, charge_id BIGINT NOT NULL, action TEXT NOT NULL,
    amount NUMERIC(40, 0) NOT NULL, uphold BOOLEAN, slash_fraction TEXT
);
CREATE INDEX disputes_lease ON disputes (lease_id, id);

CREATE TABLE payments (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    lease_id BIGINT NOT NULL, kind TEXT NOT NULL, units NUMERIC(40, 0), amount NUMERIC(40, 0) NOT NULL,
    fee NUMERIC(40, 0), provider_amount NUMERIC(40, 0), batch BOOLEAN NOT NULL
);
CREATE INDEX payments_lease ON payments (lease_id, id);
CREATE INDEX payments_time ON payments (block_time);

CREATE TABLE receipts (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    lease_id BIGINT NOT NULL, cumulative_units NUMERIC(40, 0), units NUMERIC(40, 0) NOT NULL,
    amount NUMERIC(40, 0) NOT NULL, fee NUMERIC(40, 0), batch BOOLEAN NOT NULL
);
CREATE INDEX receipts_lease ON receipts (lease_id, id);

CREATE TABLE batch_refusals (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    lease_id BIGINT NOT NULL, kind TEXT NOT NULL, error TEXT NOT NULL
);

CREATE TABLE dao_stakes (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    staker TEXT NOT NULL, action TEXT NOT NULL, amount NUMERIC(40, 0) NOT NULL,
    staked NUMERIC(40, 0), total_staked NUMERIC(40, 0), release_at_ns BIGINT
);
CREATE INDEX dao_stakes_staker ON dao_stakes (staker, id);

CREATE TABLE proposals (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    proposal_id BIGINT NOT NULL UNIQUE, proposer TEXT NOT NULL, deposit NUMERIC(40, 0) NOT NULL,
    total_power NUMERIC(40, 0) NOT NULL, voting_ends_at_ns BIGINT NOT NULL
);

CREATE TABLE votes (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    proposal_id BIGINT NOT NULL, voter TEXT NOT NULL, vote TEXT NOT NULL,
    power NUMERIC(40, 0) NOT NULL, status TEXT NOT NULL
);
CREATE INDEX votes_proposal ON votes (proposal_id, id);

CREATE TABLE proposal_events (
    id BIGINT PRIMARY KEY, height BIGINT NOT NULL, block_time TIMESTAMPTZ NOT NULL, tx_hash TEXT,
    proposal_id BIGINT NOT NULL, action TEXT NOT NULL, outcome TEXT, deposit_refunded BOOLEAN,
    error TEXT
);
CREATE INDEX proposal_events_proposal ON proposal_events (proposal_id, id);

-- Helpers of the HTTP API: a time as RFC 3339 in UTC, its UTC day.
CREATE FUNCTION iso(t TIMESTAMPTZ) RETURNS TEXT
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;
CREATE FUNCTION utc_day(t TIMESTAMPTZ) RETURNS TEXT
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD') $$;
