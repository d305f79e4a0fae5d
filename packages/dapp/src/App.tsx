// The application shell: header with the network and the wallet, and the page of the current route.
import { lazy, Suspense } from "react";
import { useChain } from "./chain/ChainProvider";
import { WalletAlerts } from "./components/Alerts";
import { shortAddress } from "./lib/format";
import { href, type Route, useRoute } from "./router";

// Each page is its own chunk, loaded when its route is first shown.
const ConsumerPage = lazy(() => import("./pages/consumer/ConsumerPage").then((module) => ({ default: module.ConsumerPage })));
const FleetPage = lazy(() => import("./pages/fleet/FleetPage").then((module) => ({ default: module.FleetPage })));
const DaoPage = lazy(() => import("./pages/dao/DaoPage").then((module) => ({ default: module.DaoPage })));
const NetworkPage = lazy(() => import("./pages/network/NetworkPage").then((module) => ({ default: module.NetworkPage })));
const ProviderDetail = lazy(() => import("./pages/network/ProviderDetail").then((module) => ({ default: module.ProviderDetail })));
const ProviderPage = lazy(() => import("./pages/provider/ProviderPage").then((module) => ({ default: module.ProviderPage })));

const NAV: [string, string][] = [
  ["/network", "Network"],
  ["/provider", "Provider"],
  ["/consumer", "Consumer"],
  ["/fleet", "Fleet"],
  ["/dao", "DAO"],
];

function WalletButton() {
  const { account, connect, disconnect, connecting, walletError } = useChain();
  if (account) {
    return (
      <span className="wallet">
        <span data-testid="account" title={account.address}>
          {account.name ? `${account.name} · ` : ""}
          {shortAddress(account.address)}
        </span>{" "}
        {account.signMode === "amino" && (
          <span
            className="sign-mode"
            data-testid="sign-mode"
            title="Every transaction is signed in amino JSON (SIGN_MODE_LEGACY_AMINO_JSON)"
          >
            {account.ledger ? "Ledger · amino" : "amino"}
          </span>
        )}{" "}
        <button type="button" className="link" onClick={disconnect}>
          disconnect
        </button>
      </span>
    );
  }
  return (
    <span className="wallet">
      <button type="button" onClick={() => void connect()} disabled={connecting}>
        {connecting ? "Connecting…" : "Connect wallet"}
      </button>
      {walletError && (
        <span className="tx error" role="alert">
          {walletError}
        </span>
      )}
    </span>
  );
}

/** The page the route names; the network page for any other route. */
function CurrentPage({ route }: { route: Route }) {
  const [page, address] = route.path;
  if (page === "providers" && address) return <ProviderDetail address={address} />;
  if (page === "provider") return <ProviderPage />;
  if (page === "consumer") return <ConsumerPage route={route} />;
  if (page === "fleet") return <FleetPage route={route} />;
  if (page === "dao") return <DaoPage />;
  return <NetworkPage route={route} />;
}

export function App() {
  const route = useRoute();
  const { config } = useChain();
  const [page] = route.path;
  const current = `/${page ?? "network"}`;
  return (
    <>
      <header>
        <strong>DePIN</strong>
        <nav>
          {NAV.map(([path, label]) => (
            <a
              key={path}
              href={href(path)}
              className={current === path || (path === "/network" && current === "/providers") ? "active" : ""}
            >
              {label}
            </a>
          ))}
        </nav>
        <span className="network" data-testid="network">
          {config.chainName} ({config.chainId})
        </span>
        <WalletButton />
      </header>
      <main>
        <WalletAlerts />
        <Suspense fallback={<p>Loading…</p>}>
          <CurrentPage route={route} />
        </Suspense>
      </main>
    </>
  );
}
