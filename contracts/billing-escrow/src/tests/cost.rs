//! Settling and redeeming cost the same however much history a lease has.

use super::*;

/// Counts storage reads and range items, to show settle costs the same
/// whatever the number of matured charges.
#[derive(Default)]
struct CountingStorage {
    inner: MemoryStorage,
    reads: std::rc::Rc<std::cell::Cell<u64>>,
}

impl cosmwasm_std::Storage for CountingStorage {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.reads.set(self.reads.get() + 1);
        self.inner.get(key)
    }

    fn range<'a>(
        &'a self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: cosmwasm_std::Order,
    ) -> Box<dyn Iterator<Item = cosmwasm_std::Record> + 'a> {
        let reads = self.reads.clone();
        reads.set(reads.get() + 1);
        Box::new(
            self.inner
                .range(start, end, order)
                .inspect(move |_| reads.set(reads.get() + 1)),
        )
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        self.inner.set(key, value)
    }

    fn remove(&mut self, key: &[u8]) {
        self.inner.remove(key)
    }
}

/// Storage reads of one `settle` of a lease with `charges` matured charges,
/// `disputed` of them disputed first (and left open).
fn settle_reads(charges: u64, disputed: u64) -> u64 {
    let mut t = setup();
    let lease_id = t.open(BillingMode::Metered {}, 1_000_000_000);
    for _ in 0..charges {
        t.report(lease_id, 1).unwrap();
    }
    for charge_id in 1..=disputed {
        t.dispute(lease_id, charge_id).unwrap();
    }
    t.advance(WINDOW);
    let mut storage = CountingStorage {
        inner: std::mem::take(&mut t.deps.storage),
        ..CountingStorage::default()
    };
    let deps = cosmwasm_std::DepsMut {
        storage: &mut storage,
        api: &t.deps.api,
        querier: cosmwasm_std::QuerierWrapper::new(&t.deps.querier),
    };
    let anyone = t.deps.api.addr_make("anyone");
    execute(
        deps,
        t.env.clone(),
        message_info(&anyone, &[]),
        ExecuteMsg::Settle { lease_id },
    )
    .unwrap();
    storage.reads.get()
}

#[test]
fn settle_costs_the_same_for_one_or_a_thousand_matured_charges() {
    let one = settle_reads(1, 0);
    assert_eq!(settle_reads(1_000, 0), one);
    // Disputes add a bounded cost each, independent of the charge count.
    assert_eq!(settle_reads(1_000, 2), settle_reads(10, 2));
    assert_eq!(settle_reads(10, 2), settle_reads(10, 1) + 1);
}

/// Storage reads of one `redeem_receipt` after `before` earlier redemptions.
fn redeem_reads(before: u128) -> u64 {
    use k256::ecdsa::signature::hazmat::PrehashSigner;
    let key = k256::ecdsa::SigningKey::from_bytes(&[7u8; 32].into()).unwrap();
    let pubkey = key.verifying_key().to_encoded_point(true);
    let mut t = setup();
    let lease_id = t.open(
        BillingMode::Receipts {
            consumer_pubkey: pubkey.as_bytes().to_vec().into(),
        },
        1_000_000,
    );
    let sign = |env: &Env, units: u128| -> cosmwasm_std::Binary {
        let digest = depin_interface::receipt::receipt_digest(
            &env.block.chain_id,
            env.contract.address.as_str(),
            lease_id,
            units,
        );
        let signature: k256::ecdsa::Signature = key.sign_prehash(&digest).unwrap();
        signature.to_bytes()[..].to_vec().into()
    };
    let provider = t.provider.clone();
    let redeem = |units: u128, signature| ExecuteMsg::RedeemReceipt {
        lease_id,
        cumulative_units: Uint128::new(units),
        signature,
    };
    for units in 1..=before {
        let signature = sign(&t.env, units);
        t.exec(&provider, &[], redeem(units, signature)).unwrap();
    }
    let mut storage = CountingStorage {
        inner: std::mem::take(&mut t.deps.storage),
        ..CountingStorage::default()
    };
    let deps = cosmwasm_std::DepsMut {
        storage: &mut storage,
        api: &t.deps.api,
        querier: cosmwasm_std::QuerierWrapper::new(&t.deps.querier),
    };
    let units = before + 10;
    let res = execute(
        deps,
        t.env.clone(),
        message_info(&provider, &[]),
        redeem(units, sign(&t.env, units)),
    )
    .unwrap();
    // 10 units × 7 = 70, fee ceil(70 × 250 / 10000) = ceil(1.75) = 2.
    assert_eq!(paid_to(&res, &t.provider), 68);
    storage.reads.get()
}

#[test]
fn redeeming_costs_the_same_however_many_receipts_came_before() {
    assert_eq!(redeem_reads(0), redeem_reads(40));
}
