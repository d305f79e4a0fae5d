//! The migration rule every contract keeps: same contract, never backwards.

use cosmwasm_std::{Response, StdError, Storage};
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum MigrationError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("cannot migrate from contract {found}; expected {expected}")]
    WrongContract { expected: String, found: String },

    #[error("cannot migrate from version {stored} to older version {new}")]
    Downgrade { stored: String, new: String },

    #[error("invalid semantic version {0:?}")]
    InvalidVersion(String),
}

/// Checks the stored cw2 record against `(name, version)`, records the new
/// version (through `cw2::ensure_from_older_version`) and returns the old one.
/// A foreign contract, a downgrade or an unparsable version fails with a
/// typed [`MigrationError`].
pub fn migrate_forward(
    storage: &mut dyn Storage,
    name: &str,
    version: &str,
) -> Result<String, MigrationError> {
    let stored = cw2::get_contract_version(storage)?;
    if stored.contract != name {
        return Err(MigrationError::WrongContract {
            expected: name.into(),
            found: stored.contract,
        });
    }
    if parse(&stored.version)? > parse(version)? {
        return Err(MigrationError::Downgrade {
            stored: stored.version,
            new: version.into(),
        });
    }
    cw2::ensure_from_older_version(storage, name, version)?;
    Ok(stored.version)
}

/// The whole `migrate` entry point of every contract: [`migrate_forward`],
/// then a response with `action`, `from_version` and `to_version`.
pub fn migrate(
    storage: &mut dyn Storage,
    name: &str,
    version: &str,
) -> Result<Response, MigrationError> {
    let from_version = migrate_forward(storage, name, version)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", from_version)
        .add_attribute("to_version", version))
}

fn parse(version: &str) -> Result<semver::Version, MigrationError> {
    version
        .parse()
        .map_err(|_| MigrationError::InvalidVersion(version.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    #[test]
    fn forward_and_same_version_migrate() {
        let mut storage = MockStorage::new();
        cw2::set_contract_version(&mut storage, "c", "0.1.0").unwrap();
        assert_eq!(
            migrate_forward(&mut storage, "c", "0.2.0").unwrap(),
            "0.1.0"
        );
        assert_eq!(
            migrate_forward(&mut storage, "c", "0.2.0").unwrap(),
            "0.2.0"
        );
        assert_eq!(
            cw2::get_contract_version(&storage).unwrap().version,
            "0.2.0"
        );
    }

    #[test]
    fn downgrade_and_foreign_contract_are_refused() {
        let mut storage = MockStorage::new();
        cw2::set_contract_version(&mut storage, "c", "1.0.0").unwrap();
        assert_eq!(
            migrate_forward(&mut storage, "c", "0.9.9"),
            Err(MigrationError::Downgrade {
                stored: "1.0.0".into(),
                new: "0.9.9".into()
            })
        );
        assert!(matches!(
            migrate_forward(&mut storage, "other", "2.0.0"),
            Err(MigrationError::WrongContract { .. })
        ));
        cw2::set_contract_version(&mut storage, "c", "garbage").unwrap();
        assert!(matches!(
            migrate_forward(&mut storage, "c", "2.0.0"),
            Err(MigrationError::InvalidVersion(_))
        ));
    }
}
