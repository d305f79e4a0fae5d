// The suite's deployment parameters as types: the DAO's InstantiateMsg
// without the code ids, and the message they make once the codes are
// uploaded. Reading and checking a params file is the operator scripts' job
// (scripts/params.ts); this module holds only what a client needs to build
// or read the message.
import type {
  DaoConfigForString,
  InstantiateMsg as DaoInstantiateMsg,
  EscrowParams,
  RegistryParams,
  TokenParams,
} from "./generated/Dao.types";

/** The suite's parameters: the DAO InstantiateMsg minus code ids. */
export interface SuiteParams {
  config: DaoConfigForString;
  suite: {
    token: TokenParams;
    registry: RegistryParams;
    escrow: EscrowParams;
  };
}

/** The DAO's InstantiateMsg: the params plus the uploaded code ids. */
export function instantiateMsg(params: SuiteParams, codeIds: { token: number; registry: number; escrow: number }): DaoInstantiateMsg {
  return {
    config: params.config,
    suite: {
      token_code_id: codeIds.token,
      registry_code_id: codeIds.registry,
      escrow_code_id: codeIds.escrow,
      token: params.suite.token,
      registry: params.suite.registry,
      escrow: params.suite.escrow,
    },
  };
}
