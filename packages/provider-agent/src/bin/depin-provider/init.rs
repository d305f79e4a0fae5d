//! `depin-provider init`: a commented agent.toml and a new hot key, and the
//! commands that authorise the hot key.

use std::path::PathBuf;

use depin_agent::config::{template, Config};
use depin_agent::error::Result;
use depin_agent::keys::Key;
use depin_agent::wasmd_cli;

use crate::output::write_new;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = ".")]
    dir: PathBuf,
    #[arg(long, default_value = "http://127.0.0.1:26657")]
    rpc: String,
    #[arg(long, default_value = "testing")]
    chain_id: String,
    /// A deployment JSON of scripts/deploy.sh (contract addresses).
    #[arg(long)]
    deployment: Option<String>,
    /// The provider (staking) address the hot key will act for.
    #[arg(long, default_value = "")]
    provider: String,
}

pub fn run(args: Args) -> Result<()> {
    let dir = &args.dir;
    std::fs::create_dir_all(dir)?;
    let mnemonic_path = dir.join("hot.mnemonic");
    if !mnemonic_path.exists() {
        write_new(&mnemonic_path, &Key::generate_mnemonic(), true)?;
    }
    let hot = Key::from_file(&mnemonic_path, "wasm")?;
    let text = template(
        &args.chain_id,
        &args.rpc,
        args.deployment.as_deref(),
        &args.provider,
    );
    write_new(&dir.join("agent.toml"), &text, false)?;
    let config = Config::load(&dir.join("agent.toml")).ok();
    let (reg, esc) = config
        .map(|c| (c.chain.registry, c.chain.escrow))
        .unwrap_or_else(|| ("<registry>".into(), "<escrow>".into()));
    println!(
        "wrote {}/agent.toml and {}/hot.mnemonic",
        dir.display(),
        dir.display()
    );
    println!("hot key: {}", hot.address);
    println!("\nAuthorise it from the provider key, either with this agent:\n  depin-provider grant -c {}/agent.toml --provider-mnemonic-file <file>\nor with wasmd (one transaction: the authz grant and the fee grant):\n{}", dir.display(), wasmd_cli::commands(&hot.address, &reg, &esc, &args.chain_id, &args.rpc));
    println!(
        "\nThen edit [service] in {}/agent.toml (what `register` lists) and register.",
        dir.display()
    );
    Ok(())
}
