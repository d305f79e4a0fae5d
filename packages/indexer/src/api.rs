//! The read-only HTTP API: history as JSON (`{"rows": [...], "next": cursor}`)
//! or CSV (`?format=csv`: the same rows, a header line, the next cursor in the
//! `x-next-cursor` header), paginated with `limit` (default 100, at most
//! 1000) and `after` (the `next` of the previous page). GET only, CORS open
//! for the dApp.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, RawPathParams, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value as Json_;
use tokio::sync::Mutex;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::Client;
use tower_http::cors::{Any, CorsLayer};

use crate::db;
use crate::error::Error;

pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

/// A connection that comes back after PostgreSQL restarts.
pub struct Db {
    url: String,
    client: Mutex<Option<Arc<Client>>>,
}

impl Db {
    pub fn new(url: &str) -> Self {
        Db {
            url: url.to_string(),
            client: Mutex::new(None),
        }
    }

    pub async fn client(&self) -> Result<Arc<Client>, Error> {
        let mut slot = self.client.lock().await;
        if let Some(client) = slot.as_ref().filter(|c| !c.is_closed()) {
            return Ok(client.clone());
        }
        let client = Arc::new(db::connect(&self.url).await?);
        *slot = Some(client.clone());
        Ok(client)
    }
}

/// One endpoint: a query whose rows are paged by `key` (a column of it).
/// `$1…` are the path parameters (text); the page's bounds come after.
struct Endpoint {
    sql: &'static str,
    key: &'static str,
    key_type: &'static str,
}

const ID: &str = "int8";
const TEXT: &str = "text";

// The UTC day, and the sums of money, are text (NUMERIC has no JSON number
// that keeps every digit); heights, ids and epochs are numbers.

const PROVIDERS: Endpoint = Endpoint {
    sql: "SELECT r.id, r.provider, r.service, r.region, r.height AS registered_height,
            iso(r.block_time) AS registered_at,
            (SELECT s.stake::text FROM stake_changes s WHERE s.provider = r.provider ORDER BY s.id DESC LIMIT 1) AS stake,
            (SELECT p.status FROM provider_status p WHERE p.provider = r.provider ORDER BY p.id DESC LIMIT 1) AS status,
            (SELECT count(*) FROM leases l WHERE l.provider = r.provider) AS leases
          FROM registrations r",
    key: "id",
    key_type: ID,
};

// Money is summed per day and denom: leases pay in any denom the provider
// prices, and sums across denoms mean nothing. The key is "<day> <denom>".
const PROVIDER_EARNINGS: Endpoint = Endpoint {
    sql: "SELECT utc_day(p.block_time) || ' ' || l.denom AS day_denom, utc_day(p.block_time) AS day, l.denom,
            count(*)::int8 AS payments, sum(p.amount)::text AS gross,
            coalesce(sum(p.fee), 0)::text AS fee, (sum(p.amount) - coalesce(sum(p.fee), 0))::text AS net,
            count(*) FILTER (WHERE p.fee IS NULL)::int8 AS payments_without_fee
          FROM payments p JOIN leases l ON l.lease_id = p.lease_id WHERE l.provider = $1
          GROUP BY 1, 2, 3",
    key: "day_denom",
    key_type: TEXT,
};

const PROVIDER_REWARDS: Endpoint = Endpoint {
    sql:
        "SELECT utc_day(block_time) AS day, count(*)::int8 AS claims, sum(amount)::text AS rewards,
            coalesce(sum(forfeited), 0)::text AS forfeited
          FROM reward_claims WHERE provider = $1 GROUP BY 1",
    key: "day",
    key_type: TEXT,
};

const PROVIDER_USAGE: Endpoint = Endpoint {
    sql: "SELECT day, sum(payments)::int8 AS payments, sum(units_paid)::text AS units_paid,
            sum(charges)::int8 AS charges, sum(units_charged)::text AS units_charged,
            sum(units_recorded)::text AS units_recorded
          FROM (
            SELECT utc_day(p.block_time) AS day, 1 AS payments, coalesce(p.units, 0) AS units_paid,
                   0 AS charges, 0::numeric AS units_charged, 0::numeric AS units_recorded
              FROM payments p JOIN leases l ON l.lease_id = p.lease_id WHERE l.provider = $1
            UNION ALL
            SELECT utc_day(c.block_time), 0, 0, 1, c.units, 0
              FROM charges c JOIN leases l ON l.lease_id = c.lease_id WHERE l.provider = $1
            UNION ALL
            SELECT utc_day(block_time), 0, 0, 0, 0, units FROM usage_records WHERE provider = $1
          ) u GROUP BY day",
    key: "day",
    key_type: TEXT,
};

const PROVIDER_STAKE: Endpoint = Endpoint {
    sql: "SELECT day, count(*)::int8 AS changes, ((array_agg(stake ORDER BY id DESC))[1])::text AS stake
          FROM (SELECT utc_day(block_time) AS day, id, stake FROM stake_changes WHERE provider = $1) s
          GROUP BY day",
    key: "day",
    key_type: TEXT,
};

const PROVIDER_LIVENESS: Endpoint = Endpoint {
    sql: "SELECT epoch, min(source) AS source, min(oracle) AS oracle, min(height) AS height,
            iso(min(block_time)) AS proven_at
          FROM liveness WHERE provider = $1 GROUP BY epoch",
    key: "epoch",
    key_type: ID,
};

const PROVIDER_EVENTS: Endpoint = Endpoint {
    sql: "SELECT id, height, iso(block_time) AS block_time, tx_hash, action, attributes
          FROM provider_events WHERE provider = $1",
    key: "id",
    key_type: ID,
};

const PROVIDER_LEASES: Endpoint = Endpoint {
    sql: "SELECT lease_id, consumer, billing, denom, deposit::text AS deposit,
            price_per_unit::text AS price_per_unit, height, iso(block_time) AS opened_at
          FROM leases WHERE provider = $1",
    key: "lease_id",
    key_type: ID,
};

const LEASE: Endpoint = Endpoint {
    sql: "SELECT l.lease_id, l.consumer, l.provider, l.billing, l.denom, l.deposit::text AS deposit,
            l.price_per_unit::text AS price_per_unit, l.height, iso(l.block_time) AS opened_at,
            (SELECT coalesce(sum(amount), 0)::text FROM payments p WHERE p.lease_id = l.lease_id) AS paid,
            (SELECT coalesce(sum(amount), 0)::text FROM lease_events e WHERE e.lease_id = l.lease_id AND e.action = 'top_up') AS topped_up,
            (SELECT e.state FROM lease_events e WHERE e.lease_id = l.lease_id AND e.state IS NOT NULL ORDER BY e.id DESC LIMIT 1) AS state
          FROM leases l WHERE l.lease_id = $1::text::int8",
    key: "lease_id",
    key_type: ID,
};

const LEASE_CHARGES: Endpoint = Endpoint {
    sql:
        "SELECT id, height, iso(block_time) AS block_time, tx_hash, charge_id, units::text AS units,
            amount::text AS amount, fee::text AS fee, disputable_until_s, batch
          FROM charges WHERE lease_id = $1::text::int8",
    key: "id",
    key_type: ID,
};

const LEASE_PAYMENTS: Endpoint = Endpoint {
    sql: "SELECT id, height, iso(block_time) AS block_time, tx_hash, kind, units::text AS units,
            amount::text AS amount, fee::text AS fee, provider_amount::text AS provider_amount, batch
          FROM payments WHERE lease_id = $1::text::int8",
    key: "id",
    key_type: ID,
};

const LEASE_DISPUTES: Endpoint = Endpoint {
    sql: "SELECT id, height, iso(block_time) AS block_time, tx_hash, charge_id, action,
            amount::text AS amount, uphold, slash_fraction
          FROM disputes WHERE lease_id = $1::text::int8",
    key: "id",
    key_type: ID,
};

const LEASE_EVENTS: Endpoint = Endpoint {
    sql:
        "SELECT id, height, iso(block_time) AS block_time, tx_hash, action, amount::text AS amount,
            refunded::text AS refunded, state, error
          FROM lease_events WHERE lease_id = $1::text::int8",
    key: "id",
    key_type: ID,
};

const NETWORK_PROVIDERS: Endpoint = Endpoint {
    sql: "SELECT day, registered, (sum(registered) OVER (ORDER BY day))::int8 AS providers
          FROM (SELECT utc_day(block_time) AS day, count(*)::int8 AS registered
                FROM registrations GROUP BY 1) d",
    key: "day",
    key_type: TEXT,
};

const NETWORK_STAKE: Endpoint = Endpoint {
    sql: "SELECT day, changes, change::text AS change,
            (sum(change) OVER (ORDER BY day))::text AS total_stake
          FROM (SELECT utc_day(block_time) AS day, count(*)::int8 AS changes, sum(delta) AS change
                FROM (SELECT block_time, stake - coalesce(lag(stake) OVER (PARTITION BY provider ORDER BY id), 0) AS delta
                      FROM stake_changes) s
                GROUP BY 1) d",
    key: "day",
    key_type: TEXT,
};

const NETWORK_USAGE: Endpoint = Endpoint {
    sql: "SELECT utc_day(p.block_time) || ' ' || l.denom AS day_denom, utc_day(p.block_time) AS day, l.denom,
            count(*)::int8 AS payments, coalesce(sum(p.units), 0)::text AS units, sum(p.amount)::text AS gross,
            coalesce(sum(p.fee), 0)::text AS fee, count(*) FILTER (WHERE p.fee IS NULL)::int8 AS payments_without_fee
          FROM payments p JOIN leases l ON l.lease_id = p.lease_id GROUP BY 1, 2, 3",
    key: "day_denom",
    key_type: TEXT,
};

const NETWORK_EMISSION: Endpoint = Endpoint {
    sql: "SELECT day, claims, minted::text AS minted,
            (sum(minted) OVER (ORDER BY day))::text AS total_minted
          FROM (SELECT utc_day(block_time) AS day, count(*)::int8 AS claims, sum(amount) AS minted
                FROM reward_claims GROUP BY 1) d",
    key: "day",
    key_type: TEXT,
};

const NETWORK_LIVENESS: Endpoint = Endpoint {
    sql: "SELECT epoch, count(DISTINCT provider)::int8 AS providers_proven,
            count(*) FILTER (WHERE source = 'heartbeat')::int8 AS by_heartbeat
          FROM liveness GROUP BY epoch",
    key: "epoch",
    key_type: ID,
};

const PROPOSALS: Endpoint = Endpoint {
    sql: "SELECT p.proposal_id, p.proposer, p.deposit::text AS deposit, p.total_power::text AS total_power,
            p.voting_ends_at_ns, p.height, iso(p.block_time) AS proposed_at,
            coalesce((SELECT s FROM (
                SELECT v.id, v.status AS s FROM votes v WHERE v.proposal_id = p.proposal_id
                UNION ALL
                SELECT e.id, CASE e.action WHEN 'execute' THEN 'executed' WHEN 'veto' THEN 'vetoed'
                    WHEN 'close' THEN CASE e.outcome WHEN 'passed' THEN 'passed' ELSE 'rejected' END
                    ELSE e.action END
                  FROM proposal_events e WHERE e.proposal_id = p.proposal_id) x
              ORDER BY id DESC LIMIT 1), 'open') AS status,
            (SELECT coalesce(sum(power) FILTER (WHERE vote = 'yes'), 0)::text FROM votes v WHERE v.proposal_id = p.proposal_id) AS yes,
            (SELECT coalesce(sum(power) FILTER (WHERE vote = 'no'), 0)::text FROM votes v WHERE v.proposal_id = p.proposal_id) AS no,
            (SELECT coalesce(sum(power) FILTER (WHERE vote = 'abstain'), 0)::text FROM votes v WHERE v.proposal_id = p.proposal_id) AS abstain,
            (SELECT coalesce(sum(power) FILTER (WHERE vote = 'no_with_veto'), 0)::text FROM votes v WHERE v.proposal_id = p.proposal_id) AS no_with_veto
          FROM proposals p",
    key: "proposal_id",
    key_type: ID,
};

const PROPOSAL_VOTES: Endpoint = Endpoint {
    sql: "SELECT id, height, iso(block_time) AS block_time, tx_hash, voter, vote,
            power::text AS power, status
          FROM votes WHERE proposal_id = $1::text::int8",
    key: "id",
    key_type: ID,
};

const DAO_STAKES: Endpoint = Endpoint {
    sql: "SELECT id, height, iso(block_time) AS block_time, tx_hash, staker, action,
            amount::text AS amount, staked::text AS staked, total_staked::text AS total_staked
          FROM dao_stakes",
    key: "id",
    key_type: ID,
};

const STATUS: Endpoint = Endpoint {
    sql: "SELECT s.height, iso(b.block_time) AS block_time, s.registry
          FROM indexer_state s LEFT JOIN blocks b ON b.height = s.height",
    key: "height",
    key_type: ID,
};

/// The endpoints, by route (documented in the README).
fn endpoints() -> Vec<(&'static str, &'static Endpoint)> {
    vec![
        ("/status", &STATUS),
        ("/providers", &PROVIDERS),
        ("/providers/{address}/earnings", &PROVIDER_EARNINGS),
        ("/providers/{address}/rewards", &PROVIDER_REWARDS),
        ("/providers/{address}/usage", &PROVIDER_USAGE),
        ("/providers/{address}/stake", &PROVIDER_STAKE),
        ("/providers/{address}/liveness", &PROVIDER_LIVENESS),
        ("/providers/{address}/events", &PROVIDER_EVENTS),
        ("/providers/{address}/leases", &PROVIDER_LEASES),
        ("/leases/{lease_id}", &LEASE),
        ("/leases/{lease_id}/charges", &LEASE_CHARGES),
        ("/leases/{lease_id}/payments", &LEASE_PAYMENTS),
        ("/leases/{lease_id}/disputes", &LEASE_DISPUTES),
        ("/leases/{lease_id}/events", &LEASE_EVENTS),
        ("/network/providers", &NETWORK_PROVIDERS),
        ("/network/stake", &NETWORK_STAKE),
        ("/network/usage", &NETWORK_USAGE),
        ("/network/emission", &NETWORK_EMISSION),
        ("/network/liveness", &NETWORK_LIVENESS),
        ("/proposals", &PROPOSALS),
        ("/proposals/{proposal_id}/votes", &PROPOSAL_VOTES),
        ("/dao/stakes", &DAO_STAKES),
    ]
}

/// The router: every endpoint, GET only, CORS for any origin.
pub fn router(db: Arc<Db>) -> Router {
    let mut router = Router::new();
    for (route, endpoint) in endpoints() {
        router = router.route(
            route,
            get(
                move |State(db): State<Arc<Db>>,
                      path: RawPathParams,
                      Query(query): Query<HashMap<String, String>>| async move {
                    let path: Vec<String> = path.iter().map(|(_, v)| v.to_string()).collect();
                    page(&db, endpoint, route, path, query).await
                },
            ),
        );
    }
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET])
        .expose_headers([header::HeaderName::from_static("x-next-cursor")]);
    router.layer(cors).with_state(db)
}

/// The page's rows as column names and JSON values.
pub struct Page {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Json_>>,
    pub next: Option<String>,
}

fn bad_request(message: String) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(serde_json::json!({ "error": message })),
    )
        .into_response()
}

async fn page(
    db: &Db,
    endpoint: &Endpoint,
    route: &str,
    params: Vec<String>,
    query: HashMap<String, String>,
) -> Response {
    let limit = match query.get("limit").map(|l| l.parse::<i64>()) {
        None => DEFAULT_LIMIT,
        Some(Ok(limit)) if (1..=MAX_LIMIT).contains(&limit) => limit,
        Some(_) => return bad_request(format!("limit must be 1 to {MAX_LIMIT}")),
    };
    let csv = match query.get("format").map(String::as_str) {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => return bad_request(format!("format {other:?}: json or csv")),
    };
    if route.starts_with("/leases/") || route.starts_with("/proposals/") {
        if let Some(id) = params.first().filter(|id| id.parse::<u64>().is_err()) {
            return bad_request(format!("{id:?} is not an id"));
        }
    }
    let after = query.get("after").cloned();
    if let (Some(after), ID) = (&after, endpoint.key_type) {
        if after.parse::<i64>().is_err() {
            return bad_request(format!("after {after:?} is not a cursor of this list"));
        }
    }
    match fetch_page(db, endpoint, &params, after, limit).await {
        Ok(page) if csv => csv_response(page),
        Ok(page) => json_response(page),
        Err(e) => {
            tracing::warn!(error = %e, route, "query failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "error": e.to_string() })),
            )
                .into_response()
        }
    }
}

async fn fetch_page(
    db: &Db,
    endpoint: &Endpoint,
    params: &[String],
    after: Option<String>,
    limit: i64,
) -> Result<Page, Error> {
    let n = params.len();
    let sql = format!(
        "SELECT * FROM ({}) q WHERE (${a}::text IS NULL OR q.{key} > ${a}::text::{ty}) ORDER BY q.{key} LIMIT ${l}",
        endpoint.sql,
        a = n + 1,
        l = n + 2,
        key = endpoint.key,
        ty = endpoint.key_type,
    );
    let fetch = limit.saturating_add(1);
    let mut args: Vec<&(dyn ToSql + Sync)> =
        params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
    args.push(&after);
    args.push(&fetch);
    let client = db.client().await?;
    // Prepared first (what `query` with a string does anyway): the columns are
    // known even when no row matches, so an empty CSV still has its header.
    let statement = client.prepare(sql.as_str()).await?;
    let columns: Vec<String> = statement
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let rows = client.query(&statement, &args).await?;
    let key_index = columns.iter().position(|c| c == endpoint.key);
    let mut out = vec![];
    for row in rows.iter().take(usize::try_from(limit).unwrap_or(0)) {
        let mut values = vec![];
        for (i, column) in row.columns().iter().enumerate() {
            values.push(to_json(row, i, column.type_())?);
        }
        out.push(values);
    }
    let more = db::sql_int(rows.len() as u64) > limit;
    let next = match (more, out.last(), key_index) {
        (true, Some(last), Some(k)) => last.get(k).map(|v| match v {
            Json_::String(s) => s.clone(),
            other => other.to_string(),
        }),
        _ => None,
    };
    Ok(Page {
        columns,
        rows: out,
        next,
    })
}

fn to_json(row: &tokio_postgres::Row, i: usize, ty: &Type) -> Result<Json_, Error> {
    let value = match *ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Json_::from),
        Type::INT4 => row.try_get::<_, Option<i32>>(i)?.map(Json_::from),
        Type::BOOL => row.try_get::<_, Option<bool>>(i)?.map(Json_::from),
        Type::TEXT | Type::VARCHAR => row.try_get::<_, Option<String>>(i)?.map(Json_::from),
        Type::JSONB | Type::JSON => row.try_get::<_, Option<Json_>>(i)?,
        ref other => {
            return Err(Error::Other(format!(
                "column type {other} has no JSON form"
            )))
        }
    };
    Ok(value.unwrap_or(Json_::Null))
}

/// A row as a JSON object with its keys in column order.
struct OrderedRow<'a>(&'a [String], &'a [Json_]);

impl serde::Serialize for OrderedRow<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0.iter().zip(self.1) {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

#[derive(serde::Serialize)]
struct PageBody<'a> {
    rows: Vec<OrderedRow<'a>>,
    next: Option<&'a str>,
}

fn json_response(page: Page) -> Response {
    let body = PageBody {
        rows: page
            .rows
            .iter()
            .map(|values| OrderedRow(&page.columns, values))
            .collect(),
        next: page.next.as_deref(),
    };
    Json(body).into_response()
}

fn csv_field(value: &Json_) -> String {
    let text = match value {
        Json_::Null => String::new(),
        Json_::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The page as CSV: a header line, then one line per row.
pub fn to_csv(page: &Page) -> String {
    let mut out = page.columns.join(",");
    out.push('\n');
    for row in &page.rows {
        let fields: Vec<String> = row.iter().map(csv_field).collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

fn csv_response(page: Page) -> Response {
    let body = to_csv(&page);
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Some(next) = page.next.and_then(|n| HeaderValue::from_str(&n).ok()) {
        headers.insert("x-next-cursor", next);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let page = Page {
            columns: vec!["a".into(), "b".into(), "c".into()],
            rows: vec![vec![Json_::from(1), Json_::from("x,\"y\""), Json_::Null]],
            next: None,
        };
        assert_eq!(to_csv(&page), "a,b,c\n1,\"x,\"\"y\"\"\",\n");
    }

    #[test]
    fn every_route_pages_by_a_column_it_selects() {
        for (route, endpoint) in endpoints() {
            assert!(
                endpoint.sql.contains(endpoint.key),
                "{route}: key {} not selected",
                endpoint.key
            );
        }
    }
}
