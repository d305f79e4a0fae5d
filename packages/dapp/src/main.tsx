// Start-up: read config.json (beside index.html), connect to its chain, then render.

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { ChainProvider, loadNetwork } from "./chain/ChainProvider";
import { validateConfig } from "./lib/config";
import { errorToSentence } from "./lib/errors";
import "./styles.css";

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 2000, refetchInterval: 6000, retry: 1 } },
});

function Root() {
  const [network, setNetwork] = useState<Awaited<ReturnType<typeof loadNetwork>> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    loadNetwork(async () => {
      const res = await fetch("config.json", { cache: "no-store" });
      if (!res.ok) throw new Error(`config.json could not be loaded (HTTP ${res.status}).`);
      return res.json();
    }, validateConfig).then(setNetwork, (err) => setError(errorToSentence(err)));
  }, []);
  if (error)
    return (
      <main>
        <p className="tx error" role="alert">
          The dApp cannot start: {error}
        </p>
      </main>
    );
  if (!network)
    return (
      <main>
        <p>Connecting to the network…</p>
      </main>
    );
  return (
    <ChainProvider config={network.config} client={network.client} book={network.book}>
      <App />
    </ChainProvider>
  );
}

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element.");
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <Root />
    </QueryClientProvider>
  </StrictMode>,
);
