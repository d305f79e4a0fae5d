//! depin-bench: gas per operation of the built contracts, in cosmwasm-vm, as
//! the network grows, against cw20-base. Run it through `scripts/bench.sh`.
//!
//! Usage: depin-bench [--runner PATH] [--artifacts DIR] [--baseline WASM]
//!                    [--out FILE] [--sizes 10,1000,100000]

// Built without a contract (a feature off), its helpers go unused.
#![cfg_attr(
    not(all(feature = "registry", feature = "escrow", feature = "dao")),
    allow(dead_code)
)]

mod chain;
mod ops;
mod report;
mod seed;
mod vm;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

use crate::chain::{Chain, BECH32_PREFIX};
use crate::ops::{World, BASELINE, DAO, ESCROW, REGISTRY, TOKEN};
use crate::report::{Report, MAX_GROWTH};
use crate::vm::{Code, Vm};

struct Args {
    runner: PathBuf,
    artifacts: PathBuf,
    baseline: PathBuf,
    out: PathBuf,
    sizes: Vec<u64>,
}

fn parse_args() -> Result<Args> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), PathBuf::from);
    let mut args = Args {
        runner: target.join("release/depin-bench-vm"),
        artifacts: root.join("artifacts"),
        baseline: root.join("target/bench-artifacts/cw20-base-baseline.wasm"),
        out: root.join("BENCHMARKS.md"),
        sizes: vec![10, 1_000, 100_000],
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--runner" => args.runner = value.into(),
            "--artifacts" => args.artifacts = value.into(),
            "--baseline" => args.baseline = value.into(),
            "--out" => args.out = value.into(),
            "--sizes" => {
                args.sizes = value
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()
                    .context("--sizes")?
            }
            _ => bail!("unknown argument {flag}"),
        }
    }
    Ok(args)
}

#[cfg_attr(
    all(feature = "registry", feature = "escrow", feature = "dao"),
    allow(dead_code)
)]
const OFF: &str = "its crate was left out of this build (depin-bench feature off)";

type Scenario = fn(&mut World, &Code) -> Result<()>;

/// The contracts whose operations are measured, with why one is not.
fn scenarios() -> Vec<(&'static str, Result<Scenario, &'static str>)> {
    vec![
        #[cfg(feature = "registry")]
        (REGISTRY, Ok(ops::registry as Scenario)),
        #[cfg(not(feature = "registry"))]
        (REGISTRY, Err(OFF)),
        #[cfg(feature = "escrow")]
        (ESCROW, Ok(ops::escrow as Scenario)),
        #[cfg(not(feature = "escrow"))]
        (ESCROW, Err(OFF)),
        #[cfg(feature = "dao")]
        (DAO, Ok(ops::dao as Scenario)),
        #[cfg(not(feature = "dao"))]
        (DAO, Err(OFF)),
    ]
}

fn run() -> Result<bool> {
    let args = parse_args()?;
    let tmp = std::env::temp_dir().join(format!("depin-bench-{}", std::process::id()));
    let mut vm = Vm::spawn(&args.runner, BECH32_PREFIX, tmp)?;
    let token = vm.load(TOKEN, &args.artifacts.join(format!("{TOKEN}.wasm")))?;
    let baseline = vm.load(BASELINE, &args.baseline)?;
    let mut codes = vec![token.clone(), baseline.clone()];
    let mut pending = Vec::new();
    let mut measured = Vec::new();
    for (name, scenario) in scenarios() {
        let path = args.artifacts.join(format!("{name}.wasm"));
        match scenario {
            Ok(_) if !path.exists() => {
                pending.push((name.to_string(), format!("{} is missing", path.display())))
            }
            Ok(scenario) => {
                let code = vm.load(name, &path)?;
                codes.push(code.clone());
                measured.push((name, scenario, code));
            }
            Err(reason) => pending.push((name.to_string(), reason.to_string())),
        }
    }
    let mut figures = Vec::new();
    for &n in &args.sizes {
        eprintln!("depin-bench: N = {n}");
        let mut world = World {
            vm: &mut vm,
            chain: Chain::new(),
            n,
            figures: Vec::new(),
        };
        ops::token(&mut world, TOKEN, &token)?;
        ops::token(&mut world, BASELINE, &baseline)?;
        for (name, scenario, code) in &measured {
            scenario(&mut world, code).with_context(|| format!("{name} at N = {n}"))?;
        }
        figures.extend(world.figures);
    }
    let rows = report::rows(&figures);
    let report = Report {
        vm_version: &vm.version,
        codes: &codes,
        sizes: &args.sizes,
        rows: &rows,
        pending: &pending,
    };
    std::fs::write(&args.out, report.markdown())
        .with_context(|| format!("writing {}", args.out.display()))?;
    eprintln!("depin-bench: wrote {}", args.out.display());
    let ok = check_growth(&rows);
    for (name, reason) in &pending {
        eprintln!("pending: {name}: {reason}");
    }
    Ok(ok)
}

/// Prints each operation's gas at every N and whether it stays within
/// `MAX_GROWTH` from the smallest N to the largest; false if any grows more.
fn check_growth(rows: &[report::Row]) -> bool {
    let mut ok = true;
    for row in rows {
        let sdk: Vec<String> = row
            .figures
            .iter()
            .map(|(n, g)| format!("{n}:{}", g.sdk()))
            .collect();
        eprintln!(
            "  {:<24} {:<15} {}  growth {:.3} (VM gas {:.3})",
            row.contract,
            row.op,
            sdk.join(" "),
            row.growth(),
            row.vm_growth()
        );
        if row.too_steep() {
            eprintln!(
                "error: {} {} grows {:.3}x (VM gas {:.3}x) with the network; the limit is {MAX_GROWTH}",
                row.contract,
                row.op,
                row.growth(),
                row.vm_growth()
            );
            ok = false;
        }
    }
    ok
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
