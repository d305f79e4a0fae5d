//! Published receipt test vectors (`receipt_vectors.json`): every client that
//! builds receipts (the TypeScript client, wallets) can check itself against
//! them. Each vector is recomputed here with the interface functions and the
//! signature is checked with k256 and with cosmwasm's own `secp256k1_verify`.
//!
//! Regenerate with
//! `REGENERATE_RECEIPT_VECTORS=1 cargo test -p depin-interface --test receipt_vectors`.

use cosmwasm_std::testing::MockApi;
use cosmwasm_std::Api;
use depin_interface::receipt::{receipt_digest, receipt_message};
use k256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use k256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

const VECTORS_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/receipt_vectors.json");

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Vectors {
    description: String,
    vectors: Vec<Vector>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Vector {
    /// 32-byte secp256k1 secret, hex. A test key: never use it for anything else.
    private_key: String,
    /// 33-byte compressed public key, hex (what `consumer_pubkey` carries, base64 in JSON messages).
    public_key: String,
    chain_id: String,
    escrow: String,
    lease_id: u64,
    /// Decimal string (a u128 does not fit a JSON number).
    cumulative_units: String,
    /// `"depin-receipt" ‖ chain_id ‖ escrow ‖ lease_id u64 BE ‖ cumulative_units u128 BE`, hex.
    message: String,
    /// sha256(message), hex.
    digest: String,
    /// 64-byte `r ‖ s` (low s), RFC 6979 deterministic, hex.
    signature: String,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    assert_eq!(text.len() & 1, 0, "odd hex length");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn vector(secret: [u8; 32], chain_id: &str, escrow: &str, lease_id: u64, units: u128) -> Vector {
    let key = SigningKey::from_bytes(&secret.into()).expect("valid secret");
    let public_key = key.verifying_key().to_encoded_point(true);
    let message = receipt_message(chain_id, escrow, lease_id, units);
    let digest = receipt_digest(chain_id, escrow, lease_id, units);
    let signature: Signature = key.sign_prehash(&digest).expect("signing");
    Vector {
        private_key: hex(&secret),
        public_key: hex(public_key.as_bytes()),
        chain_id: chain_id.into(),
        escrow: escrow.into(),
        lease_id,
        cumulative_units: units.to_string(),
        message: hex(&message),
        digest: hex(&digest),
        signature: hex(&signature.to_bytes()),
    }
}

fn expected() -> Vectors {
    let escrow = MockApi::default()
        .with_prefix("wasm")
        .addr_make("billing-escrow")
        .to_string();
    let mut other_secret = [0u8; 32];
    other_secret[31] = 0x2a;
    Vectors {
        description:
            "DePIN billing-escrow usage receipts: sha256(\"depin-receipt\" || chain_id || \
                      escrow address (bech32) || lease_id u64 BE || cumulative_units u128 BE), \
                      signed with secp256k1 (RFC 6979, low s), signature r || s"
                .into(),
        vectors: vec![
            vector([0x01; 32], "testing", &escrow, 1, 100),
            vector([0x01; 32], "testing", &escrow, 1, 250),
            vector([0x01; 32], "testing", &escrow, 2, 100),
            vector(other_secret, "depin-1", &escrow, u64::MAX, u128::MAX),
        ],
    }
}

#[test]
fn published_vectors_match_the_interface() {
    let expected = expected();
    if std::env::var_os("REGENERATE_RECEIPT_VECTORS").is_some() {
        let mut json = pretty_json(&expected);
        json.push('\n');
        std::fs::write(VECTORS_PATH, json).expect("writing the vectors");
    }
    let published: Vectors =
        cosmwasm_std::from_json(std::fs::read(VECTORS_PATH).expect("reading the vectors"))
            .expect("parsing the vectors");
    assert_eq!(published, expected);
    let api = MockApi::default();
    for v in &published.vectors {
        let units: u128 = v.cumulative_units.parse().expect("units");
        assert_eq!(
            hex(&receipt_message(&v.chain_id, &v.escrow, v.lease_id, units)),
            v.message
        );
        let digest = receipt_digest(&v.chain_id, &v.escrow, v.lease_id, units);
        assert_eq!(hex(&digest), v.digest);
        let public_key = unhex(&v.public_key);
        let signature = unhex(&v.signature);
        assert_eq!((public_key.len(), signature.len()), (33, 64));
        let verifying = VerifyingKey::from_sec1_bytes(&public_key).expect("public key");
        let parsed = Signature::from_slice(&signature).expect("signature");
        verifying
            .verify_prehash(&digest, &parsed)
            .expect("k256 verifies the signature");
        assert!(api
            .secp256k1_verify(&digest, &signature, &public_key)
            .expect("well-formed"));
        // The same signature is worthless for any other receipt.
        let other = receipt_digest(&v.chain_id, &v.escrow, v.lease_id, units.wrapping_add(1));
        assert!(!api
            .secp256k1_verify(&other, &signature, &public_key)
            .expect("well-formed"));
    }
}

/// Pretty JSON without a serde_json dependency: the vectors are flat, so
/// `to_json_string` output is re-indented by hand.
fn pretty_json(vectors: &Vectors) -> String {
    let mut out = String::from("{\n");
    out += &format!(
        "  \"description\": {},\n  \"vectors\": [\n",
        cosmwasm_std::to_json_string(&vectors.description).expect("json")
    );
    let items: Vec<String> = vectors
        .vectors
        .iter()
        .map(|v| {
            let fields = [
                ("private_key", quoted(&v.private_key)),
                ("public_key", quoted(&v.public_key)),
                ("chain_id", quoted(&v.chain_id)),
                ("escrow", quoted(&v.escrow)),
                ("lease_id", v.lease_id.to_string()),
                ("cumulative_units", quoted(&v.cumulative_units)),
                ("message", quoted(&v.message)),
                ("digest", quoted(&v.digest)),
                ("signature", quoted(&v.signature)),
            ];
            let body: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("      \"{k}\": {v}"))
                .collect();
            format!("    {{\n{}\n    }}", body.join(",\n"))
        })
        .collect();
    out += &items.join(",\n");
    out += "\n  ]\n}";
    out
}

fn quoted(text: &str) -> String {
    cosmwasm_std::to_json_string(text).expect("json")
}
