//! `depin-provider init`: a commented agent.toml and a new hot key, and the
//! commands that authorise the hot key.

use depin_agent::config::{template, Config};
use depin_agent::error::Result;
use depin_agent::wasmd_cli;

use crate::output::{write_new, InitArgs};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    init: InitArgs,
    /// The provider (staking) address the hot key will act for.
    #[arg(long, default_value = "")]
    provider: String,
}

pub fn run(args: Args) -> Result<()> {
    let InitArgs {
        dir,
        rpc,
        chain_id,
        deployment,
    } = &args.init;
    let (hot, _) = args.init.hot_key()?;
    let text = template(chain_id, rpc, deployment.as_deref(), &args.provider);
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
    println!("\nAuthorise it from the provider key, either with this agent:\n  depin-provider grant -c {}/agent.toml --provider-mnemonic-file <file>\nor with wasmd (one transaction: the authz grant and the fee grant):\n{}", dir.display(), wasmd_cli::commands(&hot.address, &reg, &esc, chain_id, rpc));
    println!(
        "\nThen edit [service] in {}/agent.toml (what `register` lists) and register.",
        dir.display()
    );
    Ok(())
}
