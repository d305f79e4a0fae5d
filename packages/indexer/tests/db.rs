//! The writer and the API against a real PostgreSQL, started by
//! scripts/postgres.sh on a free port in a folder of its own (under
//! .tools/, removed afterwards): blocks are written once with the height they
//! reach, a block written twice or out of order is refused and changes
//! nothing, and the API pages what was written.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use depin_indexer::api::{router, Db};
use depin_indexer::db;
use depin_indexer::decode::DecodedBlock;
use depin_indexer::error::Error;
use depin_indexer::rows::{At, Lease, Payment, RewardClaim, Row, StakeChange};

/// A PostgreSQL of this test, stopped and removed on drop.
struct Postgres {
    dir: PathBuf,
    port: u16,
}

fn root() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// A free port on 127.0.0.1: one the system picks, or with
/// `DEPIN_INDEXER_TEST_PORTS=FIRST-LAST` (a machine that gives its tests a
/// range) the first free one of that range.
fn free_port() -> u16 {
    if let Ok(range) = std::env::var("DEPIN_INDEXER_TEST_PORTS") {
        let (first, last) = range
            .split_once('-')
            .and_then(|(a, b)| Some((a.parse::<u16>().ok()?, b.parse::<u16>().ok()?)))
            .expect("DEPIN_INDEXER_TEST_PORTS is FIRST-LAST");
        return (first..=last)
            .find(|port| TcpListener::bind(("127.0.0.1", *port)).is_ok())
            .expect("a free port in DEPIN_INDEXER_TEST_PORTS");
    }
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Postgres {
    fn start() -> Postgres {
        let port = free_port();
        let dir = root().join(format!(".tools/indexer-test-pg-{port}"));
        let status = Command::new(root().join("scripts/postgres.sh"))
            .arg("start")
            .env("PG_DIR", &dir)
            .env("PG_PORT", port.to_string())
            .status()
            .expect("scripts/postgres.sh runs");
        assert!(status.success(), "scripts/postgres.sh start failed");
        Postgres { dir, port }
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/depin", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = Command::new(root().join("scripts/postgres.sh"))
            .arg("stop")
            .env("PG_DIR", &self.dir)
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn at(height: u64, seq: u32) -> At {
    At {
        height,
        block_time: format!("2026-01-01T00:00:{:02}.123456789Z", height % 60),
        tx_hash: Some(format!("TX{height}")),
        seq,
    }
}

/// Block `height`: lease `height` opened, and one payment of `height` on it.
fn block(height: u64) -> DecodedBlock {
    let rows: Vec<Row> = vec![
        Lease {
            at: at(height, 0),
            lease_id: height,
            consumer: "consumer".into(),
            provider: "provider".into(),
            billing: "metered".into(),
            denom: "native:uusdc".into(),
            deposit: 1_000_000,
            price_per_unit: 10,
        }
        .into(),
        Payment {
            at: at(height, 1),
            lease_id: height,
            kind: "settle".into(),
            units: Some(height.into()),
            amount: u128::from(height) * 340_282_366_920_938_463_463u128,
            fee: None,
            provider_amount: None,
            batch: true,
        }
        .into(),
    ];
    DecodedBlock {
        height,
        time: at(height, 0).block_time,
        hash: format!("HASH{height}"),
        txs: 1,
        rows,
        warnings: vec![],
    }
}

/// Block `height` at `time` with these stake changes `(provider, action, stake after)`.
fn stake_block(height: u64, time: &str, changes: &[(&str, &str, u128)]) -> DecodedBlock {
    let rows = changes
        .iter()
        .zip(0u32..)
        .map(|(&(provider, action, stake), seq)| {
            StakeChange {
                at: At {
                    height,
                    block_time: time.into(),
                    tx_hash: Some(format!("TX{height}")),
                    seq,
                },
                provider: provider.into(),
                action: action.into(),
                amount: 1,
                stake,
                release_at_ns: None,
            }
            .into()
        })
        .collect();
    DecodedBlock {
        height,
        time: time.into(),
        hash: format!("HASH{height}"),
        txs: 1,
        rows,
        warnings: vec![],
    }
}

async fn count(client: &tokio_postgres::Client, table: &str) -> i64 {
    client
        .query_one(format!("SELECT count(*) FROM {table}").as_str(), &[])
        .await
        .expect("count")
        .get(0)
}

#[tokio::test]
async fn blocks_are_written_once_and_served() {
    let pg = Postgres::start();
    let mut client = db::connect(&pg.url()).await.expect("connect");
    db::migrate(&mut client).await.expect("migrate");
    db::migrate(&mut client)
        .await
        .expect("migrations are idempotent");

    let rows = db::write_blocks(&mut client, "registry", &[block(1), block(2), block(3)])
        .await
        .expect("blocks 1-3");
    assert_eq!(rows, 6);
    assert_eq!(
        db::cursor(&client).await.unwrap(),
        Some((3, "registry".into()))
    );

    // The same block again, or a gap: refused, nothing written.
    for (blocks, expected) in [(vec![block(3)], 3), (vec![block(5)], 5)] {
        match db::write_blocks(&mut client, "registry", &blocks).await {
            Err(Error::Cursor { db: 3, block }) => assert_eq!(block, expected),
            other => panic!("expected a cursor error, got {other:?}"),
        }
    }
    assert_eq!(count(&client, "payments").await, 3);
    assert_eq!(count(&client, "blocks").await, 3);
    assert_eq!(db::cursor(&client).await.unwrap().map(|c| c.0), Some(3));

    // Big amounts keep every digit; the block's time is stored, not now.
    let row = client
        .query_one(
            "SELECT amount::text, iso(block_time) FROM payments WHERE lease_id = 3",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        row.get::<_, String>(0),
        (3u128 * 340_282_366_920_938_463_463u128).to_string()
    );
    assert_eq!(row.get::<_, String>(1), "2026-01-01T00:00:03.123457Z");

    // The API pages it, as JSON and CSV.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", free_port()))
        .await
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = router(Arc::new(Db::new(&pg.url())));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::new();
    let page: serde_json::Value = http
        .get(format!("{base}/providers/provider/leases?limit=2"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["rows"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["next"], "2");
    let page: serde_json::Value = http
        .get(format!("{base}/providers/provider/leases?limit=2&after=2"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["rows"][0]["lease_id"], 3);
    assert_eq!(page["next"], serde_json::Value::Null);
    let json = http
        .get(format!("{base}/leases/2/payments"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        json.starts_with(r#"{"rows":[{"id":2000001,"height":2,"block_time":"2026-01-01T00:00:02.123457Z","tx_hash":"TX2","kind":"settle","units":"2","#),
        "keys in column order: {json}"
    );
    let csv = http
        .get(format!("{base}/leases/2/payments?format=csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("id,height,block_time,tx_hash,kind,units,amount"));
    assert!(lines[1].starts_with("2000001,2,2026-01-01T00:00:02.123457Z,TX2,settle,2,"));
    let status = http
        .post(format!("{base}/providers"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 405);
    let status = http
        .get(format!("{base}/providers?limit=1001"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 400);

    // A provider's stake per UTC day: the day's changes and its stake after
    // the day's last one (by position, not the largest or smallest); another
    // provider's changes are not its.
    let blocks = [
        stake_block(
            4,
            "2026-01-01T23:59:59.9Z",
            &[
                ("provider", "register", 100),
                ("other", "register", 999),
                ("provider", "bond", 150),
                ("provider", "unbond", 130),
            ],
        ),
        stake_block(5, "2026-01-02T00:00:00Z", &[("provider", "slash", 117)]),
        stake_block(
            6,
            "2026-01-04T12:00:00Z",
            &[("provider", "bond", 200), ("provider", "deregister", 0)],
        ),
    ];
    db::write_blocks(&mut client, "registry", &blocks)
        .await
        .expect("blocks 4-6");
    let page: serde_json::Value = http
        .get(format!("{base}/providers/provider/stake?limit=2"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        page,
        serde_json::json!({
            "rows": [
                {"day": "2026-01-01", "changes": 3, "stake": "130"},
                {"day": "2026-01-02", "changes": 1, "stake": "117"}
            ],
            "next": "2026-01-02"
        })
    );
    let response = http
        .get(format!(
            "{base}/providers/provider/stake?after=2026-01-02&format=csv"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers().get("x-next-cursor"), None);
    assert_eq!(
        response.text().await.unwrap(),
        "day,changes,stake\n2026-01-04,2,0\n"
    );
    let page: serde_json::Value = http
        .get(format!("{base}/providers/other/stake"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        page["rows"],
        serde_json::json!([{"day": "2026-01-01", "changes": 1, "stake": "999"}])
    );
}

/// A provider paid in two denoms on one day, once with an unknown fee (an old batch item), and
/// rewarded: earnings are per day and denom (never summed across denoms), rewards on their own.
#[tokio::test]
async fn earnings_are_per_day_and_denom() {
    let pg = Postgres::start();
    let mut client = db::connect(&pg.url()).await.expect("connect");
    db::migrate(&mut client).await.expect("migrate");
    let lease = |seq, lease_id, denom: &str| -> Row {
        Lease {
            at: at(1, seq),
            lease_id,
            consumer: "consumer".into(),
            provider: "provider".into(),
            billing: "metered".into(),
            denom: denom.into(),
            deposit: 1_000_000,
            price_per_unit: 10,
        }
        .into()
    };
    let payment = |seq, lease_id, amount, fee: Option<u128>| -> Row {
        Payment {
            at: at(1, seq),
            lease_id,
            kind: "settle".into(),
            units: Some(1),
            amount,
            fee,
            provider_amount: fee.map(|fee| amount - fee),
            batch: fee.is_none(),
        }
        .into()
    };
    let rows = vec![
        lease(0, 1, "native:uusdc"),
        lease(1, 2, "native:ustake"),
        payment(2, 1, 1_000, Some(10)),
        payment(3, 1, 500, None),
        payment(4, 2, 7, Some(0)),
        RewardClaim {
            at: at(1, 5),
            provider: "provider".into(),
            amount: 42,
            forfeited: 3,
        }
        .into(),
    ];
    let block = DecodedBlock {
        height: 1,
        time: at(1, 0).block_time,
        hash: "HASH1".into(),
        txs: 1,
        rows,
        warnings: vec![],
    };
    db::write_blocks(&mut client, "registry", &[block])
        .await
        .expect("block 1");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router(Arc::new(Db::new(&pg.url())))).await });
    let http = reqwest::Client::new();
    let get = |path: &str| http.get(format!("{base}{path}")).send();
    let earnings: serde_json::Value = get("/providers/provider/earnings")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        earnings["rows"],
        serde_json::json!([
            {"day_denom": "2026-01-01 native:ustake", "day": "2026-01-01", "denom": "native:ustake",
             "payments": 1, "gross": "7", "fee": "0", "net": "7", "payments_without_fee": 0},
            {"day_denom": "2026-01-01 native:uusdc", "day": "2026-01-01", "denom": "native:uusdc",
             "payments": 2, "gross": "1500", "fee": "10", "net": "1490", "payments_without_fee": 1},
        ])
    );
    // The cursor pages within a day, denom by denom.
    let page: serde_json::Value = get("/providers/provider/earnings?limit=1")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["next"], "2026-01-01 native:ustake");
    let page: serde_json::Value =
        get("/providers/provider/earnings?limit=1&after=2026-01-01%20native:ustake")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(page["rows"][0]["denom"], "native:uusdc");
    assert_eq!(page["next"], serde_json::Value::Null);
    let rewards: serde_json::Value = get("/providers/provider/rewards")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        rewards["rows"],
        serde_json::json!([{"day": "2026-01-01", "claims": 1, "rewards": "42", "forfeited": "3"}])
    );
    // No row: the CSV is still its header line, the JSON an empty list.
    let empty = get("/providers/nobody/earnings?format=csv")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        empty,
        "day_denom,day,denom,payments,gross,fee,net,payments_without_fee\n"
    );
    let usage: serde_json::Value = get("/network/usage").await.unwrap().json().await.unwrap();
    assert_eq!(usage["rows"].as_array().map(Vec::len), Some(2));
    assert_eq!(usage["rows"][1]["gross"], "1500");
    assert_eq!(usage["rows"][1]["payments_without_fee"], 1);
}
