//! `depin-provider fleet init`: a commented fleet.toml and the operator's
//! hot key.

use depin_agent::error::Result;
use depin_agent::fleet::config::template;

use crate::output::{write_new, InitArgs};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    init: InitArgs,
    /// Where oracles and consumers reach the fleet agent (a reverse proxy in front of its listen address).
    #[arg(long, default_value = "http://127.0.0.1:8740")]
    public_url: String,
}

pub fn run(args: Args) -> Result<()> {
    let init = &args.init;
    let (hot, mnemonic_path) = init.hot_key()?;
    let text = template(
        &init.chain_id,
        &init.rpc,
        init.deployment.as_deref(),
        &args.public_url,
    );
    let config = init.dir.join("fleet.toml");
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
