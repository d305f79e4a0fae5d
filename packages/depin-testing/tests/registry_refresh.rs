//! `refresh {provider}`: anyone applies the current `min_stake` to one
//! provider, through the same commit path as every stake change (rewards
//! settled first). Queries report the effective status before that.
//! Default parameters: stake part 600_000 per 86_400 s epoch, rounding down.

use cosmwasm_std::{coins, Uint128};
use depin_interface::registry::{ExecuteMsg, ProviderStatus, RegistryConfigUpdate, StatusFilter};
use depin_provider_registry::ContractError;
use depin_testing::shared::registry_error;
use depin_testing::{SuiteBuilder, STAKE_DENOM};

const EPOCH: u64 = 86_400;
const STAKE_PART: u128 = 600_000;

#[test]
fn a_raised_min_stake_stops_stake_rewards_at_once() {
    let mut s = SuiteBuilder::default().build();
    let (a, b, anyone) = (s.provider(0), s.provider(1), s.actors.attacker.clone());
    s.register(&a, 1_000).unwrap();
    s.register(&b, 3_000).unwrap();
    let dao = s.dao.clone();
    s.update_registry_config(
        &dao,
        RegistryConfigUpdate {
            min_stake: Some(Uint128::new(2_000)),
            ..Default::default()
        },
    )
    .unwrap();
    // The escrow reads the effective status at once, in both queries.
    assert_eq!(s.provider_info(&a).status, ProviderStatus::Inactive);
    assert_eq!(s.provider_info(&b).status, ProviderStatus::Active);
    let listed = s.providers_page(None, None, Some(StatusFilter::Active), None, None);
    assert_eq!(
        listed.len(),
        2,
        "the index keeps the stored status until refresh"
    );
    s.advance(EPOCH);
    // a earns nothing from the raise on, refreshed or not (second audit: it
    // used to earn 1 : 3 of the stake part until someone refreshed it). Its
    // stake still counts in the total until then, so b earns 3/4; a's quarter
    // is never minted.
    assert_eq!(s.pending_rewards(&a), 0);
    assert_eq!(s.pending_rewards(&b), STAKE_PART * 3 / 4);
    let res = s.refresh(&anyone, &a).unwrap();
    assert!(res.events.iter().any(|e| e
        .attributes
        .iter()
        .any(|at| at.key == "status" && at.value == "inactive")));
    assert_eq!(s.registry_stats().active_providers, 1);
    let listed = s.providers_page(None, None, Some(StatusFilter::Inactive), None, None);
    assert_eq!(listed, vec![a.clone()]);
    s.advance(EPOCH);
    // From the refresh on, b earns the whole stake part and a nothing.
    assert_eq!(s.pending_rewards(&a), 0);
    assert_eq!(s.pending_rewards(&b), STAKE_PART * 3 / 4 + STAKE_PART);
    // Bonding back above the minimum makes it active again (refresh of an
    // inactive provider at or above it does the same).
    s.bond(&a, 1_000).unwrap();
    assert_eq!(s.provider_info(&a).status, ProviderStatus::Active);
    s.update_registry_config(
        &dao,
        RegistryConfigUpdate {
            min_stake: Some(Uint128::new(1_000)),
            ..Default::default()
        },
    )
    .unwrap();
    s.refresh(&anyone, &b).unwrap();
    assert_eq!(s.registry_stats().active_providers, 2);
}

#[test]
fn refresh_refuses_unknown_providers_bad_addresses_and_funds() {
    let mut s = SuiteBuilder::default().build();
    let (p, anyone) = (s.provider(0), s.actors.attacker.clone());
    s.register(&p, 1_000).unwrap();
    assert_eq!(
        registry_error(s.refresh(&anyone, &anyone).unwrap_err()),
        ContractError::ProviderNotFound {
            address: anyone.to_string()
        }
    );
    let upper = ExecuteMsg::Refresh {
        provider: p.as_str().to_uppercase(),
    };
    assert!(matches!(
        registry_error(s.registry_execute(&anyone, &upper, &[]).unwrap_err()),
        ContractError::Std(_)
    ));
    let msg = ExecuteMsg::Refresh {
        provider: p.to_string(),
    };
    assert!(matches!(
        registry_error(
            s.registry_execute(&anyone, &msg, &coins(1, STAKE_DENOM))
                .unwrap_err()
        ),
        ContractError::Payment(_)
    ));
    // A refresh that changes nothing succeeds and changes nothing.
    s.refresh(&anyone, &p).unwrap();
    assert_eq!(s.provider_info(&p).status, ProviderStatus::Active);
    assert_eq!(s.registry_stats().active_providers, 1);
}
