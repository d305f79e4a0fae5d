// The contract types the dApp uses, by short name (all generated from schema/).
import type { BillingEscrowTypes, DaoTypes, ProviderRegistryTypes, RewardTokenTypes } from "@depin/ts-client";

export type Denom = ProviderRegistryTypes.Denom;
export type UncheckedDenom = ProviderRegistryTypes.UncheckedDenom;
export type Service = ProviderRegistryTypes.Service;
export type StatusFilter = ProviderRegistryTypes.StatusFilter;
export type ProviderStatus = ProviderRegistryTypes.ProviderStatus;
export type ProviderResponse = ProviderRegistryTypes.ProviderResponse;
export type RegistryConfig = ProviderRegistryTypes.ConfigResponse;
export type RegistryStats = ProviderRegistryTypes.StatsResponse;
export type RegisterMsg = ProviderRegistryTypes.RegisterMsg;
export type Capacity = ProviderRegistryTypes.Capacity;
export type Expiration = ProviderRegistryTypes.Expiration;
export type Claim = ProviderRegistryTypes.Claim;

export type LeaseResponse = BillingEscrowTypes.LeaseResponse;
export type LeasesResponse = BillingEscrowTypes.LeasesResponse;
export type ChargeResponse = BillingEscrowTypes.ChargeResponse;
export type BillingMode = BillingEscrowTypes.BillingMode;
export type EscrowConfig = BillingEscrowTypes.ConfigResponse;
export type SettleableResponse = BillingEscrowTypes.SettleableResponse;
export type OpenLeaseMsg = BillingEscrowTypes.OpenLeaseMsg;

export type DaoConfig = DaoTypes.DaoConfigForAddr;
export type ProposalResponse = DaoTypes.ProposalResponse;
export type ProposalStatus = DaoTypes.ProposalStatus;
export type CosmosMsg = DaoTypes.CosmosMsgForEmpty;
export type Vote = DaoTypes.Vote;
export type Tally = DaoTypes.Tally;

export type TokenInfo = RewardTokenTypes.TokenInfoResponse;

export const SERVICES = ["storage", "compute", "gpu", "bandwidth", "wireless", "energy", "sensor"] as const;
export const STATUSES: StatusFilter[] = ["active", "inactive", "jailed", "exiting"];
