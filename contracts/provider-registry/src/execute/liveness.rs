//! Proof of service: oracles' batched liveness proofs (`prove_liveness`),
//! and the provider's own `heartbeat`, which proves its epoch only while the
//! registry has no oracles (bootstrap mode).

use cosmwasm_std::{to_json_binary, Addr, Deps, DepsMut, Env, MessageInfo, Response, StdResult};
use depin_interface::liveness::{
    liveness_digest, MAX_LIVENESS_PROOFS, MAX_NONCE_BYTES, MIN_NONCE_BYTES,
};
use depin_interface::registry::{
    LivenessProof, ProofRejection, ProveLivenessResponse, RejectedProof,
};

use crate::accounting::{
    advance_and_record, current_epoch, load_provider, record_proof, ProofOutcome,
};
use crate::error::ContractError;
use crate::state::{Provider, CONFIG, EPOCH_PROOFS, GLOBAL, PROVIDER_RECORDS, REPUTATION};

/// Oracles only. `epoch` must be the current or the previous one (and need
/// proofs). Each entry is checked on its own: an unknown provider, a
/// missing agent key, a nonce of the wrong length or a signature that does
/// not verify rejects that entry only, and the response data lists every
/// entry as proven, duplicate or rejected (with the reason). Per entry: one
/// signature check, two record reads and one write; the accumulator and the
/// epoch's count are written once per batch.
pub fn prove_liveness(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    epoch: u64,
    proofs: Vec<LivenessProof>,
) -> Result<Response, ContractError> {
    let config = CONFIG.load(deps.storage)?;
    if !config.oracles.contains(&info.sender) {
        return Err(ContractError::Unauthorized {
            sender: info.sender.to_string(),
            action: "prove_liveness",
        });
    }
    if proofs.is_empty() || proofs.len() > MAX_LIVENESS_PROOFS {
        return Err(ContractError::NoProofs {
            max: MAX_LIVENESS_PROOFS,
        });
    }
    let current = current_epoch(&config, env.block.time);
    if epoch > current || epoch.saturating_add(1) < current || epoch < config.proofs_from() {
        return Err(ContractError::EpochOutOfWindow { epoch, current });
    }
    let mut global = GLOBAL.load(deps.storage)?;
    advance_and_record(deps.storage, &config, &mut global, env.block.time)?;
    let mut result = ProveLivenessResponse {
        epoch,
        proven: vec![],
        duplicates: vec![],
        rejected: vec![],
    };
    let mut forfeits = vec![];
    for proof in proofs {
        let (addr, provider) = match verify(deps.as_ref(), &env, epoch, &proof)? {
            Ok(checked) => checked,
            Err(reason) => {
                result.rejected.push(RejectedProof {
                    provider: proof.provider,
                    reason,
                });
                continue;
            }
        };
        let (outcome, forfeited) = record_proof(
            deps.storage,
            &config,
            &mut global,
            (&addr, &provider),
            epoch,
            env.block.time,
        )?;
        forfeits.extend(forfeited.map(|reason| format!("{addr}: {reason}")));
        match outcome {
            ProofOutcome::Proven => result.proven.push(addr),
            ProofOutcome::Duplicate => result.duplicates.push(addr),
        }
    }
    count_proofs(deps.storage, epoch, result.proven.len())?;
    GLOBAL.save(deps.storage, &global)?;
    Ok(Response::new()
        .set_data(to_json_binary(&result)?)
        .add_attribute("action", "prove_liveness")
        .add_attribute("oracle", info.sender)
        .add_attribute("epoch", epoch.to_string())
        .add_attribute("proven", result.proven.len().to_string())
        .add_attribute("duplicates", result.duplicates.len().to_string())
        .add_attribute("rejected", result.rejected.len().to_string())
        .add_attributes(
            forfeits
                .into_iter()
                .map(|reason| ("rewards_forfeited", reason)),
        ))
}

/// The provider of `proof` and its record if the agent key signed the
/// challenge, or why the entry is rejected. Only storage errors fail.
fn verify(
    deps: Deps,
    env: &Env,
    epoch: u64,
    proof: &LivenessProof,
) -> StdResult<Result<(Addr, Provider), ProofRejection>> {
    let Ok(addr) = deps.api.addr_validate(&proof.provider) else {
        return Ok(Err(ProofRejection::UnknownProvider));
    };
    let Some(provider) = PROVIDER_RECORDS.may_load(deps.storage, &addr)? else {
        return Ok(Err(ProofRejection::UnknownProvider));
    };
    let Some(key) = &provider.agent_pubkey else {
        return Ok(Err(ProofRejection::NoAgentKey));
    };
    if !(MIN_NONCE_BYTES..=MAX_NONCE_BYTES).contains(&proof.nonce.len()) {
        return Ok(Err(ProofRejection::BadNonce));
    }
    let digest = liveness_digest(
        &env.block.chain_id,
        env.contract.address.as_str(),
        addr.as_str(),
        epoch,
        &proof.nonce,
    );
    // A malformed signature or key is an error of the call: the entry is rejected.
    match deps.api.secp256k1_verify(&digest, &proof.signature, key) {
        Ok(true) => Ok(Ok((addr, provider))),
        _ => Ok(Err(ProofRejection::BadSignature)),
    }
}

fn count_proofs(
    storage: &mut dyn cosmwasm_std::Storage,
    epoch: u64,
    proven: usize,
) -> StdResult<()> {
    if proven > 0 {
        let count = u64::try_from(proven).unwrap_or(u64::MAX);
        EPOCH_PROOFS.update(storage, epoch, |n| -> StdResult<_> {
            Ok(n.unwrap_or_default().saturating_add(count))
        })?;
    }
    Ok(())
}

/// The provider's own liveness signal: counted in reputation; while the
/// registry has no oracles it also proves the current epoch.
pub fn heartbeat(deps: DepsMut, env: Env, info: MessageInfo) -> Result<Response, ContractError> {
    let provider = load_provider(deps.storage, &info.sender)?;
    let mut rep = REPUTATION
        .may_load(deps.storage, &info.sender)?
        .unwrap_or_default();
    rep.heartbeats = rep.heartbeats.saturating_add(1);
    rep.last_heartbeat = Some(env.block.time);
    REPUTATION.save(deps.storage, &info.sender, &rep)?;
    let mut response = Response::new()
        .add_attribute("action", "heartbeat")
        .add_attribute("provider", info.sender.as_str())
        .add_attribute("heartbeats", rep.heartbeats.to_string());
    let config = CONFIG.load(deps.storage)?;
    if config.oracles.is_empty() {
        let epoch = current_epoch(&config, env.block.time);
        let mut global = GLOBAL.load(deps.storage)?;
        advance_and_record(deps.storage, &config, &mut global, env.block.time)?;
        let (outcome, forfeited) = record_proof(
            deps.storage,
            &config,
            &mut global,
            (&info.sender, &provider),
            epoch,
            env.block.time,
        )?;
        GLOBAL.save(deps.storage, &global)?;
        if outcome == ProofOutcome::Proven {
            count_proofs(deps.storage, epoch, 1)?;
            response = response.add_attribute("proven_epoch", epoch.to_string());
        }
        response = response.add_attributes(forfeited.map(|r| ("rewards_forfeited", r)));
    }
    Ok(response)
}
