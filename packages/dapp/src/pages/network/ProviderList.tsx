// Providers filtered by service, region and status, served by the registry's indexed, paginated query.

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useChain } from "../../chain/ChainProvider";
import { QueryError, Section, useNow } from "../../components/ui";
import { formatCoin, formatProviderStatus, serviceLabel, shortAddress } from "../../lib/format";
import { SERVICES, type Service, STATUSES, type StatusFilter } from "../../lib/types";
import { registryQueries } from "../../queries/registry";
import { href, navigate, type Route } from "../../router";

export interface ProviderFilter {
  service?: Service;
  region?: string;
  status?: StatusFilter;
  limit: number;
}

/** The filter in the URL (#/network?service=storage&region=eu-west&status=active&limit=10). */
export function filterFromParams(params: URLSearchParams): ProviderFilter {
  const s = params.get("service") ?? "";
  const service: Service | undefined = (SERVICES as readonly string[]).includes(s)
    ? (s as Service)
    : s.startsWith("other:")
      ? { other: s.slice(6) }
      : undefined;
  const st = params.get("status") ?? "";
  const limit = Math.min(100, Math.max(1, Number(params.get("limit")) || 10));
  return {
    service,
    region: params.get("region") || undefined,
    status: (STATUSES as string[]).includes(st) ? (st as StatusFilter) : undefined,
    limit,
  };
}

export function ProviderList({ route }: { route: Route }) {
  const { reader, book } = useChain();
  const now = useNow(5000);
  const filter = filterFromParams(route.params);
  const filterKey = JSON.stringify(filter);
  // Cursors of the pages before the current one (start_after of each page).
  const [cursors, setCursors] = useState<{ key: string; stack: (string | undefined)[] }>({ key: filterKey, stack: [undefined] });
  const stack = cursors.key === filterKey ? cursors.stack : [undefined];
  const startAfter = stack[stack.length - 1];
  const page = useQuery(registryQueries.providers(reader, { ...filter, startAfter }));
  const cfg = useQuery(registryQueries.config(reader));
  const [region, setRegion] = useState(filter.region ?? "");
  const [other, setOther] = useState(typeof filter.service === "object" ? filter.service.other : "");

  const setParam = (patch: Record<string, string | undefined>) => {
    const next: Record<string, string | undefined> = {
      service: route.params.get("service") ?? undefined,
      region: route.params.get("region") ?? undefined,
      status: route.params.get("status") ?? undefined,
      limit: route.params.get("limit") ?? undefined,
      ...patch,
    };
    navigate("/network", next);
  };
  const serviceValue = typeof filter.service === "object" ? "other" : (filter.service ?? "");
  const providers = page.data?.providers ?? [];
  const hasNext = providers.length === filter.limit;

  return (
    <Section title="Providers">
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setParam({
            region: region.trim() || undefined,
            service:
              serviceValue === "other" ? (other.trim() ? `other:${other.trim()}` : undefined) : (route.params.get("service") ?? undefined),
          });
        }}
      >
        <label>
          Service
          <select
            aria-label="Service filter"
            value={serviceValue}
            onChange={(e) => {
              const v = e.target.value;
              if (v === "other") setParam({ service: other.trim() ? `other:${other.trim()}` : "other:" });
              else setParam({ service: v || undefined });
            }}
          >
            <option value="">any</option>
            {SERVICES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
            <option value="other">other…</option>
          </select>
        </label>
        {serviceValue === "other" && (
          <label>
            Name
            <input aria-label="Other service name" value={other} onChange={(e) => setOther(e.target.value)} />
          </label>
        )}
        <label>
          Region
          <input aria-label="Region filter" placeholder="any" value={region} onChange={(e) => setRegion(e.target.value)} />
        </label>
        <label>
          Status
          <select
            aria-label="Status filter"
            value={filter.status ?? ""}
            onChange={(e) => setParam({ status: e.target.value || undefined })}
          >
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Apply</button>
      </form>
      {page.error ? (
        <QueryError error={page.error} />
      ) : !page.data ? (
        <p>Loading…</p>
      ) : providers.length === 0 ? (
        <p data-testid="no-providers">No provider matches.</p>
      ) : (
        <table data-testid="provider-table">
          <thead>
            <tr>
              <th>Provider</th>
              <th>Service</th>
              <th>Region</th>
              <th>Status</th>
              <th>Stake</th>
              <th>Prices</th>
              <th>Score</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {providers.map((p) => (
              <tr key={p.address} data-testid="provider-row" data-address={p.address}>
                <td>
                  <a href={href(`/providers/${p.address}`)} title={p.address}>
                    {shortAddress(p.address)}
                  </a>
                </td>
                <td>{serviceLabel(p.service)}</td>
                <td>{p.region}</td>
                <td>{formatProviderStatus(p.status, now)}</td>
                <td>{cfg.data ? formatCoin(book, p.stake, cfg.data.stake_denom) : p.stake}</td>
                <td>{p.prices.map((x) => `${formatCoin(book, x.per_unit, x.denom)}/${p.capacity.unit}`).join(", ")}</td>
                <td>{p.reputation.attested_score ?? "–"}</td>
                <td>
                  <a href={href("/consumer", { provider: p.address })}>Lease</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="pager">
        <button disabled={stack.length <= 1} onClick={() => setCursors({ key: filterKey, stack: stack.slice(0, -1) })}>
          Previous page
        </button>
        <span data-testid="page-number">page {stack.length}</span>
        <button
          disabled={!hasNext}
          onClick={() => setCursors({ key: filterKey, stack: [...stack, providers[providers.length - 1].address] })}
        >
          Next page
        </button>
        <label>
          per page
          <select aria-label="Page size" value={filter.limit} onChange={(e) => setParam({ limit: e.target.value })}>
            {[2, 5, 10, 25, 50, 100].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </div>
    </Section>
  );
}
