//! `depin-provider fleet init`: a commented fleet.toml and the operator's
//! hot key.

use std::path::PathBuf;

use depin_agent::error::Result;
use depin_agent::fleet::config::template;
use depin_agent::keys::Key;

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
    /// Where oracles and consumers reach the fleet agent (a reverse proxy in front of its listen address).
    #[arg(long, default_value = "http://127.0.0.1:8740")]
    public_url: String,
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
        &args.public_url,
    );
    let config = dir.join("fleet.toml");
    write_new(&config, &text, false)?;
    println!("wrote {} and {}", config.display(), mnemonic_path.display());
    println!("operator: {}", hot.address);
    println!(
        "\nThe operator signs for the whole fleet and pays its own fees: send it some of [chain] gas_denom.\n\
         Then, per provider:\n  depin-provider fleet add-provider -c {} --provider <provider address>\n\
         and, signed by that provider's key, register with the endpoint and agent key it prints and name the operator:\n  \
         depin-provider fleet set-operator -c {} --provider-mnemonic-file <file>   (or --provider <address> --print: the wasmd commands)",
        config.display(),
        config.display()
    );
    Ok(())
}
