// Providers filtered by service, region and status, served by the registry's indexed, paginated query.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useChain } from "../../chain/ChainProvider";
import { Pager, usePager } from "../../components/Pager";
import { QueryError, Section, useNow } from "../../components/ui";
import { formatCoin, formatProviderStatus, serviceLabel, shortAddress } from "../../lib/format";
import { formatProofCounts, provenInEpoch } from "../../lib/liveness";
import { type ProviderResponse, SERVICES, type Service, STATUSES, type StatusFilter } from "../../lib/types";
import { registryQueries } from "../../queries/registry";
import { href, navigate, type Route } from "../../router";

export interface ProviderFilter {
  service?: Service;
  region?: string;
  status?: StatusFilter;
  limit: number;
}

const PAGE_SIZES = [2, 5, 10, 25, 50, 100];
const FILTER_PARAMS = ["service", "region", "status", "limit"] as const;
type FilterParams = Partial<Record<(typeof FILTER_PARAMS)[number], string>>;

/** The filter in the URL (#/network?service=storage&region=eu-west&status=active&limit=10). */
export function filterFromParams(params: URLSearchParams): ProviderFilter {
  const serviceParam = params.get("service") ?? "";
  const service: Service | undefined = (SERVICES as readonly string[]).includes(serviceParam)
    ? (serviceParam as Service)
    : serviceParam.startsWith("other:")
      ? { other: serviceParam.slice(6) }
      : undefined;
  const statusParam = params.get("status") ?? "";
  const status = (STATUSES as string[]).includes(statusParam) ? (statusParam as StatusFilter) : undefined;
  const limit = Math.min(100, Math.max(1, Number(params.get("limit")) || 10));
  return { service, region: params.get("region") || undefined, status, limit };
}

/** The "other:<name>" service parameter, or undefined for an empty name. */
function otherServiceParam(name: string): string | undefined {
  return name.trim() ? `other:${name.trim()}` : undefined;
}

export function ProviderList({ route }: { route: Route }) {
  const { reader } = useChain();
  const filter = filterFromParams(route.params);
  const pager = usePager<string>(JSON.stringify(filter));
  const page = useQuery(registryQueries.providers(reader, { ...filter, startAfter: pager.startAfter }));
  const providers = page.data?.providers ?? [];
  // Changes one or more filter parameters in the URL, keeping the others.
  const setParams = (patch: FilterParams) => {
    const current: FilterParams = {};
    for (const name of FILTER_PARAMS) current[name] = route.params.get(name) ?? undefined;
    navigate("/network", { ...current, ...patch });
  };
  return (
    <Section title="Providers">
      <ProviderFilters filter={filter} serviceParam={route.params.get("service") ?? undefined} setParams={setParams} />
      {page.error ? (
        <QueryError error={page.error} />
      ) : !page.data ? (
        <p>Loading…</p>
      ) : providers.length === 0 ? (
        <p data-testid="no-providers">No provider matches.</p>
      ) : (
        <ProviderTable providers={providers} />
      )}
      <Pager pager={pager} items={providers} pageSize={filter.limit} cursorOf={(provider) => provider.address}>
        <label>
          per page
          <select aria-label="Page size" value={filter.limit} onChange={(e) => setParams({ limit: e.target.value })}>
            {PAGE_SIZES.map((size) => (
              <option key={size} value={size}>
                {size}
              </option>
            ))}
          </select>
        </label>
      </Pager>
    </Section>
  );
}

function ProviderFilters({
  filter,
  serviceParam,
  setParams,
}: {
  filter: ProviderFilter;
  serviceParam: string | undefined;
  setParams: (patch: FilterParams) => void;
}) {
  const [region, setRegion] = useState(filter.region ?? "");
  const [otherName, setOtherName] = useState(typeof filter.service === "object" ? filter.service.other : "");
  const serviceChoice = typeof filter.service === "object" ? "other" : (filter.service ?? "");
  const chooseService = (choice: string) =>
    setParams({ service: choice === "other" ? (otherServiceParam(otherName) ?? "other:") : choice || undefined });
  return (
    <form
      className="filters"
      onSubmit={(e) => {
        e.preventDefault();
        setParams({ region: region.trim() || undefined, service: serviceChoice === "other" ? otherServiceParam(otherName) : serviceParam });
      }}
    >
      <label>
        Service
        <select aria-label="Service filter" value={serviceChoice} onChange={(e) => chooseService(e.target.value)}>
          <option value="">any</option>
          {SERVICES.map((service) => (
            <option key={service} value={service}>
              {service}
            </option>
          ))}
          <option value="other">other…</option>
        </select>
      </label>
      {serviceChoice === "other" && (
        <label>
          Name
          <input aria-label="Other service name" value={otherName} onChange={(e) => setOtherName(e.target.value)} />
        </label>
      )}
      <label>
        Region
        <input aria-label="Region filter" placeholder="any" value={region} onChange={(e) => setRegion(e.target.value)} />
      </label>
      <label>
        Status
        <select aria-label="Status filter" value={filter.status ?? ""} onChange={(e) => setParams({ status: e.target.value || undefined })}>
          <option value="">any</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}

function ProviderTable({ providers }: { providers: ProviderResponse[] }) {
  const { reader, book } = useChain();
  const now = useNow(5000);
  const config = useQuery(registryQueries.config(reader));
  const stats = useQuery(registryQueries.stats(reader));
  const epoch = stats.data?.current_epoch;
  return (
    <table className="stack" data-testid="provider-table">
      <thead>
        <tr>
          <th>Provider</th>
          <th>Service</th>
          <th>Region</th>
          <th>Status</th>
          <th>Stake</th>
          <th>Prices</th>
          <th>Score</th>
          <th>Epochs</th>
          <th>This epoch</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {providers.map((provider) => (
          <tr key={provider.address} data-testid="provider-row" data-address={provider.address}>
            <td data-label="Provider">
              <a href={href(`/providers/${provider.address}`)} title={provider.address}>
                {shortAddress(provider.address)}
              </a>
            </td>
            <td data-label="Service">{serviceLabel(provider.service)}</td>
            <td data-label="Region">{provider.region}</td>
            <td data-label="Status">{formatProviderStatus(provider.status, now)}</td>
            <td data-label="Stake">{config.data ? formatCoin(book, provider.stake, config.data.stake_denom) : provider.stake}</td>
            <td data-label="Prices">
              {provider.prices.map((price) => `${formatCoin(book, price.per_unit, price.denom)}/${provider.capacity.unit}`).join(", ")}
            </td>
            <td data-label="Score">{provider.reputation.attested_score ?? "–"}</td>
            <td data-label="Epochs" data-testid="row-proofs">
              {formatProofCounts(provider.reputation)}
            </td>
            <td data-label="This epoch" data-testid="row-current-proof">
              {epoch === undefined ? "…" : provenInEpoch(provider.reputation, epoch) ? "proven" : "not yet"}
            </td>
            <td data-label="Lease">
              <a href={href("/consumer", { provider: provider.address })} aria-label={`Lease from ${shortAddress(provider.address)}`}>
                Lease
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
