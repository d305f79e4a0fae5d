//! Open disputes hold a provider's stake: while the billing escrow counts a
//! dispute on one of its charges open, `claim` pays nothing out, so the slash
//! that follows a voided charge still reaches claims that matured meanwhile.
//! `unbond` and `deregister` still work (claims stay slashable). The escrow is
//! played directly by its address here; slashes round down
//! (`floor(amount × fraction)`) and the DAO receives exactly the cuts.

use cosmwasm_std::Decimal;
use depin_provider_registry::ContractError;
use depin_testing::shared::registry_error;
use depin_testing::{SuiteBuilder, STAKE_DENOM};

const UNBONDING: u64 = 7 * 86_400;

#[test]
fn a_timely_resolution_slashes_the_claim_before_it_matures() {
    let mut s = SuiteBuilder::default().build();
    let p = s.provider(0);
    let (escrow, dao) = (s.escrow.clone(), s.dao.clone());
    s.register(&p, 2_000).unwrap();
    s.dispute_opened(&escrow, &p).unwrap();
    assert_eq!(s.provider_info(&p).open_disputes, 1);
    // Unbonding still works during the dispute.
    s.unbond(&p, 1_000).unwrap();
    s.advance(UNBONDING / 2);
    let dao_before = s.native_balance(&dao, STAKE_DENOM);
    // The escrow voids the charge and slashes max_slash = 10 %:
    // bonded floor(1_000 × 0.1) = 100, claim floor(1_000 × 0.1) = 100.
    s.slash(&escrow, &p, Decimal::percent(10), None).unwrap();
    s.dispute_resolved(&escrow, &p).unwrap();
    assert_eq!(s.native_balance(&dao, STAKE_DENOM), dao_before + 200);
    assert_eq!(s.provider_info(&p).open_disputes, 0);
    s.advance(UNBONDING / 2);
    let before = s.native_balance(&p, STAKE_DENOM);
    s.claim_unbonded(&p).unwrap();
    assert_eq!(s.native_balance(&p, STAKE_DENOM), before + 900);
}

#[test]
fn a_slow_resolution_still_slashes_a_matured_claim() {
    let mut s = SuiteBuilder::default().build();
    let p = s.provider(0);
    let (escrow, dao) = (s.escrow.clone(), s.dao.clone());
    s.register(&p, 2_000).unwrap();
    s.dispute_opened(&escrow, &p).unwrap();
    s.unbond(&p, 1_000).unwrap();
    // Deregistering during the dispute works too: the rest becomes a claim.
    s.deregister(&p).unwrap();
    s.advance(UNBONDING + 1);
    // Both claims (1_000 each) have matured, but the dispute holds them.
    assert_eq!(
        registry_error(s.claim_unbonded(&p).unwrap_err()),
        ContractError::StakeHeldByDisputes { open_disputes: 1 }
    );
    let dao_before = s.native_balance(&dao, STAKE_DENOM);
    // 10 % of each held claim: floor(1_000 × 0.1) × 2 = 200 to the DAO.
    s.slash(&escrow, &p, Decimal::percent(10), None).unwrap();
    assert_eq!(s.native_balance(&dao, STAKE_DENOM), dao_before + 200);
    s.dispute_resolved(&escrow, &p).unwrap();
    let before = s.native_balance(&p, STAKE_DENOM);
    s.claim_unbonded(&p).unwrap();
    assert_eq!(s.native_balance(&p, STAKE_DENOM), before + 1_800);
    let registry = s.registry.clone();
    assert_eq!(s.native_balance(&registry, STAKE_DENOM), 0);
}

#[test]
fn only_the_escrow_counts_disputes_and_never_below_zero() {
    let mut s = SuiteBuilder::default().build();
    let p = s.provider(0);
    let (escrow, attacker) = (s.escrow.clone(), s.actors.attacker.clone());
    s.register(&p, 1_000).unwrap();
    for sender in [&attacker, &p, &s.dao.clone()] {
        assert_eq!(
            registry_error(s.dispute_opened(sender, &p).unwrap_err()),
            ContractError::Unauthorized {
                sender: sender.to_string(),
                action: "dispute_opened"
            }
        );
    }
    assert_eq!(
        registry_error(s.dispute_resolved(&escrow, &p).unwrap_err()),
        ContractError::NoOpenDispute {
            provider: p.to_string()
        }
    );
    assert!(matches!(
        registry_error(s.dispute_opened(&escrow, &attacker).unwrap_err()),
        ContractError::ProviderNotFound { .. }
    ));
    s.dispute_opened(&escrow, &p).unwrap();
    assert_eq!(
        registry_error(s.dispute_resolved(&attacker, &p).unwrap_err()),
        ContractError::Unauthorized {
            sender: attacker.to_string(),
            action: "dispute_resolved"
        }
    );
    assert_eq!(s.provider_info(&p).open_disputes, 1);
}
