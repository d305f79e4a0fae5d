//! What the subcommands share: JSON logs on stderr, JSON results on stdout,
//! files that are never overwritten.

use std::path::Path;

use depin_agent::error::{AgentError, Result};

/// JSON logs on stderr; `RUST_LOG` filters, `default` otherwise.
pub fn logging(default: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// A command's result, pretty-printed JSON on stdout.
pub fn print(value: serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
}

/// Writes a file that must not exist yet (`private`: readable by its owner only).
pub fn write_new(path: &Path, text: &str, private: bool) -> Result<()> {
    if path.exists() {
        return Err(AgentError::Config(format!(
            "{} exists; not overwritten",
            path.display()
        )));
    }
    if private {
        depin_agent::keys::write_private(path, text)?;
    } else {
        std::fs::write(path, text)?;
    }
    Ok(())
}
