//! What the subcommands share: JSON logs on stderr, JSON results on stdout,
//! files that are never overwritten.

use std::path::{Path, PathBuf};

use depin_agent::error::{AgentError, Result};
use depin_agent::keys::Key;

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

/// Where an `init` writes and the chain its config names (agent, fleet and oracle alike).
#[derive(clap::Args)]
pub struct InitArgs {
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    #[arg(long, default_value = "http://127.0.0.1:26657")]
    pub rpc: String,
    #[arg(long, default_value = "testing")]
    pub chain_id: String,
    /// A deployment JSON of scripts/deploy.sh (contract addresses).
    #[arg(long)]
    pub deployment: Option<String>,
}

impl InitArgs {
    /// Creates the folder and its hot key (`hot.mnemonic`, readable by its owner
    /// only) unless a run before this one did, and reads the key.
    pub fn hot_key(&self) -> Result<(Key, PathBuf)> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.dir.join("hot.mnemonic");
        if !path.exists() {
            write_new(&path, &Key::generate_mnemonic(), true)?;
        }
        Ok((Key::from_file(&path, "wasm")?, path))
    }
}
