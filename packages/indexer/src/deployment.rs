//! The deployment file written by scripts/deploy.sh: only its `addresses`.

use std::path::Path;

use serde::Deserialize;

use crate::decode::Suite;
use crate::error::Error;

#[derive(Deserialize)]
struct Deployment {
    addresses: Suite,
}

/// Reads the suite's four addresses.
pub fn load(path: &Path) -> Result<Suite, Error> {
    let err = |message: String| Error::Deployment {
        path: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let deployment: Deployment = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
    Ok(deployment.addresses)
}
