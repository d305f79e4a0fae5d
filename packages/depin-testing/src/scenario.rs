//! Whole-suite helpers for scenario, adversarial and property tests: every
//! holder's balances, a snapshot of all chain state, the typed-error check and
//! the suite's accounting invariants.

use cosmwasm_std::{from_json, Addr, Coin, Order, Storage, Uint128};
use cw_multi_test::error::AnyError;
use depin_interface::escrow::LeaseResponse;
use depin_interface::{token, Denom};

use crate::suite::{Suite, PAY_DENOM, STAKE_DENOM};

/// Every key and value in the chain's storage (bank balances and every
/// contract's state), in key order: two snapshots are equal exactly when no
/// state changed.
pub type StateSnapshot = Vec<(Vec<u8>, Vec<u8>)>;

/// The contract behind a typed error, when the error is typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorSource {
    Escrow,
    Registry,
    Dao,
    Token,
    Cw20Base,
    /// A `StdError`: deserialization, address validation, bank arithmetic.
    Std,
    /// A cw-utils payment error (wrong or missing funds).
    Payment,
}

/// Which typed error `err` carries, anywhere in its chain; `None` for an
/// untyped (string) error. A contract panic never gets here: it unwinds
/// through cw-multi-test and fails the test.
pub fn typed_error(err: &AnyError) -> Option<ErrorSource> {
    use depin_billing_escrow::ContractError as Escrow;
    use depin_dao::ContractError as Dao;
    use depin_provider_registry::ContractError as Registry;
    use depin_reward_token::ContractError as Token;
    [
        (carries::<Escrow>(err), ErrorSource::Escrow),
        (carries::<Registry>(err), ErrorSource::Registry),
        (carries::<Dao>(err), ErrorSource::Dao),
        (carries::<Token>(err), ErrorSource::Token),
        (
            carries::<cw20_base::ContractError>(err),
            ErrorSource::Cw20Base,
        ),
        (carries::<cosmwasm_std::StdError>(err), ErrorSource::Std),
        (carries::<cw_utils::PaymentError>(err), ErrorSource::Payment),
    ]
    .into_iter()
    .find_map(|(found, source)| found.then_some(source))
}

/// True when `err` carries a `T`: anyhow downcasts through its own context
/// layers, `chain()` reaches errors nested deeper (a submessage's error
/// inside its caller's).
fn carries<T>(err: &AnyError) -> bool
where
    T: std::fmt::Display + std::fmt::Debug + Send + Sync + 'static,
    T: std::error::Error,
{
    err.downcast_ref::<T>().is_some() || err.chain().any(|cause| cause.is::<T>())
}

/// The bank module's own refusals (cw-multi-test reports them as strings):
/// spending more than an account holds, or sending nothing.
pub fn is_bank_refusal(err: &AnyError) -> bool {
    err.chain().any(|cause| {
        let text = cause.to_string();
        text.contains("Cannot Sub") || text.contains("Cannot transfer empty coins amount")
    })
}

/// The escrow's lease accounting, per denom: what it holds for leases that
/// still owe something (`available + reserved`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EscrowBook {
    pub native: u128,
    pub cw20: u128,
    pub leases: usize,
}

impl Suite {
    /// Every actor and every suite contract, plus `extra` (test contracts).
    pub fn holders(&self, extra: &[Addr]) -> Vec<Addr> {
        let a = &self.actors;
        let mut all: Vec<Addr> = a
            .providers
            .iter()
            .chain(&a.consumers)
            .chain(&a.members)
            .chain([&a.oracle, &a.arbiter, &a.guardian, &a.attacker, &a.deployer])
            .chain([&self.dao, &self.token, &self.registry, &self.escrow])
            .chain(extra)
            .cloned()
            .collect();
        all.sort();
        all.dedup();
        all
    }

    /// Every native denom held by [`Suite::holders`], summed. Reads the
    /// bank's whole balance table and panics if anyone else holds funds
    /// (money paid to an address nobody controls would show up here).
    pub fn native_totals(&self, extra: &[Addr]) -> Vec<(String, u128)> {
        let holders = self.holders(extra);
        let mut totals: Vec<(String, u128)> = vec![];
        for (addr, coins) in self.bank_balances() {
            if coins.iter().all(|c| c.amount.is_zero()) {
                continue;
            }
            assert!(
                holders.contains(&addr),
                "native funds at an unknown address {addr}: {coins:?}"
            );
            for coin in coins {
                match totals.iter_mut().find(|(d, _)| *d == coin.denom) {
                    Some((_, total)) => *total += coin.amount.u128(),
                    None => totals.push((coin.denom, coin.amount.u128())),
                }
            }
        }
        totals
    }

    /// cw-multi-test's bank table: every address with its coins.
    pub fn bank_balances(&self) -> Vec<(Addr, Vec<Coin>)> {
        // The bank module's `balances` map, under its own namespace.
        const PREFIX: &[u8] = b"\x00\x08balances";
        let bank = self.app.prefixed_storage(b"bank");
        let end = [PREFIX, &[0xff]].concat();
        bank.range(Some(PREFIX), Some(&end), Order::Ascending)
            .map(|(key, value)| {
                let addr = String::from_utf8(key[PREFIX.len()..].to_vec()).expect("utf-8 address");
                let coins: Vec<Coin> = from_json(&value).expect("a balance");
                (Addr::unchecked(addr), coins)
            })
            .collect()
    }

    /// Native coins `addr` holds.
    pub fn native_coins(&self, addr: &Addr) -> Vec<Coin> {
        self.bank_balances()
            .into_iter()
            .find(|(a, _)| a == addr)
            .map(|(_, coins)| coins)
            .unwrap_or_default()
    }

    /// Every key and value in storage.
    pub fn state_snapshot(&self) -> StateSnapshot {
        self.app
            .storage()
            .range(None, None, Order::Ascending)
            .collect()
    }

    /// Every lease of every provider in `providers` (all pages).
    pub fn all_leases_of(&self, providers: &[Addr]) -> Vec<LeaseResponse> {
        let mut all = vec![];
        for provider in providers {
            let mut start_after = None;
            loop {
                let page = self.leases_by_provider(provider, start_after, Some(100));
                let Some(last) = page.last() else { break };
                start_after = Some(last.lease_id);
                all.extend(page);
            }
        }
        all
    }

    /// What the escrow owes on the leases of `providers`, per denom, after
    /// checking each lease's own identity
    /// `deposited = paid + reserved + available + refunded`.
    pub fn escrow_book(&self, providers: &[Addr]) -> EscrowBook {
        let mut book = EscrowBook::default();
        for lease in self.all_leases_of(providers) {
            assert_eq!(
                lease.deposited,
                lease.paid + lease.reserved + lease.available + lease.refunded,
                "lease {}: deposited = paid + reserved + available + refunded",
                lease.lease_id
            );
            let owed = (lease.available + lease.reserved).u128();
            match &lease.denom {
                Denom::Native(denom) => {
                    assert_eq!(denom, PAY_DENOM, "only {PAY_DENOM} leases in these tests");
                    book.native += owed;
                }
                Denom::Cw20(token) => {
                    assert_eq!(token, &self.token, "only suite-token cw20 leases");
                    book.cw20 += owed;
                }
            }
            book.leases += 1;
        }
        book
    }

    /// Every account the token holds a balance for, read straight from
    /// cw20-base's `balance` map (so no holder can be missed).
    pub fn token_accounts(&self) -> Vec<(Addr, u128)> {
        // cw-storage-plus key: 2-byte length, namespace, then the address.
        const PREFIX: &[u8] = b"\x00\x07balance";
        let storage = self.app.contract_storage(&self.token);
        let end = [PREFIX, &[0xff]].concat();
        storage
            .range(Some(PREFIX), Some(&end), Order::Ascending)
            .map(|(key, value)| {
                let addr = String::from_utf8(key[PREFIX.len()..].to_vec()).expect("utf-8 address");
                let amount: Uint128 = from_json(&value).expect("a balance");
                (Addr::unchecked(addr), amount.u128())
            })
            .collect()
    }

    /// The token's cap (None: uncapped).
    pub fn token_cap(&self) -> Option<u128> {
        let minter: Option<token::MinterResponse> = self
            .app
            .wrap()
            .query_wasm_smart(&self.token, &token::QueryMsg::Minter {})
            .expect("minter query");
        minter.and_then(|m| m.cap).map(|c| c.u128())
    }

    /// Checks the suite's accounting invariants and panics with the broken
    /// rule's name:
    /// - native funds are conserved: [`Suite::holders`]`(extra)` hold exactly
    ///   `native_supply` (`(denom, total)` pairs) and nothing else;
    /// - the escrow holds exactly what the leases of `providers` still owe
    ///   (`available + reserved`), per denom;
    /// - the registry holds exactly the bonded stake plus pending claims, and
    ///   its totals are the sums over `providers`;
    /// - the token's supply is the sum of all balances, never exceeds the
    ///   cap, and is the initial supply plus the rewards minted;
    /// - the DAO's total power is the sum of `stakers`' power, and the DAO
    ///   holds at least that many suite tokens.
    pub fn assert_invariants(
        &self,
        native_supply: &[(&str, u128)],
        providers: &[Addr],
        stakers: &[Addr],
        extra: &[Addr],
    ) {
        let mut held = self.native_totals(extra);
        held.sort();
        let mut expected: Vec<(String, u128)> = native_supply
            .iter()
            .map(|(d, t)| (d.to_string(), *t))
            .collect();
        expected.sort();
        assert_eq!(held, expected, "native funds are conserved");

        let book = self.escrow_book(providers);
        let escrow_native = self.native_coins(&self.escrow);
        let escrow_pay: u128 = escrow_native
            .iter()
            .filter(|c| c.denom == PAY_DENOM)
            .map(|c| c.amount.u128())
            .sum();
        assert_eq!(
            escrow_pay, book.native,
            "the escrow holds exactly what its {PAY_DENOM} leases owe"
        );
        assert!(
            escrow_native.iter().all(|c| c.denom == PAY_DENOM),
            "the escrow holds only {PAY_DENOM}: {escrow_native:?}"
        );

        let stats = self.registry_stats();
        let (mut bonded, mut unbonding) = (Uint128::zero(), Uint128::zero());
        for provider in providers {
            if let Ok(info) = self.try_provider_info(provider.as_str()) {
                bonded += info.stake;
                unbonding += info.unbonding;
            }
        }
        assert_eq!(stats.total_stake, bonded, "registry total_stake = Σ stake");
        assert_eq!(
            stats.total_unbonding, unbonding,
            "registry total_unbonding = Σ unbonding"
        );
        let registry_stake = if self.params.cw20_stake {
            self.token_balance(&self.registry)
        } else {
            self.native_balance(&self.registry, STAKE_DENOM)
        };
        assert_eq!(
            registry_stake,
            (bonded + unbonding).u128(),
            "the registry holds exactly the bonded stake plus pending claims"
        );

        let accounts = self.token_accounts();
        let balance_of = |addr: &Addr| {
            accounts
                .iter()
                .find(|(a, _)| a == addr)
                .map_or(0, |(_, b)| *b)
        };
        assert_eq!(
            balance_of(&self.escrow),
            book.cw20,
            "the escrow holds exactly what its suite-token leases owe"
        );
        let supply = self.token_supply();
        let sum: u128 = accounts.iter().map(|(_, b)| b).sum();
        assert_eq!(supply, sum, "token supply = Σ balances");
        if let Some(cap) = self.token_cap() {
            assert!(supply <= cap, "token supply {supply} ≤ cap {cap}");
        }
        assert_eq!(
            stats.rewards_minted.u128() + self.initial_token_supply(),
            supply,
            "supply = initial balances + rewards minted"
        );

        let staked: u128 = stakers.iter().map(|s| self.voting_power(s, None)).sum();
        let total = self.total_power(None);
        assert_eq!(total, staked, "DAO total staked = Σ stakes");
        assert!(
            balance_of(&self.dao) >= total,
            "the DAO holds every staked token ({} < {total})",
            balance_of(&self.dao)
        );
    }

    /// Suite tokens minted at instantiation.
    pub fn initial_token_supply(&self) -> u128 {
        let holders = (self.actors.members.len() + self.actors.providers.len()) as u128;
        holders * crate::suite::INITIAL_MEMBER_TOKENS
    }
}
