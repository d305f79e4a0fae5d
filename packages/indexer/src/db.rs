//! PostgreSQL: connecting, the versioned migrations (refinery), and writing
//! blocks: each group of consecutive blocks in one transaction together with
//! the height it reaches, every table's rows in one `INSERT … SELECT FROM
//! UNNEST(…)` statement.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio_postgres::types::ToSql;
use tokio_postgres::Client;

use crate::decode::DecodedBlock;
use crate::error::Error;
use crate::rows::{Value, TABLES};

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// A height or count as PostgreSQL's BIGINT (heights stay far below 2^63).
pub fn sql_int(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// A BIGINT read back (never negative here).
fn from_sql_int(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// TLS with the Mozilla roots plus the PEM certificates of
/// `DEPIN_INDEXER_DATABASE_CA` (a managed PostgreSQL's own CA); `sslmode` in
/// the URL decides whether it is required (`require`), tried (`prefer`, the
/// default) or not used (`disable`). The server's certificate is always verified.
fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect, Error> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = std::env::var_os("DEPIN_INDEXER_DATABASE_CA") {
        let err = |e: String| {
            Error::Other(format!(
                "DEPIN_INDEXER_DATABASE_CA {}: {e}",
                path.to_string_lossy()
            ))
        };
        for cert in CertificateDer::pem_file_iter(&path).map_err(|e| err(e.to_string()))? {
            roots
                .add(cert.map_err(|e| err(e.to_string()))?)
                .map_err(|e| err(e.to_string()))?;
        }
    }
    tracing::debug!(roots = roots.len(), "tls roots");
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| Error::Other(format!("tls: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Connects; the connection's task runs until the client is dropped or the server goes away.
pub async fn connect(url: &str) -> Result<Client, Error> {
    let (client, connection) = tokio_postgres::connect(url, tls()?).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(error = %e, "database connection ended");
        }
    });
    Ok(client)
}

/// Applies the migrations not applied yet.
pub async fn migrate(client: &mut Client) -> Result<(), Error> {
    let report = embedded::migrations::runner().run_async(client).await?;
    for migration in report.applied_migrations() {
        tracing::info!(migration = %migration, "applied");
    }
    Ok(())
}

/// The last height written and the registry it indexed, if any.
pub async fn cursor(client: &Client) -> Result<Option<(u64, String)>, Error> {
    let row = client
        .query_opt("SELECT height, registry FROM indexer_state", &[])
        .await?;
    Ok(row.map(|r| (from_sql_int(r.get(0)), r.get(1))))
}

/// Rows written by this process, for the crash test hook.
static ROWS_WRITTEN: AtomicU64 = AtomicU64::new(0);

/// Test hook: `DEPIN_INDEXER_CRASH_AFTER_ROWS=N` aborts the process inside the
/// transaction of the block that takes this process past N rows, before it
/// commits (the e2e test's "killed while writing a block").
fn crash_hook(rows: u64) {
    let written = ROWS_WRITTEN
        .fetch_add(rows, Ordering::SeqCst)
        .saturating_add(rows);
    if let Some(limit) = std::env::var("DEPIN_INDEXER_CRASH_AFTER_ROWS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        if written >= limit {
            tracing::error!(
                written,
                limit,
                "test hook: aborting inside the block's transaction"
            );
            std::process::abort();
        }
    }
}

/// Writes `blocks` (consecutive, starting right after the database's height)
/// and moves the height to the last of them, all in one transaction. Returns
/// the rows written.
pub async fn write_blocks(
    client: &mut Client,
    registry: &str,
    blocks: &[DecodedBlock],
) -> Result<u64, Error> {
    let (Some(first), Some(last)) = (blocks.first(), blocks.last()) else {
        return Ok(0);
    };
    let tx = client.transaction().await?;
    let state = tx
        .query_opt("SELECT height FROM indexer_state FOR UPDATE", &[])
        .await?;
    match state {
        Some(row) => {
            let db = from_sql_int(row.get(0));
            if db.checked_add(1) != Some(first.height) {
                return Err(Error::Cursor {
                    db,
                    block: first.height,
                });
            }
        }
        None => {
            tx.execute(
                "INSERT INTO indexer_state (height, registry) VALUES ($1, $2)",
                &[&sql_int(first.height.saturating_sub(1)), &registry],
            )
            .await?;
        }
    }
    let heights: Vec<i64> = blocks.iter().map(|b| sql_int(b.height)).collect();
    let times: Vec<&str> = blocks.iter().map(|b| b.time.as_str()).collect();
    let hashes: Vec<&str> = blocks.iter().map(|b| b.hash.as_str()).collect();
    let txs: Vec<i64> = blocks.iter().map(|b| sql_int(b.txs)).collect();
    let counts: Vec<i64> = blocks
        .iter()
        .map(|b| sql_int(b.rows.len() as u64))
        .collect();
    tx.execute(
        "INSERT INTO blocks (height, block_time, hash, txs, suite_rows) \
         SELECT h, t::timestamptz, x, n, r FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::int8[], $5::int8[]) AS u(h, t, x, n, r)",
        &[&heights, &times, &hashes, &txs, &counts],
    )
    .await?;
    let mut rows = 0u64;
    for (table, columns) in TABLES {
        let table_rows: Vec<_> = blocks
            .iter()
            .flat_map(|b| b.rows.iter())
            .filter(|r| r.table() == *table)
            .collect();
        if table_rows.is_empty() {
            continue;
        }
        let mut ids = Vec::with_capacity(table_rows.len());
        let mut row_heights = Vec::with_capacity(table_rows.len());
        let mut row_times = Vec::with_capacity(table_rows.len());
        let mut hashes = Vec::with_capacity(table_rows.len());
        let mut cols: Vec<Column> = vec![];
        for row in &table_rows {
            let at = row.at();
            ids.push(at.id());
            row_heights.push(sql_int(at.height));
            row_times.push(at.block_time.clone());
            hashes.push(at.tx_hash.clone());
            for (i, value) in row.values().into_iter().enumerate() {
                if cols.len() <= i {
                    cols.push(Column::for_value(&value));
                }
                if let Some(col) = cols.get_mut(i) {
                    col.push(value)?;
                }
            }
        }
        let sql = insert_sql(table, columns, &cols);
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&ids, &row_heights, &row_times, &hashes];
        params.extend(cols.iter().map(Column::param));
        tx.execute(sql.as_str(), &params).await?;
        rows = rows.saturating_add(table_rows.len() as u64);
    }
    tx.execute(
        "UPDATE indexer_state SET height = $1",
        &[&sql_int(last.height)],
    )
    .await?;
    crash_hook(rows);
    tx.commit().await?;
    Ok(rows)
}

/// One column's values across a statement's rows.
enum Column {
    Int(Vec<Option<i64>>),
    Text(Vec<Option<String>>, &'static str),
    Bool(Vec<Option<bool>>),
}

impl Column {
    fn for_value(value: &Value) -> Column {
        match value {
            Value::Int(_) => Column::Int(vec![]),
            Value::Text(_) => Column::Text(vec![], "text"),
            Value::Numeric(_) => Column::Text(vec![], "numeric"),
            Value::Bool(_) => Column::Bool(vec![]),
        }
    }

    fn push(&mut self, value: Value) -> Result<(), Error> {
        match (self, value) {
            (Column::Int(v), Value::Int(x)) => v.push(x),
            (Column::Text(v, "text"), Value::Text(x)) => v.push(x),
            (Column::Text(v, "numeric"), Value::Numeric(x)) => v.push(x),
            (Column::Bool(v), Value::Bool(x)) => v.push(x),
            _ => return Err(Error::Other("a column's values differ in type".into())),
        }
        Ok(())
    }

    fn param(&self) -> &(dyn ToSql + Sync) {
        match self {
            Column::Int(v) => v,
            Column::Text(v, _) => v,
            Column::Bool(v) => v,
        }
    }

    fn array_type(&self) -> &'static str {
        match self {
            Column::Int(_) => "int8[]",
            Column::Text(..) => "text[]",
            Column::Bool(_) => "bool[]",
        }
    }

    fn cast(&self) -> &'static str {
        match self {
            Column::Text(_, "numeric") => "::numeric",
            _ => "",
        }
    }
}

fn insert_sql(table: &str, columns: &[&str], cols: &[Column]) -> String {
    let mut names = vec!["id", "height", "block_time", "tx_hash"];
    names.extend(columns.iter().copied());
    let mut arrays = vec![
        "$1::int8[]".to_string(),
        "$2::int8[]".into(),
        "$3::text[]".into(),
        "$4::text[]".into(),
    ];
    let mut selects = vec![
        "c1".to_string(),
        "c2".into(),
        "c3::timestamptz".into(),
        "c4".into(),
    ];
    let mut aliases = vec!["c1".to_string(), "c2".into(), "c3".into(), "c4".into()];
    for (i, col) in cols.iter().enumerate() {
        let n = i + 5;
        arrays.push(format!("${n}::{}", col.array_type()));
        let alias = format!("c{n}");
        let jsonb = table == "provider_events" && columns.get(i) == Some(&"attributes");
        selects.push(format!(
            "{alias}{}",
            if jsonb { "::jsonb" } else { col.cast() }
        ));
        aliases.push(alias);
    }
    format!(
        "INSERT INTO {table} ({}) SELECT {} FROM UNNEST({}) AS u({})",
        names.join(", "),
        selects.join(", "),
        arrays.join(", "),
        aliases.join(", ")
    )
}

/// Row counts per table (the reconciliation report and the e2e figures).
pub async fn table_counts(client: &Client) -> Result<BTreeMap<String, i64>, Error> {
    let mut counts = BTreeMap::new();
    for (table, _) in TABLES {
        let row = client
            .query_one(format!("SELECT count(*) FROM {table}").as_str(), &[])
            .await?;
        counts.insert((*table).to_string(), row.get(0));
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_sql_casts_numeric_and_time_columns() {
        let cols = vec![
            Column::Text(vec![], "text"),
            Column::Text(vec![], "numeric"),
        ];
        let sql = insert_sql("stake_claims", &["provider", "amount"], &cols);
        assert_eq!(
            sql,
            "INSERT INTO stake_claims (id, height, block_time, tx_hash, provider, amount) \
             SELECT c1, c2, c3::timestamptz, c4, c5, c6::numeric \
             FROM UNNEST($1::int8[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::text[]) \
             AS u(c1, c2, c3, c4, c5, c6)"
        );
    }
}
