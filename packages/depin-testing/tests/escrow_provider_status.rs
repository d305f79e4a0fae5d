//! `open_lease` follows the registry's effective status: a provider whose
//! stake fell below a raised `min_stake` cannot be leased, even before anyone
//! refreshes it in the registry.

use cosmwasm_std::Uint128;
use depin_billing_escrow::ContractError;
use depin_interface::escrow::BillingMode;
use depin_interface::registry::{ProviderStatus, RegistryConfigUpdate};
use depin_testing::escrow::{escrow_error, lease_id_of, pay_price};
use depin_testing::{SuiteBuilder, PAY_DENOM};

const PRICE: u128 = 7;
/// The suite's `min_stake`, which the provider registers with.
const MIN_STAKE: u128 = 1_000;
const RAISED_MIN_STAKE: u128 = 2_500;

#[test]
fn a_raised_min_stake_stops_new_leases_until_the_provider_bonds_up_to_it() {
    let mut suite = SuiteBuilder {
        min_stake: Uint128::new(MIN_STAKE),
        ..SuiteBuilder::new()
    }
    .build();
    let (provider, consumer) = (suite.provider(0), suite.consumer(0));
    suite
        .register_provider_for_escrow_tests(&provider, pay_price(PRICE))
        .unwrap();
    assert_eq!(suite.provider_info(&provider).stake.u128(), MIN_STAKE);
    let res = suite
        .open_lease(&consumer, &provider, BillingMode::Metered {}, 1_000)
        .unwrap();
    assert_eq!(lease_id_of(&res), 1);
    // The DAO raises the minimum; nobody touches the provider's record.
    let dao = suite.dao.clone();
    suite
        .update_registry_config(
            &dao,
            RegistryConfigUpdate {
                min_stake: Some(Uint128::new(RAISED_MIN_STAKE)),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        suite.provider_info(&provider).status,
        ProviderStatus::Inactive
    );
    let consumer_before = suite.native_balance(&consumer, PAY_DENOM);
    assert_eq!(
        escrow_error(suite.open_lease(&consumer, &provider, BillingMode::Metered {}, 1_000)),
        ContractError::ProviderNotActive {
            provider: provider.clone(),
            status: "\"inactive\"".into(),
        }
    );
    assert_eq!(suite.native_balance(&consumer, PAY_DENOM), consumer_before);
    // Bonding up to the new minimum (1000 + 1500 = 2500) makes it leasable again.
    suite.bond(&provider, RAISED_MIN_STAKE - MIN_STAKE).unwrap();
    assert_eq!(
        suite.provider_info(&provider).stake.u128(),
        RAISED_MIN_STAKE
    );
    assert_eq!(
        suite.provider_info(&provider).status,
        ProviderStatus::Active
    );
    let res = suite
        .open_lease(&consumer, &provider, BillingMode::Metered {}, 1_000)
        .unwrap();
    assert_eq!(lease_id_of(&res), 2);
}
