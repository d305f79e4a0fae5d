//! Pure tally math, like Cosmos x/gov.
//!
//! - quorum: `turnout ≥ quorum × total` (turnout counts abstain);
//! - vetoed: quorum met and `no_with_veto > veto_threshold × turnout`;
//! - passed: quorum met, not vetoed, and `yes > threshold × (yes + no + no_with_veto)`.
//!
//! Comparisons are exact: both sides are scaled to 18 decimals in `Uint256`,
//! so no rounding happens anywhere.

use cosmwasm_std::{Decimal, Uint128, Uint256};
use depin_interface::dao::Tally;

use crate::state::Rules;

/// The result of a tally, with what it means for the deposit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    /// Rejected with quorum met and no veto: the deposit is refunded.
    Rejected,
    /// Turnout below quorum: the deposit stays in the treasury.
    FailedQuorum,
    /// `no_with_veto` above the veto threshold: the deposit stays in the treasury.
    Vetoed,
}

impl Outcome {
    /// The deposit rule: refunded unless the proposal failed quorum or was
    /// vetoed by vote. (A guardian veto or a failed execution refunds.)
    pub fn refunds_deposit(self) -> bool {
        !matches!(self, Outcome::FailedQuorum | Outcome::Vetoed)
    }

    /// Outcomes that leave the same status and deposit treatment.
    fn class(self) -> u8 {
        match self {
            Outcome::Passed => 0,
            Outcome::Rejected => 1,
            Outcome::FailedQuorum | Outcome::Vetoed => 2,
        }
    }
}

fn turnout(t: &Tally) -> Uint256 {
    Uint256::from(t.yes)
        + Uint256::from(t.no)
        + Uint256::from(t.abstain)
        + Uint256::from(t.no_with_veto)
}

/// `lhs > fraction × rhs`, exactly.
fn above(lhs: Uint256, fraction: Decimal, rhs: Uint256) -> bool {
    lhs * Uint256::from(Decimal::one().atomics()) > Uint256::from(fraction.atomics()) * rhs
}

/// `lhs ≥ fraction × rhs`, exactly.
fn at_least(lhs: Uint256, fraction: Decimal, rhs: Uint256) -> bool {
    lhs * Uint256::from(Decimal::one().atomics()) >= Uint256::from(fraction.atomics()) * rhs
}

/// The outcome if voting ended with `tally` out of `total` power.
pub fn outcome(tally: &Tally, total: Uint128, rules: &Rules) -> Outcome {
    let turnout = turnout(tally);
    if !at_least(turnout, rules.quorum, Uint256::from(total)) {
        return Outcome::FailedQuorum;
    }
    let nwv = Uint256::from(tally.no_with_veto);
    if above(nwv, rules.veto_threshold, turnout) {
        return Outcome::Vetoed;
    }
    let yes = Uint256::from(tally.yes);
    let deciding = yes + Uint256::from(tally.no) + nwv;
    if above(yes, rules.threshold, deciding) {
        Outcome::Passed
    } else {
        Outcome::Rejected
    }
}

/// The outcome if it can no longer change, whatever the power not yet cast
/// (`total − turnout`) does; `None` while it still can.
///
/// Exact rule: the remaining power may be cast in any split over the four
/// options or not at all, a simplex whose vertices are "nobody else votes"
/// and "all of it votes X" for each X. The regions `passed` and
/// `rejected` (quorum, no veto) are each an intersection of half-spaces,
/// hence convex; `failed quorum or vetoed` is the complement of the convex
/// region `quorum ∧ ¬veto`, which, if it meets the simplex at all, contains
/// the vertex "all of it votes yes". So the outcome class is the same at
/// every point of the simplex exactly when it is the same at its five vertices.
pub fn decided(tally: &Tally, total: Uint128, rules: &Rules) -> Option<Outcome> {
    let cast = tally
        .yes
        .checked_add(tally.no)
        .and_then(|s| s.checked_add(tally.abstain))
        .and_then(|s| s.checked_add(tally.no_with_veto))
        .ok()?;
    let remaining = total.checked_sub(cast).unwrap_or_default();
    let now = outcome(tally, total, rules);
    let add = |f: fn(&mut Tally) -> &mut Uint128| {
        let mut t = tally.clone();
        let slot = f(&mut t);
        *slot = slot.checked_add(remaining).ok()?;
        Some(outcome(&t, total, rules))
    };
    let vertices = [
        add(|t| &mut t.yes)?,
        add(|t| &mut t.no)?,
        add(|t| &mut t.abstain)?,
        add(|t| &mut t.no_with_veto)?,
    ];
    if vertices.iter().all(|o| o.class() == now.class()) {
        Some(now)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules {
            threshold: Decimal::percent(50),
            quorum: Decimal::percent(40),
            veto_threshold: Decimal::percent(33),
            timelock: 0,
        }
    }

    fn tally(yes: u128, no: u128, abstain: u128, nwv: u128) -> Tally {
        Tally {
            yes: yes.into(),
            no: no.into(),
            abstain: abstain.into(),
            no_with_veto: nwv.into(),
        }
    }

    #[test]
    fn quorum_counts_abstain_and_is_inclusive() {
        // 40 % of 100 is exactly 40: met.
        assert_eq!(
            outcome(&tally(0, 0, 40, 0), 100u128.into(), &rules()),
            Outcome::Rejected
        );
        assert_eq!(
            outcome(&tally(39, 0, 0, 0), 100u128.into(), &rules()),
            Outcome::FailedQuorum
        );
        assert_eq!(
            outcome(&tally(40, 0, 0, 0), 100u128.into(), &rules()),
            Outcome::Passed
        );
    }

    #[test]
    fn threshold_is_strict_and_ignores_abstain() {
        // yes 30 of deciding 60: exactly 50 %, not above.
        assert_eq!(
            outcome(&tally(30, 30, 40, 0), 100u128.into(), &rules()),
            Outcome::Rejected
        );
        assert_eq!(
            outcome(&tally(31, 30, 39, 0), 100u128.into(), &rules()),
            Outcome::Passed
        );
    }

    #[test]
    fn veto_is_a_share_of_turnout_and_beats_yes() {
        // 34 of 100 turnout > 33 %: vetoed although yes wins.
        assert_eq!(
            outcome(&tally(66, 0, 0, 34), 100u128.into(), &rules()),
            Outcome::Vetoed
        );
        // 33 of 100 is not above 33 %.
        assert_eq!(
            outcome(&tally(67, 0, 0, 33), 100u128.into(), &rules()),
            Outcome::Passed
        );
    }

    #[test]
    fn only_failed_quorum_and_veto_forfeit_the_deposit() {
        assert!(Outcome::Passed.refunds_deposit());
        assert!(Outcome::Rejected.refunds_deposit());
        assert!(!Outcome::FailedQuorum.refunds_deposit());
        assert!(!Outcome::Vetoed.refunds_deposit());
    }

    #[test]
    fn nothing_is_decided_before_anyone_votes() {
        assert_eq!(decided(&tally(0, 0, 0, 0), 100u128.into(), &rules()), None);
    }

    #[test]
    fn passes_early_only_when_all_remaining_no_with_veto_cannot_stop_it() {
        // 60 yes, 40 left: 40 nwv would be 40 % of turnout > 33 %: not decided.
        assert_eq!(decided(&tally(60, 0, 0, 0), 100u128.into(), &rules()), None);
        // 67 yes, 33 left: 33 nwv is 33 %, not above; 33 no leaves 67 > 50 of 100.
        assert_eq!(
            decided(&tally(67, 0, 0, 0), 100u128.into(), &rules()),
            Some(Outcome::Passed)
        );
    }

    #[test]
    fn rejects_early_when_yes_cannot_win_and_no_veto_can_happen() {
        // 70 no: 30 more yes gives 30 of 100; 30 nwv would be 30 % ≤ 33 %.
        assert_eq!(
            decided(&tally(0, 70, 0, 0), 100u128.into(), &rules()),
            Some(Outcome::Rejected)
        );
        // 51 no: yes cannot win, but 49 nwv would veto (the deposit would be
        // forfeited), so the outcome is not final yet.
        assert_eq!(decided(&tally(0, 51, 0, 0), 100u128.into(), &rules()), None);
    }

    #[test]
    fn vetoes_early_only_when_veto_holds_against_full_turnout() {
        // 34 nwv of a possible 100 turnout: vetoed whatever happens.
        assert_eq!(
            decided(&tally(10, 0, 0, 34), 100u128.into(), &rules()),
            Some(Outcome::Vetoed)
        );
        // Below quorum so far, but forfeited either way (failed quorum or veto).
        let early = decided(&tally(0, 0, 0, 34), 100u128.into(), &rules());
        assert_eq!(early, Some(Outcome::FailedQuorum));
        assert_eq!(decided(&tally(0, 0, 0, 33), 100u128.into(), &rules()), None);
    }

    #[test]
    fn early_decision_agrees_with_every_way_the_rest_can_vote() {
        // Exhaustive on a small total: if `decided` says so, every completion agrees.
        let total = 12u128;
        let r = rules();
        let splits = |n: u128| {
            let mut v = vec![];
            for a in 0..=n {
                for b in 0..=n - a {
                    for c in 0..=n - a - b {
                        for d in 0..=n - a - b - c {
                            v.push((a, b, c, d));
                        }
                    }
                }
            }
            v
        };
        for (y, n, a, v) in splits(total) {
            let t = tally(y, n, a, v);
            let remaining = total - y - n - a - v;
            let all: Vec<Outcome> = splits(remaining)
                .into_iter()
                .map(|(y2, n2, a2, v2)| {
                    outcome(&tally(y + y2, n + n2, a + a2, v + v2), total.into(), &r)
                })
                .collect();
            let same = all.iter().all(|o| o.class() == all[0].class());
            match decided(&t, total.into(), &r) {
                Some(o) => {
                    assert!(same, "{t:?}");
                    assert_eq!(o.class(), all[0].class());
                }
                None => assert!(!same, "{t:?} could have been decided"),
            }
        }
    }
}
